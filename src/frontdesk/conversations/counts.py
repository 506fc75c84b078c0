"""How many conversations wait unread in each inbox view: the console's badges.

A conversation is *unread* when the last thing someone said in it (not a system line)
came from the visitor and no agent has read up to its end: the same rule the console
applies to each row (frontend/console/state.ts, ``isUnread``). Resolved conversations
are left out; a visitor who writes again reopens theirs.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

from pydantic import BaseModel
from sqlalchemy import ColumnElement, Row, select

from frontdesk.actors import AgentActor
from frontdesk.conversations.models import Conversation, ConversationLabel, Status
from frontdesk.conversations.queries import visible_to
from frontdesk.messages.models import AuthorType, Message
from frontdesk.storage.db import Database


class UnreadCounts(BaseModel):
    """Unread conversations per view, for one status ("snoozed" is pending with a wake-up time)."""

    mine: int = 0
    unassigned: int = 0
    all: int = 0
    teams: dict[str, int] = {}
    labels: dict[str, int] = {}


def _unread() -> list[ColumnElement[bool]]:
    last_author = (
        select(Message.author_type)
        .where(Message.conversation_id == Conversation.id, Message.author_type != AuthorType.SYSTEM.value)
        .order_by(Message.seq.desc())
        .limit(1)
        .scalar_subquery()
    )
    return [
        # The unresolved statuses named, not "!= resolved": an index can seek equal
        # values, and with 100,000 conversations SQLite read every one (1.3 s against
        # 33 ms; docs/benchmarks.md).
        Conversation.status.in_([Status.OPEN.value, Status.PENDING.value]),
        Conversation.last_seq > Conversation.agent_last_read_seq,
        last_author == AuthorType.VISITOR.value,
    ]


def _status_of(status: str, snoozed: bool) -> str:
    return "snoozed" if snoozed else status


async def unread_counts(db: Database, actor: AgentActor) -> dict[str, UnreadCounts]:
    """Keyed by status (open, pending, snoozed); a status with nothing unread is absent.
    Snoozed conversations count under "pending" too, as that view lists them."""
    snoozed = Conversation.snoozed_until.is_not(None)
    # One query, labels outer-joined (a row per label): "unread" costs a look at the last
    # message of each unresolved conversation, worth doing once (0.09 s for 7,000 on SQLite
    # when the labels had their own query; docs/benchmarks.md).
    query = (
        select(
            Conversation.id,
            Conversation.status,
            snoozed,
            Conversation.assignee_id,
            Conversation.team_id,
            ConversationLabel.label,
        )
        .outerjoin(ConversationLabel, ConversationLabel.conversation_id == Conversation.id)
        .where(*visible_to(actor), *_unread())
    )
    async with db.reader() as session:
        rows = (await session.execute(query)).all()
    counts = _conversation_tallies(rows, actor.agent_id)
    labelled = [(status, is_snoozed, label) for _, status, is_snoozed, _, _, label in rows if label is not None]
    for key, tally in _label_tallies(labelled).items():
        counts.setdefault(key, UnreadCounts(teams={}, labels={})).labels = dict(tally)
    return counts


def _conversation_tallies(
    rows: Sequence[Row[str, str, bool, str | None, str | None, str | None]], agent_id: str
) -> dict[str, UnreadCounts]:
    counts: dict[str, UnreadCounts] = {}
    counted: set[str] = set()
    for conversation_id, status, is_snoozed, assignee_id, team_id, _label in rows:
        if conversation_id in counted:  # its second label's row
            continue
        counted.add(conversation_id)
        for key in {status, _status_of(status, is_snoozed)}:
            c = counts.setdefault(key, UnreadCounts(teams={}, labels={}))
            c.all += 1
            c.mine += assignee_id == agent_id
            c.unassigned += assignee_id is None
            if team_id is not None:
                c.teams[team_id] = c.teams.get(team_id, 0) + 1
    return counts


def _label_tallies(rows: list[tuple[str, bool, str]]) -> dict[str, Counter[str]]:
    tallies: dict[str, Counter[str]] = {}
    for status, is_snoozed, label in rows:
        for key in {status, _status_of(status, is_snoozed)}:
            tallies.setdefault(key, Counter())[label] += 1
    return tallies
