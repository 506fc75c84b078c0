"""The four systems under test, each started fresh, measured, and stopped."""

from __future__ import annotations

import tempfile
import time
import traceback
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx

from benchmarks import phases, servers
from benchmarks.client import Target
from benchmarks.phases import Sizes
from benchmarks.servers import ServerProcess

SystemUnderTest = tuple[Target, list[ServerProcess]]


# In this order: the storm restarts the node, so it comes last.
PHASES = ("idle", "throughput", "latency", "storm")


def measure(
    name: str,
    system: Callable[[], Any],
    sizes: Sizes,
    relay: phases.Beside | None,
    only: tuple[str, ...] = PHASES,
) -> dict[str, Any]:
    """Every figure of one scenario (or the phases in ``only``); a phase that fails is
    reported, the others still run. Throughput rounds alternate with the raw relay's
    (``relay``; None for the relay itself)."""
    began = time.monotonic()
    result: dict[str, Any] = {"name": name}
    print(f"== {name}", flush=True)
    try:
        with system() as (target, nodes):
            pids = [n.pid for n in nodes]
            for phase in (p for p in PHASES if p in only):
                print(f"   {phase} ...", flush=True)
                try:
                    if phase == "idle":
                        result[phase] = phases.idle(target, sizes, pids)
                    elif phase == "throughput":
                        result[phase] = phases.throughput_rounds(target, sizes, pids, relay)
                    elif phase == "storm":
                        result[phase] = phases.storm_phase(target, sizes, nodes)
                    else:
                        result[phase] = phases.loaded(phase, target, sizes, pids)
                except Exception as exc:
                    traceback.print_exc()
                    result[phase] = {"error": f"{type(exc).__name__}: {exc}"}
                print(f"   {phase}: {result[phase]}", flush=True)
    except Exception as exc:
        traceback.print_exc()
        result["error"] = f"{type(exc).__name__}: {exc}"
    result["seconds"] = round(time.monotonic() - began, 1)
    return result


@contextmanager
def raw_relay() -> Iterator[SystemUnderTest]:
    relay = servers.raw_relay()
    try:
        yield (
            Target(
                visitor_ws=f"ws://127.0.0.1:{relay.port}/ws/visitor", agent_ws=f"ws://127.0.0.1:{relay.port}/ws/agent"
            ),
            [relay],
        )
    finally:
        relay.stop()


@contextmanager
def frontdesk_sqlite() -> Iterator[SystemUnderTest]:
    with tempfile.TemporaryDirectory(prefix="frontdesk-bench-") as tmp:
        node = servers.frontdesk_node(Path(tmp), f"sqlite+aiosqlite:///{tmp}/frontdesk.db")
        try:
            yield _target(node, node), [node]
        finally:
            node.stop()


@contextmanager
def frontdesk_postgres(nodes: int) -> Iterator[SystemUnderTest]:
    """``nodes`` Frontdesk processes on one fresh database and Redis: visitors on the
    first, the agent on the last."""
    name, url = servers.create_database()
    started: list[ServerProcess] = []
    try:
        with tempfile.TemporaryDirectory(prefix="frontdesk-bench-") as tmp:
            for i in range(nodes):  # one after the other: the first migrates and makes the owner
                started.append(servers.frontdesk_node(Path(tmp) / f"node{i}", url, servers.REDIS_URL))
            yield _target(started[0], started[-1]), started
    finally:
        for node in started:
            node.stop()
        servers.drop_database(name)


def _target(visitor_node: ServerProcess, agent_node: ServerProcess) -> Target:
    """Log in as the owner (docs/api.md) for the console cookie and the website key."""
    login = visitor_node.login()
    if login is None:
        raise RuntimeError("the server printed no Login line:\n" + "".join(visitor_node.output[-20:]))
    headers = {"Origin": agent_node.url}
    with httpx.Client(base_url=agent_node.url, headers=headers, timeout=30, trust_env=False) as http:
        http.post("/api/v1/auth/login", json={"email": login[0], "password": login[1]}).raise_for_status()
        widget_key = http.get("/api/v1/me").json()["websites"][0]["widget_key"]
        cookie = http.cookies["frontdesk_session"]
    ws = agent_node.url.replace("http://", "ws://")
    return Target(
        visitor_ws=visitor_node.url.replace("http://", "ws://") + "/ws/visitor",
        agent_ws=ws + "/ws/agent",
        agent_headers={"Cookie": f"frontdesk_session={cookie}", "Origin": agent_node.url},
        session_url=visitor_node.url + "/api/v1/widget/session",
        widget_key=widget_key,
        database_url=visitor_node.env["FRONTDESK_DATABASE_URL"],
    )
