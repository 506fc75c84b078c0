"""Agents' status and capacity, and what follows from them: an agent coming online or
gaining seats takes queued chats; an agent going offline hands theirs back."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

import orjson
from sqlalchemy import select

from frontdesk.actors import AgentActor, Role, require_admin
from frontdesk.agents import owners
from frontdesk.agents.models import Agent, Status
from frontdesk.agents.scope import scope_changed
from frontdesk.clock import utcnow
from frontdesk.context import Context
from frontdesk.conversations.models import Conversation
from frontdesk.conversations.models import Status as ConversationStatus
from frontdesk.errors import Invalid, NotFound
from frontdesk.events import AgentStatusChanged, AgentSummary, AvailabilityChanged, Event, EventName
from frontdesk.routing.announce import announce, requeue_events
from frontdesk.routing.assignment import enqueue, release_seat, teams_of
from frontdesk.routing.dispatch import fill_seats
from frontdesk.routing.hours import is_open
from frontdesk.routing.routed import Routed
from frontdesk.storage.db import Database
from frontdesk.storage.quick import Exec
from frontdesk.storage.reads import Listed
from frontdesk.topics import website_visitors, workspace_agents
from frontdesk.websites.models import Website
from frontdesk.websites.queries import WebsiteRow

MAX_CHATS_LIMIT = 50

_UNSET: Any = object()


async def set_status(
    ctx: Context,
    actor: AgentActor,
    agent_id: str,
    status: str,
    *,
    only_from: str | None = None,
    unless: Callable[[str], Awaitable[bool]] | None = None,
) -> Agent:
    """Agents set their own status; owners, admins and supervisors anyone's.

    ``only_from`` and ``unless`` make the change conditional: it happens only when the
    agent's status is ``only_from`` and ``unless(agent_id)`` is false, both judged with
    the agent's row locked, so two conditional changes never act on each other's stale
    view (see ``console_opened``)."""
    if agent_id != actor.agent_id and actor.role not in (Role.OWNER, Role.ADMIN, Role.SUPERVISOR):
        raise NotFound(f"no agent {agent_id}")  # agents cannot touch each other
    if status not in {s.value for s in Status}:
        raise Invalid(f'"status" must be one of online, away, offline; got {status!r}', field="status")
    async with ctx.db.transaction() as session:
        agent = await _agent(session, actor, agent_id, lock=True)
        if (only_from is not None and agent.status != only_from) or (unless is not None and await unless(agent_id)):
            return agent
        previous, agent.status = agent.status, status
        routed = Routed()
        if status == Status.OFFLINE.value and previous != status:
            routed = await _hand_back(session, agent)
        elif status == Status.ONLINE.value and previous != status:
            routed = await fill_seats(
                session, agent.workspace_id, [*await teams_of(session, agent.id), None], "Assigned"
            )
        data = AgentStatusChanged(agent=AgentSummary(id=agent.id, name=agent.name), status=status)
        routed.events.insert(0, Event(EventName.AGENT_STATUS_CHANGED, data, (workspace_agents(agent.workspace_id),)))
        announce(ctx, session, agent.workspace_id, routed)
    if previous != status:
        await ctx.publish(await availability_events(ctx.db, agent.workspace_id))
    return agent


# Opening a console and the grace after the last one closed both decide with the agent's
# row locked. Decided on a plain read, a console opened just as the grace ran out read
# "online", did nothing, and the grace's "offline" committed after it: an agent with the
# console open, shown offline to every visitor.
async def console_opened(ctx: Context, actor: AgentActor) -> None:
    """An agent who was offline comes online; one who chose away stays away."""
    await set_status(ctx, actor, actor.agent_id, Status.ONLINE.value, only_from=Status.OFFLINE.value)


async def console_left(ctx: Context, actor: AgentActor) -> None:
    """The grace after an agent's last console closed is over: offline, unless a console
    has opened again on any node."""
    await set_status(ctx, actor, actor.agent_id, Status.OFFLINE.value, unless=ctx.presence.is_connected)


# Someone can answer a website's visitors: its team (if it has one) is within its
# business hours (checked in Python, ``is_open``) and one of the team's agents is online;
# without a team, any active agent of the workspace. The one statement of that rule.
_ONLINE = Listed(
    "SELECT w.id, t.id, t.business_hours, EXISTS ("  # noqa: S608
    "SELECT 1 FROM agents a WHERE a.workspace_id = w.workspace_id AND a.active "
    f"AND a.status = '{Status.ONLINE.value}' AND (t.id IS NULL OR EXISTS ("
    "SELECT 1 FROM team_members m WHERE m.team_id = t.id AND m.agent_id = a.id))) "
    "FROM websites w LEFT JOIN teams t ON t.id = w.default_team_id WHERE {listed}",
    "w.id",
)


def agents_online(execute: Exec, website_ids: list[str]) -> list[bool]:
    """A quick read (storage/reads.py): whether someone can answer each website's
    visitors now (False for a website that is gone)."""
    now = utcnow()
    found = {
        str(website_id): bool(someone) and (team_id is None or is_open(_json(hours), now))
        for website_id, team_id, hours, someone in _ONLINE(execute, list(set(website_ids)))
    }
    return [found.get(i, False) for i in website_ids]


def _json(value: Any) -> Any:
    """A JSON column as the raw drivers give it: text (sqlite3, asyncpg), or decoded."""
    return orjson.loads(value) if isinstance(value, str | bytes) else value


async def website_available(db: Database, website: Website | WebsiteRow) -> bool:
    """Someone can answer this website's visitors now (``agents_online``)."""
    return await db.reads.get(agents_online, website.id)


