"""The visitor's page tells the agents something (Olark's sendNotificationToOperator):
the plan they are on, a cart, a session-replay link. Agents see it; the visitor never."""

from __future__ import annotations

from frontdesk.actors import VisitorActor
from frontdesk.contacts.models import Contact
from frontdesk.context import Context
from frontdesk.conversations import events as conversation_events
from frontdesk.conversations.queries import ongoing
from frontdesk.errors import Forbidden
from frontdesk.messages.actions import SITE_NOTE, SITE_NOTE_AUTHOR, SITE_NOTES_KEY
from frontdesk.messages.append import append_message
from frontdesk.messages.models import BODY_MAX_CHARS
from frontdesk.validation import check_text
from frontdesk.websites.models import Website
from frontdesk.websites.settings import TURN_ON, effective

MAX_PENDING_NOTES = 10


async def notify_agents(ctx: Context, actor: VisitorActor, body: str) -> None:
    """A private note in the visitor's ongoing conversation; with none yet, the note waits
    on the contact and opens their next conversation."""
    text = check_text("body", body, max_chars=BODY_MAX_CHARS)
    async with ctx.db.transaction() as session:
        website = await session.get_one(Website, actor.website_id)
        if not effective(website.settings).site_notes_enabled:
            raise Forbidden(f"this website does not take notes from its pages; {TURN_ON}", field="body")
        conversation = await session.scalar(ongoing(actor))
        if conversation is None:
            contact = await session.get_one(Contact, actor.contact_id)
            pending = list(contact.custom_attributes.get(SITE_NOTES_KEY, []))[-(MAX_PENDING_NOTES - 1) :]
            contact.custom_attributes = {**contact.custom_attributes, SITE_NOTES_KEY: [*pending, text]}
            return
        message = await append_message(session, conversation, SITE_NOTE_AUTHOR, text, private=True, system=SITE_NOTE)
        await session.flush()
        ctx.emit(session, [conversation_events.message_created(message, conversation)])
