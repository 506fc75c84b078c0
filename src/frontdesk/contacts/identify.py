"""A site tells us who its visitor is (``Frontdesk.identify`` / Olark's updateX calls)."""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select, update

from frontdesk.actors import VisitorActor
from frontdesk.contacts.actions import ContactChanges, apply_changes
from frontdesk.contacts.models import Contact
from frontdesk.contacts.page_views import PageView
from frontdesk.contacts.tokens import VisitorClaims
from frontdesk.contacts.views import contact_summary
from frontdesk.context import Context
from frontdesk.conversations.models import Conversation
from frontdesk.errors import Forbidden
from frontdesk.events import ContactUpdated, Event, EventName
from frontdesk.topics import workspace_agents
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

    A verified ``external_id`` (signed by the site's backend) joins this visitor to the
    contact that already has it, with the conversations of both: the customer's history
    follows them across devices. An unsigned one is refused when the website verifies
    identities, and is otherwise stored but never used to join contacts.
    """
    async with ctx.db.transaction() as session:
        contact = await session.get_one(Contact, actor.contact_id)
        website = await session.get_one(Website, actor.website_id)
        if identity.external_id is not None:
            external_id = check_text("external_id", identity.external_id, max_chars=200)
            verified = _verify(website, external_id, identity.signature)
            if verified:
                contact = await _join(session, contact, external_id)
            elif contact.external_id is None:
                contact.external_id = external_id
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
    token = ctx.visitor_tokens.issue(VisitorClaims(contact_id=contact.id, website_id=actor.website_id))
    event = Event(
        EventName.CONTACT_UPDATED,
        ContactUpdated(contact=contact_summary(contact)),
        (workspace_agents(actor.workspace_id),),
    )
    await ctx.publish([event])
    return contact, token


def _verify(website: Website, external_id: str, signature: str | None) -> bool:
    if website.identity_secret is None:
        return False
    if not signature:
        raise Forbidden("this website verifies identities: send the external_id's signature", field="signature")
    if not hmac.compare_digest(expected_signature(website.identity_secret, external_id), signature.lower()):
        raise Forbidden("the signature does not match the external_id", field="signature")
    return True


async def _join(session: Any, contact: Contact, external_id: str) -> Contact:
    known: Contact | None = await session.scalar(
        select(Contact).where(Contact.website_id == contact.website_id, Contact.external_id == external_id)
    )
    if known is None or known.id == contact.id:
        contact.external_id = external_id
        return contact
    for model in (Conversation, PageView):
        await session.execute(update(model).where(model.contact_id == contact.id).values(contact_id=known.id))
    await session.delete(contact)
    return known
