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

from frontdesk.actors import Actor, VisitorActor
from frontdesk.clock import utcnow
from frontdesk.conversations.events import ChatRef
from frontdesk.conversations.models import Status
from frontdesk.ids import new_sortable_id
from frontdesk.messages.append import author_of
from frontdesk.messages.models import SentMessage
from frontdesk.storage.base import UTCDateTime
from frontdesk.storage.quick import Exec, Statement

# With the contact's blocked flag: one round trip finds, locks and checks the chat.
_SELECT = (
    "SELECT c.id, c.workspace_id, c.contact_id, c.status, c.team_id, c.assignee_id, c.last_seq, ct.blocked "
    "FROM conversations c JOIN contacts ct ON ct.id = c.contact_id"
)
# The visitor's newest unresolved chat on this website, as ``ongoing()`` in
# conversations/queries.py finds it for the full path.
_VISITORS_CHAT = Statement(
    _SELECT + " WHERE c.contact_id = :contact_id AND c.website_id = :website_id "
    "AND c.status != 'resolved' ORDER BY c.created_at DESC LIMIT 1",
    lock=" FOR UPDATE OF c",
)
_CHAT = Statement(_SELECT + " WHERE c.id = :id AND c.workspace_id = :workspace_id", lock=" FOR UPDATE OF c")
_TIME = UTCDateTime()
_BUMP_FOR_VISITOR = Statement(
    "UPDATE conversations SET last_seq = :seq, last_activity_at = :now, "
    "awaiting_reply_since = COALESCE(awaiting_reply_since, :now) WHERE id = :id",
    {"now": _TIME},
)
_BUMP_FOR_AGENT = Statement(
    "UPDATE conversations SET last_seq = :seq, last_activity_at = :now, awaiting_reply_since = NULL WHERE id = :id",
    {"now": _TIME},
)
_INSERT = Statement(
    "INSERT INTO messages (id, workspace_id, conversation_id, seq, author_type, author_id, author_name, body, "
    "private, client_ref, created_at) VALUES (:id, :workspace_id, :conversation_id, :seq, :author_type, "
    ":author_id, :author_name, :body, :private, :client_ref, :created_at)",
    {"created_at": _TIME},
)


@dataclass(frozen=True, slots=True)
class QuickSent:
    message: SentMessage
    chat: ChatRef


Write = Callable[[Exec], QuickSent | None]


def quick_send(actor: Actor, body: str, client_ref: str | None, conversation_id: str | None) -> Write:
    """The write for ``QuickWrites.run``."""

    def write(execute: Exec) -> QuickSent | None:
        row = _target(execute, actor, conversation_id)
        if row is None:
            return None
        conv_id, workspace_id, contact_id, status, team_id, assignee_id, last_seq, blocked = row
        if isinstance(actor, VisitorActor):
            if contact_id != actor.contact_id or status != Status.OPEN.value or blocked:
                return None
        elif assignee_id is None or not actor.may_see(team_id, assignee_id):
            return None
        now, seq, author = utcnow(), last_seq + 1, author_of(actor)
        bump = _BUMP_FOR_VISITOR if isinstance(actor, VisitorActor) else _BUMP_FOR_AGENT
        execute(bump, {"seq": seq, "now": now, "id": conv_id})
        message = SentMessage(
            id=new_sortable_id(),
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
        execute(_INSERT, _insert_values(message))
        return QuickSent(message, ChatRef(contact_id=contact_id, team_id=team_id, assignee_id=assignee_id))

    return write


def _insert_values(message: SentMessage) -> dict[str, Any]:
    return {
        "id": message.id,
        "workspace_id": message.workspace_id,
        "conversation_id": message.conversation_id,
        "seq": message.seq,
        "author_type": message.author_type,
        "author_id": message.author_id,
        "author_name": message.author_name,
        "body": message.body,
        "private": message.private,
        "client_ref": message.client_ref,
        "created_at": message.created_at,
    }


def _target(execute: Exec, actor: Actor, conversation_id: str | None) -> tuple[Any, ...] | None:
    if conversation_id is not None:
        rows = execute(_CHAT, {"id": conversation_id, "workspace_id": actor.workspace_id})
    elif isinstance(actor, VisitorActor):
        rows = execute(_VISITORS_CHAT, {"contact_id": actor.contact_id, "website_id": actor.website_id})
    else:
        return None
    return rows[0] if rows else None


def applies(private: bool, attachment_ids: tuple[str, ...], site_speaker: str | None) -> bool:
    """What the request alone rules out, before any database work."""
    return not (private or attachment_ids or site_speaker)
