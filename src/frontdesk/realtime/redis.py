"""Redis pub/sub bus: many nodes share one Redis.

Each node holds one connection that subscribes to a Redis channel per topic with at least
one local handler (reference counted by :class:`Bus`), so Redis fans out only to nodes
that care, and one connection it publishes on (``resp.py`` speaks to Redis directly).

A node hands its own publications to its local handlers at once, as the in-memory bus
does, and drops their copies when Redis echoes them back (each publication starts with
the node's tag): an action's events reach the node's own sockets without a round trip,
and a node decodes only what other nodes published. Publishing returns without waiting
for Redis. Delivery is at most once either way (bus.py): a publication lost with the
connection is read from the database by the clients that missed it (the next event's
gap, or their resume).
"""

from __future__ import annotations

import asyncio
import logging
import os
from collections import deque
from collections.abc import Sequence
from typing import Any

import hiredis

from frontdesk.realtime.bus import Bus, BusMessage
from frontdesk.realtime.resp import RespConnection

log = logging.getLogger(__name__)

PREFIX = "frontdesk:"
_PREFIX = PREFIX.encode()

# After losing Redis, wait this long between reconnection attempts: quick enough that a
# Redis restart costs seconds of live updates (clients then resume from the database).
RECONNECT_DELAY_S = 0.5
# PUBLISH commands written together; the next ones go once Redis has answered these.
PUBLISH_BATCH = 1_000
# Publications waiting while Redis cannot be reached: past this many, the oldest are
# dropped (their clients catch up from the database), so an outage cannot fill memory.
MAX_OUTBOX = 100_000
# On close, how long what was published may take to leave.
CLOSE_FLUSH_S = 2.0


