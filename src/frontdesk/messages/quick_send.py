"""The common send in one round trip: a message in a conversation that is already under
way (the visitor's open chat, or a chat that has its agent), with no files.

Most messages sent are these, and they change nothing but the conversation's numbering
and clocks. Anything else (a first message, a reopened or unassigned chat, files, a
private note, a blocked visitor, a retried client_ref, a conversation the actor may not
see) makes the write answer ``None`` having written nothing, and ``send_message`` takes
the full ORM path, which has the rules and the errors for all of them. Both write the
same rows; tests/test_quick_send.py holds them to it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import orjson

from frontdesk.actors import Actor, VisitorActor
from frontdesk.clock import utcnow
from frontdesk.conversations.events import ChatRef
from frontdesk.events import Author
from frontdesk.ids import new_sortable_id
from frontdesk.messages.append import author_of
from frontdesk.messages.models import SentMessage
from frontdesk.storage.base import UTCDateTime
from frontdesk.storage.quick import Exec, QuickWrites, Statement, one_statement

# Find, check and bump the chat in one statement: the UPDATE locks the row (PostgreSQL)
# and numbers the message from ``last_seq`` as it is at that moment, and RETURNING hands
# back what the insert and the events need. No row: the quick path does not apply.
#
# Which chat, and whether the actor may write in it this way, is said once below and
# rendered twice: for one write (``:name`` parameters, on PostgreSQL and when a batch is
# retried write by write) and for a whole SQLite batch (``send_together``), where each
# value comes from the batch's JSON (``json_extract(j.value, '$.name')``).
_RETURNING = " RETURNING id, workspace_id, contact_id, team_id, assignee_id, last_seq"
# The visitor's chat, named or (as ``ongoing()`` in conversations/queries.py finds it
# for the full path) their newest unresolved one on this website, if it is open and the
# visitor not blocked. A pending chat (its status changes) or a blocked visitor (an
# error to give) takes the full path.
_NEWEST = (
    "(SELECT id FROM conversations WHERE contact_id = {contact_id} AND website_id = {website_id} "
    "AND status != 'resolved' ORDER BY created_at DESC LIMIT 1)"
)
# The visitor's flag is read from their row by its key. As NOT EXISTS, PostgreSQL ran a
# batch's check as a scan of the whole contacts table (a hashed subplan), every batch.
_VISITOR_MAY = (
    "{c}.contact_id = {contact_id} AND {c}.status = 'open' "
    "AND NOT (SELECT blocked FROM contacts WHERE id = {c}.contact_id)"
)
# A chat that has its agent, in the actor's workspace and one of their teams'
# (``AgentActor.may_see``): an unassigned chat is taken by answering, on the full path.
_AGENT_MAY = (
    "{c}.workspace_id = {workspace_id} AND {c}.assignee_id IS NOT NULL "
    "AND ({sees_all} OR {c}.team_id IS NULL OR {c}.assignee_id = {agent_id} OR {c}.team_id IN ({teams}))"
)
_ONE = {name: f":{name}" for name in ("id", "contact_id", "website_id", "workspace_id", "agent_id", "sees_all")}
# S608 below: the SQL is built from these constants alone; every value is bound.
_VISITOR_BUMP = (
    "UPDATE conversations SET last_seq = last_seq + 1, last_activity_at = :now, "  # noqa: S608
    "awaiting_reply_since = COALESCE(awaiting_reply_since, :now) WHERE id = {chat} AND "
    + _VISITOR_MAY.format(c="conversations", **_ONE)
)
_FOR_VISITOR = {
    "visitor": _VISITOR_BUMP.format(chat=_NEWEST.format(**_ONE)),
    "visitor_chat": _VISITOR_BUMP.format(chat=":id"),
}
_FOR_AGENT = (
    "UPDATE conversations SET last_seq = last_seq + 1, last_activity_at = :now, awaiting_reply_since = NULL "  # noqa: S608
    "WHERE id = :id AND " + _AGENT_MAY.format(c="conversations", teams="{teams}", **_ONE)
)
_COLUMNS = (
    "id, workspace_id, conversation_id, seq, author_type, author_id, author_name, body, private, client_ref, created_at"
)
_TIME = UTCDateTime()
# S608 below: the SQL is built from these constants alone; every value is bound.
_INSERT = Statement(
    f"INSERT INTO messages ({_COLUMNS}) VALUES (:message_id, :workspace_id, :conversation_id, :seq, "  # noqa: S608
    ":author_type, :author_id, :author_name, :body, :private, :client_ref, :now)",
    {"now": _TIME},
)
# The message's durable event (outbox/): its row, in the same transaction. Only the id:
# the payload is read back from the message when the row is handed over.
_OUTBOX = Statement(
    "INSERT INTO event_outbox (workspace_id, name, conversation_id, message_id, created_at) "
    "VALUES (:workspace_id, 'message.created', :conversation_id, :message_id, :now)",
    {"now": _TIME},
)
_BUMPS = _FOR_VISITOR | {"agent": _FOR_AGENT}
_SQLITE = {
    kind: Statement(bump.format(teams="SELECT value FROM json_each(:teams)") + _RETURNING, {"now": _TIME})
    for kind, bump in _BUMPS.items()
}


@dataclass(frozen=True, slots=True)
class QuickSent:
    message: SentMessage
    chat: ChatRef


def quick_send(actor: Actor, body: str, client_ref: str | None, conversation_id: str | None) -> QuickSend | None:
    """The write for ``store``; None when only the full path can tell. What does not need
    the database (the message's id, its element of a batch's JSON) is
    made here, on the loop's thread: SQLite runs a batch in a thread that waits for the
    GIL whenever the loop holds it, so each step taken there lengthens the batch
    (storage/quick.py); the answer is made on the loop too (``QuickSend.finish``)."""
    target = _target(actor, conversation_id)
    if target is None:
        return None
    kind, params = target
    author = author_of(actor)
    return QuickSend(
        kind=kind,
        params=params,
        author=author,
        body=body,
        client_ref=client_ref,
        message_id=new_sortable_id(),
        found_by=orjson.dumps({"kind": kind, **params}),
    )


async def store(quick: QuickWrites, write: QuickSend | None) -> QuickSent | None:
    """The message stored by the quick path, or None when it does not apply (nothing was
    written then)."""
    if write is None:
        return None
    stored = await quick.run(write)
    return write.finish(stored) if stored is not None else None


# What a write stores for one message: the chat's columns the events need, the message's
# seq and its time. ``QuickSend.finish`` makes the caller's answer of it.
Stored = tuple[str, str, str, str | None, str | None, int, datetime]


@dataclass(frozen=True, slots=True)
class QuickSend:
    """One message to store: alone by calling it (PostgreSQL, or a SQLite batch retried
    write by write), or with the rest of a SQLite batch by ``together``."""

    kind: str  # a key of _BUMPS
    params: dict[str, Any]
    author: Author
    body: str
    client_ref: str | None
    message_id: str
    found_by: bytes  # this message's element of a batch's JSON for ``_FIND_ALL``

    def __call__(self, execute: Exec) -> Stored | None:
        if execute.dialect == "postgresql":  # one statement there, for one as for many
            return QuickSend.together(execute, [self])[0]
        now = utcnow()
        values = self.params | {
            "now": now,
            "message_id": self.message_id,
            "author_type": self.author.type,
            "author_id": self.author.id,
            "author_name": self.author.name,
            "body": self.body,
            "private": False,
            "client_ref": self.client_ref,
        }
        rows = execute(_SQLITE[self.kind], values)
        if not rows:
            return None
        conv_id, workspace_id, contact_id, team_id, assignee_id, seq = rows[0]
        row = values | {"workspace_id": workspace_id, "conversation_id": conv_id, "seq": seq}
        execute(_INSERT, row)
        execute(_OUTBOX, row)
        return conv_id, workspace_id, contact_id, team_id, assignee_id, seq, now

    def finish(self, stored: Stored) -> QuickSent:
        """On the loop's thread (``store``): the message and its chat."""
        conv_id, workspace_id, contact_id, team_id, assignee_id, seq, now = stored
        message = SentMessage(
            id=self.message_id,
            workspace_id=workspace_id,
            conversation_id=conv_id,
            seq=seq,
            author_type=self.author.type,
            author_id=self.author.id,
            author_name=self.author.name,
            body=self.body,
            private=False,
            client_ref=self.client_ref,
            created_at=now,
        )
        return QuickSent(message, ChatRef(contact_id=contact_id, team_id=team_id, assignee_id=assignee_id))

    @staticmethod
    @one_statement
    def together(execute: Exec, sends: list[QuickSend]) -> list[Stored | None]:
        """A batch's messages in a few statements, whatever their number: find and check
        every chat, bump the chats, insert the messages. On SQLite each statement run
        by a thread other than the event loop's waits for the GIL (up to the switch
        interval) as it starts and as it ends; three per batch instead of two per
        message is what lets the batch leave the loop's thread (storage/quick.py). On
        PostgreSQL it is two round trips per batch instead of one per message: the
        find locks the chats (``FOR UPDATE``), then one statement bumps and inserts.
        Several messages to one chat (two tabs, a visitor and an agent) are numbered
        in the order they came, and its reply clock ends as if they had been sent one
        after the other."""
        batch = (b"[" + b",".join([send.found_by for send in sends]) + b"]").decode()
        if execute.dialect == "postgresql":
            return _send_all_postgres(execute, sends, batch)
        # One row, so the thread waits for the GIL once for the result.
        ((json_rows,),) = execute(_FIND_ALL, {"batch": batch})
        found = orjson.loads(json_rows)
        now = utcnow()
        chats: dict[str, list[Any]] = {}  # id -> [id, last_seq, reply clock]
        rows: list[tuple[Any, ...]] = []
        stored: list[Stored | None] = [None] * len(sends)
        for index, conv_id, last_seq, workspace_id, contact_id, team_id, assignee_id in sorted(found):
            send = sends[index]
            chat = chats.get(conv_id)
            if chat is None:
                chat = chats[conv_id] = [conv_id, last_seq, None]
            chat[1] += 1
            chat[2] = _reply_clock(chat[2], answered=send.kind == "agent")
            author = send.author
            row = (author.type, author.id, author.name, send.body, send.client_ref)
            rows.append((send.message_id, workspace_id, conv_id, chat[1], *row))
            stored[index] = (conv_id, workspace_id, contact_id, team_id, assignee_id, chat[1], now)
        if rows:
            values = {
                "now": now,
                "chats": orjson.dumps(list(chats.values())).decode(),
                "rows": orjson.dumps(rows).decode(),
            }
            execute(_BUMP_ALL, values)
            execute(_INSERT_ALL, values)
            execute(_OUTBOX_ALL, values)
        return stored


