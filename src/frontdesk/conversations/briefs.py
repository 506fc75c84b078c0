"""A visitor's conversations in brief, for many visitors in one statement: what a widget
session lists and what a visitor's socket compares its cursors with (``last_seq``).

The visitor's half of ``queries.visible_to`` (their own chats, in their workspace),
written as SQL for the quick reads (storage/reads.py): a reconnecting visitor whose
cursors are all at ``last_seq`` missed nothing, and no message is read for it.
"""

from __future__ import annotations

from dataclasses import dataclass

from frontdesk.storage.quick import Exec
from frontdesk.storage.reads import Listed


@dataclass(frozen=True, slots=True)
class Brief:
    id: str
    status: str
    last_seq: int
    rating_score: int | None
    agent_last_read_seq: int
    # The last seq the visitor may see (0: none): past it only private notes (an
    # assignment, a rating's note, an agent's note), which the visitor's cursor never
    # reaches. A cursor at it missed nothing.
    last_visible_seq: int


# The last visible seq walks the (conversation, seq) index back from the end to the
# first message that is not private: a row or two.
_OF_CONTACTS = Listed(
    "SELECT c.contact_id, c.workspace_id, c.id, c.status, c.last_seq, c.rating_score, c.agent_last_read_seq, "
    "(SELECT m.seq FROM messages m WHERE m.conversation_id = c.id AND NOT m.private ORDER BY m.seq DESC LIMIT 1) "
    "FROM conversations c WHERE {listed} ORDER BY c.created_at, c.id",
    "c.contact_id",
)


def visitor_briefs(execute: Exec, visitors: list[tuple[str, str]]) -> list[list[Brief]]:
    """A quick read: for each (workspace id, contact id), that visitor's conversations,
    oldest first."""
    found: dict[tuple[str, str], list[Brief]] = {}
    for contact_id, workspace_id, *brief in _OF_CONTACTS(execute, list({c for _, c in visitors})):
        chat_id, status, last_seq, rating, read, visible = brief
        rating = None if rating is None else int(rating)
        chat = Brief(str(chat_id), str(status), int(last_seq), rating, int(read), int(visible or 0))
        found.setdefault((str(workspace_id), str(contact_id)), []).append(chat)
    return [found.get(v, []) for v in visitors]
