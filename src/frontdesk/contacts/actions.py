"""Visitors becoming contacts, and agents editing them."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import select

from frontdesk.actors import AgentActor
from frontdesk.contacts.blocking import is_blocked
from frontdesk.contacts.events import contact_updated, known
from frontdesk.contacts.models import Contact
from frontdesk.contacts.quick_session import SessionContact, new_contact, seen_again
from frontdesk.context import Context
from frontdesk.errors import Forbidden, Invalid, NotFound
from frontdesk.ratelimits.limiter import address_key
from frontdesk.ratelimits.rules import CONTACTS_IP
from frontdesk.tokens import VisitorClaims
from frontdesk.validation import check_email, check_text
from frontdesk.websites.queries import WebsiteRow, websites_by_key

# Custom attributes are shown in the agent's sidebar and used by rules: a few dozen
# short values, not a document store.
MAX_CUSTOM_ATTRIBUTES = 50
MAX_ATTRIBUTE_VALUE_CHARS = 500


@dataclass(frozen=True)
class VisitorSession:
    contact: SessionContact
    website: WebsiteRow
    token: str
    resumed: bool


async def start_visitor_session(
    ctx: Context, widget_key: str, token: str | None, ip: str | None = None
) -> VisitorSession:
    """Resume the visitor of ``token`` on this website, or make a new anonymous contact.
    A blocked contact, or anyone from a blocked address, is refused. Every page view
    comes here: a quick read of the website (storage/reads.py) and a quick write
    (contacts/quick_session.py), each batched with the other sessions starting meanwhile."""
    claims = ctx.visitor_tokens.verify(token, legacy=True) if token else None
    website = await ctx.db.reads.get(websites_by_key, widget_key)
    if website is None:
        raise NotFound(f"no website with key {widget_key!r}; check the snippet", field="website_key")
    contact = None
    if claims is not None and claims.website_id == website.id:
        contact = await ctx.quick.run(seen_again(claims.contact_id, website.id, claims.version, ip))
        if contact is not None and contact.blocked:
            raise Forbidden("this visitor is blocked")
    resumed = contact is not None
    if contact is None:
        if (address := address_key(ip)) is not None:  # a flood of new visitors fills the contacts list
            await ctx.rate_limits.hit(CONTACTS_IP, address)
        contact = await ctx.quick.run(new_contact(website.workspace_id, website.id, ip))
        if contact is None:  # refused: a blocked address, or the website has just gone
            if await is_blocked(ctx.db, website.workspace_id, None, ip):
                raise Forbidden("this visitor is blocked")
            raise NotFound(f"no website with key {widget_key!r}; check the snippet", field="website_key")
    new_token = ctx.visitor_tokens.issue(
        VisitorClaims(contact_id=contact.id, website_id=website.id, version=contact.token_version)
    )
    return VisitorSession(contact=contact, website=website, token=new_token, resumed=resumed)


@dataclass(frozen=True)
class ContactChanges:
    """Fields to change; ``None`` leaves a field as it is."""

    name: str | None = None
    email: str | None = None
    phone: str | None = None
    custom_attributes: dict[str, Any] | None = None


async def update_contact(ctx: Context, actor: AgentActor, contact_id: str, changes: ContactChanges) -> Contact:
    async with ctx.db.transaction() as session:
        contact = await session.scalar(
            select(Contact).where(Contact.id == contact_id, Contact.workspace_id == actor.workspace_id)
        )
        if contact is None:
            raise NotFound(f"no contact {contact_id}")
        was_known = known(contact)
        apply_changes(contact, changes)
        ctx.emit(session, contact_updated(contact, was_known=was_known))
    return contact


def apply_changes(contact: Contact, changes: ContactChanges) -> None:
    if changes.name is not None:
        contact.name = check_text("name", changes.name, max_chars=200)
    if changes.email is not None:
        contact.email = check_email(changes.email) if changes.email else None
    if changes.phone is not None:
        contact.phone = check_text("phone", changes.phone, max_chars=50, min_chars=0) or None
    if changes.custom_attributes is not None:
        contact.custom_attributes = _merged_attributes(contact.custom_attributes, changes.custom_attributes)


def _merged_attributes(current: dict[str, Any], update: dict[str, Any]) -> dict[str, Any]:
    """Merge like Olark's updateCustomFields: keys add up across calls; null removes one."""
    merged = dict(current)
    for key, value in update.items():
        if not isinstance(key, str) or not 0 < len(key) <= 100 or key.startswith("_"):
            raise Invalid(
                f'"custom_attributes" keys must be 1-100 characters, not starting with "_"; got {key!r}',
                field="custom_attributes",
            )
        if value is None:
            merged.pop(key, None)
        elif isinstance(value, str | int | float | bool) and len(str(value)) <= MAX_ATTRIBUTE_VALUE_CHARS:
            merged[key] = value
        else:
            raise Invalid(
                f'"custom_attributes.{key}" must be a string, number or boolean of at most '
                f"{MAX_ATTRIBUTE_VALUE_CHARS} characters",
                field=f"custom_attributes.{key}",
            )
    if len(merged) > MAX_CUSTOM_ATTRIBUTES:
        raise Invalid(f'"custom_attributes" may hold at most {MAX_CUSTOM_ATTRIBUTES} keys', field="custom_attributes")
    return merged