class RedisBus(Bus):
    def __init__(self, url: str) -> None:
        super().__init__()
        self._url = url
        self._tag = b"@" + os.urandom(8).hex().encode()  # this node's publications
        self._outbox: deque[tuple[bytes, bytes]] = deque()  # (channel, data), in publishing order
        self._news = asyncio.Event()  # set when the outbox gets something
        self._drained = asyncio.Event()  # set when everything published so far has left
        self._drained.set()
        self._subscriber: RespConnection | None = None  # while connected
        # One per SUBSCRIBE/UNSUBSCRIBE'd channel not yet confirmed, in the order sent:
        # Redis confirms them in that order.
        self._confirmations: deque[asyncio.Future[None]] = deque()
        self._tasks: list[asyncio.Task[None]] = []

    async def start(self) -> None:
        """Both connections are made here: a node whose Redis cannot be reached does not
        start."""
        publisher = await self._connect()
        subscriber = await self._connect()
        self._tasks = [
            asyncio.create_task(self._publish_loop(publisher), name="redis-bus-publisher"),
            asyncio.create_task(self._subscribe_loop(subscriber), name="redis-bus-subscriber"),
        ]

    async def _connect(self) -> RespConnection:
        # Named, so CLIENT LIST shows which node a connection belongs to.
        return await RespConnection.open(self._url, name="frontdesk-bus-" + self._tag[1:].decode())

    async def close(self) -> None:
        if self._tasks and not self._tasks[0].done():  # what was published leaves first
            try:
                await asyncio.wait_for(self._drained.wait(), CLOSE_FLUSH_S)
            except TimeoutError:
                log.warning("redis bus closing with %d publications not sent", len(self._outbox))
        for task in self._tasks:
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)

    def post(self, items: Sequence[tuple[str, BusMessage]]) -> None:
        """Local handlers first, then to Redis in order, in one write with whatever
        else was published meanwhile. A message for several topics is encoded once."""
        if not items:
            return
        encoded: dict[int, bytes] = {}
        for topic, message in items:
            self._deliver(topic, message)
            data = encoded.get(id(message))
            if data is None:
                data = encoded[id(message)] = self._tag + message.encode()
            self._outbox.append((_PREFIX + topic.encode(), data))
        if len(self._outbox) > MAX_OUTBOX:
            dropped = len(self._outbox) - MAX_OUTBOX
            for _ in range(dropped):
                self._outbox.popleft()
            log.warning("redis bus: Redis is not taking publications; dropped the %d oldest", dropped)
        self._drained.clear()
        self._news.set()

    async def _publish_loop(self, conn: RespConnection | None) -> None:
        while True:
            await self._news.wait()
            self._news.clear()
            while self._outbox:
                batch = [self._outbox.popleft() for _ in range(min(len(self._outbox), PUBLISH_BATCH))]
                try:
                    if conn is None:
                        conn = await self._connect()
                    conn.send(*((b"PUBLISH", channel, data) for channel, data in batch))
                    answered = 0
                    while answered < len(batch):
                        answered += len(await conn.replies())
                except Exception as exc:  # RedisError, OSError, hiredis.ProtocolError
                    log.warning("redis bus: %d publications lost (%s); reconnecting", len(batch), exc)
                    if conn is not None:
                        conn.close()
                    conn = None
                    await asyncio.sleep(RECONNECT_DELAY_S)
            self._drained.set()

    async def _subscribe_loop(self, conn: RespConnection | None) -> None:
        while True:
            try:
                if conn is None:
                    conn = await self._connect()
                # No await from here to the SUBSCRIBE: a topic added meanwhile is in it.
                self._subscriber = conn
                channels = [_PREFIX + topic.encode() for topic in self._handlers]
                if channels:
                    self._send(b"SUBSCRIBE", channels)
                while True:
                    for reply in await conn.replies():
                        self._on_reply(reply)
            except Exception as exc:  # RedisError, OSError, hiredis.ProtocolError
                log.warning("redis bus: lost the subscribing connection (%s); reconnecting", exc)
            finally:
                self._subscriber = None
                if conn is not None:
                    conn.close()
                conn = None
                while self._confirmations:  # the next connection subscribes anew
                    _resolve(self._confirmations.popleft())
            await asyncio.sleep(RECONNECT_DELAY_S)

    def _on_reply(self, reply: Any) -> None:
        if isinstance(reply, list) and len(reply) == 3:
            kind, channel, data = reply
            if kind == b"message":
                if data[: len(self._tag)] == self._tag:
                    return  # this node's own: its handlers had it when it was published
                if data[:1] == b"@":  # (a node before tags published bare JSON)
                    data = data[len(self._tag) :]
                try:
                    self._deliver(channel[len(_PREFIX) :].decode(), BusMessage.decode(data))
                except Exception:  # one bad message or handler must not stop the others
                    log.exception("redis bus: could not deliver a message on %r", channel)
                return
            if kind in (b"subscribe", b"unsubscribe"):
                if self._confirmations:
                    _resolve(self._confirmations.popleft())
                return
        if isinstance(reply, hiredis.ReplyError):
            log.warning("redis bus: Redis answered %s", reply)

    def _send(self, command: bytes, channels: list[bytes]) -> None:
        assert self._subscriber is not None
        self._subscriber.send((command, *channels))
        loop = asyncio.get_running_loop()
        self._confirmations.extend(loop.create_future() for _ in channels)

    def _topic_added(self, topic: str) -> None:
        if self._subscriber is not None:  # otherwise the reconnection subscribes it
            self._send(b"SUBSCRIBE", [_PREFIX + topic.encode()])

    def _topic_removed(self, topic: str) -> None:
        if self._subscriber is not None:
            self._send(b"UNSUBSCRIBE", [_PREFIX + topic.encode()])

    async def ready(self) -> None:
        """Every (un)subscription made so far is confirmed, or the connection was lost
        (then the reconnection subscribes every topic)."""
        if self._confirmations:
            await self._confirmations[-1]  # Redis confirms in order


def _resolve(future: asyncio.Future[None]) -> None:
    if not future.done():
        future.set_result(None)
