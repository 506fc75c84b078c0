"""The reconnect storm's clients, in the load generator's processes (loadgen.py).

Visitors hold their chat (its history replayed on a first ``hello``), the node under
them is SIGKILLed and started again, and each reconnects as the widget does
(frontend/shared/client.ts): on the close, retry *n* after a random wait in
[0, min(8 s, 0.5 s x 2^n)) (full jitter, frontend/shared/backoff.ts), a ``hello`` with
the cursors it holds, until ``synced``. Each records when it tried and when it was
synced again, what was replayed to it and every agent message it received, so the bench
can say how long the storm took and whether anything was lost or sent twice.

The agent (the console) reconnects the same way and, once the node answers again,
writes one message into each of a sample of the chats: some reach a visitor live, some
are stored while their visitor is still away and must come back in its replay.
"""

from __future__ import annotations

import asyncio
import random
import time
from dataclasses import dataclass, field
from typing import Any

import orjson
from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed, InvalidHandshake

from benchmarks import client
from benchmarks.client import Target

# As the widget and the console (frontend/shared/backoff.ts).
BACKOFF_FIRST_S = 0.5
BACKOFF_MAX_S = 8.0
# The widget gives a connection all the time it takes until ``synced`` (its heartbeat
# starts with ``welcome``); a browser's connect, as long as TCP retries it. The bench
# waits this long, then counts the attempt as failed and backs off. Much shorter, and a
# slow server meets the same visitor again and again: with 30 s, the code before issue
# 24 resynced 22 of 10,000 visitors in 8 minutes, each abandoned try still costing it.
ATTEMPT_TIMEOUT_S = 300
AGENT_IN_FLIGHT = 20  # sends the agent has written and not yet seen acked


def backoff_s(attempt: int) -> float:
    return random.random() * min(BACKOFF_MAX_S, BACKOFF_FIRST_S * 2**attempt)  # noqa: S311 - jitter, not security


@dataclass
class StormVisitor:
    """One widget: its cursors, and what happened to it around the restart."""

    token: str
    cursors: dict[str, int] = field(default_factory=dict)
    seen: set[tuple[str, int]] = field(default_factory=set)
    dropped_at: float | None = None
    tries: list[float] = field(default_factory=list)  # when each reconnect began
    synced_at: float | None = None  # after the drop
    replayed: int = 0  # events between the hello after the drop and its synced
    twice: int = 0  # an event of a seq this visitor already held
    agent_refs: dict[str, float] = field(default_factory=dict)  # the agent's messages it got
    resynced: asyncio.Event = field(default_factory=asyncio.Event)

    def take(self, frame: dict[str, Any], replaying: bool) -> None:
        conversation_id, seq = frame.get("conversation_id"), frame.get("seq")
        if frame.get("type") != "event" or not conversation_id or not seq:
            return
        if (conversation_id, seq) in self.seen:
            self.twice += 1
            return
        self.seen.add((conversation_id, seq))
        self.cursors[conversation_id] = max(self.cursors.get(conversation_id, 0), seq)
        self.replayed += replaying and self.dropped_at is not None
        message = frame.get("data", {}).get("message", {})
        if message.get("author", {}).get("type") == "agent" and message.get("client_ref"):
            self.agent_refs[message["client_ref"]] = time.monotonic()

    def report(self) -> dict[str, Any]:
        return {
            "chats": list(self.cursors),
            "dropped_at": self.dropped_at,
            "tries": self.tries,
            "synced_at": self.synced_at,
            "replayed": self.replayed,
            "twice": self.twice,
        }


async def hello(url: str, visitor: StormVisitor, headers: dict[str, str] | None = None) -> ClientConnection:
    """Connect, say hello with the cursors held, take what is replayed until ``synced``."""
    ws = await connect(url, additional_headers=headers, proxy=None, ping_interval=None, open_timeout=ATTEMPT_TIMEOUT_S)
    try:
        first: dict[str, object] = {"type": "hello", "protocol": 1, "cursors": dict(visitor.cursors)}
        if visitor.token:
            first["token"] = visitor.token
        await ws.send(orjson.dumps(first).decode())
        async with asyncio.timeout(ATTEMPT_TIMEOUT_S):
            while (frame := orjson.loads(await ws.recv())).get("type") != "synced":
                if frame.get("type") == "error":
                    raise RuntimeError(f"{frame.get('code')}: {frame.get('message')}")
                visitor.take(frame, replaying=True)
    except BaseException:
        await ws.close()
        raise
    return ws


