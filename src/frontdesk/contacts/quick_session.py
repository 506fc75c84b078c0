"""A widget session's one write, in the quick writes' shared transactions.

Every page a visitor opens starts a widget session: a new contact for a first visit, the
contact's ``last_seen_at`` for every later one. Through the ORM that was a transaction
of its own with five statements, each a hop to aiosqlite's thread: the one SQLite writer
did ~125 sessions a second at 6 ms of CPU each (docs/benchmarks.md). Here the write is
one statement, and a burst of sessions shares its COMMITs with each other and with the
messages being sent (storage/quick.py). The website is read before it, from the
readers; a blocked address is checked inside the INSERT.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from frontdesk.clock import utcnow
from frontdesk.ids import new_id
from frontdesk.storage.base import UTCDateTime
from frontdesk.storage.quick import Exec, Statement


@dataclass(frozen=True, slots=True)
class SessionContact:
    """The contact a session speaks for, as its write returned it."""

    id: str
    workspace_id: str
    name: str
    email: str | None
    blocked: bool
    token_version: int


_TIME = UTCDateTime()
# A blocked contact is not seen again: its row stays as it was, and the caller refuses it.
# A token of an older version (revoked by the widget's reset()) finds no row: a new visitor.
_SEEN_AGAIN = Statement(
    "UPDATE contacts SET last_seen_at = CASE WHEN blocked THEN last_seen_at ELSE :now END, "
    "last_ip = CASE WHEN blocked THEN last_ip ELSE COALESCE(:ip, last_ip) END "
    "WHERE id = :id AND website_id = :website_id AND token_version = :version "
    "RETURNING id, workspace_id, name, email, blocked, token_version",
    {"now": _TIME},
)
# Nobody from a blocked address gets a new contact: no row then (the caller says why).
_NOT_BLOCKED = "WHERE NOT EXISTS (SELECT 1 FROM blocked_addresses WHERE workspace_id = :workspace_id AND ip = :ip)"
_NEW_SQLITE = Statement(
    "INSERT INTO contacts (id, workspace_id, website_id, name, custom_attributes, device, status_lines, blocked, "
    "last_ip, created_at, last_seen_at) SELECT :id, :workspace_id, :website_id, :name, '{}', '{}', '[]', FALSE, "
    f":ip, :now, :now {_NOT_BLOCKED} RETURNING id, workspace_id, name, email, blocked, token_version",
    {"now": _TIME},
)
# PostgreSQL types a SELECT list's parameters and literals by themselves, not by the columns.
_NEW_POSTGRES = Statement(
    "INSERT INTO contacts (id, workspace_id, website_id, name, custom_attributes, device, status_lines, blocked, "
    "last_ip, created_at, last_seen_at) SELECT CAST(:id AS VARCHAR), CAST(:workspace_id AS VARCHAR), "
    "CAST(:website_id AS VARCHAR), CAST(:name AS VARCHAR), CAST('{}' AS JSON), CAST('{}' AS JSON), "
    "CAST('[]' AS JSON), FALSE, CAST(:ip AS VARCHAR), CAST(:now AS TIMESTAMPTZ), CAST(:now AS TIMESTAMPTZ) "
    f"{_NOT_BLOCKED} RETURNING id, workspace_id, name, email, blocked, token_version",
)


def anonymous_name(contact_id: str) -> str:
    return f"Visitor {int(contact_id[:8], 16) % 10000:04d}"


def seen_again(
    contact_id: str, website_id: str, version: int, ip: str | None
) -> Callable[[Exec], SessionContact | None]:
    """The write for a returning visitor; ``None`` when the contact is gone, belongs to
    another website or revoked this token: the visitor starts afresh."""
    params = {"id": contact_id, "website_id": website_id, "version": version, "ip": ip}

    def write(execute: Exec) -> SessionContact | None:
        rows = execute(_SEEN_AGAIN, params | {"now": utcnow()})
        return _contact(rows[0]) if rows else None

    return write


def new_contact(workspace_id: str, website_id: str, ip: str | None) -> Callable[[Exec], SessionContact | None]:
    """The write for a first visit: an anonymous contact; ``None`` when the visitor's
    address is blocked (or the website is gone)."""
    contact_id = new_id()
    params = {
        "id": contact_id,
        "workspace_id": workspace_id,
        "website_id": website_id,
        "name": anonymous_name(contact_id),
        "ip": ip,
    }

    def write(execute: Exec) -> SessionContact | None:
        statement = _NEW_POSTGRES if execute.dialect == "postgresql" else _NEW_SQLITE
        rows = execute(statement, params | {"now": utcnow()})
        return _contact(rows[0]) if rows else None

    return write


def _contact(row: tuple[object, ...]) -> SessionContact:
    contact_id, workspace_id, name, email, blocked, token_version = row
    return SessionContact(
        id=str(contact_id),
        workspace_id=str(workspace_id),
        name=str(name),
        email=None if email is None else str(email),
        blocked=bool(blocked),
        token_version=token_version if isinstance(token_version, int) else 0,
    )
