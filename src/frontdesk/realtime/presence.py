"""Which agents have a console open, counted per socket (an agent with two tabs is
connected until both close). Opening the console puts an agent online; closing the last
one puts them offline after a grace period (ws/gateway.py). Whether an agent takes chats
is their status in the database, which every node shares; this port only answers "is
this agent's console open anywhere?".

:class:`Presence` counts in memory (one node). :class:`RedisPresence` keeps each node's
counts in a Redis hash that expires unless the node keeps refreshing it, so a node that
dies stops counting within ``NODE_TTL_S``.
"""

from __future__ import annotations

import asyncio
import contextlib
import uuid
from collections import Counter

import redis.asyncio as aioredis


class Presence:
    def __init__(self) -> None:
        self._sockets: Counter[str] = Counter()

    async def start(self) -> None:
        """Nothing to connect to in memory."""

    async def close(self) -> None:
        """Nothing to release in memory."""

    async def connected(self, agent_id: str) -> bool:
        """True for the agent's first socket on this node."""
        self._sockets[agent_id] += 1
        return self._sockets[agent_id] == 1

    async def disconnected(self, agent_id: str) -> bool:
        """True when the agent's last socket on this node closed."""
        self._sockets[agent_id] -= 1
        if self._sockets[agent_id] <= 0:
            del self._sockets[agent_id]
            return True
        return False

    async def is_connected(self, agent_id: str) -> bool:
        """Anywhere (on this node, for the in-memory port)."""
        return agent_id in self._sockets


# A node refreshes its entry this often; an entry not refreshed for NODE_TTL_S belongs to
# a dead node. Thirty seconds matches the offline grace: a crashed node's agents go
# offline about when a closed browser's would.
REFRESH_S = 10
NODE_TTL_S = 30
NODES_KEY = "frontdesk:presence:nodes"


class RedisPresence(Presence):
    def __init__(self, url: str) -> None:
        super().__init__()
        self._redis: aioredis.Redis = aioredis.Redis.from_url(url, decode_responses=True)
        self.node_id = uuid.uuid4().hex
        self._key = f"frontdesk:presence:{self.node_id}"
        self._refresher: asyncio.Task[None] | None = None

    async def start(self) -> None:
        await self._refresh()
        self._refresher = asyncio.create_task(self._refresh_forever(), name="presence-refresh")

    async def close(self) -> None:
        if self._refresher is not None:
            self._refresher.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._refresher
        with contextlib.suppress(Exception):  # leaving cleanly is a courtesy; the TTL covers a crash
            await self._redis.delete(self._key)
            await self._redis.zrem(NODES_KEY, self.node_id)
        await self._redis.aclose()

    async def connected(self, agent_id: str) -> bool:
        first = await super().connected(agent_id)
        await self._redis.hset(self._key, agent_id, self._sockets[agent_id])
        await self._redis.expire(self._key, NODE_TTL_S)
        return first

    async def disconnected(self, agent_id: str) -> bool:
        last = await super().disconnected(agent_id)
        if last:
            await self._redis.hdel(self._key, agent_id)
        else:
            await self._redis.hset(self._key, agent_id, self._sockets[agent_id])
        return last

    async def is_connected(self, agent_id: str) -> bool:
        if await super().is_connected(agent_id):
            return True
        now = await self._now()
        for node in await self._redis.zrangebyscore(NODES_KEY, now - NODE_TTL_S, "+inf"):
            if await self._redis.hexists(f"frontdesk:presence:{node!s}", agent_id):
                return True
        return False

    async def _now(self) -> float:
        seconds, micros = await self._redis.time()
        return float(seconds) + micros / 1e6

    async def _refresh(self) -> None:
        await self._redis.zadd(NODES_KEY, {self.node_id: await self._now()})
        if self._sockets:
            await self._redis.hset(self._key, mapping={agent: str(count) for agent, count in self._sockets.items()})
        await self._redis.expire(self._key, NODE_TTL_S)

    async def _refresh_forever(self) -> None:
        while True:
            await asyncio.sleep(REFRESH_S)
            with contextlib.suppress(Exception):  # Redis is back soon or the TTL says we are gone
                await self._refresh()
