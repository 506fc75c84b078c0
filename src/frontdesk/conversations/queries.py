"""Reading conversations, always within what the actor may see."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import ColumnElement, Select, and_, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from frontdesk.actors import CLAUSES, Actor, AgentActor, Chat, VisitorActor, sees
from frontdesk.agents.models import Agent
from frontdesk.contacts.models import Contact
from frontdesk.conversations.models import Conversation, ConversationLabel, Status
from frontdesk.conversations.views import conversation_data
from frontdesk.errors import Invalid, NotFound
from frontdesk.events import ConversationData
from frontdesk.messages.models import AuthorType, Message
from frontdesk.storage.db import Database

# A conversation's columns that decide who sees it (actors.py has the rule).
_SEEN_BY = Chat(Conversation.workspace_id, Conversation.contact_id, Conversation.team_id, Conversation.assignee_id)


def visible_to(actor: Actor) -> list[ColumnElement[bool]]:
    """The conditions that keep a query on conversations the actor may reach: their
    workspace's (an agent: their teams'), or a visitor's own (``actors.sees``)."""
    condition = sees(CLAUSES, _SEEN_BY, actor)
    assert not isinstance(condition, bool), "every rule names the workspace"
    return [condition]


def labelled(actor: Actor, label: str) -> ColumnElement[bool]:
    """A correlated EXISTS, checked per conversation through the labels' primary key: the
    inbox walks conversations newest first and stops at a page, where ``IN (every
    conversation with the label)`` read all of them first (25 ms for 14,000 on SQLite)."""
    return (
        select(ConversationLabel.conversation_id)
        .where(
            ConversationLabel.conversation_id == Conversation.id,
            ConversationLabel.label == label.lower(),
            ConversationLabel.workspace_id == actor.workspace_id,
        )
        .exists()
    )


def ongoing(actor: VisitorActor) -> Select[Conversation]:
    """The visitor's newest unresolved conversation on this website, locked: the one
    their next message (or their site's note) belongs to."""
    return (
        select(Conversation)
        .where(
            Conversation.contact_id == actor.contact_id,
            Conversation.website_id == actor.website_id,
            Conversation.status != Status.RESOLVED.value,
        )
        .order_by(Conversation.created_at.desc())
        .limit(1)
        .with_for_update()
    )


def scoped(actor: Actor) -> Select[Conversation]:
    return select(Conversation).where(*visible_to(actor))


async def last_spoken(session: AsyncSession, conversation_id: str) -> Message | None:
    """The last thing someone said (not a system line): what an inbox shows as the preview."""
    return await session.scalar(
        select(Message)
        .where(Message.conversation_id == conversation_id, Message.author_type != AuthorType.SYSTEM)
        .order_by(Message.seq.desc())
        .limit(1)
    )


async def conversation_for(
    session: AsyncSession, actor: Actor, conversation_id: str, *, lock: bool = False
) -> Conversation:
    query = scoped(actor).where(Conversation.id == conversation_id)
    if lock:
        query = query.with_for_update()
    conversation = await session.scalar(query)
    if conversation is None:
        raise NotFound(f"no conversation {conversation_id}", field="conversation_id")
    return conversation


async def views_of(session: AsyncSession, conversations: list[Conversation]) -> list[ConversationData]:
    """Views for a page of conversations in three queries, whatever the page size."""
    if not conversations:
        return []
    contacts = {
        c.id: c
        for c in await session.scalars(select(Contact).where(Contact.id.in_({c.contact_id for c in conversations})))
    }
    assignee_ids = {c.assignee_id for c in conversations if c.assignee_id}
    agents = {a.id: a for a in await session.scalars(select(Agent).where(Agent.id.in_(assignee_ids)))}
    spoken = (
        select(Message.conversation_id, func.max(Message.seq).label("seq"))
        .where(Message.conversation_id.in_([c.id for c in conversations]), Message.author_type != AuthorType.SYSTEM)
        .group_by(Message.conversation_id)
        .subquery()
    )
    rows = await session.scalars(
        select(Message).join(
            spoken, and_(Message.conversation_id == spoken.c.conversation_id, Message.seq == spoken.c.seq)
        )
    )
    last = {m.conversation_id: m for m in rows}
    labels: dict[str, list[str]] = {c.id: [] for c in conversations}
    for conversation_id, label in await session.execute(
        select(ConversationLabel.conversation_id, ConversationLabel.label).where(
            ConversationLabel.conversation_id.in_(labels)
        )
    ):
        labels[conversation_id].append(label)
    return [
        conversation_data(c, contacts[c.contact_id], agents.get(c.assignee_id or ""), last.get(c.id), labels[c.id])
        for c in conversations
    ]


@dataclass(frozen=True)
class ConversationFilter:
    status: str | None = None
    assignee: str | None = None  # "me", "none" or an agent id
    team_id: str | None = None
    label: str | None = None
    limit: int = 25
    cursor: str | None = None


async def list_conversations(
    db: Database, actor: AgentActor, flt: ConversationFilter
) -> tuple[list[ConversationData], str | None]:
    """Newest activity first, paged by a keyset cursor (stable while new chats arrive)."""
    query = scoped(actor)
    if flt.status == "snoozed":  # pending until a set time (a filter of "pending", not a status)
        query = query.where(Conversation.status == Status.PENDING.value, Conversation.snoozed_until.is_not(None))
    elif flt.status:
        query = query.where(Conversation.status == flt.status)
    if flt.assignee == "me":
        query = query.where(Conversation.assignee_id == actor.agent_id)
    elif flt.assignee == "none":
        query = query.where(Conversation.assignee_id.is_(None))
    elif flt.assignee:
        query = query.where(Conversation.assignee_id == flt.assignee)
    if flt.team_id:
        query = query.where(Conversation.team_id == flt.team_id)
    if flt.label:
        query = query.where(labelled(actor, flt.label))
    if flt.cursor:
        at, last_id = _decode_cursor(flt.cursor)
        query = query.where(
            or_(
                Conversation.last_activity_at < at, and_(Conversation.last_activity_at == at, Conversation.id < last_id)
            )
        )
    query = query.order_by(Conversation.last_activity_at.desc(), Conversation.id.desc()).limit(flt.limit + 1)
    async with db.reader() as session:
        rows = list(await session.scalars(query))
        page = rows[: flt.limit]
        views = await views_of(session, page)
    next_cursor = _encode_cursor(page[-1]) if len(rows) > flt.limit else None
    return views, next_cursor


async def get_conversation(db: Database, actor: AgentActor, conversation_id: str) -> ConversationData:
    async with db.reader() as session:
        conversation = await conversation_for(session, actor, conversation_id)
        return (await views_of(session, [conversation]))[0]


# A page ends at a conversation: its last activity in microseconds since 1970, and its id.
# Every string of this shape is a place in the list, so the API's schema can say it
# (http/conversations.py) and no well-formed cursor is refused. Sixteen digits reach 2286.
CURSOR = r"^[0-9]{1,16}_[0-9A-Za-z]{1,64}$"
_CURSOR = re.compile(CURSOR)
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_MICROSECOND = timedelta(microseconds=1)


def _encode_cursor(conversation: Conversation) -> str:
    return f"{(conversation.last_activity_at - _EPOCH) // _MICROSECOND}_{conversation.id}"


def _decode_cursor(cursor: str) -> tuple[datetime, str]:
    if not _CURSOR.match(cursor):
        raise Invalid('"cursor" is not a cursor this server gave out', field="cursor")
    micros, last_id = cursor.split("_", 1)
    return _EPOCH + int(micros) * _MICROSECOND, last_id
