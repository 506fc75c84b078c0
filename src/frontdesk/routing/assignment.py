"""Who answers a chat, decided atomically in the database.

Capacity is a counter on the agent (``open_chats``) changed only here and only inside the
transaction that changes a chat's assignee. Taking a chat is one conditional UPDATE,
``open_chats = open_chats + 1 WHERE open_chats < max_chats AND status = 'online'``: the
database re-checks the condition under the row's lock, so two requests or two nodes can
never push an agent past their capacity. A chat nobody can take waits in its team's
queue (``queued_at``), and queues are drained oldest first, each queued row locked with
``SKIP LOCKED`` so concurrent drains take different chats.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import ColumnElement, Select, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from frontdesk.agents.models import Agent, Status, Strategy, Team, TeamMember
from frontdesk.clock import utcnow
from frontdesk.conversations.models import Conversation
from frontdesk.conversations.models import Status as ConversationStatus

# How many queued chats one drain may hand out: bounds a transaction's length; the rest
# wait for the next drain, which every freed seat triggers.
DRAIN_BATCH = 50


@dataclass(frozen=True)
class Assigned:
    conversation: Conversation
    agent: Agent


def candidates(workspace_id: str, team: Team | None, exclude: frozenset[str]) -> Select[str]:
    """Agents who may take a new chat of ``team``, best first for the team's strategy."""
    query = select(Agent.id).where(
        Agent.workspace_id == workspace_id,
        Agent.active.is_(True),
        Agent.status == Status.ONLINE.value,
        Agent.open_chats < Agent.max_chats,
    )
    if team is not None:
        query = query.join(TeamMember, TeamMember.agent_id == Agent.id).where(TeamMember.team_id == team.id)
    if exclude:
        query = query.where(Agent.id.not_in(exclude))
    if team is not None and team.strategy == Strategy.LEAST_BUSY.value:
        return query.order_by(Agent.open_chats, Agent.last_assigned_at.nulls_first(), Agent.id)
    return query.order_by(Agent.last_assigned_at.nulls_first(), Agent.id)


async def claim_seat(session: AsyncSession, agent_id: str, now: datetime) -> bool:
    """Take one of the agent's free seats, if they still have one and are online."""
    result = await session.execute(
        update(Agent)
        .where(Agent.id == agent_id, Agent.open_chats < Agent.max_chats, Agent.status == Status.ONLINE.value)
        .values(open_chats=Agent.open_chats + 1, last_assigned_at=now)
        .execution_options(synchronize_session=False)
    )
    return bool(result.rowcount)  # type: ignore[attr-defined]


async def take_seat_anyway(session: AsyncSession, agent_id: str) -> None:
    """A person assigned the chat by hand: count it even past capacity."""
    await session.execute(
        update(Agent)
        .where(Agent.id == agent_id)
        .values(open_chats=Agent.open_chats + 1, last_assigned_at=utcnow())
        .execution_options(synchronize_session=False)
    )


async def release_seat(session: AsyncSession, conversation: Conversation) -> str | None:
    """The chat no longer occupies its agent (resolved, unassigned, moved). Returns them."""
    agent_id = conversation.assignee_id
    if agent_id is None or conversation.status == ConversationStatus.RESOLVED.value:
        return None
    await session.execute(
        update(Agent)
        .where(Agent.id == agent_id, Agent.open_chats > 0)
        .values(open_chats=Agent.open_chats - 1)
        .execution_options(synchronize_session=False)
    )
    return agent_id


async def try_assign(
    session: AsyncSession, conversation: Conversation, team: Team | None, exclude: frozenset[str] = frozenset()
) -> Agent | None:
    """Give a chat to the best free agent now, or leave it queued. The caller holds the
    chat's row lock."""
    if team is not None and team.strategy == Strategy.MANUAL.value:
        return None
    now = utcnow()
    for agent_id in await session.scalars(candidates(conversation.workspace_id, team, exclude)):
        if await claim_seat(session, agent_id, now):
            conversation.assignee_id = agent_id
            conversation.assigned_at = now
            conversation.queued_at = None
            agent = await session.get_one(Agent, agent_id)
            await session.refresh(agent)
            return agent
    return None


async def enqueue(conversation: Conversation, at: datetime | None = None) -> None:
    conversation.assignee_id = None
    conversation.queued_at = conversation.queued_at or at or utcnow()


def waiting_in(workspace_id: str, team_id: str | None) -> list[ColumnElement[bool]]:
    """Chats waiting in a team's queue (``team_id`` None: chats without a team)."""
    return [
        Conversation.workspace_id == workspace_id,
        Conversation.queued_at.is_not(None),
        Conversation.assignee_id.is_(None),
        Conversation.status != ConversationStatus.RESOLVED.value,
        Conversation.team_id == team_id if team_id else Conversation.team_id.is_(None),
    ]


async def drain(
    session: AsyncSession, workspace_id: str, team_id: str | None, exclude: frozenset[str] = frozenset()
) -> list[Assigned]:
    """Hand queued chats of a team to free agents, oldest first, until none is free."""
    team = await session.get(Team, team_id) if team_id else None
    if team is not None and team.strategy == Strategy.MANUAL.value:
        return []
    queued = (
        select(Conversation)
        .where(*waiting_in(workspace_id, team_id))
        .order_by(Conversation.queued_at, Conversation.id)
        .limit(DRAIN_BATCH)
        .with_for_update(skip_locked=True)
    )
    assigned = []
    for conversation in list(await session.scalars(queued)):
        agent = await try_assign(session, conversation, team, exclude)
        if agent is None:
            break  # nobody is free: the rest keep their place in the queue
        assigned.append(Assigned(conversation, agent))
    return assigned


async def teams_of(session: AsyncSession, agent_id: str) -> list[str]:
    return list(await session.scalars(select(TeamMember.team_id).where(TeamMember.agent_id == agent_id)))
