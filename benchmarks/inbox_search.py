"""The inbox and search at scale: one generated workspace (100,000 conversations,
1,000,000 messages) loaded into a fresh SQLite file and a fresh PostgreSQL database,
each served by a real ``frontdesk serve`` and asked over HTTP for inbox pages and
searches, as the console asks. Figures: wall time at the client and the server's own
time (its ``Server-Timing`` header), p50/p95/max per request shape."""

from __future__ import annotations

import asyncio
import json
import os
import tempfile
import time
import traceback
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx

from benchmarks import bulk_load, inbox_cases, inbox_report, procstat, servers
from benchmarks.corpus import Corpus
from benchmarks.workspace_gen import Generated, Staff, generate, rebind
from frontdesk.settings import normalize_database_url


@dataclass(frozen=True)
class Shape:
    conversations: int
    messages: int
    contacts: int
    repeats: int  # measured requests per case


FULL = Shape(conversations=100_000, messages=1_000_000, contacts=60_000, repeats=30)
QUICK = Shape(conversations=2_000, messages=20_000, contacts=1_200, repeats=5)
SEED = 4


def log(text: str) -> None:
    print(f"   {text}", flush=True)


class Workspace:
    """Generated once, on the first database; re-pointed at the next one's staff."""

    def __init__(self, shape: Shape) -> None:
        self.shape = shape
        self.data: Generated | None = None
        self.staff: Staff | None = None

    def fill(self, staff: Staff) -> Generated:
        if self.data is None:
            began = time.monotonic()
            s = self.shape
            self.data = generate(staff, s.conversations, s.messages, s.contacts, seed=SEED)
            took = time.monotonic() - began
            log(f"generated {s.conversations:,} conversations, {s.messages:,} messages in {took:.0f} s")
        else:
            assert self.staff is not None
            rebind(self.data, self.staff, staff)
        self.staff = staff
        return self.data


def run_inbox(quick: bool, postgres_missing: str | None) -> dict[str, Any]:
    shape = QUICK if quick else FULL
    began = time.monotonic()
    workspace = Workspace(shape)
    databases: dict[str, Any] = {}
    for key, system in (("sqlite", sqlite_system), ("postgres", postgres_system)):
        print(f"== inbox and search, {key}", flush=True)
        if key == "postgres" and postgres_missing:
            databases[key] = {"skipped": postgres_missing}
            continue
        try:
            with system(workspace) as (node, logins):
                databases[key] = measure(node, logins, workspace)
        except Exception as exc:
            traceback.print_exc()
            databases[key] = {"error": f"{type(exc).__name__}: {exc}"}
    return {"shape": shape.__dict__, "seconds": round(time.monotonic() - began, 1), "databases": databases}


Started = tuple[servers.ServerProcess, bulk_load.Logins]


@contextmanager
def sqlite_system(workspace: Workspace) -> Iterator[Started]:
    with tempfile.TemporaryDirectory(prefix="frontdesk-bench-inbox-") as tmp:
        path = Path(tmp) / "frontdesk.db"
        url = f"sqlite+aiosqlite:///{path}"
        staff, logins = bulk_load.prepare(url, Path(tmp))
        bulk_load.load_sqlite(path, workspace.fill(staff), log)
        log(f"database file: {path.stat().st_size / 2**20:,.0f} MiB")
        node = servers.frontdesk_node(Path(tmp), url)
        try:
            yield node, logins
        finally:
            node.stop()


@contextmanager
def postgres_system(workspace: Workspace) -> Iterator[Started]:
    name, url = servers.create_database()
    try:
        with tempfile.TemporaryDirectory(prefix="frontdesk-bench-inbox-") as tmp:
            staff, logins = bulk_load.prepare(normalize_database_url(url), Path(tmp))
            bulk_load.load_postgres(url, workspace.fill(staff), log)
            node = servers.frontdesk_node(Path(tmp), url)
            try:
                yield node, logins
            finally:
                node.stop()
    finally:
        servers.drop_database(name)


def measure(node: servers.ServerProcess, logins: bulk_load.Logins, workspace: Workspace) -> dict[str, Any]:
    assert workspace.data is not None and workspace.staff is not None
    ids = _ids(workspace.data, workspace.staff)
    clients = {who: _client(node, login) for who, login in (("owner", logins.owner), ("agent", logins.agent))}
    try:
        now = datetime.now(UTC)
        cases = [
            *inbox_cases.inbox_cases(ids),
            *inbox_cases.second_pages(clients["owner"]),
            *inbox_cases.badges(clients["owner"]),
            *inbox_cases.search_cases(Corpus.make(SEED), ids, now),
        ]
        before = procstat.sample([node.pid], [os.getpid()])
        load_before = [round(x, 2) for x in os.getloadavg()]
        figures = []
        for figure in inbox_cases.run_cases(cases, clients, workspace.shape.repeats):
            s, c = figure["server_ms"], figure["client_ms"]
            log(
                f"{figure['kind']:6} {figure['name']:48} server p50 {s['p50']:7.1f} p95 {s['p95']:7.1f}"
                f"  client p95 {c['p95']:7.1f} ms  ({figure['results_min']}+ results)"
            )
            figures.append(figure)
        cpu = procstat.cpu_use(before, procstat.sample([node.pid], [os.getpid()]))
    finally:
        for http in clients.values():
            http.close()
    return {"cases": figures, "cpu": cpu, "load_average": [load_before, [round(x, 2) for x in os.getloadavg()]]}


def _client(node: servers.ServerProcess, login: tuple[str, str]) -> httpx.Client:
    http = httpx.Client(base_url=node.url, headers={"Origin": node.url}, timeout=60, trust_env=False)
    http.post("/api/v1/auth/login", json={"email": login[0], "password": login[1]}).raise_for_status()
    return http


def _ids(data: Generated, staff: Staff) -> inbox_cases.Ids:
    team_id = list(staff.teams)[1]  # the first team made after the default one
    agent_id = staff.teams[team_id][0][0]
    return inbox_cases.Ids(team_id=team_id, agent_id=agent_id, label="billing")


def postgres_missing() -> str | None:
    try:
        asyncio.run(servers._postgres_execute("SELECT 1"))
    except Exception as exc:
        return f"PostgreSQL not reachable at {servers.POSTGRES_URL}: {exc}"
    return None


def main(quick: bool, doc: Path, results_dir: Path) -> None:
    """Run, keep every figure in results/inbox.json (quick runs: inbox-quick.json), and
    after a full run write the figures into the page."""
    run = {
        "date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "command": _command(quick),
        "machine": procstat.machine(),
    }
    result = run | run_inbox(quick, postgres_missing())
    out = results_dir / ("inbox-quick.json" if quick else "inbox.json")
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps(result, indent=2) + "\n")
    inbox_report.print_summary(result)
    print(f"\nresults: {out}")
    if not quick:
        inbox_report.rewrite_doc(doc, run, result)
        print(f"inbox figures written into {doc}")


def _command(quick: bool) -> str:
    only = os.environ.get("BENCH_ONLY", "")
    return " ".join([f"BENCH_ONLY={only}"] * bool(only) + ["make bench"] + ["QUICK=1"] * quick)
