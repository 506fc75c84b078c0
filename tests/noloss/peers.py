"""The simulated clients, each doing what docs/protocol.md asks of a real one: a visitor
(the widget) and an agent (the console).

Both keep the seqs they hold per conversation across sockets (a repeat after a
reconnect is dropped by seq, as the protocol says a client does), keep an unacknowledged
send and send it again with the same ``client_ref`` on the next socket, and reconnect
with backoff to whichever node the load balancer gives them."""

from __future__ import annotations

import asyncio
import contextlib
import random
import secrets
import time
from dataclasses import dataclass, field
from typing import Any, ClassVar

from websockets.asyncio.client import connect
from websockets.exceptions import InvalidHandshake

from tests.noloss.cluster import Cluster
from tests.noloss.ledger import Delivery, Ledger, LinkLog
from tests.noloss.link import Frame, Link, LinkLost
from tests.server import Server

# A send unanswered this long on an open socket: the client treats the socket as dead,
# as the protocol's client does with a ping unanswered for 10 s.
ACK_TIMEOUT_S = 10
# From hello to synced: a replay of a busy visitor's history on a node that has just
# started, on a 2-core host shared with other tests.
SYNC_TIMEOUT_S = 15
# Reconnect backoff, after a first try at once (a blip: the browser says it is online
# again): the real client's 0.5 s doubling to 15 s, shrunk so that a run of a minute goes
# through several node restarts. A try at once also opens a socket while what the last
# one sent is still being stored and published: the moment a socket opening must count
# from its hello's cursors (issue 24).
BACKOFF_FIRST_S = 0.05
BACKOFF_MAX_S = 1.0
# After writing a send it drops, a client waits up to this long first: the frame then
# sometimes reaches the server whole and is stored (the retry is answered duplicate) and
# sometimes not, so both sides of a lost ack get exercised.
DROP_AFTER_S = 0.005


def client_ref() -> str:
    """Time-ordered, as the protocol asks (UUIDv7-like: milliseconds first)."""
    return f"{time.time_ns() // 1_000_000:012x}-{secrets.token_hex(10)}"


@dataclass
class Crowd:
    """What the peers share: the run's ledger, the cluster, and the rates of faults."""

    cluster: Cluster
    ledger: Ledger
    rng: random.Random
    drop_mid_send: float
    hot: list[str] = field(default_factory=list)  # conversations agents answer most


class Peer:
    kind: ClassVar[str]

    def __init__(self, name: str, crowd: Crowd) -> None:
        self.name = name
        self.crowd = crowd
        self.log = crowd.ledger.peer(name, self.kind)
        self.held: dict[str, set[int]] = {}  # conversation -> the seqs this client holds
        self.link: Link | None = None

    # What differs between a visitor and an agent ---------------------------------------
    def url(self, node: Server) -> str:
        raise NotImplementedError

    def headers(self, node: Server) -> dict[str, str]:
        return {}

    def hello(self, final: bool) -> Frame:
        raise NotImplementedError

    def cursors(self, final: bool) -> dict[str, int]:
        raise NotImplementedError

    def linked(self, link: Link) -> None:
        """A socket is synced."""

    async def run(self, stop: asyncio.Event) -> None:
        """Write until ``stop``."""
        raise NotImplementedError

    # Sockets ------------------------------------------------------------------------
    def _held(self, delivery: Delivery) -> None:
        self.held.setdefault(delivery.conversation_id, set()).add(delivery.seq)

    async def connected(self) -> Link:
        if self.link is None or not self.link.alive:
            self.link = await self._connect(final=False)
        return self.link

    async def _connect(self, final: bool) -> Link:
        """A synced socket on a node that is up, after as many tries as it takes."""
        ledger = self.crowd.ledger
        delay = BACKOFF_FIRST_S
        while True:
            node_name, node = self.crowd.cluster.pick()
            cursors = self.cursors(final)
            try:
                ws = await connect(
                    self.url(node), additional_headers=self.headers(node), open_timeout=5, compression=None, proxy=None
                )
            except (OSError, InvalidHandshake, TimeoutError):
                ledger.events["connection attempts refused (node down)"] += 1
            else:
                log = LinkLog(self.name, len(self.log.links), node_name, dict(cursors))
                self.log.links.append(log)
                link = Link(ws, log, ledger, self._held)
                try:
                    await link.write({"type": "hello", "protocol": 1, **self.hello(final), "cursors": cursors})
                    await link.synced(SYNC_TIMEOUT_S)
                    self.linked(link)
                    ledger.events["sockets opened (hello to synced)"] += 1
                    return link
                except (LinkLost, TimeoutError):
                    ledger.events["sockets lost before synced"] += 1
                    link.drop()
            await asyncio.sleep(delay * (0.5 + self.crowd.rng.random()))
            delay = min(delay * 2, BACKOFF_MAX_S)

    async def send(self, frame: Frame) -> dict[str, Any] | None:
        """Sends until answered, on as many sockets as it takes, with one ``client_ref``:
        the stored message, or None when refused for good."""
        ref = frame["client_ref"]
        ledger = self.crowd.ledger
        ledger.sent[ref] = self.name
        while True:
            link = await self.connected()
            answer = link.expect(ref)
            ledger.in_flight += 1
            try:
                await link.write(frame)
                if self.crowd.rng.random() < self.crowd.drop_mid_send:
                    await asyncio.sleep(self.crowd.rng.uniform(0, DROP_AFTER_S))
                    link.drop()
                    ledger.events["fault: socket dropped mid-send"] += 1
                    continue
                reply = await asyncio.wait_for(answer, ACK_TIMEOUT_S)
            except LinkLost:
                await asyncio.sleep(0)  # the reader notes how it closed
                continue
            except TimeoutError:
                ledger.events[f"sends unanswered for {ACK_TIMEOUT_S} s (socket given up)"] += 1
                link.drop()
                continue
            finally:
                ledger.in_flight -= 1
                link.forget(ref)
            if reply["type"] == "ack":
                ledger.acked[ref] = reply["message"]["id"]
                if reply.get("duplicate"):
                    ledger.events["acks of a retried send already stored (duplicate: true)"] += 1
                return dict(reply["message"])
            if reply.get("code") == "internal":  # the protocol: nothing was stored, send again
                ledger.events["sends answered 'internal' and sent again"] += 1
                await asyncio.sleep(0.1)
                continue
            ledger.refused[ref] = str(reply.get("code"))
            return None

    async def settle(self, timeout: float) -> None:
        """What the server queued for this client so far has arrived."""
        for _ in range(3):
            link = await self.connected()
            try:
                await link.barrier(timeout)
                return
            except (LinkLost, TimeoutError):
                link.drop()
        raise AssertionError(f"{self.name}: no pong on three sockets in a row")

    async def reconnect_finally(self) -> None:
        """The last reconnect: every client with its cursors (an agent: of every chat)."""
        if self.link is not None:
            await self.link.close()
        self.link = await self._connect(final=True)

    async def close(self) -> None:
        if self.link is not None:
            await self.link.close()