async def hold(url: str, visitor: StormVisitor, ws: ClientConnection, stop: asyncio.Event) -> None:
    """Read live events; on a drop, reconnect with backoff until synced, and read on."""
    while not stop.is_set():
        try:
            async for text in ws:
                visitor.take(orjson.loads(text), replaying=False)
        except ConnectionClosed:
            pass
        if stop.is_set():
            return
        visitor.dropped_at = visitor.dropped_at or time.monotonic()
        ws = await _reconnect(url, visitor, stop)
        if ws is None:
            return


async def _reconnect(
    url: str, visitor: StormVisitor, stop: asyncio.Event, headers: dict[str, str] | None = None
) -> ClientConnection | None:
    attempt = 0
    while not stop.is_set():
        await asyncio.sleep(backoff_s(attempt))
        attempt += 1
        visitor.tries.append(time.monotonic())
        try:
            ws = await hello(url, visitor, headers)
        except (OSError, ConnectionClosed, InvalidHandshake, TimeoutError, RuntimeError):
            continue
        visitor.synced_at = time.monotonic()
        visitor.resynced.set()
        return ws
    return None


async def visitors(job: Any, link: Any, stop_at: float) -> None:
    """The visitor worker's storm (loadgen.py): sessions, first hello, then the storm."""
    began = time.monotonic()
    sessions = await client.visitor_sessions(job.target, job.visitors, job.concurrency, stop_at)
    took = time.monotonic() - began
    link.queue.put(("tokens", job.worker, {"contacts": [s.contact_id for s in sessions], "seconds": took}))
    await _wait(link.go, job.deadline)
    stop = asyncio.Event()
    held: list[StormVisitor] = []
    tasks: list[asyncio.Task[None]] = []
    gate = asyncio.Semaphore(job.concurrency)
    failed: dict[str, int] = {}

    async def first(visitor: StormVisitor) -> None:
        async with gate:
            try:
                ws = await hello(job.target.visitor_ws, visitor)
            except Exception as exc:
                failed[type(exc).__name__] = failed.get(type(exc).__name__, 0) + 1
                return
        held.append(visitor)
        tasks.append(asyncio.create_task(hold(job.target.visitor_ws, visitor, ws, stop)))

    await asyncio.gather(*(first(StormVisitor(s.token)) for s in sessions))
    link.queue.put(("ready", job.worker, {"connected": len(held), "errors": failed}))
    # Until every visitor held is synced again after the restart (or the phase ends).
    waits = [asyncio.create_task(v.resynced.wait()) for v in held]
    if waits:
        await asyncio.wait(waits, timeout=max(stop_at - time.monotonic(), 1))
    link.queue.put(("synced", job.worker, {"synced": sum(v.synced_at is not None for v in held)}))
    await _wait(link.stop, job.deadline)
    stop.set()
    refs: dict[str, float] = {}
    for visitor in held:
        refs.update(visitor.agent_refs)
    link.queue.put(("result", job.worker, {"visitors": [v.report() for v in held], "agent_refs": refs}))


class Dropped(Exception):
    """The console's socket closed before the send was acked: send it again."""


@dataclass
class Console:
    """The agent's socket as the console holds it: the current one, once synced."""

    target: Target
    ws: ClientConnection
    synced: asyncio.Event = field(default_factory=asyncio.Event)
    acks: dict[str, asyncio.Future[int]] = field(default_factory=dict)

    async def run(self, stop: asyncio.Event) -> None:
        """Acks to their senders; on a drop, back off and resume (no cursors: the bench's
        console tracks no chat)."""
        while True:
            self.synced.set()
            try:
                async for text in self.ws:
                    self._take(orjson.loads(text))
            except ConnectionClosed:
                pass
            self.synced.clear()
            for waiter in self.acks.values():
                if not waiter.done():
                    waiter.set_exception(Dropped())
            self.acks.clear()
            again = await _reconnect(self.target.agent_ws, StormVisitor(""), stop, self.target.agent_headers)
            if again is None:
                return
            self.ws = again

    def _take(self, frame: dict[str, Any]) -> None:
        waiter = self.acks.pop(frame.get("client_ref", ""), None) if frame.get("type") in ("ack", "error") else None
        if waiter is None or waiter.done():
            return
        if frame["type"] == "ack":
            waiter.set_result(frame["message"]["seq"])
        else:
            waiter.set_exception(RuntimeError(f"{frame.get('code')}: {frame.get('message')}"))

    async def send(self, conversation_id: str) -> tuple[str, int]:
        """One message, sent again with the same client_ref after a drop until acked (the
        server never stores it twice): its client_ref and seq."""
        ref = client.client_ref()
        frame = orjson.dumps({"type": "send", "client_ref": ref, "conversation_id": conversation_id, "body": "storm"})
        while True:
            await self.synced.wait()
            waiter: asyncio.Future[int] = asyncio.get_running_loop().create_future()
            self.acks[ref] = waiter
            try:
                await self.ws.send(frame.decode())
                return ref, await waiter
            except (ConnectionClosed, Dropped):
                self.acks.pop(ref, None)
                await asyncio.sleep(0.05)


