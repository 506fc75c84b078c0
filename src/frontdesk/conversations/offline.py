"""Leaving a message when nobody is online: it becomes a conversation the team sees, and
an email to the team (when email is configured), so no lead waits unseen."""

from __future__ import annotations

from dataclasses import dataclass

from frontdesk.actors import VisitorActor
from frontdesk.contacts.actions import ContactChanges, apply_changes
from frontdesk.contacts.models import Contact
from frontdesk.context import Context
from frontdesk.jobs.outbox import enqueue
from frontdesk.messages.actions import NewMessage, send_message
from frontdesk.messages.models import StoredMessage
from frontdesk.validation import check_text


@dataclass(frozen=True)
class OfflineMessage:
    client_ref: str
    name: str
    email: str
    body: str


async def leave_offline_message(
    ctx: Context, actor: VisitorActor, offline: OfflineMessage
) -> tuple[StoredMessage, bool]:
    name = check_text("name", offline.name, max_chars=200)
    async with ctx.db.transaction() as session:
        contact = await session.get_one(Contact, actor.contact_id)
        apply_changes(contact, ContactChanges(name=name, email=offline.email))
    result = await send_message(ctx, actor, NewMessage(body=offline.body, client_ref=offline.client_ref))
    if not result.duplicate:
        async with ctx.db.transaction() as session:
            enqueue(session, "email.offline_message", {"message_id": result.message.id})
    return result.message, result.duplicate
