"""What visitors say about a chat: a rating, and a request for its transcript."""

from __future__ import annotations

from frontdesk.actors import VisitorActor
from frontdesk.agents.models import Agent
from frontdesk.contacts.events import contact_updated, known
from frontdesk.contacts.models import Contact
from frontdesk.context import Context
from frontdesk.conversations import events as conversation_events
from frontdesk.conversations.actions import SYSTEM
from frontdesk.conversations.queries import conversation_for, last_spoken
from frontdesk.errors import Conflict, Forbidden, Invalid
from frontdesk.jobs.outbox import enqueue
from frontdesk.messages.append import append_message
from frontdesk.ratelimits.rules import TRANSCRIPTS_CONVERSATION
from frontdesk.validation import check_email, check_text
from frontdesk.websites.models import Website
from frontdesk.websites.settings import effective

MAX_COMMENT_CHARS = 2000


async def rate_conversation(
    ctx: Context, actor: VisitorActor, conversation_id: str, score: int, comment: str | None
) -> tuple[int, str | None]:
    """CSAT 1-5. Rating again replaces the earlier rating (visitors change their mind)."""
    if not 1 <= score <= 5:
        raise Invalid(f'"score" must be 1-5, got {score}', field="score")
    text = check_text("comment", comment, max_chars=MAX_COMMENT_CHARS, min_chars=0) if comment else None
    async with ctx.db.transaction() as session:
        conversation = await conversation_for(session, actor, conversation_id, lock=True)
        website = await session.get_one(Website, conversation.website_id)
        if not effective(website.settings).rating_enabled:
            raise Forbidden("this website does not ask for ratings", field="score")
        conversation.rating_score, conversation.rating_comment = score, text or None
        note = f"{actor.name} rated the conversation {score}/5" + (f": {text}" if text else "")
        message = await append_message(
            session, conversation, SYSTEM, note, private=True, system={"action": "rating", "score": score}
        )
        await session.flush()
        contact = await session.get_one(Contact, conversation.contact_id)
        assignee = await session.get(Agent, conversation.assignee_id) if conversation.assignee_id else None
        last = await last_spoken(session, conversation.id)
        events = [conversation_events.message_created(message, conversation)]
        events += conversation_events.conversation_updated(conversation, contact, assignee, last, ["rating"])
        ctx.emit(session, events)
    return score, text or None


async def request_transcript(ctx: Context, actor: VisitorActor, conversation_id: str, email: str) -> str:
    """Emails the conversation (without private notes) through the outbox; returns where.

    Transcripts are mail under the company's name that a stranger can ask for, so: only
    where the website offers them and mail is set up, to one address per conversation
    (the first asked for), which becomes the contact's email for agents to see, and a
    few per conversation (``transcripts.conversation``)."""
    address = check_email(email)
    if not ctx.mail.configured:
        raise Forbidden("this server sends no email, so no transcripts", field="email")
    async with ctx.db.transaction() as session:
        conversation = await conversation_for(session, actor, conversation_id, lock=True)
        website = await session.get_one(Website, conversation.website_id)
        if not effective(website.settings).transcript_enabled:
            raise Forbidden("this website does not send transcripts", field="email")
        if conversation.transcript_email not in (None, address):
            raise Conflict(
                "this conversation's transcript goes to the address first asked for, and no other", field="email"
            )
        await ctx.rate_limits.hit(TRANSCRIPTS_CONVERSATION, conversation.id)
        conversation.transcript_email = address
        contact = await session.get_one(Contact, conversation.contact_id)
        if contact.email != address:
            was_known = known(contact)
            contact.email = address
            ctx.emit(session, contact_updated(contact, was_known=was_known))
        enqueue(session, "email.transcript", {"conversation_id": conversation_id, "to": address})
    return address