# How a batch leaves a chat's ``awaiting_reply_since``: an agent's message clears it, a
# visitor's starts it if it is not running, or anew after an agent's in the same batch.
_CLEAR, _START, _RESTART = 0, 1, 2


def _reply_clock(before: int | None, *, answered: bool) -> int:
    if answered:
        return _CLEAR
    return _START if before is None else _RESTART if before == _CLEAR else before


def _of_batch(field: Callable[[str], str], many: dict[str, str], teams: str) -> tuple[str, str]:
    """For a batch's find: which chat each element names, and whether its actor may write
    there this way, from the conditions the one-write statements use. ``field`` reads a
    value of the element; ``many`` is ``_ONE``'s values read that way."""
    kind = field("kind")
    chat = f"CASE {kind} WHEN 'visitor' THEN {_NEWEST.format(**many)} ELSE {many['id']} END"
    may = " ".join(
        (
            f"CASE WHEN {kind} = 'agent' THEN",
            _AGENT_MAY.format(c="c", teams=teams, **many),
            "ELSE",
            _VISITOR_MAY.format(c="c", **many),
            "END",
        )
    )
    return chat, may


def _of_sqlite_batch(name: str) -> str:
    return f"json_extract(j.value, '$.{name}')"


_CHAT_OF_BATCH, _MAY_OF_BATCH = _of_batch(
    _of_sqlite_batch,
    {name: _of_sqlite_batch(name) for name in _ONE},
    "SELECT value FROM json_each(" + _of_sqlite_batch("teams") + ")",  # noqa: S608
)
_FIND_ALL = Statement(
    "SELECT json_group_array(json_array(j.key, c.id, c.last_seq, c.workspace_id, c.contact_id, c.team_id, "  # noqa: S608
    f"c.assignee_id)) FROM json_each(:batch) AS j JOIN conversations AS c ON c.id = {_CHAT_OF_BATCH} "
    f"WHERE {_MAY_OF_BATCH}"
)
_BUMP_ALL = Statement(
    "UPDATE conversations SET last_seq = json_extract(u.value, '$[1]'), last_activity_at = :now, "
    "awaiting_reply_since = CASE json_extract(u.value, '$[2]') WHEN 0 THEN NULL "
    "WHEN 1 THEN COALESCE(awaiting_reply_since, :now) ELSE :now END "
    "FROM json_each(:chats) AS u WHERE conversations.id = json_extract(u.value, '$[0]')",
    {"now": _TIME},
)
_INSERT_ALL = Statement(
    f"INSERT INTO messages ({_COLUMNS}) SELECT "  # noqa: S608
    + ", ".join(f"json_extract(value, '$[{i}]')" for i in range(8))
    + ", FALSE, json_extract(value, '$[8]'), :now FROM json_each(:rows)",
    {"now": _TIME},
)
# In the rows' order, which numbers each chat's messages in seq order: the outbox's ids
# follow (a chat's events are handed over in the order they were stored).
_OUTBOX_ALL = Statement(
    "INSERT INTO event_outbox (workspace_id, name, conversation_id, message_id, created_at) "
    "SELECT json_extract(value, '$[1]'), 'message.created', json_extract(value, '$[2]'), "
    "json_extract(value, '$[0]'), :now FROM json_each(:rows) ORDER BY key",
    {"now": _TIME},
)


