"""Redis pub/sub bus: many nodes share one Redis.

Each node holds ONE pub/sub connection and subscribes to a Redis channel per topic that
has at least one local handler (reference counted by :class:`Bus`), so Redis fans out
only to nodes that care. Publishing uses an ordinary connection.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence
from typing import Any

import redis.asyncio as aioredis

from frontdesk.realtime.bus import Bus, BusMessage

log = logging.getLogger(__name__)

PREFIX = "frontdesk:"

# After losing Redis, wait this long between reconnection attempts: quick enough that a
# Redis restart costs seconds of live updates (clients then resume from the database).
RECONNECT_DELAY_S = 0.5


class RedisBus(Bus):
    def __init__(self, url: str) -> None:
        super().__init__()
        self._url = url
        self._redis: aioredis.Redis = aioredis.Redis.from_url(url)
        self._pubsub: Any = None
        self._reader: asyncio.Task[None] | None = None
        self._pending: set[asyncio.Task[Any]] = set()
        # Publications waiting for the sender, in order: (channel, data, the publisher's future).
        self._outbox: list[tuple[str, bytes, asyncio.Future[None]]] = []
        self._sender: asyncio.Task[None] | None = None

    async def start(self) -> None:
        await self._redis.ping()
        self._pubsub = self._redis.pubsub(ignore_subscribe_messages=True)
        # A pub/sub connection must subscribe to something before it can be read.
        await self._pubsub.subscribe(PREFIX + "_")
        self._reader = asyncio.create_task(self._read_loop(), name="redis-bus-reader")

    async def close(self) -> None:
        if self._sender is not None:  # what was published is sent before the connection goes
            await asyncio.gather(self._sender, return_exceptions=True)
        if self._reader is not None:
            self._reader.cancel()
            await asyncio.gather(self._reader, return_exceptions=True)
        if self._pubsub is not None:
            await self._pubsub.aclose()
        await self._redis.aclose()

    async def publish(self, topic: str, message: BusMessage) -> None:
        await self.publish_all(((topic, message),))

    async def publish_all(self, items: Sequence[tuple[str, BusMessage]]) -> None:
        """Returns once Redis has taken the messages. What is published meanwhile goes
        in one pipeline: a PUBLISH each, one after the other, cost a round trip and a pool
        checkout apiece (two per chat message), about a tenth of a node's CPU under load.
        One sender keeps the publications in the order they were made. A message for
        several topics is encoded once."""
        if not items:
            return
        future = asyncio.get_running_loop().create_future()  # one for all: they go in one pipeline
        encoded: dict[int, bytes] = {}
        for topic, message in items:
            if id(message) not in encoded:
                encoded[id(message)] = message.encode()
            self._outbox.append((PREFIX + topic, encoded[id(message)], future))
        if self._sender is None or self._sender.done():
            self._sender = asyncio.create_task(self._send_outbox(), name="redis-bus-sender")
        await future

    async def _send_outbox(self) -> None:
        while self._outbox:
            batch, self._outbox = self._outbox, []
            try:
                async with self._redis.pipeline(transaction=False) as pipe:
                    for channel, data, _ in batch:
                        pipe.publish(channel, data)
                    await pipe.execute()
            except Exception as exc:  # each publisher hears of it, as a lone PUBLISH would fail
                for *_, future in batch:
                    if not future.done():
                        future.set_exception(exc)
            else:
                for *_, future in batch:
                    if not future.done():
                        future.set_result(None)

    def _topic_added(self, topic: str) -> None:
        self._spawn(self._pubsub.subscribe(PREFIX + topic))

    def _topic_removed(self, topic: str) -> None:
        self._spawn(self._pubsub.unsubscribe(PREFIX + topic))

    async def ready(self) -> None:
        while self._pending:
            await asyncio.gather(*tuple(self._pending), return_exceptions=True)

    def _spawn(self, coro: Any) -> None:
        task = asyncio.ensure_future(coro)
        self._pending.add(task)
        task.add_done_callback(self._pending.discard)

    async def _read_loop(self) -> None:
        while True:
            try:
                msg = await self._pubsub.get_message(timeout=None)
            except asyncio.CancelledError:
                raise
            except Exception:
                log.exception("redis bus connection lost; reconnecting")
                await asyncio.sleep(RECONNECT_DELAY_S)
                continue
            if msg is None or msg.get("type") != "message":
                continue
            topic = msg["channel"].decode()[len(PREFIX) :]
            self._deliver(topic, BusMessage.decode(msg["data"]))
