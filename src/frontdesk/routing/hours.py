"""Business hours: is a team open at a given moment, in its own time zone.

Schedules are wall-clock times in the team's zone (``zoneinfo``), so "09:00-17:00" stays
09:00-17:00 across daylight-saving changes, whatever the server's zone.
"""

from __future__ import annotations

from datetime import datetime, time
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from frontdesk.errors import Invalid

DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


def is_open(hours: dict[str, Any] | None, moment: datetime) -> bool:
    """``None`` means always open. ``moment`` must be aware."""
    if not hours:
        return True
    local = moment.astimezone(ZoneInfo(hours["time_zone"]))
    if local.date().isoformat() in hours.get("holidays", []):
        return False
    now = local.time()
    for start, end in hours.get("weekly", {}).get(DAYS[local.weekday()], []):
        if time.fromisoformat(start) <= now < _end(end):
            return True
    return False


def _end(value: str) -> time:
    return time.max if value == "24:00" else time.fromisoformat(value)


def check_hours(hours: object) -> dict[str, Any] | None:
    if hours is None:
        return None
    if not isinstance(hours, dict):
        raise Invalid('"business_hours" must be an object or null', field="business_hours")
    zone = hours.get("time_zone")
    try:
        ZoneInfo(str(zone))
    except (ZoneInfoNotFoundError, ValueError):
        raise Invalid(
            f'"business_hours.time_zone" must be an IANA zone like Europe/Berlin; got {zone!r}',
            field="business_hours.time_zone",
        ) from None
    weekly = hours.get("weekly", {})
    if not isinstance(weekly, dict) or not set(weekly) <= set(DAYS):
        raise Invalid(f'"business_hours.weekly" keys must be among {", ".join(DAYS)}', field="business_hours.weekly")
    for day, ranges in weekly.items():
        for span in ranges:
            _check_span(day, span)
    holidays = hours.get("holidays", [])
    for holiday in holidays:
        try:
            datetime.strptime(holiday, "%Y-%m-%d")
        except (TypeError, ValueError):
            raise Invalid(
                f'"business_hours.holidays" must hold dates like 2026-12-25; got {holiday!r}',
                field="business_hours.holidays",
            ) from None
    return {"time_zone": zone, "weekly": weekly, "holidays": list(holidays)}


def _check_span(day: str, span: object) -> None:
    field = f"business_hours.weekly.{day}"
    if not (isinstance(span, list) and len(span) == 2 and all(isinstance(t, str) for t in span)):
        raise Invalid(f'"{field}" must hold ["HH:MM", "HH:MM"] pairs', field=field)
    try:
        start, end = time.fromisoformat(span[0]), _end(span[1])
    except ValueError:
        raise Invalid(f'"{field}" times must be HH:MM; got {span!r}', field=field) from None
    if start >= end:
        raise Invalid(f'"{field}": {span[0]} is not before {span[1]}', field=field)
