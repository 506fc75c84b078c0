"""The rate limiter port over its memory and Redis backends: one suite for both."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from frontdesk.ratelimits.limiter import RateLimited, RateLimiter, address_key, memory_limiter, redis_limiter
from frontdesk.ratelimits.rules import DEFAULTS, MESSAGES_VISITOR
from tests import services


@pytest.fixture(params=["memory", "redis"])
async def limiter(request: pytest.FixtureRequest) -> AsyncIterator[RateLimiter]:
    overrides = {"messages.visitor": "3/minute"}
    if request.param == "memory":
        yield memory_limiter(overrides)
    else:
        yield redis_limiter(services.require_redis(), overrides)


async def test_the_hit_past_the_limit_is_refused_with_when_to_retry(limiter: RateLimiter) -> None:
    key = uuid.uuid4().hex
    for _ in range(3):
        await limiter.hit(MESSAGES_VISITOR, key)
    with pytest.raises(RateLimited) as refused:
        await limiter.hit(MESSAGES_VISITOR, key)
    assert 1 <= refused.value.retry_after <= 60
    assert "at most 3 per 1 minute" in refused.value.message
    await limiter.hit(MESSAGES_VISITOR, uuid.uuid4().hex)  # another key has its own count


async def test_two_nodes_on_one_redis_share_the_count() -> None:
    url = services.require_redis()
    first, second = (redis_limiter(url, {"messages.visitor": "2/minute"}) for _ in range(2))
    key = uuid.uuid4().hex
    await first.hit(MESSAGES_VISITOR, key)
    await second.hit(MESSAGES_VISITOR, key)
    with pytest.raises(RateLimited):
        await first.hit(MESSAGES_VISITOR, key)


async def test_limits_can_be_turned_off_and_unknown_names_are_refused_at_start() -> None:
    off = memory_limiter({"messages.visitor": "1/minute"}, enabled=False)
    for _ in range(5):
        await off.hit(MESSAGES_VISITOR, "k")
    with pytest.raises(ValueError, match="unknown rate limit"):
        memory_limiter({"messages.vistor": "1/minute"})
    assert len({rule.name for rule in DEFAULTS}) == len(DEFAULTS)


def test_every_limit_is_documented_with_its_default() -> None:
    table = (Path(__file__).parent.parent / "docs" / "security.md").read_text()
    for rule in DEFAULTS:
        assert f"| `{rule.name}` | {rule.default} |" in table, f"docs/security.md lacks {rule.name} = {rule.default}"


def test_an_ipv6_subscriber_is_one_address_by_its_64() -> None:
    assert address_key("2001:db8:1:2:aaaa::1") == address_key("2001:db8:1:2:bbbb::9") == "2001:db8:1:2::/64"
    assert address_key("2001:db8:1:3::1") != address_key("2001:db8:1:2::1")
    assert address_key("::ffff:192.0.2.7") == address_key("192.0.2.7") == "192.0.2.7"
    assert address_key(None) is None
