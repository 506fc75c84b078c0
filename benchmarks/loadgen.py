"""The load generator's worker processes. The bench process (``phases.py``) starts them
and steps them through a phase with a queue (worker -> bench) and events (bench ->
workers); every wait is bounded, so a stuck server fails the phase instead of the run.

Visitor workers: make tokens, connect, and then, by phase:
- ``idle``: hold the sockets until released (the bench reads the server's memory);
- ``throughput``: each visitor sends its next message as soon as the last is acked;
- ``latency``: each visitor sends one message a second (open loop, random phase);
- ``storm``: hold a chat through a restart of the node and reconnect (storm.py).
The agent worker records when each ``message.created`` reached the agent socket.
"""

from __future__ import annotations

import asyncio
import os
import random
import time
from dataclasses import dataclass
from typing import Any

import uvloop

from benchmarks import client, storm
from benchmarks.client import Target


@dataclass(frozen=True)
class Job:
    worker: int
    phase: str  # idle | throughput | latency | storm
    target: Target
    visitors: int
    deadline: float  # monotonic: the bench process stops waiting then
    concurrency: int = 100  # handshakes or session requests in flight per worker
    conversations: tuple[str, ...] = ()  # storm: the chats the agent writes into


@dataclass
class Link:
    """Shared with the bench process: ``window`` is [start, end] of measuring (monotonic)."""

    queue: Any
    go: Any
    stop: Any
    window: Any
    restarted: Any = None  # storm: set once the restarted node answers


def visitor_main(job: Job, link: Link) -> None:
    from benchmarks.servers import raise_nofile

    raise_nofile()
    try:
        uvloop.run(_visitor(job, link))
    except Exception as exc:
        link.queue.put(("failed", job.worker, f"{type(exc).__name__}: {exc}"))
    _exit(link)


def agent_main(job: Job, link: Link) -> None:
    try:
        uvloop.run(_agent(job, link))
    except Exception as exc:
        link.queue.put(("failed", job.worker, f"{type(exc).__name__}: {exc}"))
    _exit(link)


def _exit(link: Link) -> None:
    # Leave without closing thousands of sockets one by one: the kernel closes them.
    link.queue.close()
    link.queue.join_thread()
    os._exit(0)


async def _wait(event: Any, deadline: float) -> None:
    if not await asyncio.to_thread(event.wait, max(deadline - time.monotonic(), 0)):
        raise TimeoutError("the bench process gave no signal in time")


# Workers stop making tokens and sockets this long before the phase's deadline, so
# they can still report how far they got (a count reached, not a timeout).
REPORT_MARGIN_S = 15


async def _visitor(job: Job, link: Link) -> None:
    stop_at = job.deadline - REPORT_MARGIN_S
    if job.phase == "storm":
        await storm.visitors(job, link, stop_at)
        return
    began = time.monotonic()
    tokens = await client.visitor_tokens(job.target, job.visitors, job.concurrency, stop_at)
    timing = {"tokens_seconds": round(time.monotonic() - began, 1)}
    if job.phase == "idle":
        link.queue.put(("tokens", job.worker, len(tokens)))
        await _wait(link.go, job.deadline)
    opened, errors = await client.visitors(job.target, tokens, job.concurrency, stop_at)
    if job.phase == "idle":
        link.queue.put(("connected", job.worker, {"connected": len(opened), "errors": dict(errors), **timing}))
        await _wait(link.stop, job.deadline)
        return
    # One message each first: it starts the conversation (routing, assignment), which is
    # not the steady state being measured.
    warm = await asyncio.gather(*(_send_acked(v, stop_at) for v in opened), return_exceptions=True)
    opened = [v for v, ok in zip(opened, warm, strict=True) if not isinstance(ok, BaseException)]
    errors["first message not acked"] += len(warm) - len(opened)
    link.queue.put(("ready", job.worker, {"connected": len(opened), "errors": dict(errors), **timing}))
    await _wait(link.go, job.deadline)
    start, end = link.window[0], link.window[1]
    loop = _closed_loop if job.phase == "throughput" else _one_per_second
    records: dict[str, tuple[float, float]] = {}
    await asyncio.gather(*(loop(v, start, end, records) for v in opened))
    link.queue.put(("result", job.worker, records))


async def _send_acked(visitor: client.Visitor, stop_at: float) -> None:
    await asyncio.wait_for(await visitor.send(client.client_ref(), "hello"), max(stop_at - time.monotonic(), 0.1))


async def _closed_loop(
    visitor: client.Visitor, start: float, end: float, records: dict[str, tuple[float, float]]
) -> None:
    await asyncio.sleep(max(start - time.monotonic(), 0))
    while (sent := time.monotonic()) < end:
        ref = client.client_ref()
        try:
            acked = await asyncio.wait_for(await visitor.send(ref, f"load {ref[-8:]}"), end + 5 - sent)
        except (TimeoutError, RuntimeError, asyncio.CancelledError):
            return
        records[ref] = (sent, acked)


async def _one_per_second(
    visitor: client.Visitor, start: float, end: float, records: dict[str, tuple[float, float]]
) -> None:
    at = start + random.random()  # noqa: S311 - spreading the load, not security
    waiting = []
    while at < end:
        await asyncio.sleep(max(at - time.monotonic(), 0))
        ref = client.client_ref()
        waiting.append((ref, time.monotonic(), await visitor.send(ref, f"tick {ref[-8:]}")))
        at += 1.0
    for ref, sent, acked in waiting:
        try:
            records[ref] = (sent, await asyncio.wait_for(acked, max(end + 5 - time.monotonic(), 0.01)))
        except (TimeoutError, RuntimeError, asyncio.CancelledError):
            records[ref] = (sent, float("inf"))  # sent, never acked


async def _agent(job: Job, link: Link) -> None:
    if job.phase == "storm":
        await storm.agent(job, link)
        return
    stop, ready = asyncio.Event(), asyncio.Event()
    watching = asyncio.create_task(client.agent_deliveries(job.target, stop, ready))
    await asyncio.wait_for(asyncio.shield(ready.wait()), 30)
    link.queue.put(("ready", job.worker, {}))
    await _wait(link.stop, job.deadline)
    stop.set()
    link.queue.put(("result", job.worker, await watching))
