"""Whether a visitor token still counts: the one rule every visitor call goes through
(REST, socket, stream), read without the ORM.

A token's signature says which contact and website it was issued for and at which
``token_version`` (tokens.py); the contact's row says whether that still holds:
a contact that is gone, moved to another website or reset (``token_version`` raised by
the widget's ``reset()``) refuses the token; a blocked one refuses the visitor.
"""

from __future__ import annotations

from dataclasses import dataclass

from frontdesk.actors import VisitorActor
from frontdesk.errors import Forbidden, Unauthorized
from frontdesk.storage.db import Database
from frontdesk.storage.quick import Exec
from frontdesk.storage.reads import Listed
from frontdesk.tokens import VisitorClaims


@dataclass(frozen=True, slots=True)
class ContactRow:
    """What a token check needs of a contact."""

    id: str
    workspace_id: str
    website_id: str
    name: str
    token_version: int
    blocked: bool


_CONTACTS = Listed(
    "SELECT id, workspace_id, website_id, name, token_version, blocked FROM contacts WHERE {listed}", "id"
)


def contacts_by_id(execute: Exec, ids: list[str]) -> list[ContactRow | None]:
    """A quick read (storage/reads.py): each id's contact, or None."""
    rows = {
        row[0]: ContactRow(str(row[0]), str(row[1]), str(row[2]), str(row[3]), int(row[4]), bool(row[5]))
        for row in _CONTACTS(execute, list(set(ids)))
    }
    return [rows.get(i) for i in ids]


def visitor_of(contact: ContactRow | None, claims: VisitorClaims, ip: str | None = None) -> VisitorActor:
    """The visitor a token speaks for, given its contact as read after the token arrived."""
    if contact is None or contact.website_id != claims.website_id or contact.token_version != claims.version:
        raise Unauthorized("this visitor session has ended; start a new session")
    if contact.blocked:
        raise Forbidden("this visitor is blocked")
    return VisitorActor(
        workspace_id=contact.workspace_id,
        website_id=claims.website_id,
        contact_id=contact.id,
        name=contact.name,
        ip=ip,
    )


async def check_visitor(db: Database, claims: VisitorClaims, ip: str | None = None) -> VisitorActor:
    """``visitor_of`` the contact read now: one indexed lookup, batched with others'."""
    return visitor_of(await db.reads.get(contacts_by_id, claims.contact_id), claims, ip)
