"""Appending messages to conversations: the one place ``seq`` is assigned, the reply
clock runs and a message is inserted (with its outbox row, on the hot path).

Every message is stored by an ``Append``, whichever path writes it: the quick path's
batches (quick_send.py, which says how a chat is found and who may write in it that
way) and the ORM path's actions (``append_messages``, in their own transaction: a first
message, a reopened or unassigned chat, files, notes, system lines). Its statements are
rendered for each database from the templates below:

- find each entry's chat and lock it (a ``Source``: the quick path's checks, or the
  chat the action holds), and number the entries after the chat's ``last_seq``, each
  chat's in the order they came (``_SEQ``);
- insert the messages and, where the append writes them, their ``message.created``
  outbox rows, a chat's in seq order;
- bump each chat: ``last_seq``, ``last_activity_at`` and the reply clock (``_CLOCK``).

On PostgreSQL that is one statement (data-modifying WITHs): one round trip, and its own
transaction on the quick path (storage/quick.py). SQLite has no such WITH: four
statements, which for a batch run in aiosqlite's thread, each costing a wait for the
GIL as it starts and ends, whatever the batch's size.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import orjson
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import make_transient_to_detached

from frontdesk.actors import Actor, AgentActor
from frontdesk.clock import utcnow
from frontdesk.conversations.models import Conversation
from frontdesk.events import Author
from frontdesk.ids import new_sortable_id
from frontdesk.messages.models import AuthorType, Message
from frontdesk.storage.base import UTCDateTime
from frontdesk.storage.quick import Exec, Statement, in_session

# What an append stored for one entry: its chat's columns the events need (id,
# workspace, contact, team, assignee), the entry's seq and the time it was stored.
Stored = tuple[str, str, str, str | None, str | None, int, datetime]

# An entry as the statements read it, an element of the ``rows`` JSON: the message's id,
# its author's type, id and name, body, private, client_ref, and its system data and
# files as JSON text.
EntryRow = tuple[str, str, str | None, str, str, bool, str | None, str | None, str]
_NO_FILES = "[]"


def entry_row(
    message_id: str,
    author: Author,
    body: str,
    *,
    private: bool = False,
    client_ref: str | None = None,
    system: dict[str, Any] | None = None,
    attachments: Sequence[dict[str, Any]] = (),
) -> EntryRow:
    dumped_system = None if system is None else orjson.dumps(system).decode()
    files = orjson.dumps(list(attachments)).decode() if attachments else _NO_FILES
    return (message_id, author.type, author.id, author.name, body, private, client_ref, dumped_system, files)


@dataclass(frozen=True, slots=True)
class Source:
    """How an append finds the chat of each element of its ``batch`` JSON, and whether
    that element's writer may write there: SQL for each database, over the element's
    fields (``j.value`` on SQLite, ``j.v`` on PostgreSQL) and, in ``may``, the chat's
    row ``c``."""

    sqlite_chat: str
    sqlite_may: str
    postgres_chat: str
    postgres_may: str


# The numbering: a chat's entries follow its ``last_seq``, in the order they came, as
# read with its row locked (by the transaction: PostgreSQL's ``FOR UPDATE``, SQLite's
# one writer), so a message with seq n commits after n-1 (docs/architecture.md).
_SEQ = "{last_seq} + row_number() OVER (PARTITION BY {chat} ORDER BY {position})"

# The reply clock (``awaiting_reply_since``, which routing's silence rule reads): a
# visitor's message starts it unless it runs; an agent's answer (not a private note)
# stops it; other entries (system lines, notes, the site's words) leave it. Over a
# chat's entries in one append it ends as if they were written one by one: stopped if
# an answer came last, started anew if the visitor wrote after one, else as it was
# (running, or started). ``k`` has the seq of the chat's last answer and last question.
_ASKS = "{author_type} = 'visitor'"
_ANSWERS = "{author_type} = 'agent' AND NOT {private}"
_CLOCK = (
    "CASE WHEN k.answered > COALESCE(k.asked, 0) THEN NULL "
    "WHEN k.asked IS NULL THEN conversations.awaiting_reply_since "
    "WHEN k.answered IS NULL THEN COALESCE(conversations.awaiting_reply_since, {now}) "
    "ELSE {now} END"
)
_MESSAGE_COLUMNS = (
    "id, workspace_id, conversation_id, seq, author_type, author_id, author_name, body, private, client_ref, "
    "system, attachments, created_at"
)
_OUTBOX_COLUMNS = "workspace_id, name, conversation_id, message_id, created_at"
_TIME = UTCDateTime()

# S608 below: the SQL is built from these constants (and a ``Source``'s) alone; every
# value is bound.

# SQLite ---------------------------------------------------------------------------------
# Found and checked (``f``), then numbered (``n``), as on PostgreSQL; one row, the
# entries as JSON, so the thread waits for the GIL once for the result. (``f``
# materialized first: the window over the join as one subquery cost a third more.)
_SQLITE_NUMBER = (
    "WITH f AS MATERIALIZED (SELECT j.key AS key, c.id AS id, c.last_seq AS last_seq, "  # noqa: S608
    "c.workspace_id AS workspace_id, c.contact_id AS contact_id, c.team_id AS team_id, c.assignee_id AS assignee_id "
    "FROM json_each(:batch) AS j JOIN conversations AS c ON c.id = {chat} WHERE {may}), "
    "n AS (SELECT key, id, "
    + _SEQ.format(last_seq="last_seq", chat="id", position="key")
    + " AS seq, workspace_id, contact_id, team_id, assignee_id FROM f) "
    "SELECT json_group_array(json_array(key, id, seq, workspace_id, contact_id, team_id, assignee_id)) FROM n"
)


# The numbered entries (``rows``): the chat, seq and workspace, then the ``EntryRow``.
def _row(i: int) -> str:
    return f"json_extract(value, '$[{i}]')"


_SQLITE_INSERT = Statement(
    f"INSERT INTO messages ({_MESSAGE_COLUMNS}) SELECT "  # noqa: S608
    + ", ".join(_row(i) for i in (3, 2, 0, 1, *range(4, 12)))
    + ", :now FROM json_each(:rows)",
    {"now": _TIME},
)
# In the rows' order, which is each chat's seq order: the outbox's ids follow it.
_SQLITE_OUTBOX = Statement(
    f"INSERT INTO event_outbox ({_OUTBOX_COLUMNS}) SELECT "  # noqa: S608
    f"{_row(2)}, 'message.created', {_row(0)}, {_row(3)}, :now FROM json_each(:rows) ORDER BY key",
    {"now": _TIME},
)
_SQLITE_BUMP = Statement(
    "UPDATE conversations SET last_seq = k.seq, last_activity_at = :now, "  # noqa: S608
    "awaiting_reply_since = " + _CLOCK.format(now=":now") + f" FROM (SELECT {_row(0)} AS id, max({_row(1)}) AS seq, "  # noqa: S608
    f"max(CASE WHEN {_ANSWERS.format(author_type=_row(4), private=_row(8))} THEN {_row(1)} END) AS answered, "
    f"max(CASE WHEN {_ASKS.format(author_type=_row(4))} THEN {_row(1)} END) AS asked "
    "FROM json_each(:rows) GROUP BY 1) AS k WHERE conversations.id = k.id",
    {"now": _TIME},
)

# PostgreSQL -----------------------------------------------------------------------------
_NOW = "CAST(:now AS TIMESTAMPTZ)"
# Chats are reached by their key, ``id = ANY(ARRAY(...))``, which PostgreSQL plans as an
# index scan for about ten rows; joined to the batch's elements instead, for which it
# guesses a hundred rows, each batch was a hash join over a scan of the whole
# conversations table (and every message leaves a dead row version there until a
# vacuum): ~500 us a message at 1,000 msg/s (docs/benchmarks.md). The chats are locked in
# key order: two batches never wait for each other in a circle.
_POSTGRES = (
    "WITH j AS MATERIALIZED (SELECT j.i, j.v, {chat} AS chat "  # noqa: S608
    "FROM jsonb_array_elements(CAST(:batch AS JSONB)) WITH ORDINALITY AS j(v, i)), "
    "f AS (SELECT j.i, c.id, c.last_seq, c.workspace_id, c.contact_id, c.team_id, c.assignee_id "
    "FROM conversations AS c JOIN j ON c.id = j.chat "
    "WHERE c.id = ANY(ARRAY(SELECT chat FROM j)) AND {may} ORDER BY c.id FOR UPDATE OF c), "
    "n AS (SELECT f.*, " + _SEQ.format(last_seq="f.last_seq", chat="f.id", position="f.i") + " AS seq FROM f), "  # noqa: S608
    "e AS (SELECT n.i, n.id, n.seq, n.workspace_id, m.v ->> 1 AS author_type, "
    "CAST(m.v ->> 5 AS BOOLEAN) AS private, m.v FROM n "
    "JOIN jsonb_array_elements(CAST(:rows AS JSONB)) WITH ORDINALITY AS m(v, i) ON m.i = n.i), "
    "k AS (SELECT e.id, max(e.seq) AS seq, "
    f"max(CASE WHEN {_ANSWERS.format(author_type='e.author_type', private='e.private')} THEN e.seq END) AS answered, "
    f"max(CASE WHEN {_ASKS.format(author_type='e.author_type')} THEN e.seq END) AS asked FROM e GROUP BY e.id), "
    f"bumped AS (UPDATE conversations SET last_seq = k.seq, last_activity_at = {_NOW}, "
    "awaiting_reply_since = " + _CLOCK.format(now=_NOW) + " FROM k "  # noqa: S608
    "WHERE conversations.id = k.id AND conversations.id = ANY(ARRAY(SELECT id FROM k))), "
    f"stored AS (INSERT INTO messages ({_MESSAGE_COLUMNS}) SELECT e.v ->> 0, e.workspace_id, e.id, e.seq, "
    "e.author_type, e.v ->> 2, e.v ->> 3, e.v ->> 4, e.private, e.v ->> 6, CAST(e.v ->> 7 AS JSON), "
    f"CAST(e.v ->> 8 AS JSON), {_NOW} FROM e RETURNING id, workspace_id, conversation_id, seq)"
    "{outbox} SELECT n.i, n.id, n.seq, n.workspace_id, n.contact_id, n.team_id, n.assignee_id FROM n"
)
# The outbox's ids are drawn with the chats locked, in seq order: a chat's events are
# handed over in the order they were stored (outbox/).
_POSTGRES_OUTBOX = (
    f", outboxed AS (INSERT INTO event_outbox ({_OUTBOX_COLUMNS}) "  # noqa: S608
    f"SELECT workspace_id, 'message.created', conversation_id, id, {_NOW} FROM stored ORDER BY conversation_id, seq)"
)


class Append:
    """The append of one ``Source``. ``outbox``: whether it writes the messages'
    outbox rows itself. The quick path's does (a message is its only event); the ORM
    path's actions leave them to ``ctx.emit``, with their other events in the order
    they list them (a new chat's ``conversation.created`` before its first message)."""

    def __init__(self, source: Source, *, outbox: bool) -> None:
        self.outbox = outbox
        self.number = Statement(_SQLITE_NUMBER.format(chat=source.sqlite_chat, may=source.sqlite_may))
        self.postgres = Statement(
            _POSTGRES.format(
                chat=source.postgres_chat, may=source.postgres_may, outbox=_POSTGRES_OUTBOX if outbox else ""
            ),
            {"now": _TIME},
        )

    def __call__(self, execute: Exec, batch: str, entries: Sequence[EntryRow]) -> list[Stored | None]:
        """Each entry appended to the chat its element of ``batch`` names, or None where
        the source found none or refused it (nothing is written for it then)."""
        if execute.dialect == "postgresql":
            return self._on_postgres(execute, batch, entries)
        return self._on_sqlite(execute, batch, entries)

    def _on_sqlite(self, execute: Exec, batch: str, entries: Sequence[EntryRow]) -> list[Stored | None]:
        ((found,),) = execute(self.number, {"batch": batch})
        now = utcnow()
        stored: list[Stored | None] = [None] * len(entries)
        rows: list[tuple[Any, ...]] = []
        for key, chat, seq, workspace_id, contact_id, team_id, assignee_id in sorted(orjson.loads(found)):
            rows.append((chat, seq, workspace_id, *entries[key]))
            stored[key] = (chat, workspace_id, contact_id, team_id, assignee_id, seq, now)
        if rows:
            values = {"now": now, "rows": orjson.dumps(rows).decode()}
            execute(_SQLITE_INSERT, values)
            if self.outbox:
                execute(_SQLITE_OUTBOX, values)
            execute(_SQLITE_BUMP, values)
        return stored

    def _on_postgres(self, execute: Exec, batch: str, entries: Sequence[EntryRow]) -> list[Stored | None]:
        now = utcnow()
        values = {"batch": batch, "rows": orjson.dumps(entries).decode(), "now": now}
        stored: list[Stored | None] = [None] * len(entries)
        for i, chat, seq, workspace_id, contact_id, team_id, assignee_id in execute(self.postgres, values):
            stored[i - 1] = (chat, workspace_id, contact_id, team_id, assignee_id, seq, now)
        return stored


# The ORM path ------------------------------------------------------------------------
# The chat each entry names, which the action has found (and locked) itself.
_HELD = Append(
    Source(
        sqlite_chat="json_extract(j.value, '$.chat')",
        sqlite_may="TRUE",
        postgres_chat="(j.v ->> 'chat')",
        postgres_may="TRUE",
    ),
    outbox=False,
)
# The chat's columns an append changes, read back into the action's loaded row.
_BUMPED = ["last_seq", "last_activity_at", "awaiting_reply_since"]


@dataclass(frozen=True)
class Entry:
    """What an action appends to a conversation."""

    author: Author
    body: str
    private: bool = False
    client_ref: str | None = None
    system: dict[str, Any] | None = None
    attachments: list[dict[str, Any]] = field(default_factory=list)
    id: str = field(default_factory=new_sortable_id)

    def row(self) -> EntryRow:
        return entry_row(
            self.id,
            self.author,
            self.body,
            private=self.private,
            client_ref=self.client_ref,
            system=self.system,
            attachments=self.attachments,
        )


async def append_messages(session: AsyncSession, entries: Sequence[tuple[Conversation, Entry]]) -> list[Message]:
    """Append each entry to its conversation, in the caller's transaction, by the same
    statements as the quick path: the messages as loaded rows of the session, and the
    conversations' numbering and reply clock read back into theirs."""
    await session.flush()  # the chats as the action left them (new, reopened, assigned)
    batch = orjson.dumps([{"chat": conversation.id} for conversation, _ in entries]).decode()
    rows = [entry.row() for _, entry in entries]
    stored = await in_session(session, lambda execute: _HELD(execute, batch, rows))
    messages = [_loaded(session, entry, done) for (_, entry), done in zip(entries, stored, strict=True)]
    for conversation in {id(c): c for c, _ in entries}.values():
        await session.refresh(conversation, _BUMPED)
    return messages


async def append_message(
    session: AsyncSession,
    conversation: Conversation,
    author: Author,
    body: str,
    *,
    private: bool = False,
    system: dict[str, Any] | None = None,
) -> Message:
    """One entry (a system line, a note): ``append_messages``."""
    entry = Entry(author, body, private=private, system=system)
    return (await append_messages(session, [(conversation, entry)]))[0]


def _loaded(session: AsyncSession, entry: Entry, stored: Stored | None) -> Message:
    """The stored message as a row of the session, as if read back (no SELECT)."""
    if stored is None:
        raise LookupError("a conversation held by the action was not found to append to")
    chat, workspace_id, _contact_id, _team_id, _assignee_id, seq, now = stored
    author = entry.author
    message = Message(
        id=entry.id,
        workspace_id=workspace_id,
        conversation_id=chat,
        seq=seq,
        author_type=author.type,
        author_id=author.id,
        author_name=author.name,
        body=entry.body,
        private=entry.private,
        client_ref=entry.client_ref,
        system=entry.system,
        attachments=entry.attachments,
        created_at=now,
    )
    make_transient_to_detached(message)
    session.add(message)
    return message


def author_of(actor: Actor) -> Author:
    if isinstance(actor, AgentActor):
        return Author(type=AuthorType.AGENT.value, id=actor.agent_id, name=actor.name)
    return Author(type=AuthorType.VISITOR.value, id=actor.contact_id, name=actor.name)