async def availability_events(db: Database, workspace_id: str) -> list[Event]:
    """Each website's visitors hear whether someone is there to answer."""
    async with db.reader() as session:
        websites = list(await session.scalars(select(Website).where(Website.workspace_id == workspace_id)))
    return [
        Event(
            EventName.AVAILABILITY_CHANGED,
            AvailabilityChanged(agents_online=await website_available(db, w)),
            (website_visitors(w.id),),
        )
        for w in websites
    ]


async def _hand_back(session: Any, agent: Agent) -> Routed:
    """An agent left: their open chats go back to the front of their queues (they have
    waited longest) and to whoever is free."""
    chats = list(
        await session.scalars(
            select(Conversation)
            .where(Conversation.assignee_id == agent.id, Conversation.status != ConversationStatus.RESOLVED.value)
            .order_by(Conversation.created_at)
            .with_for_update()
        )
    )
    teams: list[str | None] = []
    for chat in chats:
        await release_seat(session, chat)
        await enqueue(chat, at=chat.created_at)
        teams.append(chat.team_id)
    await session.flush()
    routed = await fill_seats(
        session, agent.workspace_id, teams, f"{agent.name} went offline; reassigned", exclude=frozenset({agent.id})
    )
    routed.queues |= set(teams)
    requeued = [c for c in chats if c.assignee_id is None]
    routed.events += await requeue_events(session, requeued, f"{agent.name} went offline; back in the queue")
    return routed


@dataclass(frozen=True)
class AgentChanges:
    max_chats: Any = _UNSET
    role: Any = _UNSET
    all_teams: Any = _UNSET
    active: Any = _UNSET


async def update_agent(ctx: Context, actor: AgentActor, agent_id: str, changes: AgentChanges) -> Agent:
    require_admin(actor, "change agents")
    async with ctx.db.transaction() as session:
        agent = await _agent(session, actor, agent_id, lock=True)
        owners.check_may_change(actor, agent)
        role = agent.role if changes.role is _UNSET else changes.role
        active = agent.active if changes.active is _UNSET else bool(changes.active)
        await owners.check_keeps_an_owner(session, agent, role, active)
        if changes.max_chats is not _UNSET:
            if not isinstance(changes.max_chats, int) or not 0 <= changes.max_chats <= MAX_CHATS_LIMIT:
                raise Invalid(f'"max_chats" must be 0-{MAX_CHATS_LIMIT}', field="max_chats")
            agent.max_chats = changes.max_chats
        if changes.role is not _UNSET:
            if changes.role not in {r.value for r in Role} or (changes.role == Role.OWNER and actor.role != Role.OWNER):
                raise Invalid('"role" must be admin, supervisor or agent (owners may make owners)', field="role")
            agent.role = changes.role
        if changes.all_teams is not _UNSET:
            agent.all_teams = bool(changes.all_teams)
        if changes.active is not _UNSET:
            agent.active = bool(changes.active)
        await session.flush()
        routed = await fill_seats(session, agent.workspace_id, [*await teams_of(session, agent.id), None], "Assigned")
        announce(ctx, session, agent.workspace_id, routed)
    if changes.role is not _UNSET or changes.all_teams is not _UNSET or changes.active is not _UNSET:
        await scope_changed(ctx, [agent.id])
    return agent


async def _agent(session: Any, actor: AgentActor, agent_id: str, *, lock: bool = False) -> Agent:
    query = select(Agent).where(Agent.id == agent_id, Agent.workspace_id == actor.workspace_id)
    agent: Agent | None = await session.scalar(query.with_for_update() if lock else query)
    if agent is None:
        raise NotFound(f"no agent {agent_id}")
    return agent
