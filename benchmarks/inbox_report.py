"""The inbox and search figures: a table per database, and their own marked section of
docs/benchmarks.md (the real-time figures' section, report.py, is left as it is)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

BEGIN = "<!-- inbox:begin (written by make bench) -->"
END = "<!-- inbox:end -->"


def _row(case: dict[str, Any]) -> str:
    s, c = case["server_ms"], case["client_ms"]
    verdict = "met" if case["met"] else "**MISSED**"
    return (
        f"| {case['kind']} | {case['name']} | {s['p50']} | {s['p95']} | {s['max']} | {c['p50']} | {c['p95']}"
        f" | {c['max']} | {case['results_min']} | ≤ {case['goal_ms']}: {verdict} |"
    )


def tables(result: dict[str, Any]) -> list[str]:
    lines: list[str] = []
    for key, db in result["databases"].items():
        lines += ["", f"**{'SQLite' if key == 'sqlite' else 'PostgreSQL'}**", ""]
        if "cases" not in db:
            lines.append(f"Not measured: {db.get('skipped') or db.get('error')}")
            continue
        lines += [
            "| | request | server p50 | server p95 | server max | client p50 | client p95 | client max"
            " | results (fewest) | goal (server p95, ms) |",
            "|---|---|---:|---:|---:|---:|---:|---:|---:|---|",
            *(_row(case) for case in db["cases"]),
            "",
            f"Cores busy while measuring: server {db['cpu']['server']}, PostgreSQL {db['cpu']['db']},"
            f" others on the machine {db['cpu']['other']} (of 2); load average"
            f" {db['load_average'][0]} before, {db['load_average'][1]} after.",
        ]
    return lines


def print_summary(result: dict[str, Any]) -> None:
    print("\n".join(tables(result)))


def rewrite_doc(doc: Path, run: dict[str, Any], result: dict[str, Any]) -> None:
    m, shape = run["machine"], result["shape"]
    section = "\n".join(
        [
            BEGIN,
            f"Run on {run['date']} with `{run['command']}` ({result['seconds']:.0f} s for this part,"
            " generating and loading included).",
            "",
            f"Machine: {m['cores']} cores ({m['cpu_model']}), {m['memory_gb']} GB memory, Python {m['python']},"
            f" Linux {m['kernel']}; load average {m['load_average_at_start']} when the run began.",
            "",
            f"Workspace: {shape['conversations']:,} conversations, {shape['messages']:,} messages,"
            f" {shape['contacts']:,} contacts; {shape['repeats']} measured requests per row (after 2 unmeasured)."
            " Times in ms.",
            *tables(result),
            "",
            "Every figure: `benchmarks/results/inbox.json`.",
            END,
        ]
    )
    text = doc.read_text()
    if BEGIN not in text:
        text = text.rstrip("\n") + f"\n\n## Inbox and search figures\n{BEGIN}\n{END}\n"
    head, rest = text.split(BEGIN, 1)
    doc.write_text(head + section + rest.split(END, 1)[1])
