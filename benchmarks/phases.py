"""The three measurements, run from the bench process against one system under test:
idle connections and memory, throughput at saturation, latency at a fixed rate.
Each starts fresh worker processes (loadgen.py), reads /proc around the measured
window, and returns plain figures for the report."""

from __future__ import annotations

import math
import multiprocessing as mp
import time
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from benchmarks import histories, procstat, storm
from benchmarks.client import Target
from benchmarks.loadgen import Job, Link, agent_main, visitor_main
from benchmarks.servers import ServerProcess


@dataclass(frozen=True)
class Sizes:
    idle_visitors: int
    throughput_visitors: int
    throughput_s: float
    latency_visitors: int
    latency_s: float
    # Throughput rounds per scenario, each beside a round of the raw relay's: the median
    # round is the figure (``throughput_rounds``).
    throughput_rounds: int = 3
    workers: int = 2  # visitor processes; one Python process cannot load a server alone
    # No phase runs longer than this. 10,000 Frontdesk visitors take 70-120 s of widget
    # sessions and 70-90 s of handshakes on 2 shared cores (about 7-10 ms of server CPU
    # each, depending on the machine); past the budget the idle phase reports the count
    # it reached. The figure is how many sockets one node holds, not how fast they came.
    idle_budget_s: float = 300
    phase_budget_s: float = 120
    # The reconnect storm (``storm``): visitors holding a chat of ``storm_history``
    # messages through a SIGKILL and restart of their node, while the agent writes into
    # ``storm_agent_messages`` of the chats. Its budget covers the setup at the speed of
    # the code before issue 24 (10,000 sessions and first hellos took ~3 minutes).
    storm_visitors: int = 10_000
    storm_history: int = 4
    storm_agent_messages: int = 1_000
    storm_budget_s: float = 720


FULL = Sizes(idle_visitors=10_000, throughput_visitors=100, throughput_s=10, latency_visitors=1_000, latency_s=20)
QUICK = Sizes(
    idle_visitors=300,
    throughput_visitors=20,
    throughput_s=3,
    latency_visitors=50,
    latency_s=4,
    throughput_rounds=1,
    idle_budget_s=40,
    phase_budget_s=40,
    storm_visitors=200,
    storm_agent_messages=20,
    storm_budget_s=60,
)
SPAWN = mp.get_context("spawn")  # clean children: no inherited threads or event loops


class Run:
    """Worker processes of one phase and the link to them."""

    def __init__(self, sizes: Sizes, server_pids: list[int], budget_s: float) -> None:
        self.sizes = sizes
        self.server_pids = server_pids
        self.deadline = time.monotonic() + budget_s
        self.link = Link(SPAWN.Queue(), SPAWN.Event(), SPAWN.Event(), SPAWN.Array("d", 2), SPAWN.Event())
        self.procs: list[Any] = []
        self._early: list[tuple[str, int, Any]] = []  # reports that came before they were asked for

    def start(self, main: Any, job: Job) -> None:
        proc = SPAWN.Process(target=main, args=(job, self.link), daemon=True)
        proc.start()
        self.procs.append(proc)

    def start_visitors(self, phase: str, target: Target, total: int) -> None:
        for i in range(self.sizes.workers):
            share = total // self.sizes.workers + (1 if i < total % self.sizes.workers else 0)
            self.start(visitor_main, Job(i + 1, phase, target, share, self.deadline))

    def collect(self, kind: str, count: int, *, early: tuple[str, ...] = ()) -> list[Any]:
        """``count`` reports of ``kind``. A report of a kind in ``early`` is kept for a
        later call (the storm's agent and visitors report at their own pace); any other
        is a worker out of step, and fails the phase."""
        kept = [report for report in self._early if report[0] == kind][:count]
        for report in kept:
            self._early.remove(report)
        got = [payload for _, _, payload in kept]
        while len(got) < count:
            wait = self.deadline - time.monotonic()
            if wait <= 0:
                raise TimeoutError(f"waited for {count} '{kind}' reports, got {len(got)}")
            what, worker, payload = self.link.queue.get(timeout=wait)
            if what == "failed":
                raise RuntimeError(f"load worker {worker} failed: {payload}")
            if what in early:
                self._early.append((what, worker, payload))
                continue
            if what != kind:
                raise RuntimeError(f"expected '{kind}' from worker {worker}, got '{what}'")
            got.append(payload)
        return got

    def cpu(self) -> procstat.CpuSample:
        return procstat.sample(self.server_pids, [p.pid for p in self.procs])

    def end(self) -> None:
        self.link.go.set()
        self.link.stop.set()
        for proc in self.procs:
            proc.join(10)
            if proc.is_alive():
                proc.kill()
        procstat.settle(self.server_pids)


