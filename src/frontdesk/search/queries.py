"""Full-text search over messages, served by the database: SQLite FTS5 or PostgreSQL's
text search (migration 0004 builds both), always within what the actor may see."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import ColumnElement, func, select, text

from frontdesk.actors import AgentActor
from frontdesk.conversations.models import Conversation
from frontdesk.conversations.queries import labelled, visible_to
from frontdesk.errors import Invalid
from frontdesk.messages.models import Message
from frontdesk.storage.db import Database

MAX_TERMS = 10


@dataclass(frozen=True)
class SearchFilter:
    q: str
    status: str | None = None
    assignee_id: str | None = None
    label: str | None = None
    since: datetime | None = None
    until: datetime | None = None
    limit: int = 20


def terms(q: str) -> list[str]:
    words = re.findall(r"\w+", q, flags=re.UNICODE)[:MAX_TERMS]
    if not words:
        raise Invalid('"q" must contain a word to search for', field="q")
    return words


def _fts5_query(words: list[str]) -> str:
    """Each word as a quoted FTS5 string (no operator injection); the last as a prefix,
    so results come while the agent is still typing."""
    quoted = ['"' + w.replace('"', '""') + '"' for w in words]
    quoted[-1] += "*"
    return " ".join(quoted)


def _matches(db: Database, words: list[str]) -> tuple[ColumnElement[bool], dict[str, str]]:
    if db.is_sqlite:
        condition = text("messages.rowid IN (SELECT rowid FROM messages_fts WHERE messages_fts MATCH :fts)")
        return condition, {"fts": _fts5_query(words)}  # type: ignore[return-value]
    tsquery = func.to_tsquery(
        "simple", " & ".join(w + (":*" if i == len(words) - 1 else "") for i, w in enumerate(words))
    )
    return func.to_tsvector("simple", Message.body).op("@@")(tsquery), {}


async def search_messages(db: Database, actor: AgentActor, flt: SearchFilter) -> list[tuple[Message, Conversation]]:
    condition, params = _matches(db, terms(flt.q))
    query = (
        select(Message, Conversation)
        .join(Conversation, Conversation.id == Message.conversation_id)
        .where(Message.workspace_id == actor.workspace_id, condition, *visible_to(actor))
        .order_by(Message.created_at.desc())
        .limit(flt.limit)
    )
    if flt.status:
        query = query.where(Conversation.status == flt.status)
    if flt.assignee_id:
        query = query.where(Conversation.assignee_id == flt.assignee_id)
    if flt.label:
        query = query.where(labelled(actor, flt.label))
    if flt.since:
        query = query.where(Message.created_at >= flt.since)
    if flt.until:
        query = query.where(Message.created_at < flt.until)
    async with db.reader() as session:
        return [(m, c) for m, c in await session.execute(query, params)]
