"""One socket of a simulated client: it reads every frame as it comes, writes down each
``message.created`` (ledger.LinkLog), and answers those waiting for an ack or a pong."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable
from typing import Any

from websockets.asyncio.client import ClientConnection
from websockets.exceptions import ConnectionClosed

from tests.noloss.ledger import Delivery, Ledger, LinkLog

Frame = dict[str, Any]


class LinkLost(Exception):
    """The socket closed before the answer came."""


class Link:
    def __init__(
        self, ws: ClientConnection, log: LinkLog, ledger: Ledger, on_delivery: Callable[[Delivery], None]
    ) -> None:
        self.ws = ws
        self.log = log
        self.ledger = ledger
        self.welcome: Frame = {}
        self._on_delivery = on_delivery
        self._answers: dict[str, asyncio.Future[Frame]] = {}  # client_ref -> its ack or error
        self._pongs: dict[int, asyncio.Future[None]] = {}
        self._pings = 0
        self._synced: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._gone = False  # given up: a write failed, or the client dropped or closed it
        self._ours = False  # the client ended it (not the server or the network)
        self.reader = asyncio.create_task(self._read(), name=f"noloss-{log.peer}-{log.index}")

    @property
    def alive(self) -> bool:
        return not (self._gone or self.reader.done())

    def tracks(self, conversation_id: str) -> bool:
        return conversation_id in self.log.hello_cursors or conversation_id in self.log.resumes

    async def write(self, frame: Frame) -> None:
        try:
            await self.ws.send(json.dumps(frame))
        except ConnectionClosed:
            self._gone = True
            raise LinkLost from None

    async def synced(self, timeout: float) -> None:
        await asyncio.wait_for(asyncio.shield(self._synced), timeout)

    def expect(self, client_ref: str) -> asyncio.Future[Frame]:
        future: asyncio.Future[Frame] = asyncio.get_running_loop().create_future()
        if not self.alive:
            future.set_exception(LinkLost())
        self._answers[client_ref] = future
        return future

    def forget(self, client_ref: str) -> None:
        future = self._answers.pop(client_ref, None)
        if future is not None and future.done() and not future.cancelled():
            future.exception()  # retrieved: a lost link's answer is not an unhandled error

    async def resume(self, conversation_id: str, cursor: int) -> None:
        """Track a conversation from ``cursor`` on, and ping right after: the pong says the
        replay it asked for has been sent (ledger.LinkLog.answered)."""
        self._pings += 1
        self.log.resumes[conversation_id] = (cursor, self._pings)
        await self.write({"type": "resume", "cursors": {conversation_id: cursor}})
        await self.write({"type": "ping"})

    async def barrier(self, timeout: float) -> None:
        """Everything the server queued for this socket before now has arrived."""
        self._pings += 1
        future = self._pongs[self._pings] = asyncio.get_running_loop().create_future()
        await self.write({"type": "ping"})
        await asyncio.wait_for(future, timeout)

    def drop(self) -> None:
        """Gone without a closing handshake, as when a phone loses its network."""
        self._gone = self._ours = True
        self.ws.transport.abort()

    async def close(self) -> None:
        self._gone = self._ours = True
        await self.ws.close()
        await asyncio.gather(self.reader, return_exceptions=True)

    async def _read(self) -> None:
        try:
            async for raw in self.ws:
                self._on(json.loads(raw))
        except (ConnectionClosed, OSError):
            pass
        finally:
            if not self._ours:
                self.ledger.events[f"sockets closed by the server or the network (code {self.ws.close_code})"] += 1
            waiting: list[asyncio.Future[Any]] = [*self._answers.values(), *self._pongs.values(), self._synced]
            for future in waiting:
                if not future.done():
                    future.set_exception(LinkLost())
                    future.exception()  # nobody may be waiting for it

    def _on(self, frame: Frame) -> None:
        kind = frame.get("type")
        if kind == "event" and frame.get("event") == "message.created":
            m = frame["data"]["message"]
            delivery = Delivery(m["conversation_id"], m["seq"], m["id"], bool(m["private"]))
            self.log.deliveries.append(delivery)
            self._on_delivery(delivery)
        elif kind in ("ack", "error") and frame.get("client_ref") in self._answers:
            future = self._answers[frame["client_ref"]]
            if not future.done():
                future.set_result(frame)
        elif kind == "error":
            self.ledger.events[f"error frames not about a send ({frame.get('code')})"] += 1
        elif kind == "synced":
            self.log.synced = True
            if not self._synced.done():
                self._synced.set_result(None)
        elif kind == "pong":
            self.log.pongs += 1
            waiter = self._pongs.pop(self.log.pongs, None)
            if waiter is not None and not waiter.done():
                waiter.set_result(None)
        elif kind == "welcome":
            self.welcome = frame
