"""The rate limiter port: ``hit`` a named rule for a key, or be told when to retry.

Counting is the ``limits`` library's (a moving window: exact, and a burst at a window's
edge cannot double the rate). The storage is its memory backend on one node or its
Redis backend when ``FRONTDESK_REDIS_URL`` is set, so every node counts the same hits.
"""

from __future__ import annotations

import ipaddress
import math
import time
from collections.abc import Mapping

from limits import RateLimitItem, parse
from limits.aio.storage import MemoryStorage, RedisStorage, Storage
from limits.aio.strategies import MovingWindowRateLimiter

from frontdesk.actors import VisitorActor
from frontdesk.errors import DomainError
from frontdesk.ratelimits.rules import DEFAULTS, Rule


class RateLimited(DomainError):
    """Too many of one thing too quickly: HTTP answers 429 with ``Retry-After``, a
    socket an error frame with ``retry_after``."""

    code = "rate_limited"

    def __init__(self, message: str, retry_after: int) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class RateLimiter:
    def __init__(self, storage: Storage, overrides: Mapping[str, str] | None = None, enabled: bool = True) -> None:
        self._storage = storage
        self._strategy = MovingWindowRateLimiter(storage)
        self._enabled = enabled
        self._items: dict[Rule, RateLimitItem] = {}
        self._overrides = dict(overrides or {})
        unknown = set(self._overrides) - {rule.name for rule in DEFAULTS}
        if unknown:
            raise ValueError(f"unknown rate limit(s) {sorted(unknown)}; known: {sorted(r.name for r in DEFAULTS)}")
        for text in self._overrides.values():
            parse(text)  # fail at start on a limit string the library cannot read

    @property
    def enabled(self) -> bool:
        return self._enabled

    def item(self, rule: Rule) -> RateLimitItem:
        if rule not in self._items:
            self._items[rule] = parse(self._overrides.get(rule.name, rule.default))
        return self._items[rule]

    async def hit(self, rule: Rule, key: str, cost: int = 1) -> None:
        """Count one more (or ``cost`` more) of ``rule`` for ``key``; raise
        ``RateLimited`` when that would pass the limit (and count nothing then)."""
        if not self._enabled:
            return
        item = self.item(rule)
        if await self._strategy.hit(item, rule.name, key, cost=cost):
            return
        stats = await self._strategy.get_window_stats(item, rule.name, key)
        retry_after = max(1, math.ceil(stats.reset_time - time.time()))
        raise RateLimited(f"too many {rule.what}: at most {item}; try again in {retry_after} s", retry_after)

    async def hit_visitor(self, actor: VisitorActor, *rules: Rule) -> None:
        """Count one of each rule for this visitor: per visitor by their contact, per
        address by the address they came from (none known: that rule is not counted)."""
        for rule in rules:
            key = address_key(actor.ip) if rule.per == "ip" else actor.contact_id
            if key is not None:
                await self.hit(rule, key)

    async def test(self, rule: Rule, key: str) -> bool:
        """Whether one more hit would pass, without counting it."""
        return not self._enabled or await self._strategy.test(self.item(rule), rule.name, key)

    async def clear(self, rule: Rule, key: str) -> None:
        await self._strategy.clear(self.item(rule), rule.name, key)


def address_key(ip: str | None) -> str | None:
    """What a per-address limit counts by: the IPv4 address, or an IPv6 address's /64
    (one subscriber gets a whole /64, and could otherwise take a fresh count per address)."""
    if ip is None:
        return None
    try:
        address = ipaddress.ip_address(ip)
    except ValueError:
        return ip  # not an address (a test client's name): counted as it is
    if address.version == 6 and address.ipv4_mapped is None:
        return str(ipaddress.ip_network(f"{ip}/64", strict=False))
    return str(address.ipv4_mapped or address) if address.version == 6 else str(address)


def memory_limiter(overrides: Mapping[str, str] | None = None, enabled: bool = True) -> RateLimiter:
    return RateLimiter(MemoryStorage(), overrides, enabled)


def redis_limiter(
    url: str, overrides: Mapping[str, str] | None = None, enabled: bool = True, namespace: str = ""
) -> RateLimiter:
    """``namespace``: this installation's, so that two sharing one Redis do not count each
    other's visitors from the same address."""
    # redis-py is already ours (the bus); the library's default Redis client is another one.
    scheme, rest = url.split("://", 1)
    storage = RedisStorage(f"async+{scheme}://{rest}", implementation="redispy", key_prefix=f"fd:rl:{namespace}")
    return RateLimiter(storage, overrides, enabled)
