"""Changing conversations: status, assignee, read state, typing."""

from __future__ import annotations

from frontdesk.actors import Actor, AgentActor, VisitorActor
from frontdesk.context import Context
from frontdesk.conversations.queries import conversation_for
from frontdesk.errors import Invalid
from frontdesk.events import Author, ConversationRead, Event, EventName, Typing
from frontdesk.messages.append import author_of
from frontdesk.messages.models import AuthorType
from frontdesk.topics import visitor, workspace_agents

SYSTEM = Author(type=AuthorType.SYSTEM.value, id=None, name="Frontdesk")


async def mark_read(ctx: Context, actor: Actor, conversation_id: str, seq: int) -> None:
    """Record that the actor's side has seen everything up to ``seq``."""
    if seq < 0:
        raise Invalid(f'"seq" must be 0 or more, got {seq}', field="seq")
    async with ctx.db.transaction() as session:
        conversation = await conversation_for(session, actor, conversation_id, lock=True)
        seq = min(seq, conversation.last_seq)
        if isinstance(actor, VisitorActor):
            if seq <= conversation.contact_last_read_seq:
                return
            conversation.contact_last_read_seq = seq
        else:
            if seq <= conversation.agent_last_read_seq:
                return
            conversation.agent_last_read_seq = seq
        contact_id = conversation.contact_id
    reader = "visitor" if isinstance(actor, VisitorActor) else "agent"
    data = ConversationRead(conversation_id=conversation_id, reader=reader, seq=seq)
    await ctx.publish(
        [
            Event(
                EventName.CONVERSATION_READ,
                data,
                (workspace_agents(actor.workspace_id), visitor(contact_id)),
                conversation_id=conversation_id,
            )
        ]
    )


async def set_typing(ctx: Context, actor: Actor, conversation_id: str, contact_id: str, typing: bool) -> None:
    """Tell the other side someone is typing. Not stored; the caller has checked access
    (the gateway caches it, as typing frames come several times a second)."""
    topics: tuple[str, ...] = (workspace_agents(actor.workspace_id),)
    if isinstance(actor, AgentActor):
        topics += (visitor(contact_id),)
    name = EventName.TYPING_STARTED if typing else EventName.TYPING_STOPPED
    await ctx.publish(
        [
            Event(
                name,
                Typing(conversation_id=conversation_id, author=author_of(actor)),
                topics,
                conversation_id=conversation_id,
            )
        ]
    )
