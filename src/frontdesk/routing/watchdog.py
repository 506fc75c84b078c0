"""Timed routing: chats whose agent has not answered in time move to someone else.

Runs every few seconds inside ``frontdesk serve``. Each pass locks the chats it moves
(``SKIP LOCKED``), so passes on several nodes never move one chat twice.
"""

from __future__ import annotations

import asyncio
import logging
from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from frontdesk.agents.models import Agent, Team
from frontdesk.clock import utcnow
from frontdesk.contacts.models import Contact
from frontdesk.context import Context
from frontdesk.conversations.events import conversation_updated, message_created
from frontdesk.conversations.models import Conversation
from frontdesk.conversations.models import Status as ConversationStatus
from frontdesk.conversations.queries import last_spoken
from frontdesk.events import Event
from frontdesk.messages.append import append_message
from frontdesk.routing.announce import SYSTEM, announce, assignment_events, requeue_events
from frontdesk.routing.assignment import Assigned, enqueue, release_seat, try_assign
from frontdesk.routing.routed import Routed

log = logging.getLogger(__name__)

# Reassignment times are set in tens of seconds; checking every 5 s keeps a chat at most
# 5 s late without a noticeable load (one indexed query per pass).
TICK_SECONDS = 5.0
BATCH = 100


async def reassign_silent(ctx: Context) -> int:
    """Move chats whose visitor has waited past their team's limit; returns how many."""
    now = utcnow()
    moved = 0
    async with ctx.db.transaction() as session:
        rows = (
            await session.execute(
                select(Conversation, Team)
                .join(Team, Team.id == Conversation.team_id)
                .where(
                    Team.reassign_after_seconds.is_not(None),
                    Conversation.assignee_id.is_not(None),
                    Conversation.status == ConversationStatus.OPEN.value,
                    Conversation.awaiting_reply_since.is_not(None),
                )
                .limit(BATCH)
                .with_for_update(of=Conversation, skip_locked=True)
            )
        ).all()
        by_workspace: dict[str, Routed] = {}
        for conversation, team in rows:
            assert conversation.awaiting_reply_since is not None and team.reassign_after_seconds is not None
            if now - conversation.awaiting_reply_since < timedelta(seconds=team.reassign_after_seconds):
                continue
            routed = by_workspace.setdefault(conversation.workspace_id, Routed())
            routed.add(await _move(session, conversation, team))
            moved += 1
        for workspace_id, routed in by_workspace.items():
            announce(ctx, session, workspace_id, routed)
    return moved


async def _move(session: AsyncSession, conversation: Conversation, team: Team) -> Routed:
    previous = await session.get_one(Agent, conversation.assignee_id)
    await release_seat(session, conversation)
    # The clock restarts for the next agent.
    conversation.awaiting_reply_since = utcnow()
    agent = await try_assign(session, conversation, team, exclude=frozenset({previous.id}))
    reason = f"{previous.name} did not answer within {team.reassign_after_seconds} s; reassigned"
    if agent is not None:
        return Routed(
            events=await assignment_events(session, [Assigned(conversation, agent)], reason), queues={team.id}
        )
    await enqueue(conversation, at=conversation.created_at)
    events = await requeue_events(
        session,
        [conversation],
        f"{previous.name} did not answer within {team.reassign_after_seconds} s; back in the queue",
    )
    return Routed(events=events, queues={team.id})


async def run_forever(ctx: Context) -> None:
    while True:
        try:
            await reassign_silent(ctx)
            await wake_snoozed(ctx)
        except Exception:  # a passing database error must not stop routing for good
            log.exception("reassignment pass failed; retrying")
        await asyncio.sleep(TICK_SECONDS)


async def wake_snoozed(ctx: Context) -> int:
    """Snoozed chats whose time has come open again, with a line saying so."""
    events: list[Event] = []
    async with ctx.db.transaction() as session:
        due = list(
            await session.scalars(
                select(Conversation)
                .where(
                    Conversation.status == ConversationStatus.PENDING.value,
                    Conversation.snoozed_until.is_not(None),
                    Conversation.snoozed_until <= utcnow(),
                )
                .limit(BATCH)
                .with_for_update(skip_locked=True)
            )
        )
        for conversation in due:
            conversation.status, conversation.snoozed_until = ConversationStatus.OPEN.value, None
            line = await append_message(
                session,
                conversation,
                SYSTEM,
                "The snooze ended; the conversation is open again",
                system={"action": "status", "status": "open", "by": None},
            )
            await session.flush()
            contact = await session.get_one(Contact, conversation.contact_id)
            assignee = await session.get(Agent, conversation.assignee_id) if conversation.assignee_id else None
            events.append(message_created(line, conversation))
            events += conversation_updated(
                conversation, contact, assignee, await last_spoken(session, conversation.id), ["status"]
            )
        ctx.emit(session, events)
    return len(due)
