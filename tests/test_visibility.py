"""Who may see a chat is one rule (actors.py), rendered three ways: the socket's Python
filter (``AgentActor.may_see``), every read's SQLAlchemy clause
(``conversations/queries.visible_to``) and the quick path's raw SQL (its statement's
check, messages/quick_send.py). Here the three answer alike for every kind of agent
and visitor against every kind of chat, on both databases."""

from __future__ import annotations

import itertools
import uuid

from sqlalchemy import select

from frontdesk.actors import Actor, AgentActor, Role
from frontdesk.context import Context
from frontdesk.conversations.models import Conversation
from frontdesk.conversations.queries import scoped
from frontdesk.messages.quick_send import quick_send
from frontdesk.routing.teams import TeamSpec, save_team
from frontdesk.storage.quick import in_session
from tests.factories import make_agent, make_team, make_visitor


async def _chats(ctx: Context, rows: list[dict[str, object]]) -> list[Conversation]:
    async with ctx.db.transaction() as session:
        chats = [Conversation(**row) for row in rows]
        session.add_all(chats)
    return chats


async def test_the_three_forms_of_who_sees_a_chat_agree(ctx: Context) -> None:
    team = await make_team(ctx)
    other = await make_team(ctx, "Elsewhere")
    me = await make_agent(ctx, team.workspace_id, name="Ada")
    colleague = await make_agent(ctx, team.workspace_id, name="Bob")
    sales = await save_team(ctx, team.owner, TeamSpec(name="Sales", member_ids=[me.agent_id]))
    support = await save_team(ctx, team.owner, TeamSpec(name="Support", member_ids=[colleague.agent_id]))
    billing = await save_team(ctx, team.owner, TeamSpec(name="Billing", member_ids=[]))
    visitor, _ = await make_visitor(ctx, team.website)
    neighbour, _ = await make_visitor(ctx, team.website)
    stranger, _ = await make_visitor(ctx, other.website)

    def chat(
        workspace: str, website: str, contact: str, team_id: str | None, assignee: str | None
    ) -> dict[str, object]:
        return {
            "workspace_id": workspace,
            "website_id": website,
            "contact_id": contact,
            "team_id": team_id,
            "assignee_id": assignee,
        }

    rows = [
        chat(team.workspace_id, team.website.id, contact, team_id, assignee)
        for contact, team_id, assignee in itertools.product(
            (visitor.contact_id, neighbour.contact_id),
            (None, sales.id, support.id, billing.id),
            (None, me.agent_id, colleague.agent_id),
        )
    ]
    rows.append(chat(other.workspace_id, other.website.id, stranger.contact_id, None, None))
    rows.append(chat(other.workspace_id, other.website.id, stranger.contact_id, None, other.owner.agent_id))
    chats = await _chats(ctx, rows)

    agents = [
        AgentActor(team.workspace_id, me.agent_id, "Ada", Role.ADMIN, None),  # sees every chat
        AgentActor(team.workspace_id, me.agent_id, "Ada", Role.AGENT, frozenset({sales.id})),
        AgentActor(team.workspace_id, me.agent_id, "Ada", Role.AGENT, frozenset({sales.id, support.id})),
        AgentActor(team.workspace_id, me.agent_id, "Ada", Role.AGENT, frozenset()),  # no team
        AgentActor(other.workspace_id, other.owner.agent_id, "Eve", Role.AGENT, frozenset()),
    ]
    seen_somewhere = set()
    for actor in [*agents, visitor, neighbour, stranger]:
        by_clause = await _seen_by_clause(ctx, actor)
        by_sql = await _seen_by_quick_sql(ctx, actor, chats)
        assigned = {c.id for c in chats if c.assignee_id is not None}
        open_ = {c.id for c in chats}  # every chat here is open, no visitor blocked
        if isinstance(actor, AgentActor):
            # The quick path writes only in chats that have their agent (the rest is routing's).
            assert by_sql == by_clause & assigned, actor
            ours = [c for c in chats if c.workspace_id == actor.workspace_id]
            by_python = {c.id for c in ours if actor.may_see(c.team_id, c.assignee_id)}
            assert by_python == by_clause, actor
        else:
            assert by_sql == by_clause & open_, actor
            assert by_clause == {c.id for c in chats if c.contact_id == actor.contact_id}, actor
        seen_somewhere |= by_clause
    assert seen_somewhere == {c.id for c in chats}
    # The cases tell the agents apart: each sees a different set.
    assert len({frozenset(await _seen_by_clause(ctx, a)) for a in agents}) == len(agents)


async def _seen_by_clause(ctx: Context, actor: Actor) -> set[str]:
    async with ctx.db.reader() as session:
        return set(await session.scalars(select(Conversation.id).where(scoped(actor).whereclause)))  # type: ignore[arg-type]


class _Undo(Exception):
    """Rolls back what the quick path's statement wrote, carrying what it found."""


async def _seen_by_quick_sql(ctx: Context, actor: Actor, chats: list[Conversation]) -> set[str]:
    """The chats in which the quick path's statements store this actor's message, each
    named as a send names it; rolled back, so every chat is tried as it was."""
    seen = set()
    for chat in chats:
        write = quick_send(actor, "hello", uuid.uuid4().hex, chat.id)
        assert write is not None
        try:
            async with ctx.db.transaction() as session:
                raise _Undo(await in_session(session, write))
        except _Undo as undone:
            if undone.args[0] is not None:
                seen.add(undone.args[0][0])
    return seen