# PostgreSQL: the same, from ``jsonb_array_elements``; its parameters are cast, as a
# SELECT list does not take their types from the columns.
def _of_postgres_batch(name: str) -> str:
    return f"(j.v ->> '{name}')"


_CHAT_OF_PG_BATCH, _MAY_OF_PG_BATCH = _of_batch(
    _of_postgres_batch,
    {name: _of_postgres_batch(name) for name in _ONE} | {"sees_all": "CAST(j.v ->> 'sees_all' AS BOOLEAN)"},
    "SELECT jsonb_array_elements_text(CAST(j.v ->> 'teams' AS JSONB))",
)
# The whole batch is one statement, so one round trip and its own transaction (no BEGIN
# or COMMIT: storage/quick.py, ``one_statement``). It locks the chats in key order (two
# batches never wait for each other in a circle), numbers each chat's messages in the
# order they came after its ``last_seq`` as it is once locked, leaves the reply clock as
# ``_reply_clock`` would after them one by one, bumps the chats, inserts the messages,
# and answers a row per message stored. Chats are reached by their key,
# ``id = ANY(ARRAY(...))``, which PostgreSQL plans as an index scan for about ten rows;
# joined to the batch's elements instead, for which it guesses a hundred rows, each
# batch was a hash join over a scan of the whole conversations table (and every message
# leaves a dead row version there until a vacuum): ~500 us a message at 1,000 msg/s
# (docs/benchmarks.md). Four round trips a batch (BEGIN, find, store, COMMIT) took a
# quarter of the loop's time at saturation.
_SEND_ALL_POSTGRES = Statement(
    f"WITH j AS MATERIALIZED (SELECT j.i, j.v, {_CHAT_OF_PG_BATCH} AS chat "  # noqa: S608
    "FROM jsonb_array_elements(CAST(:batch AS JSONB)) WITH ORDINALITY AS j(v, i)), "
    "f AS (SELECT j.i, j.v ->> 'kind' AS kind, c.id, c.last_seq, c.workspace_id, c.contact_id, c.team_id, "
    "c.assignee_id FROM conversations AS c JOIN j ON c.id = j.chat "
    f"WHERE c.id = ANY(ARRAY(SELECT chat FROM j)) AND {_MAY_OF_PG_BATCH} ORDER BY c.id FOR UPDATE OF c), "
    "n AS (SELECT f.*, f.last_seq + row_number() OVER (PARTITION BY f.id ORDER BY f.i) AS seq FROM f), "
    "k AS (SELECT n.id, max(n.seq) AS seq, bool_or(n.kind = 'agent') AS answered, "
    "(array_agg(n.kind ORDER BY n.i DESC))[1] AS last_kind FROM n GROUP BY n.id), "
    "bumped AS (UPDATE conversations SET last_seq = k.seq, last_activity_at = CAST(:now AS TIMESTAMPTZ), "
    "awaiting_reply_since = CASE WHEN k.last_kind = 'agent' THEN NULL WHEN k.answered "
    "THEN CAST(:now AS TIMESTAMPTZ) ELSE COALESCE(conversations.awaiting_reply_since, CAST(:now AS TIMESTAMPTZ)) "
    "END FROM k WHERE conversations.id = k.id AND conversations.id = ANY(ARRAY(SELECT id FROM k))), "
    f"stored AS (INSERT INTO messages ({_COLUMNS}) SELECT m.v ->> 0, n.workspace_id, n.id, n.seq, m.v ->> 1, "
    "m.v ->> 2, m.v ->> 3, m.v ->> 4, FALSE, m.v ->> 5, CAST(:now AS TIMESTAMPTZ) "
    "FROM n JOIN jsonb_array_elements(CAST(:rows AS JSONB)) WITH ORDINALITY AS m(v, i) ON m.i = n.i "
    "RETURNING id, workspace_id, conversation_id, seq), "
    # The outbox's ids are drawn with the chats locked, in seq order: a chat's events
    # are handed over in the order they were stored (outbox/).
    "outboxed AS (INSERT INTO event_outbox (workspace_id, name, conversation_id, message_id, created_at) "
    "SELECT workspace_id, 'message.created', conversation_id, id, CAST(:now AS TIMESTAMPTZ) FROM stored "
    "ORDER BY conversation_id, seq) "
    "SELECT n.i, n.id, n.seq, n.workspace_id, n.contact_id, n.team_id, n.assignee_id FROM n"
)