class Visitor(Peer):
    kind = "visitor"

    def __init__(self, name: str, crowd: Crowd, token: str, pause: tuple[float, float]) -> None:
        super().__init__(name, crowd)
        self.token = token
        self.pause = pause
        self.conversation_id: str | None = None
        self.started = asyncio.Event()  # set once the first message has started a conversation

    def url(self, node: Server) -> str:
        return node.ws_url + "/ws/visitor"

    def hello(self, final: bool) -> Frame:
        return {"token": self.token}

    def cursors(self, final: bool) -> dict[str, int]:
        """The highest seq held: all a visitor can know, as private notes leave gaps."""
        return {conversation: max(seqs) for conversation, seqs in self.held.items() if seqs}

    def linked(self, link: Link) -> None:
        self.log.contact_id = link.welcome["session"]["id"]

    async def run(self, stop: asyncio.Event) -> None:
        n = 0
        while not stop.is_set():
            await asyncio.sleep(self.crowd.rng.uniform(*self.pause))
            frame: Frame = {"type": "send", "client_ref": client_ref(), "body": f"{self.name} says {n}"}
            if self.conversation_id:
                frame["conversation_id"] = self.conversation_id
            message = await self.send(frame)
            if message is not None:
                self.conversation_id = message["conversation_id"]
                self.started.set()
            n += 1


class Agent(Peer):
    """A console: the inbox's news of every chat, and one chat open at a time, which it
    tracks (its cursor in ``hello``, or a ``resume`` when it opens another)."""

    kind = "agent"
    PRIVATE_SHARE = 0.15  # of an agent's messages, private notes (no visitor may get one)
    HOT_SHARE = 0.5  # of an agent's replies, into the crowd's few hot chats

    def __init__(self, name: str, crowd: Crowd, email: str, cookie: str, pause: tuple[float, float]) -> None:
        super().__init__(name, crowd)
        self.log.agent_email = email
        self.cookie = cookie
        self.pause = pause
        self.open_chat: str | None = None
        self.every_chat: list[str] = []  # the inbox's list, for the final reconnect

    def url(self, node: Server) -> str:
        return node.ws_url + "/ws/agent"

    def headers(self, node: Server) -> dict[str, str]:
        return {"Cookie": f"frontdesk_session={self.cookie}", "Origin": node.url}

    def hello(self, final: bool) -> Frame:
        return {}

    def held_to(self, conversation_id: str) -> int:
        """The seq up to which this client holds the chat without a gap: the cursor the
        protocol asks an agent to send (it sees every seq, private notes too)."""
        seqs = self.held.get(conversation_id, set())
        k = 0
        while k + 1 in seqs:
            k += 1
        return k

    def cursors(self, final: bool) -> dict[str, int]:
        chats = self.every_chat if final else [self.open_chat] if self.open_chat else []
        return {chat: self.held_to(chat) for chat in chats}

    def _choose(self) -> str | None:
        rng = self.crowd.rng
        if self.crowd.hot and rng.random() < self.HOT_SHARE:
            return rng.choice(self.crowd.hot)
        known = sorted(self.held)
        return rng.choice(known) if known else None

    async def run(self, stop: asyncio.Event) -> None:
        n = 0
        while not stop.is_set():
            await asyncio.sleep(self.crowd.rng.uniform(*self.pause))
            chat = self._choose()
            if chat is None:
                continue
            await self._open(chat)
            private = self.crowd.rng.random() < self.PRIVATE_SHARE
            body = f"{self.name} {'notes' if private else 'says'} {n}"
            await self.send(
                {"type": "send", "client_ref": client_ref(), "body": body, "conversation_id": chat, "private": private}
            )
            n += 1

    async def _open(self, chat: str) -> None:
        """The console opens a chat: from the seq it holds without a gap, the server
        sends what it lacks (history below its first news of it too)."""
        self.open_chat = chat
        link = await self.connected()
        if not link.tracks(chat):
            with contextlib.suppress(LinkLost):  # then the next socket's hello carries its cursor
                await link.resume(chat, self.held_to(chat))
            self.crowd.ledger.events["resumes (an agent opens a chat)"] += 1
