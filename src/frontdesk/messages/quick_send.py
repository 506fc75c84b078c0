"""The common send in one round trip: a message in a conversation that is already under
way (the visitor's open chat, or a chat that has its agent), with no files.

Most messages sent are these, and they change nothing but the conversation's numbering
and clocks. Anything else (a first message, a reopened or unassigned chat, files, a
private note, a blocked visitor, a retried client_ref, a conversation the actor may not
see) makes the write answer ``None`` having written nothing, and ``send_message`` takes
the full ORM path, which has the rules and the errors for all of them. Both append by
the same statements (messages/append.py); what is the quick path's own is which chat a
send goes to and who may write there this way (``_SOURCE``), and that it is queued
for the group commit (storage/quick.py) rather than run in a transaction of its own.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import orjson

from frontdesk.actors import SQL, Actor, Chat, VisitorActor, agent_sees, visitor_sees
from frontdesk.conversations.events import ChatRef
from frontdesk.events import Author
from frontdesk.ids import new_sortable_id
from frontdesk.messages.append import Append, Source, Stored, author_of, entry_row
from frontdesk.messages.models import SentMessage
from frontdesk.storage.quick import Exec, QuickWrites, one_statement

# Which chat each send of a batch names, and whether its actor may write there this way,
# is said once here and rendered for each database, where each value is read from the
# batch's JSON (``json_extract(j.value, '$.name')``, ``j.v ->> 'name'``).
#
# The visitor's chat, named or (as ``ongoing()`` in conversations/queries.py finds it
# for the full path) their newest unresolved one on this website.
_NEWEST = (
    "(SELECT id FROM conversations WHERE contact_id = {contact_id} AND website_id = {website_id} "
    "AND status != 'resolved' ORDER BY created_at DESC LIMIT 1)"
)
_CHAT = Chat("c.workspace_id", "c.contact_id", "c.team_id", "c.assignee_id")
# The parameters a send's element of the batch has (``_target``).
_NAMES = ("id", "contact_id", "website_id", "workspace_id", "agent_id", "sees_all")


@dataclass(frozen=True, slots=True)
class _Actor:
    """A send's actor in SQL: its element's fields (``actors.agent_sees`` reads them)."""

    workspace_id: str
    contact_id: str
    agent_id: str
    sees_all: str
    team_ids: str  # a subquery of the element's teams


def _source(field: Callable[[str], str], values: dict[str, str], teams: str) -> tuple[str, str]:
    """The chat each element names, and whether its actor may write there. ``field``
    reads a value of the element; ``values`` are ``_NAMES`` read that way (cast where a
    database needs it).

    A visitor: a chat they see (``actors.visitor_sees``) that is open, the visitor not
    blocked: a pending chat (its status changes) or a blocked visitor (an error to give)
    takes the full path. The flag is read from the contact's row by its key: as NOT
    EXISTS, PostgreSQL ran a batch's check as a scan of the whole contacts table (a
    hashed subplan), every batch. An agent: a chat they see (``actors.agent_sees``) that
    has its agent: an unassigned chat is taken by answering, on the full path."""
    kind = field("kind")
    chat = f"CASE {kind} WHEN 'visitor' THEN {_NEWEST.format(**values)} ELSE {values['id']} END"
    actor = _Actor(values["workspace_id"], values["contact_id"], values["agent_id"], values["sees_all"], teams)
    blocked = "(SELECT blocked FROM contacts WHERE id = c.contact_id)"
    visitor = f"{visitor_sees(SQL, _CHAT, actor)} AND c.status = 'open' AND NOT {blocked}"
    agent = agent_sees(SQL, _CHAT, actor) + " AND c.assignee_id IS NOT NULL"
    return chat, f"CASE WHEN {kind} = 'agent' THEN {agent} ELSE {visitor} END"


def _sqlite(name: str) -> str:
    return f"json_extract(j.value, '$.{name}')"


def _postgres(name: str) -> str:
    return f"(j.v ->> '{name}')"


_SQLITE_CHAT, _SQLITE_MAY = _source(
    _sqlite,
    {name: _sqlite(name) for name in _NAMES},
    f"SELECT value FROM json_each({_sqlite('teams')})",  # noqa: S608
)
# PostgreSQL's parameters are cast, as a SELECT list does not take their types from the
# columns.
_POSTGRES_CHAT, _POSTGRES_MAY = _source(
    _postgres,
    {name: _postgres(name) for name in _NAMES} | {"sees_all": "CAST(j.v ->> 'sees_all' AS BOOLEAN)"},
    "SELECT jsonb_array_elements_text(CAST(j.v ->> 'teams' AS JSONB))",
)
_SOURCE = Source(_SQLITE_CHAT, _SQLITE_MAY, _POSTGRES_CHAT, _POSTGRES_MAY)
# A message is its only event: the append writes its outbox row too.
APPEND = Append(_SOURCE, outbox=True)


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
    return QuickSend(
        author=author_of(actor),
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


@dataclass(frozen=True, slots=True)
class QuickSend:
    """One message to store: with the rest of its batch (``together``), or alone when a
    SQLite batch is retried write by write."""

    author: Author
    body: str
    client_ref: str | None
    message_id: str
    found_by: bytes  # this message's element of a batch's JSON, for ``_SOURCE``

    def __call__(self, execute: Exec) -> Stored | None:
        return QuickSend.together(execute, [self])[0]

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
        """A batch's messages by one append (messages/append.py), whatever their number:
        one statement on PostgreSQL, four on SQLite. Several messages to one chat (two
        tabs, a visitor and an agent) are numbered in the order they came, and its reply
        clock ends as if they had been sent one after the other."""
        batch = (b"[" + b",".join([send.found_by for send in sends]) + b"]").decode()
        rows = [entry_row(s.message_id, s.author, s.body, client_ref=s.client_ref) for s in sends]
        return APPEND(execute, batch, rows)


def _target(actor: Actor, conversation_id: str | None) -> tuple[str, dict[str, Any]] | None:
    """Which chat, and the parameters of ``_SOURCE``; None when only the full path can tell."""
    if isinstance(actor, VisitorActor):
        visitor = {"contact_id": actor.contact_id, "workspace_id": actor.workspace_id}
        if conversation_id is not None:
            return "visitor_chat", visitor | {"id": conversation_id}
        return "visitor", visitor | {"website_id": actor.website_id}
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
