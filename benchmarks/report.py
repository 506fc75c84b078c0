"""The figures side by side, and the generated section of docs/benchmarks.md."""

from __future__ import annotations

from pathlib import Path
from typing import Any

BEGIN = "<!-- figures:begin (written by make bench) -->"
END = "<!-- figures:end -->"

# The targets (docs/benchmarks.md explains them).
TARGET_CONNECTIONS = 10_000
TARGET_KB = 40
TARGET_RATIO = 0.5
TARGET_P99_MS = 25
# Issue 24's reconnect storm: every visitor synced again within this long of the
# restarted node's first answer, and widget sessions started at least this fast.
TARGET_STORM_S = 10
TARGET_SESSIONS_PER_S = 1_000


def _get(scenario: dict[str, Any], phase: str, key: str) -> Any:
    return scenario.get(phase, {}).get(key)


def _fmt(value: Any) -> str:
    if value is None:
        return "—"
    if isinstance(value, float):
        return f"{value:,.1f}"
    return f"{value:,}" if isinstance(value, int) else str(value)


def _ratio(value: Any, base: Any) -> str:
    return _fmt_ratio(value / base if value and base else None)


def _fmt_ratio(ratio: float | None) -> str:
    return "—" if ratio is None else f"{ratio:.2f}"


def _rate_ratio(scenario: dict[str, Any], raw: dict[str, Any]) -> float | None:
    """msg/s as a fraction of the raw relay's: the median of the rounds' ratios, each to
    the relay's round just before it (phases.throughput_rounds); a run without them
    (the relay itself) against the relay scenario's figure."""
    paired = _get(scenario, "throughput", "ratio_to_relay")
    if paired is not None:
        return float(paired)
    rate, base = _get(scenario, "throughput", "msg_per_s"), _get(raw, "throughput", "msg_per_s")
    return rate / base if rate and base else None


