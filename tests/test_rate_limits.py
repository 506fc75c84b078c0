"""The rate limiter port over its memory and Redis backends: one suite for both."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator

import pytest

from frontdesk.ratelimits.limiter import RateLimited, RateLimiter, memory_limiter, redis_limiter
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
