"""What `make bench` publishes from its throughput rounds: the median round, and a ratio
to the raw relay taken within each round (benchmarks/phases.py), never across rounds run
minutes apart on a host whose speed moves."""

from __future__ import annotations

from typing import Any

from benchmarks import report, storm
from benchmarks.phases import median_round


def _round(msg_per_s: float) -> dict[str, Any]:
    return {"msg_per_s": msg_per_s, "messages": int(msg_per_s * 10), "cpu": {"server": 0.9}}


def test_the_median_round_is_the_figure_and_its_ratio_is_the_median_of_the_rounds_ratios() -> None:
    # The relay was fast in the first round and slow in the last: the median rate's round
    # (7,000 beside 35,000) is not the median ratio's (6,000 beside 20,000).
    rounds = [(_round(9_000), 10_000.0), (_round(6_000), 20_000.0), (_round(7_000), 35_000.0)]

    figures = median_round(rounds)

    assert figures["msg_per_s"] == 7_000
    assert figures["messages"] == 70_000
    assert figures["ratio_to_relay"] == 0.3
    assert figures["rounds"] == [
        {"msg_per_s": 9_000, "relay_msg_per_s": 10_000.0},
        {"msg_per_s": 6_000, "relay_msg_per_s": 20_000.0},
        {"msg_per_s": 7_000, "relay_msg_per_s": 35_000.0},
    ]


def test_the_relays_own_rounds_have_no_ratio() -> None:
    figures = median_round([(_round(14_000), None), (_round(15_000), None), (_round(13_000), None)])

    assert figures["msg_per_s"] == 14_000
    assert figures["ratio_to_relay"] is None


def test_the_table_and_the_verdict_use_the_paired_ratio() -> None:
    # Against the relay scenario's own median (10,000) this would be 0.70 and "met".
    frontdesk = median_round([(_round(9_000), 10_000.0), (_round(6_000), 20_000.0), (_round(7_000), 35_000.0)])
    run = {
        "scenarios": [
            {"name": "raw websockets relay", "throughput": median_round([(_round(10_000), None)])},
            {"name": "Frontdesk, SQLite", "throughput": frontdesk},
        ]
    }

    frontdesk_row = report.table(run).splitlines()[-1]
    assert frontdesk_row.startswith("| Frontdesk, SQLite |")
    assert frontdesk_row.split(" | ")[4] == "0.30"
    assert "≥ 50% of the raw relay's msg/s: MISSED" in report.verdicts(run)[0]
    assert report.round_lines(run) == [
        "- Frontdesk, SQLite: 9,000 (relay 10,000.0, 0.90 x), 6,000 (relay 20,000.0, 0.30 x),"
        " 7,000 (relay 35,000.0, 0.20 x)"
    ]


def _visitor(chat: str, tries: list[float], synced_at: float | None) -> dict[str, Any]:
    return {"chats": [chat], "dropped_at": 99.0, "tries": tries, "synced_at": synced_at, "replayed": 0, "twice": 0}


def test_the_storm_times_each_visitor_from_the_restarted_nodes_first_answer() -> None:
    # The node answered at 100.0; each visitor's own timer let it try at the second value.
    reports = [
        {"visitors": [_visitor("a", [99.5, 100.5], 100.6), _visitor("b", [99.2, 103.0], 103.5)], "agent_refs": {}},
        {"visitors": [_visitor("c", [99.9, 101.0], 101.2)], "agent_refs": {"r1": 101.3, "r2": 102.0}},
    ]
    sent = {"acked": {"r1": ["c", 3], "r2": ["c", 4]}, "began": 100.2, "ended": 101.0}

    figures = storm.figures(100.0, reports, sent)

    assert figures["synced"] == 3
    assert figures["synced_s"] == {"p50": 1.2, "p99": 3.5, "max": 3.5}
    assert figures["waited_for_own_timer_s"]["max"] == 3.0
    assert figures["agent_messages_lost"] == 0


def test_a_message_a_returned_visitor_never_got_is_lost_and_one_for_a_visitor_still_away_is_not_judged() -> None:
    reports = [{"visitors": [_visitor("a", [101.0], 101.5), _visitor("b", [101.0, 110.0], None)], "agent_refs": {}}]
    sent = {"acked": {"r1": ["a", 5], "r2": ["b", 5]}, "began": 100.2, "ended": 101.0}
    figures = storm.figures(100.0, reports, sent)
    run = {"scenarios": [{"name": "Frontdesk, SQLite", "storm": _storm_run(figures)}]}

    assert figures["agent_messages_lost"] == 1  # a's: a came back and never got it
    assert figures["agent_messages_to_visitors_not_back"] == 1  # b's: b is not back yet
    assert "no message lost: not judged" in report.storm_verdicts(run)[0]
    assert "all 10,000 synced within 10 s: MISSED" in report.storm_verdicts(run)[0]


def _storm_run(figures: dict[str, Any]) -> dict[str, Any]:
    return figures | {
        "sessions": {"count": 2, "seconds": 1.0, "per_s": 2.0},
        "history_messages": 4,
        "restart_seconds": 3.0,
        "cpu": {"server": 0.5},
    }
