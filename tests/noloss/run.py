"""One run: the crowd writes while faults are injected, then every client settles and
reconnects a last time, and the ledger is counted against the database."""

from __future__ import annotations

import asyncio
import random
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

import httpx

from frontdesk.storage.db import Database
from tests.noloss import ledger as counting
from tests.noloss import snapshot
from tests.noloss.cluster import Cluster, add_agents
from tests.noloss.ledger import Ledger
from tests.noloss.peers import Agent, Crowd, Peer, Visitor
from tests.wsclient import session_cookie

# Each fault waits (this long at most) for sends in flight, so that a node dies
# mid-commit rather than between two messages.
IN_FLIGHT_WAIT_S = 2.0
IN_FLIGHT_WANTED = 3
# Redis stays down this long: a restart (or a failover) of a few hundred milliseconds.
REDIS_DOWN_S = 0.5
# On two nodes a killed node stays down this long before its restart: its clients have
# moved to the other one by then.
NODE_DOWN_S = 3.0
# How long clients may take to finish what they were sending, and to answer a ping.
SETTLE_S = 30.0


@dataclass(frozen=True)
class Size:
    visitors: int = 30
    agents: int = 3
    seconds: float = 30.0  # of traffic
    node_kills: int = 2
    redis_restarts: int = 1  # on two nodes only
    drop_mid_send: float = 0.1  # of send attempts
    hot: int = 3  # chats that agents answer most (half their replies)
    visitor_pause: tuple[float, float] = (0.4, 1.6)
    agent_pause: tuple[float, float] = (0.1, 0.3)


@dataclass
class Report:
    cluster: str
    size: Size
    seconds: float
    ledger: Ledger
    counts: counting.Counts
    stored: int = 0
    expected_deliveries: int = 0

    def text(self) -> str:
        ledger = self.ledger
        lines = [
            f"no-loss run, {self.cluster}: {self.size.visitors} visitors, {self.size.agents} agents, "
            f"{self.size.seconds:.0f} s of traffic, {self.seconds:.1f} s in all",
            f"  messages sent {len(ledger.sent)}, acknowledged {len(ledger.acked)}, "
            f"stored {self.stored}; deliveries due {self.expected_deliveries}",
        ]
        lines += [f"  {what}: {n}" for what, n in sorted(ledger.events.items())]
        lines.append("  counts (all must be 0):")
        for what in counting.COUNTS:
            n = self.counts.counts[what]
            lines.append(f"    {what}: {n}")
            lines += [f"      e.g. {example}" for example in self.counts.examples.get(what, [])]
        return "\n".join(lines)


async def drive(cluster: Cluster, size: Size, seed: int) -> Report:
    started = time.monotonic()
    crowd = Crowd(cluster, Ledger(), random.Random(seed), size.drop_mid_send)
    visitors, agents = await _crowd(cluster, crowd, size)
    peers: list[Peer] = [*visitors, *agents]
    db = cluster.database()
    try:
        await _traffic(cluster, crowd, size, visitors, agents)
        snap = await _last_reconnect(db, cluster, peers, agents)
    finally:
        await asyncio.gather(*(p.close() for p in peers))
        await db.dispose()
    counts = counting.count(crowd.ledger, snap)
    due = sum(len(snap.view(p.log).ids) for p in peers)
    return Report(cluster.name, size, time.monotonic() - started, crowd.ledger, counts, len(snap.messages), due)


async def _traffic(cluster: Cluster, crowd: Crowd, size: Size, visitors: list[Visitor], agents: list[Agent]) -> None:
    """Everyone writes while the faults come; then each finishes its send and settles."""
    peers: list[Peer] = [*visitors, *agents]
    stop = asyncio.Event()
    writers = [asyncio.create_task(p.run(stop)) for p in peers]
    writers.append(asyncio.create_task(_hot_chats(visitors, crowd, size.hot)))
    try:
        await _inject(cluster, crowd, size, time.monotonic())
        stop.set()
        await asyncio.wait_for(asyncio.gather(*writers), SETTLE_S)
    finally:
        for task in writers:
            task.cancel()
        await asyncio.gather(*writers, return_exceptions=True)
    await asyncio.gather(*(p.settle(SETTLE_S) for p in peers))


