"""Changing a conversation's status, assignee or team. Each change leaves a system line
in the history and moves seats and queues through routing, in one transaction."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from frontdesk.actors import AgentActor
from frontdesk.agents.models import Agent, Team
from frontdesk.agents.queries import get_agent
from frontdesk.clock import isoformat, utcnow
from frontdesk.contacts.models import Contact
from frontdesk.context import Context
from frontdesk.conversations import events as conversation_events
from frontdesk.conversations.actions import SYSTEM
from frontdesk.conversations.models import Conversation, ConversationLabel, Priority, Status
from frontdesk.conversations.queries import conversation_for, last_spoken
from frontdesk.conversations.views import conversation_data
from frontdesk.errors import Invalid, NotFound
from frontdesk.events import ConversationData
from frontdesk.messages.append import append_message
from frontdesk.messages.models import Message
from frontdesk.routing.announce import announce
from frontdesk.routing.assignment import enqueue, take_seat_anyway
from frontdesk.routing.dispatch import fill_seats, free_seat, reopened
from frontdesk.routing.routed import Routed
from frontdesk.validation import check_text

UNCHANGED = "unchanged"
_STATUS_WORDS = {Status.OPEN: "reopened", Status.PENDING: "marked as pending", Status.RESOLVED: "resolved"}


@dataclass(frozen=True)
class ConversationChanges:
    status: str | None = None
    assignee_id: str | None = UNCHANGED  # None unassigns
    team_id: str | None = UNCHANGED  # None: no team
    note: str | None = None  # why (a transfer note), kept as a private line
    priority: str | None = None
    labels: list[str] | None = None  # replaces the labels
    snooze_until: datetime | None = None  # pending until then, then open again


@dataclass
class _Change:
    session: AsyncSession
    conversation: Conversation
    actor: AgentActor
    added: list[Message] = field(default_factory=list)
    refill: list[str | None] = field(default_factory=list)
    exclude: set[str] = field(default_factory=set)
    routed: Routed = field(default_factory=Routed)

    async def line(self, text: str, action: str, *, private: bool = True, **extra: object) -> None:
        system = {"action": action, "by": self.actor.agent_id, **extra}
        self.added.append(
            await append_message(self.session, self.conversation, SYSTEM, text, private=private, system=system)
        )

    async def set_status(self, status: Status) -> None:
        conv = self.conversation
        was_resolved = conv.status == Status.RESOLVED.value
        if status is Status.RESOLVED:
            self.refill += await free_seat(self.session, conv)
            conv.queued_at = conv.awaiting_reply_since = None
        conv.status, conv.resolved_at = status.value, utcnow() if status is Status.RESOLVED else None
        conv.snoozed_until = None
        if was_resolved:
            self.routed.add(await reopened(self.session, conv))
        await self.line(
            f"{self.actor.name} {_STATUS_WORDS[status]} the conversation", "status", private=False, status=status.value
        )

    async def assign(self, agent: Agent | None) -> None:
        conv = self.conversation
        previous = conv.assignee_id
        self.refill += await free_seat(self.session, conv)
        conv.assignee_id = agent.id if agent else None
        if agent is not None:
            conv.assigned_at, conv.queued_at = utcnow(), None
            if conv.status != Status.RESOLVED.value:
                await take_seat_anyway(self.session, agent.id)
            await self.line(
                f"{self.actor.name} assigned the conversation to {agent.name}", "assignee", assignee_id=agent.id
            )
        else:
            if conv.status != Status.RESOLVED.value:
                await enqueue(conv)
                self.refill.append(conv.team_id)
                self.exclude |= {previous} if previous else set()
            await self.line(f"{self.actor.name} unassigned the conversation", "assignee", assignee_id=None)
        self.routed.queues.add(conv.team_id)

    async def move_to(self, team: Team | None) -> None:
        conv = self.conversation
        self.refill += await free_seat(self.session, conv)
        self.routed.queues.add(conv.team_id)
        conv.team_id, conv.assignee_id = (team.id if team else None), None
        if conv.status != Status.RESOLVED.value:
            conv.queued_at = utcnow()
            self.refill.append(conv.team_id)
        await self.line(
            f"{self.actor.name} moved the conversation to {team.name if team else 'no team'}",
            "team",
            team_id=conv.team_id,
        )

    async def snooze(self, until: datetime) -> None:
        if until <= utcnow():
            raise Invalid('"snooze_until" must be in the future', field="snooze_until")
        conv = self.conversation
        if conv.status == Status.RESOLVED.value:
            raise Invalid("a resolved conversation cannot be snoozed; reopen it first", field="snooze_until")
        conv.status, conv.snoozed_until = Status.PENDING.value, until
        await self.line(
            f"{self.actor.name} snoozed the conversation until {isoformat(until)}", "snooze", until=isoformat(until)
        )

    async def fill(self) -> None:
        await self.session.flush()
        if self.refill:
            self.routed.add(
                await fill_seats(
                    self.session,
                    self.conversation.workspace_id,
                    self.refill,
                    "Assigned",
                    exclude=frozenset(self.exclude),
                )
            )


async def update_conversation(
    ctx: Context, actor: AgentActor, conversation_id: str, changes: ConversationChanges
) -> ConversationData:
    status = _check_status(changes.status)
    new_assignee = await _check_assignee(ctx, actor, changes.assignee_id)
    note = check_text("note", changes.note, max_chars=2000) if changes.note else None
    async with ctx.db.transaction() as session:
        conversation = await conversation_for(session, actor, conversation_id, lock=True)
        change = _Change(session, conversation, actor)
        if changes.team_id != UNCHANGED and changes.team_id != conversation.team_id:
            await change.move_to(await _check_team(session, actor, changes.team_id))
        if changes.assignee_id != UNCHANGED and changes.assignee_id != conversation.assignee_id:
            await change.assign(new_assignee)
        if status is not None and status.value != conversation.status:
            await change.set_status(status)
        if changes.snooze_until is not None:
            await change.snooze(changes.snooze_until)
        if note and change.added:
            await change.line(f"Note from {actor.name}: {note}", "note")
        quiet = await _tag(session, conversation, changes)
        labels = list(
            await session.scalars(
                select(ConversationLabel.label).where(ConversationLabel.conversation_id == conversation.id)
            )
        )
        await change.fill()
        contact = await session.get_one(Contact, conversation.contact_id)
        assignee = await session.get(Agent, conversation.assignee_id) if conversation.assignee_id else None
        last = await last_spoken(session, conversation.id)
        if change.added or quiet:
            changed = list(dict.fromkeys(str(m.system["action"]) for m in change.added if m.system)) + quiet
            events = [conversation_events.message_created(m, conversation) for m in change.added]
            events += conversation_events.conversation_updated(conversation, contact, assignee, last, changed, labels)
            change.routed.events[:0] = events
        announce(ctx, session, actor.workspace_id, change.routed)
    return conversation_data(conversation, contact, assignee, last, labels)


MAX_LABELS = 20


async def _tag(session: AsyncSession, conversation: Conversation, changes: ConversationChanges) -> list[str]:
    """Priority and labels: bookkeeping, no line in the history. Returns what changed."""
    changed = []
    if changes.priority is not None and changes.priority != conversation.priority:
        if changes.priority not in {p.value for p in Priority}:
            raise Invalid(
                f'"priority" must be one of {", ".join(p.value for p in Priority)}; got {changes.priority!r}',
                field="priority",
            )
        conversation.priority = changes.priority
        changed.append("priority")
    if changes.labels is not None:
        labels = {check_text("labels", label, max_chars=50).lower() for label in changes.labels}
        if len(labels) > MAX_LABELS:
            raise Invalid(f'"labels" may hold at most {MAX_LABELS} labels', field="labels")
        await session.execute(delete(ConversationLabel).where(ConversationLabel.conversation_id == conversation.id))
        session.add_all(
            ConversationLabel(conversation_id=conversation.id, label=label, workspace_id=conversation.workspace_id)
            for label in labels
        )
        changed.append("labels")
    return changed


def _check_status(status: str | None) -> Status | None:
    if status is None:
        return None
    try:
        return Status(status)
    except ValueError:
        raise Invalid(f'"status" must be one of open, pending, resolved; got {status!r}', field="status") from None


async def _check_assignee(ctx: Context, actor: AgentActor, assignee_id: str | None) -> Agent | None:
    if assignee_id is None or assignee_id == UNCHANGED:
        return None
    agent = await get_agent(ctx.db, actor.workspace_id, assignee_id)
    if agent is None or not agent.active:
        raise NotFound(f"no agent {assignee_id} in this workspace", field="assignee_id")
    return agent


async def _check_team(session: AsyncSession, actor: AgentActor, team_id: str | None) -> Team | None:
    if team_id is None:
        return None
    team = await session.scalar(select(Team).where(Team.id == team_id, Team.workspace_id == actor.workspace_id))
    if team is None:
        raise NotFound(f"no team {team_id} in this workspace", field="team_id")
    return team
