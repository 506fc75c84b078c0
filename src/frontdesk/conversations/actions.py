"""Changing conversations: status, assignee, read state, typing."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from frontdesk.actors import Actor, AgentActor, VisitorActor
from frontdesk.agents.models import Agent
from frontdesk.agents.queries import get_agent
from frontdesk.clock import utcnow
from frontdesk.contacts.models import Contact
from frontdesk.context import Context
from frontdesk.conversations import events as conversation_events
from frontdesk.conversations.models import Status
from frontdesk.conversations.queries import conversation_for
from frontdesk.conversations.views import conversation_data
from frontdesk.errors import Invalid, NotFound
from frontdesk.events import Author, ConversationData, ConversationRead, Event, EventName, Typing
from frontdesk.messages.actions import append_message, author_of
from frontdesk.messages.models import AuthorType, Message
from frontdesk.topics import visitor, workspace_agents

SYSTEM = Author(type=AuthorType.SYSTEM.value, id=None, name="Frontdesk")
UNCHANGED = "unchanged"

_STATUS_WORDS = {Status.OPEN: "reopened", Status.PENDING: "marked as pending", Status.RESOLVED: "resolved"}


@dataclass(frozen=True)
class ConversationChanges:
    status: str | None = None
    assignee_id: str | None = UNCHANGED  # None unassigns


async def update_conversation(
    ctx: Context, actor: AgentActor, conversation_id: str, changes: ConversationChanges
) -> ConversationData:
    """Change status and/or assignee; each change leaves a system message in the history."""
    status = _check_status(changes.status)
    new_assignee = await _check_assignee(ctx, actor, changes.assignee_id)
    async with ctx.db.transaction() as session:
        conversation = await conversation_for(session, actor, conversation_id, lock=True)
        added: list[Message] = []
        if status is not None and status != conversation.status:
            conversation.status = status.value
            conversation.resolved_at = utcnow() if status is Status.RESOLVED else None
            added.append(
                append_message(
                    session,
                    conversation,
                    SYSTEM,
                    f"{actor.name} {_STATUS_WORDS[status]} the conversation",
                    system={"action": "status", "status": status.value, "by": actor.agent_id},
                )
            )
        if changes.assignee_id != UNCHANGED and changes.assignee_id != conversation.assignee_id:
            conversation.assignee_id = new_assignee.id if new_assignee else None
            text = (
                f"{actor.name} assigned the conversation to {new_assignee.name}"
                if new_assignee
                else f"{actor.name} unassigned the conversation"
            )
            # Internal bookkeeping: agents see it, the visitor does not.
            added.append(
                append_message(
                    session,
                    conversation,
                    SYSTEM,
                    text,
                    private=True,
                    system={"action": "assignee", "assignee_id": conversation.assignee_id, "by": actor.agent_id},
                )
            )
        await session.flush()
        contact = await session.get_one(Contact, conversation.contact_id)
        assignee = await session.get(Agent, conversation.assignee_id) if conversation.assignee_id else None
        last = (
            added[-1]
            if added
            else await session.scalar(
                select(Message).where(Message.conversation_id == conversation.id, Message.seq == conversation.last_seq)
            )
        )
    if added:
        changed = [m.system["action"] for m in added if m.system]
        events = [conversation_events.message_created(m, contact.id) for m in added]
        events += conversation_events.conversation_updated(conversation, contact, assignee, last, changed)
        await ctx.publish(events)
    return conversation_data(conversation, contact, assignee, last)


def _check_status(status: str | None) -> Status | None:
    if status is None:
        return None
    try:
        return Status(status)
    except ValueError:
        raise Invalid(f'"status" must be one of open, pending, resolved; got {status!r}', field="status") from None


async def _check_assignee(ctx: Context, actor: AgentActor, assignee_id: str | None) -> Agent | None:
    if assignee_id is None or assignee_id == UNCHANGED:
        return None
    agent = await get_agent(ctx.db, actor.workspace_id, assignee_id)
    if agent is None or not agent.active:
        raise NotFound(f"no agent {assignee_id} in this workspace", field="assignee_id")
    return agent


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