async def _last_reconnect(db: Database, cluster: Cluster, peers: list[Peer], agents: list[Agent]) -> snapshot.Snapshot:
    """Every client reconnects with its cursors (an agent with every chat's, as if it
    opened each); then what is stored is read."""
    chats = sorted((await snapshot.read(db, cluster.agent_emails)).chats)
    for a in agents:
        a.every_chat = chats
    await asyncio.gather(*(p.reconnect_finally() for p in peers))
    await asyncio.sleep(1.0)  # what was stored while they reconnected arrives live
    snap = await snapshot.read(db, cluster.agent_emails)
    await asyncio.sleep(0.5)  # and what was stored as it was read
    return snap


async def _crowd(cluster: Cluster, crowd: Crowd, size: Size) -> tuple[list[Visitor], list[Agent]]:
    accounts = await add_agents(cluster, size.agents)
    node = cluster.nodes[0]
    key = await asyncio.to_thread(node.widget_key)
    async with httpx.AsyncClient(base_url=node.url, timeout=30) as http:
        sessions = [await http.post("/api/v1/widget/session", json={"website_key": key}) for _ in range(size.visitors)]
    visitors = [
        Visitor(f"visitor {i}", crowd, response.raise_for_status().json()["token"], size.visitor_pause)
        for i, response in enumerate(sessions)
    ]
    agents = []
    for i, (email, password) in enumerate(accounts):
        cookie = await asyncio.to_thread(session_cookie, node, email, password)
        agents.append(Agent(f"agent {i}", crowd, email, cookie, size.agent_pause))
    return visitors, agents


async def _hot_chats(visitors: list[Visitor], crowd: Crowd, n: int) -> None:
    """The first visitors' chats, once they have started them."""
    for v in visitors[:n]:
        await v.started.wait()
        assert v.conversation_id is not None
        crowd.hot.append(v.conversation_id)


Fault = Callable[[Cluster, Crowd], Awaitable[None]]


async def _inject(cluster: Cluster, crowd: Crowd, size: Size, start: float) -> None:
    """The node and Redis faults, spread evenly over the traffic, which ends with this."""
    plan = _plan(cluster, size)
    step = size.seconds / (len(plan) + 1)
    for k, fault in enumerate(plan, 1):
        await asyncio.sleep(max(0.0, start + k * step - time.monotonic()))
        await fault(cluster, crowd)
    await asyncio.sleep(max(0.0, start + size.seconds - time.monotonic()))


def _plan(cluster: Cluster, size: Size) -> list[Fault]:
    """One node: kill -9 and restart it. Two: kill one, then the other (each back after a
    while), with Redis restarts between."""
    if cluster.redis is None:
        return [_kill(0)] * size.node_kills
    kills = [_kill(k % 2) for k in range(size.node_kills)]
    restarts: list[Fault] = [_restart_redis] * size.redis_restarts
    plan: list[Fault] = []
    while kills or restarts:
        plan += kills[:1] + restarts[:1]
        kills, restarts = kills[1:], restarts[1:]
    return plan


def _kill(i: int) -> Fault:
    async def fault(cluster: Cluster, crowd: Crowd) -> None:
        in_flight = await _sends_in_flight(crowd)
        await cluster.kill(i)
        crowd.ledger.events["fault: node SIGKILLed"] += 1
        crowd.ledger.events["sends in flight at those SIGKILLs"] += in_flight
        if len(cluster.nodes) > 1:
            await asyncio.sleep(NODE_DOWN_S)
        await cluster.restart(i)

    return fault


async def _restart_redis(cluster: Cluster, crowd: Crowd) -> None:
    in_flight = await _sends_in_flight(crowd)
    await cluster.restart_redis(REDIS_DOWN_S)
    crowd.ledger.events["fault: Redis restarted"] += 1
    crowd.ledger.events["sends in flight at those Redis restarts"] += in_flight


async def _sends_in_flight(crowd: Crowd) -> int:
    deadline = time.monotonic() + IN_FLIGHT_WAIT_S
    # A counter the peers change as they write: polled, as nothing waits on it otherwise.
    while crowd.ledger.in_flight < IN_FLIGHT_WANTED and time.monotonic() < deadline:  # noqa: ASYNC110
        await asyncio.sleep(0.001)
    return crowd.ledger.in_flight