def idle(target: Target, sizes: Sizes, server_pids: list[int]) -> dict[str, Any]:
    run = Run(sizes, server_pids, sizes.idle_budget_s)
    try:
        run.start_visitors("idle", target, sizes.idle_visitors)
        tokens = sum(run.collect("tokens", sizes.workers))
        procstat.settle(server_pids, deadline_s=5)
        rss_before = sum(procstat.rss_bytes(p) for p in server_pids)
        began, cpu0 = time.monotonic(), run.cpu()
        run.link.go.set()
        reports = run.collect("connected", sizes.workers)
        took, cpu1 = time.monotonic() - began, run.cpu()
        procstat.settle(server_pids, deadline_s=10)  # late handshakes and replays finish
        rss_after = sum(procstat.rss_bytes(p) for p in server_pids)
    finally:
        run.end()
    connected = sum(r["connected"] for r in reports)
    errors = _merged(r["errors"] for r in reports)
    return {
        "target": sizes.idle_visitors,
        "visitor_tokens": tokens,
        "connections": connected,
        "errors": errors,
        "rss_before_mb": round(rss_before / 2**20, 1),
        "rss_after_mb": round(rss_after / 2**20, 1),
        "kb_per_connection": round((rss_after - rss_before) / 1024 / connected, 1) if connected else None,
        "tokens_seconds": max(r["tokens_seconds"] for r in reports),
        "connect_seconds": round(took, 1),
        "cpu_while_connecting": procstat.cpu_use(cpu0, cpu1),
    }


