"""Routing hooks called inside other actions' transactions: a new chat, a freed seat, a
reopened chat. Each returns what it changed so the caller can announce it after commit."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from frontdesk.agents.models import Team
from frontdesk.clock import utcnow
from frontdesk.contacts.models import Contact
from frontdesk.contacts.page_views import PageView
from frontdesk.conversations.models import Conversation
from frontdesk.routing.announce import assignment_events
from frontdesk.routing.assignment import Assigned, claim_seat, drain, enqueue, release_seat, teams_of
from frontdesk.routing.hours import is_open
from frontdesk.routing.models import RoutingRule
from frontdesk.routing.routed import Routed
from frontdesk.routing.rules import Rule, VisitorFacts, first_match
from frontdesk.websites.models import Website


async def facts_of(session: AsyncSession, contact: Contact) -> VisitorFacts:
    last_view = await session.scalar(
        select(PageView.url).where(PageView.contact_id == contact.id).order_by(PageView.created_at.desc()).limit(1)
    )
    attributes = {k: v for k, v in contact.custom_attributes.items() if not k.startswith("_")}
    prechat = {**attributes, "name": contact.name, "email": contact.email or "", "phone": contact.phone or ""}
    return VisitorFacts(
        url=last_view or "",
        language=str(contact.device.get("language", "")),
        country=str(attributes.get("country", contact.device.get("country", ""))),
        prechat=prechat,
        attributes=attributes,
    )


async def choose_team(session: AsyncSession, conversation: Conversation, contact: Contact) -> Team | None:
    rows = await session.scalars(
        select(RoutingRule)
        .where(RoutingRule.workspace_id == conversation.workspace_id, RoutingRule.enabled.is_(True))
        .order_by(RoutingRule.position, RoutingRule.created_at)
    )
    rules = [Rule(team_id=r.team_id, conditions=r.conditions) for r in rows]
    team_id = first_match(rules, await facts_of(session, contact)) if rules else None
    if team_id is None:
        website = await session.get_one(Website, conversation.website_id)
        team_id = website.default_team_id
    return await session.get(Team, team_id) if team_id else None


async def route_new(session: AsyncSession, conversation: Conversation, contact: Contact) -> Routed:
    """A chat just started: pick its team, queue it behind anyone already waiting, and
    hand out whatever seats are free."""
    team = await choose_team(session, conversation, contact)
    conversation.team_id = team.id if team else None
    conversation.out_of_hours = team is not None and not is_open(team.business_hours, utcnow())
    await enqueue(conversation, at=conversation.created_at)  # the queue is in order of arrival
    await session.flush()
    return await fill_seats(session, conversation.workspace_id, [conversation.team_id], "Assigned")


async def fill_seats(
    session: AsyncSession,
    workspace_id: str,
    team_ids: list[str | None],
    reason: str,
    exclude: frozenset[str] = frozenset(),
) -> Routed:
    assigned: list[Assigned] = []
    for team_id in dict.fromkeys(team_ids):
        assigned += await drain(session, workspace_id, team_id, exclude)
    return Routed(events=await assignment_events(session, assigned, reason), queues=set(team_ids))


async def free_seat(session: AsyncSession, conversation: Conversation) -> list[str | None]:
    """The chat stops occupying its agent: call before changing its status or assignee,
    then ``fill_seats`` with the returned teams once the change is flushed."""
    agent_id = await release_seat(session, conversation)
    if agent_id is None:
        return []
    return [*await teams_of(session, agent_id), None]


async def reopened(session: AsyncSession, conversation: Conversation) -> Routed:
    """A resolved chat came back: its agent keeps it if they have a free seat."""
    if conversation.assignee_id and await claim_seat(session, conversation.assignee_id, utcnow()):
        return Routed()
    await enqueue(conversation)
    await session.flush()
    return await fill_seats(session, conversation.workspace_id, [conversation.team_id], "Assigned")
