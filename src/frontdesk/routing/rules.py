"""Routing rules: which team a new chat goes to. Pure functions over what is known about
the visitor when the chat starts, so every rule kind is testable without a database."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from frontdesk.errors import Invalid

FIELDS = ("url", "language", "country")
PREFIXED = ("prechat.", "attribute.")
OPS = ("contains", "equals", "regex")
MAX_CONDITIONS = 10
MAX_PATTERN_CHARS = 200  # a regex is an admin's input run on every new chat: keep it small


@dataclass(frozen=True)
class VisitorFacts:
    """What routing may look at."""

    url: str = ""
    language: str = ""
    country: str = ""
    prechat: dict[str, Any] = field(default_factory=dict)
    attributes: dict[str, Any] = field(default_factory=dict)

    def value(self, name: str) -> str:
        if name.startswith("prechat."):
            return str(self.prechat.get(name.removeprefix("prechat."), ""))
        if name.startswith("attribute."):
            return str(self.attributes.get(name.removeprefix("attribute."), ""))
        return str(getattr(self, name))


@dataclass(frozen=True)
class Rule:
    team_id: str
    conditions: list[dict[str, Any]]


def holds(condition: dict[str, Any], facts: VisitorFacts) -> bool:
    actual = facts.value(condition["field"])
    expected = str(condition["value"])
    op = condition["op"]
    if op == "equals":
        return actual.casefold() == expected.casefold()
    if op == "contains":
        return expected.casefold() in actual.casefold()
    return re.search(expected, actual) is not None


def first_match(rules: list[Rule], facts: VisitorFacts) -> str | None:
    """The team of the first rule whose conditions all hold (a rule without conditions
    always matches: a catch-all at the end of the list)."""
    for rule in rules:
        if all(holds(c, facts) for c in rule.conditions):
            return rule.team_id
    return None


def check_conditions(conditions: object) -> list[dict[str, Any]]:
    """Validate an admin's conditions; the messages name the condition and what is wrong."""
    if not isinstance(conditions, list) or len(conditions) > MAX_CONDITIONS:
        raise Invalid(f'"conditions" must be a list of at most {MAX_CONDITIONS} conditions', field="conditions")
    checked = []
    for i, c in enumerate(conditions):
        where = f"conditions.{i}"
        if not isinstance(c, dict):
            raise Invalid(f'"{where}" must be an object with field, op and value', field=where)
        name, op, value = c.get("field"), c.get("op"), c.get("value")
        if not isinstance(name, str) or not (name in FIELDS or (name.startswith(PREFIXED) and "." in name[:11])):
            raise Invalid(
                f'"{where}.field" must be one of {", ".join(FIELDS)}, prechat.<name> or attribute.<name>; got {name!r}',
                field=f"{where}.field",
            )
        if op not in OPS:
            raise Invalid(f'"{where}.op" must be one of {", ".join(OPS)}; got {op!r}', field=f"{where}.op")
        if not isinstance(value, str) or not 0 < len(value) <= MAX_PATTERN_CHARS:
            raise Invalid(f'"{where}.value" must be 1-{MAX_PATTERN_CHARS} characters', field=f"{where}.value")
        if op == "regex":
            try:
                re.compile(value)
            except re.error as exc:
                raise Invalid(
                    f'"{where}.value" is not a valid regular expression: {exc}', field=f"{where}.value"
                ) from None
        checked.append({"field": name, "op": op, "value": value})
    return checked
