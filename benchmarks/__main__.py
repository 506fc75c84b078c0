"""``make bench``: every scenario in one run, side by side. ``BENCH_QUICK=1`` runs tiny
sizes (under a minute) for development; ``BENCH_ONLY=raw,sqlite`` picks scenarios
(``inbox``: the inbox and search on a generated workspace, benchmarks/inbox_search.py);
``BENCH_PHASES=storm`` picks phases of the real-time scenarios (idle, throughput,
latency, storm). A run that picks either leaves docs/benchmarks.md alone."""

from __future__ import annotations

import contextlib
import datetime
import functools
import json
import os
import time
from pathlib import Path

from benchmarks import inbox_search, phases, procstat, report, scenarios, servers

RESULTS_DIR = Path(__file__).parent / "results"
DOC = Path(__file__).parent.parent / "docs" / "benchmarks.md"
# The real-time scenarios must end inside ~30 minutes on 2 cores (each takes 4-6, most
# of it opening 10,000 sockets): a scenario that would not finish in time (judged by the
# longest one so far) is skipped and says so.
RUN_BUDGET_S = 30 * 60


def main() -> None:
    quick = os.environ.get("BENCH_QUICK", os.environ.get("QUICK", "")) not in ("", "0")
    sizes = phases.QUICK if quick else phases.FULL
    only = {s for s in os.environ.get("BENCH_ONLY", "").split(",") if s}
    picked = tuple(p for p in os.environ.get("BENCH_PHASES", "").split(",") if p)
    if unknown := set(picked) - set(scenarios.PHASES):
        raise SystemExit(f"BENCH_PHASES: no phase {', '.join(sorted(unknown))}; phases: {', '.join(scenarios.PHASES)}")
    servers.raise_nofile()
    began = time.monotonic()
    missing = servers.services_missing()
    plan = [
        ("raw", "raw websockets relay", scenarios.raw_relay, None),
        ("sqlite", "Frontdesk, SQLite", scenarios.frontdesk_sqlite, None),
        ("postgres", "Frontdesk, PostgreSQL + Redis", functools.partial(scenarios.frontdesk_postgres, 1), missing),
        (
            "two-nodes",
            "Frontdesk, 2 nodes, PostgreSQL + Redis",
            functools.partial(scenarios.frontdesk_postgres, 2),
            missing,
        ),
    ]
    results = []
    with contextlib.ExitStack() as stack:
        relay: phases.Beside | None = None  # the relay the systems' throughput rounds alternate with
        for key, name, system, skip in plan:
            if only and key not in only:
                continue
            longest = max((r.get("seconds", 0) for r in results), default=0)
            if skip is None and time.monotonic() - began + longest > RUN_BUDGET_S:
                skip = f"it would not end within the run's {RUN_BUDGET_S // 60}-minute budget"
            if skip:
                print(f"== {name}: skipped: {skip}", flush=True)
                results.append({"name": name, "skipped": skip})
                continue
            if key != "raw" and relay is None and (not picked or "throughput" in picked):
                relay_target, relay_nodes = stack.enter_context(scenarios.raw_relay())
                relay = (relay_target, [n.pid for n in relay_nodes])
            results.append(
                scenarios.measure(name, system, sizes, None if key == "raw" else relay, picked or scenarios.PHASES)
            )
    if (not only and not picked) or "inbox" in only:  # its own figures, files and section of the page
        inbox_search.main(quick, DOC, RESULTS_DIR)
    if only and not results:
        return
    run = {
        "date": datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "command": ("make bench QUICK=1" if quick else "make bench")
        + "".join(f" {k}={os.environ[k]}" for k in ("BENCH_ONLY", "BENCH_PHASES") if os.environ.get(k)),
        "quick": quick,
        "machine": procstat.machine(),
        "sizes": sizes.__dict__,
        "seconds": round(time.monotonic() - began, 1),
        "scenarios": results,
    }
    # A quick run keeps its own file, so it never hides the last full run's figures.
    out = RESULTS_DIR / ("quick.json" if quick else "latest.json")
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps(run, indent=2) + "\n")
    table = report.table(run)
    print("\n" + table)
    if storm_lines := report.storm_table(run):
        print("\n" + "\n".join([*storm_lines, "", *report.storm_verdicts(run)]))
    print(f"\nresults: {out}")
    if not quick and not only and not picked:  # only a complete full run may replace the published figures
        report.rewrite_doc(DOC, run, table)
        print(f"figures written into {DOC}")


if __name__ == "__main__":
    main()