def _send_all_postgres(execute: Exec, sends: list[QuickSend], batch: str) -> list[Stored | None]:
    now = utcnow()
    rows = [(s.message_id, s.author.type, s.author.id, s.author.name, s.body, s.client_ref) for s in sends]
    values = {"batch": batch, "rows": orjson.dumps(rows).decode(), "now": now}
    stored: list[Stored | None] = [None] * len(sends)
    for index, conv_id, seq, workspace_id, contact_id, team_id, assignee_id in execute(_SEND_ALL_POSTGRES, values):
        stored[index - 1] = (conv_id, workspace_id, contact_id, team_id, assignee_id, seq, now)
    return stored


def _target(actor: Actor, conversation_id: str | None) -> tuple[str, dict[str, Any]] | None:
    """Which bump, and its parameters; None when only the full path can tell."""
    if isinstance(actor, VisitorActor):
        if conversation_id is not None:
            return "visitor_chat", {"id": conversation_id, "contact_id": actor.contact_id}
        return "visitor", {"contact_id": actor.contact_id, "website_id": actor.website_id}
    if conversation_id is None:
        return None
    return "agent", {
        "id": conversation_id,
        "workspace_id": actor.workspace_id,
        "agent_id": actor.agent_id,
        "sees_all": actor.team_ids is None,
        "teams": orjson.dumps(sorted(actor.team_ids or ())).decode(),  # a JSON list on both databases
    }


def applies(private: bool, attachment_ids: tuple[str, ...], site_speaker: str | None) -> bool:
    """What the request alone rules out, before any database work."""
    return not (private or attachment_ids or site_speaker)
