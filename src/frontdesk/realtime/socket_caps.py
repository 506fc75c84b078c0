"""How many long-lived connections (sockets and event streams) one IP address or one
visitor holds open, capped. A socket costs memory for as long as it stays open (about
28 KB, docs/benchmarks.md) and a subscription on the bus; without a cap one client can
open thousands and hold them.

:class:`SocketCaps` counts in memory (one node). :class:`RedisSocketCaps` counts across
nodes: each key is a Redis hash of node -> open sockets, and only the nodes that keep
refreshing their entry in ``NODES_KEY`` count, so a node that dies stops counting within
``NODE_TTL_S`` (the pattern of realtime/presence.py).
"""

from __future__ import annotations

import asyncio
import contextlib
import uuid
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

import redis.asyncio as aioredis


@dataclass(frozen=True)
class Cap:
    """At most ``limit`` open at once for ``key`` (``ip:...``, ``visitor:...``); 0: no cap."""

    key: str
    limit: int


class SocketCaps:
    def __init__(self) -> None:
        self._open: Counter[str] = Counter()

    async def start(self) -> None:
        """Nothing to connect to in memory."""

    async def close(self) -> None:
        """Nothing to release in memory."""

    async def acquire(self, caps: Sequence[Cap]) -> Cap | None:
        """Count one more connection under every key, or none when one is at its limit:
        returns that cap then (the connection is refused), else None."""
        for cap in caps:
            if cap.limit and self._open[cap.key] >= cap.limit:
                return cap
        for cap in caps:
            self._open[cap.key] += 1
        return None

    async def release(self, caps: Sequence[Cap]) -> None:
        """A connection counted by ``acquire`` closed."""
        for cap in caps:
            self._open[cap.key] -= 1
            if self._open[cap.key] <= 0:
                del self._open[cap.key]


# A node refreshes its liveness this often; a node silent for NODE_TTL_S is dead, and its
# counts no longer hold anyone back. As in presence.py: 30 s, about when a dead node's
# clients have reconnected elsewhere.
REFRESH_S = 10
NODE_TTL_S = 30
# A key's hash outlives its last change by this long, then goes (garbage only: whose
# counts matter is decided by NODES_KEY). A socket open longer without the key changing
# is no longer counted: the cap errs on the side of letting people in.
KEY_TTL_S = 86_400
NODES_KEY = "frontdesk:sockets:nodes"
PREFIX = "frontdesk:sockets:"

# All keys checked and counted at once, atomically: two nodes cannot both take the last
# place. KEYS: the nodes zset, then one hash per cap; ARGV: this node, the TTLs, then
# each cap's limit. Counts of nodes not alive are dropped on the way.
ACQUIRE = """
local now = tonumber(redis.call('TIME')[1])
local alive_after = now - tonumber(ARGV[2])
for i = 2, #KEYS do
  local limit = tonumber(ARGV[i + 2])
  if limit > 0 then
    local total = 0
    local counts = redis.call('HGETALL', KEYS[i])
    for j = 1, #counts, 2 do
      local node = counts[j]
      local seen = redis.call('ZSCORE', KEYS[1], node)
      if node == ARGV[1] or (seen and tonumber(seen) >= alive_after) then
        total = total + tonumber(counts[j + 1])
      else
        redis.call('HDEL', KEYS[i], node)
      end
    end
    if total >= limit then
      return i - 1
    end
  end
end
for i = 2, #KEYS do
  redis.call('HINCRBY', KEYS[i], ARGV[1], 1)
  redis.call('EXPIRE', KEYS[i], tonumber(ARGV[3]))
end
return 0
"""
RELEASE = """
for i = 1, #KEYS do
  if redis.call('HINCRBY', KEYS[i], ARGV[1], -1) <= 0 then
    redis.call('HDEL', KEYS[i], ARGV[1])
  end
end
"""


# Sockets open and close in bursts: a node that restarts takes its visitors back within
# seconds. redis-py's default pool opens at most 100 connections and refuses the 101st
# concurrent call outright (MaxConnectionsError): in a reconnect storm of 10,000
# visitors, 32-102 of them failed their hello that way, and a refused release left its
# count behind. These calls wait for one of a few connections instead; each is one short
# script, so a few connections carry thousands a second.
REDIS_CONNECTIONS = 16
REDIS_WAIT_S = 30


class RedisSocketCaps(SocketCaps):
    def __init__(self, url: str) -> None:
        super().__init__()
        pool = aioredis.BlockingConnectionPool.from_url(
            url, max_connections=REDIS_CONNECTIONS, timeout=REDIS_WAIT_S, decode_responses=True
        )
        self._redis: aioredis.Redis = aioredis.Redis(connection_pool=pool)
        self.node_id = uuid.uuid4().hex
        self._acquire = self._redis.register_script(ACQUIRE)
        self._release = self._redis.register_script(RELEASE)
        self._refresher: asyncio.Task[None] | None = None

    async def start(self) -> None:
        await self._refresh()
        self._refresher = asyncio.create_task(self._refresh_forever(), name="socket-caps-refresh")

    async def close(self) -> None:
        if self._refresher is not None:
            self._refresher.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._refresher
        with contextlib.suppress(Exception):  # leaving cleanly is a courtesy; the TTL covers a crash
            await self._redis.zrem(NODES_KEY, self.node_id)
        await self._redis.aclose(close_connection_pool=True)

    async def acquire(self, caps: Sequence[Cap]) -> Cap | None:
        if not caps:
            return None
        keys = [NODES_KEY, *(PREFIX + cap.key for cap in caps)]
        args: list[str | int] = [self.node_id, NODE_TTL_S, KEY_TTL_S, *(cap.limit for cap in caps)]
        refused = int(await self._acquire(keys=keys, args=args))
        return caps[refused - 1] if refused else None

    async def release(self, caps: Sequence[Cap]) -> None:
        if caps:
            await self._release(keys=[PREFIX + cap.key for cap in caps], args=[self.node_id])

    async def _refresh(self) -> None:
        seconds, _micros = await self._redis.time()
        await self._redis.zadd(NODES_KEY, {self.node_id: seconds})
        await self._redis.zremrangebyscore(NODES_KEY, "-inf", seconds - 10 * NODE_TTL_S)  # long dead

    async def _refresh_forever(self) -> None:
        while True:
            await asyncio.sleep(REFRESH_S)
            with contextlib.suppress(Exception):  # Redis is back soon, or our counts lapse
                await self._refresh()


def caps_for(ip: str | None, contact_id: str | None, *, per_ip: int, per_visitor: int) -> list[Cap]:
    """The caps a connection counts against: its address's and, for a visitor, the
    visitor's (every token of one visitor names the same contact). None when off."""
    caps = []
    if per_ip and ip:
        caps.append(Cap(f"ip:{ip}", per_ip))
    if per_visitor and contact_id:
        caps.append(Cap(f"visitor:{contact_id}", per_visitor))
    return caps