def table(run: dict[str, Any]) -> str:
    scenarios = run["scenarios"]
    raw = next((s for s in scenarios if s["name"].startswith("raw")), {})
    rows = [
        "| system | idle sockets | KB/socket | msg/s persisted+delivered | × raw | p50 ms | p99 ms | p99 × raw"  # noqa: RUF001
        " | msgs sent at 1/s/conv |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for s in scenarios:
        if "skipped" in s:
            rows.append(f"| {s['name']} | skipped: {s['skipped']} |||||||| ")
            continue
        rate, p99 = _get(s, "throughput", "msg_per_s"), _get(s, "latency", "p99_ms")
        rows.append(
            "| "
            + " | ".join(
                [
                    s["name"],
                    _fmt(_get(s, "idle", "connections")),
                    _fmt(_get(s, "idle", "kb_per_connection")),
                    _fmt(rate),
                    _fmt_ratio(_rate_ratio(s, raw)),
                    _fmt(_get(s, "latency", "p50_ms")),
                    _fmt(p99),
                    _ratio(p99, _get(raw, "latency", "p99_ms")),
                    f"{_fmt(_get(s, 'latency', 'delivered'))} of {_fmt(_get(s, 'latency', 'sent'))}",
                ]
            )
            + " |"
        )
    return "\n".join(rows)


def verdicts(run: dict[str, Any]) -> list[str]:
    """Each Frontdesk scenario against the issue's targets: met or missed, never hidden."""
    raw = next((s for s in run["scenarios"] if s["name"].startswith("raw")), {})
    lines = []
    for s in run["scenarios"]:
        if s["name"].startswith("raw") or "skipped" in s:
            continue
        conns, kb = _get(s, "idle", "connections") or 0, _get(s, "idle", "kb_per_connection")
        ratio, p99 = _rate_ratio(s, raw), _get(s, "latency", "p99_ms")
        checks = [  # None: the phase failed, so the target was not measured
            (
                "≥ 10,000 idle sockets",
                conns >= TARGET_CONNECTIONS if "idle" in s and "error" not in s["idle"] else None,
            ),
            ("≤ 40 KB each", None if kb is None else kb <= TARGET_KB),
            ("≥ 50% of the raw relay's msg/s", None if ratio is None else ratio >= TARGET_RATIO),
            ("p99 ≤ 25 ms", None if p99 is None else p99 <= TARGET_P99_MS),
        ]
        words = {True: "met", False: "MISSED", None: "not measured (see the error in latest.json)"}
        marks = ", ".join(f"{name}: {words[ok]}" for name, ok in checks)
        lines.append(f"- **{s['name']}** — {marks}.")
    return lines


def round_lines(run: dict[str, Any]) -> list[str]:
    """Every throughput round's msg/s, the relay's beside it: how far the figures moved."""
    lines = []
    for s in run["scenarios"]:
        rounds = _get(s, "throughput", "rounds") or []
        if len(rounds) > 1 or any(r["relay_msg_per_s"] for r in rounds):
            each = ", ".join(
                _fmt(r["msg_per_s"])
                + (
                    f" (relay {_fmt(r['relay_msg_per_s'])}, {_ratio(r['msg_per_s'], r['relay_msg_per_s'])} x)"
                    if r["relay_msg_per_s"]
                    else ""
                )
                for r in rounds
            )
            lines.append(f"- {s['name']}: {each}")
    return lines


def close_lines(run: dict[str, Any]) -> list[str]:
    """Times the server closed the agent's socket (it fell behind) and it resumed."""
    lines = []
    for s in run["scenarios"]:
        for phase in ("throughput", "latency"):
            closes = _get(s, phase, "agent_socket_closed")
            if closes:
                lines.append(
                    f"- {s['name']}, {phase}: the server closed the agent's socket {len(closes)} time(s)"
                    f" ({', '.join(sorted(set(closes)))}); it reconnected and resumed."
                )
    return lines


def cpu_lines(run: dict[str, Any]) -> list[str]:
    """Cores used during each measured window: who was busy, so who limited the figure.
    The CPU a message costs the server (and the database) is the figure that moves least
    with the load generator, which bounds the raw relay's msg/s."""
    lines = [
        "| system | phase | server | load generator | PostgreSQL+Redis | others on the machine | machine"
        " | server µs a message | + database µs |",
        "|---|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for s in run["scenarios"]:
        for phase, key in (("idle", "cpu_while_connecting"), ("throughput", "cpu"), ("latency", "cpu")):
            cpu = _get(s, phase, key)
            if cpu:
                rate = _get(s, phase, "msg_per_s") or _get(s, phase, "sent_per_s")
                lines.append(
                    f"| {s['name']} | {phase} | {cpu['server']} | {cpu['clients']} | {cpu['db']}"
                    f" | {cpu['other']} | {cpu['machine']} | {_per_message(cpu['server'], rate)}"
                    f" | {_per_message(cpu['server'] + cpu['db'], rate)} |"
                )
    return lines


def _per_message(cores: float, rate: float | None) -> str:
    return f"{cores / rate * 1e6:.0f}" if rate else "—"


def storm_table(run: dict[str, Any]) -> list[str]:
    """The reconnect storm of each scenario that ran it: times in seconds from the moment
    the restarted node answered."""
    lines = [
        "| system | visitors (history) | sessions/s | restart s | synced | p50 s | p99 s | max s"
        " | own timer p50 / max s | connect to synced p99 s | replayed | agent msgs lost | sent twice | server cores |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for s in run["scenarios"]:
        st = s.get("storm")
        if not st:
            continue
        if "error" in st:
            lines.append(f"| {s['name']} | failed: {st['error']} ||||||||||||| ")
            continue
        synced, waited = st["synced_s"], st["waited_for_own_timer_s"]
        sessions = st["sessions"]["per_s"] if st["sessions"]["count"] and _get(s, "storm", "history_messages") else None
        lines.append(
            f"| {s['name']} | {_fmt(st['visitors'])} ({st['history_messages']} msgs) | {_fmt(sessions)}"
            f" | {st['restart_seconds']} | {_fmt(st['synced'])} | {_fmt(synced['p50'])} | {_fmt(synced['p99'])}"
            f" | {_fmt(synced['max'])} | {_fmt(waited['p50'])} / {_fmt(waited['max'])}"
            f" | {_fmt(st['connect_to_synced_s']['p99'])} | {_fmt(st['replayed_events'])}"
            f" | {st['agent_messages_lost']} of {_fmt(st['agent_messages_acked'])} | {_fmt(st['delivered_twice'])}"
            f" | {st['cpu']['server']} |"
        )
    return lines if len(lines) > 2 else []


def storm_verdicts(run: dict[str, Any]) -> list[str]:
    lines = []
    for s in run["scenarios"]:
        st = s.get("storm")
        if not st or "error" in st or s["name"].startswith("raw"):
            continue
        everyone = st["synced"] == st["visitors"]
        within = everyone and st["visitors"] >= TARGET_CONNECTIONS and (st["synced_s"]["max"] or 0) <= TARGET_STORM_S
        checks = [
            (f"all {TARGET_CONNECTIONS:,} synced within {TARGET_STORM_S} s", within),
            (f"≥ {TARGET_SESSIONS_PER_S:,} session starts a second", st["sessions"]["per_s"] >= TARGET_SESSIONS_PER_S),
            # Judged only when every visitor came back: one that did not has not had its
            # messages yet (``agent_messages_to_visitors_not_back``).
            ("no message lost", None if not everyone else st["agent_messages_lost"] == 0),
            ("none sent twice", st["delivered_twice"] == 0),
        ]
        words = {True: "met", False: "MISSED", None: "not judged (not every visitor came back)"}
        marks = ", ".join(f"{name}: {words[ok]}" for name, ok in checks)
        lines.append(f"- **{s['name']}, reconnect storm** — {marks}.")
    return lines


def rewrite_doc(doc: Path, run: dict[str, Any], table_md: str) -> None:
    m = run["machine"]
    section = "\n".join(
        [
            BEGIN,
            f"Run on {run['date']} with `{run['command']}` ({run['seconds']:.0f} s in all).",
            "",
            f"Machine: {m['cores']} cores ({m['cpu_model']}), {m['memory_gb']} GB memory, Python {m['python']},"
            f" Linux {m['kernel']}; load average {m['load_average_at_start']} when the run began.",
            "",
            table_md,
            "",
            "Against the targets:",
            "",
            *verdicts(run),
            *close_lines(run),
            "",
            "msg/s in each throughput round, in the order run; each Frontdesk round right after one of"
            " the raw relay's, whose figure is beside it (the table has the median round, and the"
            " median of the ratios):",
            "",
            *round_lines(run),
            "",
            "Cores in use during each measured window (1.00 = one core busy; 2 in all):",
            "",
            *cpu_lines(run),
            "",
            *_storm_section(run),
            "Every figure, with errors and counts: `benchmarks/results/latest.json`.",
            END,
        ]
    )
    text = doc.read_text() if doc.exists() else f"# Benchmarks\n\n{BEGIN}\n{END}\n"
    head, rest = text.split(BEGIN, 1)
    doc.write_text(head + section + rest.split(END, 1)[1])


def _storm_section(run: dict[str, Any]) -> list[str]:
    table_lines = storm_table(run)
    if not table_lines:
        return []
    return [
        "Reconnect storm: visitors holding a chat, their node SIGKILLed and started again; each"
        " reconnects as the widget does (full-jitter backoff) with its cursors while the agent"
        " writes into some of the chats. Seconds from the restarted node's first answer"
        ' ("own timer": until the visitor\'s backoff let it try; "connect to synced": that'
        " try, from its connect to its `synced`):",
        "",
        *table_lines,
        "",
        *storm_verdicts(run),
        "",
    ]
