"""A site tells us who its visitor is (``Frontdesk.identify`` / Olark's updateX calls)."""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from frontdesk.actors import VisitorActor
from frontdesk.contacts.actions import ContactChanges, apply_changes
from frontdesk.contacts.events import contact_updated, known
from frontdesk.contacts.models import Contact
from frontdesk.contacts.quick_session import anonymous_name
from frontdesk.context import Context
from frontdesk.errors import Forbidden
from frontdesk.ids import new_id
from frontdesk.ratelimits.rules import CONTACTS_IP
from frontdesk.storage.base import Base
from frontdesk.tokens import VisitorClaims
from frontdesk.validation import check_text
from frontdesk.websites.models import Website

MAX_STATUS_LINES = 10


@dataclass(frozen=True)
class Identity:
    name: str | None = None
    email: str | None = None
    phone: str | None = None
    external_id: str | None = None
    signature: str | None = None
    custom_attributes: dict[str, Any] | None = None
    status: list[str] | None = field(default=None)


def expected_signature(secret: str, external_id: str) -> str:
    return hmac.new(secret.encode(), external_id.encode(), hashlib.sha256).hexdigest()


async def identify_visitor(ctx: Context, actor: VisitorActor, identity: Identity) -> tuple[Contact, str]:
    """Update the visitor's contact; returns it and the token to use from now on.

    Who may become whom:
    - A verified ``external_id`` (signed by the site's backend) joins this browser's
      anonymous contact to the contact verified under that id, with the conversations of
      both: the customer's history follows them across devices.
    - An ``external_id`` is never joined on trust: one a browser merely claimed (no
      signature, or stored before the website turned verification on) is kept for agents
      to see, and joins nothing.
    - Another ``external_id`` than the contact already has means another person in this
      browser (a shared computer, a site that forgot ``Frontdesk.reset()``). They are never
      merged: the new person gets a contact of their own, and the widget, seeing another
      contact in the answer, drops the previous person's chats.
    """
    limits = ctx.rate_limits.hit_visitor
    async with ctx.db.transaction() as session:
        contact = await session.get_one(Contact, actor.contact_id)
        was_known = known(contact)
        website = await session.get_one(Website, actor.website_id)
        if identity.external_id is not None:
            external_id = check_text("external_id", identity.external_id, max_chars=200)
            verified = _verify(website, external_id, identity.signature)
            contact = await _become(session, contact, external_id, verified, lambda: limits(actor, CONTACTS_IP))
        apply_changes(
            contact,
            ContactChanges(
                name=identity.name,
                email=identity.email,
                phone=identity.phone,
                custom_attributes=identity.custom_attributes,
            ),
        )
        if identity.status is not None:
            contact.status_lines = [check_text("status", line, max_chars=300) for line in identity.status][
                :MAX_STATUS_LINES
            ]
        await session.flush()
        claims = VisitorClaims(contact_id=contact.id, website_id=actor.website_id, version=contact.token_version)
        # Another person in this browser is a new contact, known from the start.
        ctx.emit(session, contact_updated(contact, was_known=was_known and contact.id == actor.contact_id))
    token = ctx.visitor_tokens.issue(claims)
    return contact, token


def _verify(website: Website, external_id: str, signature: str | None) -> bool:
    if website.identity_secret is None:
        return False
    if not signature:
        raise Forbidden("this website verifies identities: send the external_id's signature", field="signature")
    expected = expected_signature(website.identity_secret, external_id).encode()
    if not hmac.compare_digest(expected, signature.lower().encode()):  # bytes: any text compares
        raise Forbidden("the signature does not match the external_id", field="signature")
    return True


async def _become(
    session: AsyncSession,
    contact: Contact,
    external_id: str,
    verified: bool,
    count_new_contact: Callable[[], Awaitable[None]],
) -> Contact:
    """The contact this browser speaks for once it says it is ``external_id``."""
    known = await _verified_contact(session, contact.website_id, external_id) if verified else None
    if known is not None and known.id != contact.id:
        if contact.external_id is None:
            # This browser was anonymous until now: what it said before logging in is the
            # customer's too, so it moves to their contact.
            await _move_references(session, contact.id, known.id)
            await session.delete(contact)
        return known
    if contact.external_id is not None and contact.external_id != external_id:
        await count_new_contact()  # as a new visitor is: switching ids must not mint contacts
        contact = _another_person(contact)  # never the previous person's chats
        session.add(contact)
    contact.external_id = external_id
    contact.external_id_verified = contact.external_id_verified or verified
    return contact


async def _move_references(session: AsyncSession, old_id: str, new_id: str) -> None:
    """Every row that names the contact (conversations, page views, files, ...) follows it
    to ``new_id``: found by the foreign keys to ``contacts``, so a table added later
    follows too, and contacts need not know the packages that point at them."""
    contacts = Contact.__table__
    for table in Base.metadata.sorted_tables:
        for key in table.foreign_keys:
            if key.column.table is contacts and table is not contacts:
                column = key.parent
                await session.execute(update(table).where(column == old_id).values({column.name: new_id}))


async def _verified_contact(session: AsyncSession, website_id: str, external_id: str) -> Contact | None:
    found: Contact | None = await session.scalar(
        select(Contact)
        .where(
            Contact.website_id == website_id,
            Contact.external_id == external_id,
            Contact.external_id_verified.is_(True),
        )
        .order_by(Contact.created_at)
        .limit(1)
    )
    return found


def _another_person(previous: Contact) -> Contact:
    """A fresh anonymous contact in the previous one's website, from the same device."""
    contact_id = new_id()
    return Contact(
        id=contact_id,
        workspace_id=previous.workspace_id,
        website_id=previous.website_id,
        name=anonymous_name(contact_id),
        device=dict(previous.device),
        last_ip=previous.last_ip,
        # Set here, not left to the columns' defaults: those apply at the INSERT, and the
        # identify call changes this contact before that.
        custom_attributes={},
        status_lines=[],
        blocked=False,
        token_version=0,
        external_id_verified=False,
    )
