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
from typing import Any

import orjson

from frontdesk.actors import Actor, VisitorActor
from frontdesk.clock import utcnow
from frontdesk.conversations.events import ChatRef
from frontdesk.ids import new_sortable_id
from frontdesk.messages.append import author_of
from frontdesk.messages.models import SentMessage
from frontdesk.storage.base import UTCDateTime
from frontdesk.storage.quick import Exec, Statement

# Find, check and bump the chat in one statement: the UPDATE locks the row (PostgreSQL)
# and numbers the message from ``last_seq`` as it is at that moment, and RETURNING hands
# back what the insert and the events need. No row: the quick path does not apply.
_RETURNING = " RETURNING id, workspace_id, contact_id, team_id, assignee_id, last_seq"
# The visitor's chat, named or (as ``ongoing()`` in conversations/queries.py finds it
# for the full path) their newest unresolved one on this website, if it is open and the
# visitor not blocked. A pending chat (its status changes) or a blocked visitor (an
# error to give) takes the full path.
_VISITOR_BUMP = (
    "UPDATE conversations SET last_seq = last_seq + 1, last_activity_at = :now, "
    "awaiting_reply_since = COALESCE(awaiting_reply_since, :now) WHERE {chat} AND contact_id = :contact_id "
    "AND status = 'open' AND NOT EXISTS (SELECT 1 FROM contacts WHERE id = :contact_id AND blocked)"
)
_NEWEST = (
    "id = (SELECT id FROM conversations WHERE contact_id = :contact_id AND website_id = :website_id "
    "AND status != 'resolved' ORDER BY created_at DESC LIMIT 1)"
)
_FOR_VISITOR = {"visitor": _VISITOR_BUMP.format(chat=_NEWEST), "visitor_chat": _VISITOR_BUMP.format(chat="id = :id")}
# A chat that has its agent, in the actor's workspace and one of their teams'
# (``AgentActor.may_see``): an unassigned chat is taken by answering, on the full path.
_FOR_AGENT = (
    "UPDATE conversations SET last_seq = last_seq + 1, last_activity_at = :now, awaiting_reply_since = NULL "
    "WHERE id = :id AND workspace_id = :workspace_id AND assignee_id IS NOT NULL "
    "AND (:sees_all OR team_id IS NULL OR assignee_id = :agent_id OR team_id IN ({teams}))"
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
_BUMPS = _FOR_VISITOR | {"agent": _FOR_AGENT}
_SQLITE = {
    kind: Statement(bump.format(teams="SELECT value FROM json_each(:teams)") + _RETURNING, {"now": _TIME})
    for kind, bump in _BUMPS.items()
}


def _postgres(bump: str) -> Statement:
    """On PostgreSQL the bump and the insert are one statement: one round trip per
    message. A data-modifying WITH runs to completion whether or not it is read; with no
    chat row it inserts nothing. Its parameters are cast: a SELECT list does not take
    their types from the columns as VALUES would."""
    return Statement(
        f"WITH c AS ({bump}{_RETURNING}), m AS (INSERT INTO messages ({_COLUMNS}) "  # noqa: S608
        "SELECT CAST(:message_id AS VARCHAR), c.workspace_id, c.id, c.last_seq, CAST(:author_type AS VARCHAR), "
        "CAST(:author_id AS VARCHAR), CAST(:author_name AS VARCHAR), CAST(:body AS TEXT), "
        "CAST(:private AS BOOLEAN), CAST(:client_ref AS VARCHAR), CAST(:now AS TIMESTAMPTZ) FROM c) "
        "SELECT id, workspace_id, contact_id, team_id, assignee_id, last_seq FROM c"
    )


_POSTGRES = {
    kind: _postgres(bump.format(teams="SELECT jsonb_array_elements_text(CAST(:teams AS JSONB))"))
    for kind, bump in _BUMPS.items()
}


@dataclass(frozen=True, slots=True)
class QuickSent:
    message: SentMessage
    chat: ChatRef


Write = Callable[[Exec], QuickSent | None]


def quick_send(actor: Actor, body: str, client_ref: str | None, conversation_id: str | None) -> Write:
    """The write for ``QuickWrites.run``."""
    target = _target(actor, conversation_id)
    if target is None:
        return lambda _: None
    kind, params = target
    author = author_of(actor)

    def write(execute: Exec) -> QuickSent | None:
        now, message_id = utcnow(), new_sortable_id()
        values = params | {
            "now": now,
            "message_id": message_id,
            "author_type": author.type,
            "author_id": author.id,
            "author_name": author.name,
            "body": body,
            "private": False,
            "client_ref": client_ref,
        }
        postgres = execute.dialect == "postgresql"  # there the insert is part of the bump
        rows = execute(_POSTGRES[kind] if postgres else _SQLITE[kind], values)
        if not rows:
            return None
        conv_id, workspace_id, contact_id, team_id, assignee_id, seq = rows[0]
        if not postgres:
            execute(_INSERT, values | {"workspace_id": workspace_id, "conversation_id": conv_id, "seq": seq})
        message = SentMessage(
            id=message_id,
            workspace_id=workspace_id,
            conversation_id=conv_id,
            seq=seq,
            author_type=author.type,
            author_id=author.id,
            author_name=author.name,
            body=body,
            private=False,
            client_ref=client_ref,
            created_at=now,
        )
        return QuickSent(message, ChatRef(contact_id=contact_id, team_id=team_id, assignee_id=assignee_id))

    return write


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
