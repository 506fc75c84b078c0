"""An agent starts a chat with a visitor (from the live visitors list, or a contact)."""

from __future__ import annotations

from sqlalchemy import select

from frontdesk.actors import AgentActor
from frontdesk.agents.models import Agent
from frontdesk.clock import utcnow
from frontdesk.contacts.models import Contact
from frontdesk.context import Context
from frontdesk.conversations import events as conversation_events
from frontdesk.conversations.models import Conversation, Status
from frontdesk.errors import NotFound
from frontdesk.messages.actions import NewMessage, send_message
from frontdesk.messages.models import StoredMessage
from frontdesk.routing.assignment import take_seat_anyway


async def start_conversation(
    ctx: Context, actor: AgentActor, contact_id: str, body: str, client_ref: str | None = None
) -> StoredMessage:
    """The visitor's open conversation gets the message, or a new one assigned to the
    agent who started it; either way it appears in the visitor's widget."""
    async with ctx.db.transaction() as session:
        contact = await session.scalar(
            select(Contact).where(Contact.id == contact_id, Contact.workspace_id == actor.workspace_id)
        )
        if contact is None:
            raise NotFound(f"no contact {contact_id}")
        conversation = await session.scalar(
            select(Conversation)
            .where(Conversation.contact_id == contact.id, Conversation.status != Status.RESOLVED.value)
            .order_by(Conversation.created_at.desc())
            .limit(1)
        )
        if conversation is None:
            conversation = Conversation(
                workspace_id=actor.workspace_id,
                website_id=contact.website_id,
                contact_id=contact.id,
                assignee_id=actor.agent_id,
                assigned_at=utcnow(),
            )
            session.add(conversation)
            await take_seat_anyway(session, actor.agent_id)
            await session.flush()
            agent = await session.get(Agent, actor.agent_id)
            ctx.emit(session, [conversation_events.conversation_created(conversation, contact, agent, None)])
    result = await send_message(
        ctx, actor, NewMessage(body=body, client_ref=client_ref, conversation_id=conversation.id)
    )
    return result.message
