"""Checks on untrusted input shared by actions, with messages that say what was wrong."""

from __future__ import annotations

import re

from frontdesk.errors import Invalid

_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def check_text(field: str, value: object, *, max_chars: int, min_chars: int = 1) -> str:
    if not isinstance(value, str):
        raise Invalid(f'"{field}" must be a string, got {type(value).__name__}', field=field)
    text = value.strip()
    if not min_chars <= len(text) <= max_chars:
        raise Invalid(f'"{field}" must be {min_chars}-{max_chars} characters, got {len(text)}', field=field)
    return text


def check_email(value: object, field: str = "email") -> str:
    email = check_text(field, value, max_chars=320).lower()
    if not _EMAIL.match(email):
        raise Invalid(f'"{field}" must be an email address like ada@example.com, got {email!r}', field=field)
    return email
