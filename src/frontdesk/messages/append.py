"""Numbering entries of a conversation: the one place ``seq`` is assigned."""

from __future__ import annotations

from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from frontdesk.actors import Actor, AgentActor
from frontdesk.clock import utcnow
from frontdesk.conversations.models import Conversation
from frontdesk.events import Author
from frontdesk.messages.models import AuthorType, Message


def append_message(
    session: AsyncSession,
    conversation: Conversation,
    author: Author,
    body: str,
    *,
    private: bool = False,
    client_ref: str | None = None,
    system: dict[str, Any] | None = None,
) -> Message:
    """Number and add an entry to a conversation whose row the caller has locked."""
    conversation.last_seq += 1
    conversation.last_activity_at = utcnow()
    message = Message(
        workspace_id=conversation.workspace_id,
        conversation_id=conversation.id,
        seq=conversation.last_seq,
        author_type=author.type,
        author_id=author.id,
        author_name=author.name,
        body=body,
        private=private,
        client_ref=client_ref,
        system=system,
        created_at=conversation.last_activity_at,
    )
    session.add(message)
    return message


def author_of(actor: Actor) -> Author:
    if isinstance(actor, AgentActor):
        return Author(type=AuthorType.AGENT.value, id=actor.agent_id, name=actor.name)
    return Author(type=AuthorType.VISITOR.value, id=actor.contact_id, name=actor.name)
