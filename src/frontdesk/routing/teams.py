"""Teams, their members and the routing rules: set up by owners and admins."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import delete, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from frontdesk.actors import AgentActor, require_admin
from frontdesk.agents.models import Agent, Strategy, Team, TeamMember
from frontdesk.agents.scope import scope_changed
from frontdesk.context import Context
from frontdesk.errors import Invalid, NotFound
from frontdesk.routing.hours import check_hours
from frontdesk.routing.models import RoutingRule
from frontdesk.routing.rules import check_conditions
from frontdesk.validation import check_text

UNCHANGED: Any = object()
# Shorter than a minute would reassign chats while the agent is still typing.
MIN_REASSIGN_SECONDS = 30
# A rule's place in the list; a new rule goes after the last, so the last must leave
# room below the column's limit (2**31 - 1) for every rule a workspace will ever add.
MAX_POSITION = 1_000_000
# A day: a chat unanswered that long is not waiting for a reassignment any more.
MAX_REASSIGN_SECONDS = 86_400


@dataclass(frozen=True)
class TeamSpec:
    name: Any = UNCHANGED
    strategy: Any = UNCHANGED
    business_hours: Any = UNCHANGED
    reassign_after_seconds: Any = UNCHANGED
    member_ids: Any = UNCHANGED


async def save_team(ctx: Context, actor: AgentActor, spec: TeamSpec, team_id: str | None = None) -> Team:
    """Create a team (``team_id`` None) or change one; members are replaced as a whole."""
    require_admin(actor, "manage teams")
    moved: set[str] = set()  # agents who joined or left: what they may see changed
    async with ctx.db.transaction() as session:
        team = Team(workspace_id=actor.workspace_id) if team_id is None else await _team(session, actor, team_id)
        if team_id is None:
            if spec.name is UNCHANGED:
                raise Invalid('"name" is required', field="name")
            session.add(team)
        _apply(team, spec)
        await session.flush()
        if spec.member_ids is not UNCHANGED:
            moved = await _set_members(session, actor, team, spec.member_ids)
    await scope_changed(ctx, moved)
    return team


def _apply(team: Team, spec: TeamSpec) -> None:
    if spec.name is not UNCHANGED:
        team.name = check_text("name", spec.name, max_chars=200)
    if spec.strategy is not UNCHANGED:
        if spec.strategy not in {s.value for s in Strategy}:
            raise Invalid(
                f'"strategy" must be one of {", ".join(s.value for s in Strategy)}; got {spec.strategy!r}',
                field="strategy",
            )
        team.strategy = spec.strategy
    if spec.business_hours is not UNCHANGED:
        team.business_hours = check_hours(spec.business_hours)
    if spec.reassign_after_seconds is not UNCHANGED:
        seconds = spec.reassign_after_seconds
        if seconds is not None and (
            not isinstance(seconds, int) or not MIN_REASSIGN_SECONDS <= seconds <= MAX_REASSIGN_SECONDS
        ):
            raise Invalid(
                f'"reassign_after_seconds" must be null or {MIN_REASSIGN_SECONDS}-{MAX_REASSIGN_SECONDS}',
                field="reassign_after_seconds",
            )
        team.reassign_after_seconds = seconds


async def _set_members(session: AsyncSession, actor: AgentActor, team: Team, member_ids: list[str]) -> set[str]:
    """Replace the members; the agents who joined or left."""
    found = set(
        await session.scalars(
            select(Agent.id).where(Agent.id.in_(member_ids), Agent.workspace_id == actor.workspace_id)
        )
    )
    if missing := [m for m in member_ids if m not in found]:
        raise NotFound(f"no agent {missing[0]} in this workspace", field="member_ids")
    before = set(await session.scalars(select(TeamMember.agent_id).where(TeamMember.team_id == team.id)))
    await session.execute(delete(TeamMember).where(TeamMember.team_id == team.id))
    session.add_all(TeamMember(team_id=team.id, agent_id=agent_id) for agent_id in dict.fromkeys(member_ids))
    return before ^ set(member_ids)


async def delete_team(ctx: Context, actor: AgentActor, team_id: str) -> None:
    require_admin(actor, "manage teams")
    async with ctx.db.transaction() as session:
        team = await _team(session, actor, team_id)
        members = set(await session.scalars(select(TeamMember.agent_id).where(TeamMember.team_id == team.id)))
        await session.delete(team)
    await scope_changed(ctx, members)


async def _team(session: AsyncSession, actor: AgentActor, team_id: str) -> Team:
    team = await session.scalar(select(Team).where(Team.id == team_id, Team.workspace_id == actor.workspace_id))
    if team is None:
        raise NotFound(f"no team {team_id}")
    return team


@dataclass(frozen=True)
class RuleSpec:
    name: str
    team_id: str
    conditions: list[dict[str, Any]]
    enabled: bool = True
    position: int | None = None


async def save_rule(ctx: Context, actor: AgentActor, spec: RuleSpec, rule_id: str | None = None) -> RoutingRule:
    require_admin(actor, "manage routing rules")
    conditions = check_conditions(spec.conditions)
    async with ctx.db.transaction() as session:
        await _team(session, actor, spec.team_id)
        if rule_id is None:
            last = await session.scalar(
                select(func.max(RoutingRule.position)).where(RoutingRule.workspace_id == actor.workspace_id)
            )
            rule = RoutingRule(workspace_id=actor.workspace_id, position=(last or 0) + 1)
            session.add(rule)
        else:
            rule = await _rule(session, actor, rule_id)
        rule.name = check_text("name", spec.name, max_chars=200)
        rule.team_id, rule.conditions, rule.enabled = spec.team_id, conditions, spec.enabled
        if spec.position is not None:
            rule.position = spec.position
    return rule


async def reorder_rules(ctx: Context, actor: AgentActor, rule_ids: list[str]) -> None:
    """The rules in the order given are tried first to last."""
    require_admin(actor, "manage routing rules")
    async with ctx.db.transaction() as session:
        for position, rule_id in enumerate(rule_ids, start=1):
            (await _rule(session, actor, rule_id)).position = position


async def delete_rule(ctx: Context, actor: AgentActor, rule_id: str) -> None:
    require_admin(actor, "manage routing rules")
    async with ctx.db.transaction() as session:
        await session.delete(await _rule(session, actor, rule_id))


async def _rule(session: AsyncSession, actor: AgentActor, rule_id: str) -> RoutingRule:
    rule = await session.scalar(
        select(RoutingRule).where(RoutingRule.id == rule_id, RoutingRule.workspace_id == actor.workspace_id)
    )
    if rule is None:
        raise NotFound(f"no routing rule {rule_id}")
    return rule
