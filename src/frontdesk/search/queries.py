"""Full-text search over messages, served by the database: SQLite FTS5 or PostgreSQL's
text search (migration 0004 builds both), always within what the actor may see.

Results are the newest matches. Sorting *every* match to find the newest 20 is what
makes a common word slow (a word in 5% of a million messages is 50,000 rows), so
neither database does that when it can stop early (docs/benchmarks.md has the figures):

- SQLite walks the FTS5 index itself newest first (by rowid, the order messages were
  stored in, which is the order of ``created_at``: one writer stores them as they come)
  and stops at the 20th match that passes the filters.
- PostgreSQL first looks only at the workspace's newest ``RECENT_WINDOW`` messages
  (an index on ``created_at``, migration 0007); when those hold a full page of matches
  they are the newest ones overall. Otherwise how often the word appeared there picks
  the way on: walking back in time (a common word behind a strict filter) or the GIN
  index (a rare word: few rows to read and sort).

What stays slow on both: a word in most messages together with a filter that almost
nothing passes (every match is read and checked).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any, TypeVarTuple

from sqlalchemy import (
    ColumnElement,
    Integer,
    Select,
    SQLColumnExpression,
    and_,
    column,
    func,
    literal_column,
    select,
    table,
    text,
)
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from frontdesk.actors import AgentActor
from frontdesk.conversations.models import Conversation
from frontdesk.conversations.queries import labelled, visible_to
from frontdesk.errors import Invalid
from frontdesk.messages.models import Message
from frontdesk.search.index import index_pending
from frontdesk.storage.db import Database

MAX_TERMS = 10
# How many of the newest messages PostgreSQL checks before asking the GIN index. Each
# costs a to_tsvector (~10 us), paid in full when the word is rare there (then the index
# answers in a millisecond or two); 2,000 fill a page for any word in more than ~1% of
# messages, the words whose GIN path reads and sorts tens of thousands of rows.
RECENT_WINDOW = 2_000
# A word in at least this many of them (1%) has tens of thousands of matches in a big
# workspace: walking back in time finds a page sooner than the GIN index reads them all.
# Below it, the GIN index: two common words together in 0.2-0.9% of the newest messages
# took 20-80 ms through it, and 30 ms to 1.2 s walking back (matches were sparser further
# back; measured on the inbox benchmark's workspace, docs/benchmarks.md). At 10 such a
# pair could take the walk, and did: p95 219 ms.
COMMON_IN_WINDOW = 20

Hit = tuple[Message, Conversation]
Hits = Select[Message, Conversation]
Ts = TypeVarTuple("Ts")


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


# A literal, not a parameter: only ``to_tsvector('simple'::regconfig, body)`` spelled like
# the GIN index of migration 0004 can use it, and a bound ``$1::REGCONFIG`` (what
# SQLAlchemy sends for a plain "simple") leaves a generic plan no index to use.
SIMPLE: ColumnElement[Any] = literal_column("'simple'::regconfig")


def _matches(body: SQLColumnExpression[str], words: list[str]) -> ColumnElement[bool]:
    tsquery = func.to_tsquery(
        SIMPLE, " & ".join(w + (":*" if i == len(words) - 1 else "") for i, w in enumerate(words))
    )
    return func.to_tsvector(SIMPLE, body).op("@@")(tsquery)


def _in_range(query: Select[*Ts], message: type[Message], flt: SearchFilter) -> Select[*Ts]:
    if flt.since:
        query = query.where(message.created_at >= flt.since)
    if flt.until:
        query = query.where(message.created_at < flt.until)
    return query


def _conversation_filters(actor: AgentActor, flt: SearchFilter) -> list[ColumnElement[bool]]:
    conditions = visible_to(actor)
    if flt.status:
        conditions.append(Conversation.status == flt.status)
    if flt.assignee_id:
        conditions.append(Conversation.assignee_id == flt.assignee_id)
    if flt.label:
        conditions.append(labelled(actor, flt.label))
    return conditions


def _filtered(query: Hits, message: type[Message], actor: AgentActor, flt: SearchFilter) -> Hits:
    query = query.where(message.workspace_id == actor.workspace_id, *_conversation_filters(actor, flt))
    return _in_range(query, message, flt)


def _sqlite_query(actor: AgentActor, flt: SearchFilter, words: list[str]) -> Hits:
    fts = table("messages_fts", column("rowid", Integer))
    query = (
        select(Message, Conversation)
        .select_from(fts)
        .join(Message, literal_column("messages.rowid") == fts.c.rowid)
        .join(Conversation, Conversation.id == Message.conversation_id)
        .where(text("messages_fts MATCH :fts").bindparams(fts=_fts5_query(words)))
        .order_by(fts.c.rowid.desc())
        .limit(flt.limit)
    )
    return _filtered(query, Message, actor, flt)


def _postgres_window(actor: AgentActor, flt: SearchFilter, words: list[str]) -> Select[str, bool | None]:
    """Every match among the newest messages, newest first, and whether it passes the
    filters. A LIMIT inside the subquery keeps PostgreSQL from pushing the text match
    into it (and so from reading every match through the GIN index)."""
    newest = _in_range(select(Message).where(Message.workspace_id == actor.workspace_id), Message, flt)
    recent = aliased(Message, newest.order_by(Message.created_at.desc()).limit(RECENT_WINDOW).subquery())
    passes = and_(*_conversation_filters(actor, flt))
    return (
        select(recent.id, passes)
        .join(Conversation, Conversation.id == recent.conversation_id)
        .where(_matches(recent.body, words))
        .order_by(recent.created_at.desc(), recent.id.desc())
    )


def _postgres_query(actor: AgentActor, flt: SearchFilter, words: list[str], *, through_gin: bool) -> Hits:
    # The same order either way; only the first is one an index gives. PostgreSQL cannot
    # estimate how rare a prefix is (it guesses 0.5%), so the choice is made for it.
    newest_first = func.timezone("UTC", Message.created_at) if through_gin else Message.created_at
    query = (
        select(Message, Conversation)
        .join(Conversation, Conversation.id == Message.conversation_id)
        .where(_matches(Message.body, words))
        .order_by(newest_first.desc(), Message.id.desc())
        .limit(flt.limit)
    )
    return _filtered(query, Message, actor, flt)


async def _search_postgres(session: AsyncSession, actor: AgentActor, flt: SearchFilter, words: list[str]) -> list[Hit]:
    """The newest messages answer when they hold a page of matches. Otherwise: a word
    they hold often (only the filters are strict) is found walking back in time; a word
    they hold rarely is found through the GIN index, which then reads few rows."""
    window = (await session.execute(_postgres_window(actor, flt, words))).all()
    passing = [message_id for message_id, passes in window if passes]
    if len(passing) >= flt.limit:
        query = (
            select(Message, Conversation)
            .join(Conversation, Conversation.id == Message.conversation_id)
            .where(Message.id.in_(passing[: flt.limit]))
            .order_by(Message.created_at.desc(), Message.id.desc())
        )
    else:
        query = _postgres_query(actor, flt, words, through_gin=len(window) < COMMON_IN_WINDOW)
    return [(m, c) for m, c in await session.execute(query)]


async def search_messages(db: Database, actor: AgentActor, flt: SearchFilter) -> list[Hit]:
    words = terms(flt.q)
    await index_pending(db)  # SQLite: what was stored a moment ago is found too
    async with db.reader() as session:
        if db.is_sqlite:
            return [(m, c) for m, c in await session.execute(_sqlite_query(actor, flt, words))]
        return await _search_postgres(session, actor, flt, words)
