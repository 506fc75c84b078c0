"""Telling everyone about assignments and queue positions."""

from __future__ import annotations

import asyncio
import logging
from weakref import WeakKeyDictionary

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from frontdesk.agents.models import Agent, Status, TeamMember
from frontdesk.contacts.models import Contact
from frontdesk.context import Context
from frontdesk.conversations import events as conversation_events
from frontdesk.conversations.models import Conversation
from frontdesk.conversations.queries import last_spoken
from frontdesk.events import Author, Event, EventName, QueueUpdated
from frontdesk.messages.append import append_message
from frontdesk.messages.models import AuthorType
from frontdesk.routing.assignment import Assigned, waiting_in
from frontdesk.routing.routed import Routed
from frontdesk.storage.db import Database, on_commit
from frontdesk.topics import visitor

SYSTEM = Author(type=AuthorType.SYSTEM.value, id=None, name="Frontdesk")

# Until a team has resolved chats of its own to learn from, assume a chat takes this long.
DEFAULT_HANDLE_SECONDS = 300
HANDLE_SAMPLE = 50  # recent chats to average: follows a team's pace without jumping around


log = logging.getLogger(__name__)

# A queue's positions are recomputed for the whole team when it moves; a burst of N new
# chats meant N recomputations of N positions (a 1,000-chat burst: half a million
# events). Moves within this window share one recomputation, still well under a second.
QUEUE_COALESCE_S = 0.1


def announce(ctx: Context, session: AsyncSession, workspace_id: str, routed: Routed) -> None:
    """In the routing step's transaction: its events leave when it commits (durable ones
    through the outbox), and then, shortly, every moved queue's new positions."""
    ctx.emit(session, routed.events)
    if routed.queues:
        on_commit(session, lambda: _coalescer(ctx).moved(workspace_id, routed.queues))


class _QueueCoalescer:
    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx
        self.dirty: dict[str, set[str | None]] = {}
        self.task: asyncio.Task[None] | None = None

    def moved(self, workspace_id: str, teams: set[str | None]) -> None:
        self.dirty.setdefault(workspace_id, set()).update(teams)
        if self.task is None or self.task.done():
            self.task = asyncio.create_task(self._flush())

    async def _flush(self) -> None:
        while self.dirty:  # moves made while announcing get the next round
            await asyncio.sleep(QUEUE_COALESCE_S)
            dirty, self.dirty = self.dirty, {}
            for workspace_id, teams in dirty.items():
                try:
                    await self.ctx.publish(await queue_events(self.ctx.db, workspace_id, teams))
                except Exception:
                    log.exception("could not announce queue positions")


_coalescers: WeakKeyDictionary[Database, _QueueCoalescer] = WeakKeyDictionary()


def _coalescer(ctx: Context) -> _QueueCoalescer:
    # One per running app (tests run several in one process, each with its database).
    found = _coalescers.get(ctx.db)
    if found is None:
        found = _coalescers[ctx.db] = _QueueCoalescer(ctx)
    return found


async def queues_announced(ctx: Context) -> None:
    """Wait until the queue moves made so far have been announced."""
    found = _coalescers.get(ctx.db)
    if found is not None and found.task is not None:
        await asyncio.shield(found.task)


async def assignment_events(session: AsyncSession, assigned: list[Assigned], reason: str) -> list[Event]:
    """In the transaction that assigned: a private system line in each chat (agents see
    who took it and why), and the events to publish after commit."""
    events: list[Event] = []
    for item in assigned:
        conversation, agent = item.conversation, item.agent
        note = await append_message(
            session,
            conversation,
            SYSTEM,
            f"{reason} to {agent.name}",
            private=True,
            system={"action": "assignee", "assignee_id": agent.id, "by": None},
        )
        await session.flush()
        contact = await session.get_one(Contact, conversation.contact_id)
        events.append(conversation_events.message_created(note, conversation))
        last = await last_spoken(session, conversation.id)
        events += conversation_events.conversation_updated(conversation, contact, agent, last, ["assignee"])
    return events


async def requeue_events(session: AsyncSession, chats: list[Conversation], text: str) -> list[Event]:
    """Chats that went back to the queue: a private line each, and the unassignment."""
    events: list[Event] = []
    for conversation in chats:
        note = await append_message(
            session,
            conversation,
            SYSTEM,
            text,
            private=True,
            system={"action": "assignee", "assignee_id": None, "by": None},
        )
        await session.flush()
        contact = await session.get_one(Contact, conversation.contact_id)
        events.append(conversation_events.message_created(note, conversation))
        last = await last_spoken(session, conversation.id)
        events += conversation_events.conversation_updated(conversation, contact, None, last, ["assignee"])
    return events


async def queue_events(db: Database, workspace_id: str, team_ids: set[str | None]) -> list[Event]:
    """Every queued visitor of these teams hears their place and an estimated wait."""
    events: list[Event] = []
    async with db.reader() as session:
        for team_id in team_ids:
            rows = (
                await session.execute(
                    select(Conversation.id, Conversation.contact_id)
                    .where(*waiting_in(workspace_id, team_id))
                    .order_by(Conversation.queued_at, Conversation.id)
                )
            ).all()
            if not rows:
                continue
            per_chat = await _seconds_per_chat(session, workspace_id, team_id)
            for position, (conversation_id, contact_id) in enumerate(rows, start=1):
                data = QueueUpdated(
                    conversation_id=conversation_id, position=position, estimated_wait_seconds=int(position * per_chat)
                )
                events.append(
                    Event(EventName.QUEUE_UPDATED, data, (visitor(contact_id),), conversation_id=conversation_id)
                )
    return events


async def _seconds_per_chat(session: AsyncSession, workspace_id: str, team_id: str | None) -> float:
    """How often a seat frees up: recent handling time over the agents online."""
    recent = select(Conversation.assigned_at, Conversation.resolved_at).where(
        Conversation.workspace_id == workspace_id,
        Conversation.resolved_at.is_not(None),
        Conversation.assigned_at.is_not(None),
    )
    if team_id:
        recent = recent.where(Conversation.team_id == team_id)
    spans = [
        (done - start).total_seconds()
        for start, done in await session.execute(recent.order_by(Conversation.resolved_at.desc()).limit(HANDLE_SAMPLE))
        if start and done
    ]
    handle = sum(spans) / len(spans) if spans else DEFAULT_HANDLE_SECONDS
    online = (
        select(func.count())
        .select_from(Agent)
        .where(Agent.workspace_id == workspace_id, Agent.status == Status.ONLINE.value)
    )
    if team_id:
        online = online.join(TeamMember, TeamMember.agent_id == Agent.id).where(TeamMember.team_id == team_id)
    seats = await session.scalar(online) or 1
    return handle / seats
