"""Routing rules and business hours: pure logic, every rule kind and a DST change."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from frontdesk.errors import Invalid
from frontdesk.routing.hours import check_hours, is_open
from frontdesk.routing.rules import Rule, VisitorFacts, check_conditions, first_match

FACTS = VisitorFacts(
    url="https://shop.example/de/pricing?plan=pro",
    language="de-DE",
    country="DE",
    prechat={"topic": "Billing", "email": "ada@example.com"},
    attributes={"plan": "enterprise"},
)


@pytest.mark.parametrize(
    ("condition", "matches"),
    [
        ({"field": "url", "op": "contains", "value": "/pricing"}, True),
        ({"field": "url", "op": "contains", "value": "/careers"}, False),
        ({"field": "url", "op": "equals", "value": "https://shop.example/de/pricing?plan=pro"}, True),
        ({"field": "url", "op": "equals", "value": "https://shop.example/de/pricing"}, False),
        ({"field": "url", "op": "regex", "value": r"/de/(pricing|plans)"}, True),
        ({"field": "url", "op": "regex", "value": r"^https://shop\.example/fr/"}, False),
        ({"field": "language", "op": "equals", "value": "DE-de"}, True),
        ({"field": "language", "op": "regex", "value": "^fr"}, False),
        ({"field": "country", "op": "equals", "value": "de"}, True),
        ({"field": "country", "op": "equals", "value": "FR"}, False),
        ({"field": "prechat.topic", "op": "equals", "value": "billing"}, True),
        ({"field": "prechat.topic", "op": "equals", "value": "sales"}, False),
        ({"field": "attribute.plan", "op": "contains", "value": "enter"}, True),
        ({"field": "attribute.missing", "op": "contains", "value": "x"}, False),
    ],
)
def test_each_rule_kind(condition: dict[str, str], matches: bool) -> None:
    rules = [Rule(team_id="chosen", conditions=[condition])]
    assert first_match(rules, FACTS) == ("chosen" if matches else None)


def test_first_matching_rule_wins_and_all_conditions_must_hold() -> None:
    rules = [
        Rule(
            "billing-fr",
            [
                {"field": "prechat.topic", "op": "equals", "value": "Billing"},
                {"field": "language", "op": "regex", "value": "^fr"},
            ],
        ),
        Rule("german", [{"field": "language", "op": "regex", "value": "^de"}]),
        Rule("pricing", [{"field": "url", "op": "contains", "value": "pricing"}]),
        Rule("catch-all", []),
    ]
    assert first_match(rules, FACTS) == "german"
    assert first_match(rules, VisitorFacts(url="https://shop.example/")) == "catch-all"


def test_bad_conditions_are_refused_with_the_place_named() -> None:
    with pytest.raises(Invalid) as bad_field:
        check_conditions(
            [{"field": "url", "op": "contains", "value": "x"}, {"field": "ip", "op": "equals", "value": "1"}]
        )
    assert bad_field.value.field == "conditions.1.field"
    with pytest.raises(Invalid, match="not a valid regular expression"):
        check_conditions([{"field": "url", "op": "regex", "value": "(unclosed"}])
    with pytest.raises(Invalid, match="op"):
        check_conditions([{"field": "url", "op": "startswith", "value": "x"}])


NEW_YORK = {
    "time_zone": "America/New_York",
    "weekly": {"sun": [["09:00", "17:00"]], "mon": [["09:00", "17:00"]]},
    "holidays": ["2026-12-25"],
}


def test_business_hours_follow_the_teams_zone_across_a_dst_change() -> None:
    # 2026-03-08 is the Sunday New York moves from EST (UTC-5) to EDT (UTC-4) at 02:00.
    # Opening at 09:00 local is 14:00 UTC the Sunday before, and 13:00 UTC on the day.
    before = datetime(2026, 3, 1, 13, 30, tzinfo=UTC)  # 08:30 EST: closed
    assert not is_open(NEW_YORK, before)
    assert is_open(NEW_YORK, datetime(2026, 3, 1, 14, 0, tzinfo=UTC))  # 09:00 EST
    assert is_open(NEW_YORK, datetime(2026, 3, 8, 13, 30, tzinfo=UTC))  # 09:30 EDT: open, an hour "earlier" in UTC
    assert not is_open(NEW_YORK, datetime(2026, 3, 8, 21, 0, tzinfo=UTC))  # 17:00 EDT: closed
    assert is_open(NEW_YORK, datetime(2026, 3, 8, 20, 59, tzinfo=UTC))  # 16:59 EDT
    assert not is_open(NEW_YORK, datetime(2026, 3, 10, 15, 0, tzinfo=UTC))  # a Tuesday: no hours


def test_holidays_close_the_whole_local_day_and_no_schedule_means_always_open() -> None:
    christmas_friday = {**NEW_YORK, "weekly": {"fri": [["00:00", "24:00"]]}}
    assert not is_open(christmas_friday, datetime(2026, 12, 25, 18, 0, tzinfo=UTC))
    # 03:00 UTC on the 26th is still the 25th (22:00) in New York: the local date counts.
    assert not is_open(christmas_friday, datetime(2026, 12, 26, 3, 0, tzinfo=UTC))
    assert is_open(christmas_friday, datetime(2027, 1, 1, 18, 0, tzinfo=UTC))  # the next Friday
    assert is_open(None, datetime(2026, 12, 25, 3, 0, tzinfo=UTC))


def test_bad_hours_are_refused() -> None:
    with pytest.raises(Invalid, match="IANA zone"):
        check_hours({"time_zone": "Mars/Olympus", "weekly": {}})
    with pytest.raises(Invalid, match="is not before"):
        check_hours({"time_zone": "UTC", "weekly": {"mon": [["17:00", "09:00"]]}})
    with pytest.raises(Invalid, match="keys must be among"):
        check_hours({"time_zone": "UTC", "weekly": {"monday": []}})
