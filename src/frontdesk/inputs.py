"""What every request field must be before anything reads it: the limits the storage
can hold, stated once and used by REST bodies, query and path parameters and socket frames.

Three kinds of input used to reach the database and fail there (a 500 on PostgreSQL):
a NUL character in a string (PostgreSQL's text and JSON types cannot hold one), an
integer past the column's range (``after_seq=99999999999999999999``) and a time
without a zone. Each is refused here with a message that names the field.
"""

from __future__ import annotations

import math
from datetime import UTC, date, datetime
from typing import Annotated, Any
from zoneinfo import available_timezones

from pydantic import AwareDatetime, PlainValidator, TypeAdapter, ValidationError, WithJsonSchema

from frontdesk.errors import Invalid

# PostgreSQL's INTEGER; every count, seq, score and number of seconds a request may
# carry fits it, and BIGINT columns hold it too.
INT_MAX = 2**31 - 1
# Said in the schema of every request string (http/openapi.py adds it); a field with a
# pattern of its own excludes NUL in that pattern (a schema has one pattern).
NUL_FREE = r"^[^\x00]*$"
# What Python's ``strip`` trims (``str.isspace``, \x1c-\x1f included), spelled out:
# ``\s`` means a little less to the regex engines of pydantic and of schema readers.
SPACE = r"\t-\r\x1c-\x20\x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000"
# Not blank once trimmed, as ``validation.check_text`` requires.
NOT_BLANK = rf"^[^\x00]*[^{SPACE}\x00][^\x00]*$"
# ``validation.check_email``'s rule, without the spaces it would trim.
EMAIL = rf"^[^@{SPACE}\x00]+@[^@{SPACE}\x00]+\.[^@{SPACE}\x00]+$"
# Past any passphrase a person types; refused before hashing, so a megabyte of
# "password" costs nothing (argon2 reads all of it).
MAX_PASSWORD_CHARS = 1000
# Search needs a word in what it is asked (search/queries.py ``terms``).
WORD = r"\w"
# ``messages.actions``' client_ref: a UUID fits, and it can go in a URL as it is.
CLIENT_REF = r"^[A-Za-z0-9_.:-]{8,64}$"
EMAIL_OR_EMPTY = r"^$|" + EMAIL


_AWARE: TypeAdapter[datetime] = TypeAdapter(AwareDatetime)


def _time(value: object) -> datetime:
    if not isinstance(value, str):  # not a number of seconds: JSON says which it is
        raise ValueError(f"must be a time like 2026-01-01T09:00:00Z, got {type(value).__name__}")
    try:
        parsed = _AWARE.validate_python(value)
    except ValidationError as exc:
        reason = exc.errors()[0]["msg"].removeprefix("Input ").replace("should have", "must have")
        raise ValueError(f"must be a time with its zone, like 2026-01-01T09:00:00Z ({reason})") from None
    try:
        return parsed.astimezone(UTC)
    except OverflowError:  # within a day of year 1 or 9999: read as the first or last time there is
        return (datetime.min if parsed.year == 1 else datetime.max).replace(tzinfo=UTC)


# A time with its zone (``2026-01-01T09:00:00+01:00`` or ``...Z``); a naive one is refused
# instead of guessing the zone. Held as UTC from here on.
Time = Annotated[datetime, PlainValidator(_time), WithJsonSchema({"type": "string", "format": "date-time"})]


def _date(value: object) -> str:
    try:
        return date.fromisoformat(value).isoformat() if isinstance(value, str) and len(value) == 10 else ""
    except ValueError:
        return ""


def _day(value: object) -> str:
    if not (day := _date(value)):
        raise ValueError(f"must be a date like 2026-12-25, got {value!r}")
    return day


# A calendar date, ``2026-12-25``; kept as that text.
Date = Annotated[str, PlainValidator(_day), WithJsonSchema({"type": "string", "format": "date"})]


def find_unstorable(value: object, where: str = "") -> tuple[str, str] | None:
    """Where (``a.b.0``) and what: the first string holding a NUL or the first number
    that is not finite (Python's JSON reader takes ``NaN``; no JSON column stores it)."""
    stack: list[tuple[object, str]] = [(value, where)]
    while stack:
        item, path = stack.pop()
        if isinstance(item, str):
            if "\x00" in item:
                return path, _NUL
        elif isinstance(item, float):
            if not math.isfinite(item):
                return path, "must be a finite number"
        elif isinstance(item, dict):
            for key, child in item.items():
                child_path = f"{path}.{key}" if path else str(key)
                if isinstance(key, str) and "\x00" in key:
                    return path or child_path, _NUL
                stack.append((child, child_path))
        elif isinstance(item, list):
            stack.extend((child, f"{path}.{i}" if path else str(i)) for i, child in enumerate(item))
    return None


def refuse_unstorable(value: object, where: str = "") -> None:
    """``Invalid`` naming the field when a string in ``value`` holds a NUL character or a
    number is NaN or infinite."""
    found = find_unstorable(value, where)
    if found is not None:
        field = found[0].replace("\x00", "\\u0000") or None
        shown = f'"{field}"' if field else "the request"
        raise Invalid(f"{shown} {found[1]}", field=field)


_NUL = "must not contain NUL characters (\\u0000)"


def _zone(value: object) -> str:
    if not (isinstance(value, str) and value in ZONES):
        raise ValueError(f"must be an IANA time zone like Europe/Berlin, got {value!r}")
    return value


# The zones this machine's database knows, listed in the schema.
ZONES = frozenset(available_timezones())
Zone = Annotated[str, PlainValidator(_zone), WithJsonSchema({"type": "string", "enum": sorted(ZONES)})]


def whole_numbers(value: Any) -> Any:
    """``value`` with every float that is a whole number as an int: JSON Schema's integer
    is any number without a fraction, so ``3.0`` is a valid ``seq`` as much as ``3``."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, dict):
        return {key: whole_numbers(child) for key, child in value.items()}
    if isinstance(value, list):
        return [whole_numbers(child) for child in value]
    return value