def storm_phase(target: Target, sizes: Sizes, nodes: list[ServerProcess]) -> dict[str, Any]:
    """The reconnect storm: ``sizes.storm_visitors`` visitors start widget sessions (the
    session figure), each gets a chat of ``storm_history`` messages and opens it (a first
    ``hello`` replays it), the visitors' node is SIGKILLed and started again, and every
    visitor reconnects with its cursors as the widget does (storm.py), while the agent
    writes into ``storm_agent_messages`` of the chats. Timed from the moment the
    restarted node answers its health check."""
    node = nodes[0]  # the visitors'
    run = Run(sizes, [n.pid for n in nodes], sizes.storm_budget_s)
    try:
        run.start_visitors("storm", target, sizes.storm_visitors)
        cpu0 = run.cpu()
        tokens = run.collect("tokens", sizes.workers)
        cpu1 = run.cpu()
        contacts = [c for t in tokens for c in t["contacts"]]
        chats = (
            histories.seed(target.database_url, target.widget_key, contacts, sizes.storm_history)
            if (target.database_url)
            else []
        )
        sample = tuple(chats[:: max(1, len(chats) // max(sizes.storm_agent_messages, 1))][: sizes.storm_agent_messages])
        run.start(agent_main, Job(0, "storm", target, 0, run.deadline, conversations=sample))
        run.collect("ready", 1)
        run.link.go.set()
        ready = run.collect("ready", sizes.workers)
        procstat.settle(run.server_pids, deadline_s=30)  # the first hellos' replays are over
        killed = time.monotonic()
        node.kill()
        answered = node.restart()
        run.server_pids = [n.pid for n in nodes]
        cpu_a = run.cpu()
        run.link.window[0] = answered
        run.link.restarted.set()
        run.collect("synced", sizes.workers, early=("sent",))
        cpu_b = run.cpu()
        sent = run.collect("sent", 1)[0]
        time.sleep(2)  # deliveries may trail the last ack
        run.link.stop.set()
        results = run.collect("result", sizes.workers)
    finally:
        run.end()
    figures = storm.figures(answered, results, sent)
    trouble = figures["synced"] < figures["visitors"] or any(r["errors"] for r in ready)
    return {
        # What the node said when something went wrong (its warnings and errors).
        **({"node_log_tail": [line.rstrip() for line in node.output[-30:]]} if trouble else {}),
        "sessions": {
            "count": len(contacts),
            "seconds": round(max(t["seconds"] for t in tokens), 2),
            "per_s": round(len(contacts) / max(max(t["seconds"] for t in tokens), 1e-9), 1),
            "cpu": procstat.cpu_use(cpu0, cpu1),
        },
        "visitors_with_history": sum(r["connected"] for r in ready),
        "setup_errors": _merged(r["errors"] for r in ready),
        "history_messages": sizes.storm_history if chats else 0,
        "restart_seconds": round(answered - killed, 2),
        "cpu": procstat.cpu_use(cpu_a, cpu_b),
    } | figures


# A system the rounds of another are measured beside: its target and its server pids.
Beside = tuple[Target, list[int]]


def throughput_rounds(target: Target, sizes: Sizes, server_pids: list[int], relay: Beside | None) -> dict[str, Any]:
    """The throughput phase ``sizes.throughput_rounds`` times, each right after a round of
    the raw relay's (``relay``, kept running beside the system), so every round has its
    ratio to the practical limit measured the same minute. This host's speed moves by
    15-25% over minutes (docs/benchmarks.md): one round each, minutes apart, made a ratio
    of the host as much as of the server. The figures are the median round's (by msg/s),
    with every round's msg/s, the relay's beside it, and the median of the ratios."""
    rounds: list[tuple[dict[str, Any], float | None]] = []
    for _ in range(sizes.throughput_rounds):
        relay_rate = loaded("throughput", relay[0], sizes, relay[1])["msg_per_s"] if relay else None
        rounds.append((loaded("throughput", target, sizes, server_pids), relay_rate))
    return median_round(rounds)


def median_round(rounds: list[tuple[dict[str, Any], float | None]]) -> dict[str, Any]:
    """The figures of the median round by msg/s (of an even count, the faster middle one),
    every round's msg/s with the relay's beside it, and the median of the rounds' ratios:
    a ratio is taken within a round, never across them."""
    ratios = sorted(figures["msg_per_s"] / relay for figures, relay in rounds if relay)
    median, _ = sorted(rounds, key=lambda r: r[0]["msg_per_s"])[len(rounds) // 2]
    return median | {
        "rounds": [{"msg_per_s": figures["msg_per_s"], "relay_msg_per_s": relay} for figures, relay in rounds],
        "ratio_to_relay": round(ratios[len(ratios) // 2], 3) if ratios else None,
    }


def loaded(phase: str, target: Target, sizes: Sizes, server_pids: list[int]) -> dict[str, Any]:
    """``throughput`` or ``latency``: one agent socket watches, visitors send."""
    visitors = sizes.throughput_visitors if phase == "throughput" else sizes.latency_visitors
    seconds = sizes.throughput_s if phase == "throughput" else sizes.latency_s
    run = Run(sizes, server_pids, sizes.phase_budget_s)
    try:
        run.start(agent_main, Job(0, phase, target, 0, run.deadline))
        run.collect("ready", 1)
        run.start_visitors(phase, target, visitors)
        ready = run.collect("ready", sizes.workers)
        start = time.monotonic() + 0.5
        run.link.window[0], run.link.window[1] = start, start + seconds
        run.link.go.set()
        time.sleep(max(start - time.monotonic(), 0))
        cpu0 = run.cpu()
        time.sleep(seconds)
        cpu1 = run.cpu()
        # The budget bounds the setup; once measuring began, the results are worth their
        # wait (visitors give up on acks 5 s after the window).
        run.deadline = max(run.deadline, time.monotonic() + 30)
        sent: dict[str, tuple[float, float]] = {}
        for part in run.collect("result", sizes.workers):
            sent.update(part)
        time.sleep(1)  # the last deliveries may trail the last acks
        run.link.stop.set()
        watched: dict[str, Any] = run.collect("result", 1)[0]
    finally:
        run.end()
    figures = {
        "visitors": sum(r["connected"] for r in ready),
        "setup_errors": _merged(r["errors"] for r in ready),
        "seconds": seconds,
        "cpu": procstat.cpu_use(cpu0, cpu1),
        "agent_socket_closed": watched["closes"],  # then reconnected and resumed
    }
    delivered: dict[str, float] = watched["seen"]
    if phase == "throughput":
        return figures | _throughput(sent, delivered, start, start + seconds)
    return figures | _latency(sent, delivered, start, start + seconds)


def _throughput(
    sent: dict[str, tuple[float, float]], delivered: dict[str, float], start: float, end: float
) -> dict[str, Any]:
    """A message counts when it was sent in the window and both its ack and its delivery
    to the agent came back within it."""
    done = sum(1 for ref, (s, a) in sent.items() if s >= start and a <= end and delivered.get(ref, math.inf) <= end)
    acked = sum(1 for s, a in sent.values() if s >= start and a <= end)
    return {"messages": done, "acked": acked, "msg_per_s": round(done / (end - start), 1)}


def _latency(
    sent: dict[str, tuple[float, float]], delivered: dict[str, float], start: float, end: float
) -> dict[str, Any]:
    window = {ref: times for ref, times in sent.items() if start <= times[0] <= end}
    e2e = sorted(delivered[ref] - s for ref, (s, _) in window.items() if ref in delivered)
    acks = sorted(a - s for s, a in window.values() if a != math.inf)
    return {
        "sent": len(window),
        "sent_per_s": round(len(window) / (end - start), 1),
        "delivered": len(e2e),
        "not_acked": len(window) - len(acks),
        "p50_ms": _ms(e2e, 0.50),
        "p99_ms": _ms(e2e, 0.99),
        "max_ms": _ms(e2e, 1.0),
        "ack_p50_ms": _ms(acks, 0.50),
        "ack_p99_ms": _ms(acks, 0.99),
    }


def _merged(counts: Iterable[dict[str, int]]) -> dict[str, int]:
    total: dict[str, int] = {}
    for part in counts:
        for name, n in part.items():
            total[name] = total.get(name, 0) + n
    return total


def _ms(sorted_values: list[float], q: float) -> float | None:
    if not sorted_values:
        return None
    return round(1000 * sorted_values[min(int(q * len(sorted_values)), len(sorted_values) - 1)], 2)
