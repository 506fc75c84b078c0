"""What `make bench` publishes from its throughput rounds: the median round, and a ratio
to the raw relay taken within each round (benchmarks/phases.py), never across rounds run
minutes apart on a host whose speed moves."""

from __future__ import annotations

from typing import Any

from benchmarks import report
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