async def agent(job: Any, link: Any) -> None:
    """The agent worker's storm: hold a console socket; once the node answers again,
    write into ``job.conversations``, a message each, ``AGENT_IN_FLIGHT`` at a time."""
    stop = asyncio.Event()
    console = Console(job.target, await hello(job.target.agent_ws, StormVisitor(""), job.target.agent_headers))
    running = asyncio.create_task(console.run(stop))
    link.queue.put(("ready", job.worker, {}))
    await _wait(link.restarted, job.deadline)
    began = time.monotonic()
    gate = asyncio.Semaphore(AGENT_IN_FLIGHT)
    acked: dict[str, Any] = {}
    failed: dict[str, int] = {}

    async def one(conversation_id: str) -> None:
        async with gate:
            try:
                ref, seq = await asyncio.wait_for(console.send(conversation_id), ATTEMPT_TIMEOUT_S)
            except Exception as exc:
                failed[type(exc).__name__] = failed.get(type(exc).__name__, 0) + 1
                return
            acked[ref] = [conversation_id, seq]

    await asyncio.gather(*(one(c) for c in job.conversations))
    link.queue.put(("sent", job.worker, {"acked": acked, "errors": failed, "began": began, "ended": time.monotonic()}))
    await _wait(link.stop, job.deadline)
    stop.set()
    running.cancel()


async def _wait(event: Any, deadline: float) -> None:
    if not await asyncio.to_thread(event.wait, max(deadline - time.monotonic(), 0)):
        raise TimeoutError("the bench process gave no signal in time")


def figures(answered: float, results: list[dict[str, Any]], sent: dict[str, Any]) -> dict[str, Any]:
    """The storm's figures from the workers' reports; times in seconds from ``answered``
    (the restarted node's first answer), all on the machine's one monotonic clock."""
    visitors = [v for r in results for v in r["visitors"]]
    received: set[str] = set()
    for r in results:
        received.update(r["agent_refs"])
    synced = sorted(v["synced_at"] - answered for v in visitors if v["synced_at"] is not None)
    # Of the last try, the one that got through: from its connect to its synced.
    serving = sorted(v["synced_at"] - v["tries"][-1] for v in visitors if v["synced_at"] is not None)
    # How long after the node answered each visitor's own timer let it try.
    waiting = sorted(
        min([t for t in v["tries"] if t >= answered] or [v["tries"][-1]]) - answered
        for v in visitors
        if v["synced_at"] is not None
    )
    acked = sent["acked"]
    back = {chat for v in visitors if v["synced_at"] is not None for chat in v["chats"]}
    return {
        "visitors": len(visitors),
        "synced": len(synced),
        "never_dropped": sum(v["dropped_at"] is None for v in visitors),
        "synced_s": _spread(synced),
        "waited_for_own_timer_s": _spread(waiting),
        "connect_to_synced_s": _spread(serving),
        "tries": _spread(sorted(float(len(v["tries"])) for v in visitors)),
        "replayed_events": sum(v["replayed"] for v in visitors),
        "visitors_with_replay": sum(v["replayed"] > 0 for v in visitors),
        "delivered_twice": sum(v["twice"] for v in visitors),
        "agent_messages_acked": len(acked),
        "agent_send_errors": sent.get("errors", {}),
        # Not received by a visitor that was synced again: lost. Not received by one that
        # never came back within the phase: not delivered yet, and counted apart.
        "agent_messages_lost": sum(ref not in received and chat in back for ref, (chat, _) in acked.items()),
        "agent_messages_to_visitors_not_back": sum(chat not in back for chat, _ in acked.values()),
        "agent_sending_s": round(sent["ended"] - sent["began"], 2),
    }


def _spread(sorted_values: list[float]) -> dict[str, float | None]:
    def at(q: float) -> float | None:
        if not sorted_values:
            return None
        return round(sorted_values[min(int(q * len(sorted_values)), len(sorted_values) - 1)], 3)

    return {"p50": at(0.5), "p99": at(0.99), "max": at(1.0)}
