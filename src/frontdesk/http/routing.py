"""Teams and routing rules (owners and admins change them; everyone may read them)."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter
from pydantic import BaseModel, Field
from sqlalchemy import select

from frontdesk.agents.models import Team, TeamMember
from frontdesk.http.deps import Ctx, CurrentAgent
from frontdesk.http.schemas import Body
from frontdesk.inputs import NOT_BLANK, Date, Zone
from frontdesk.routing import teams
from frontdesk.routing.models import RoutingRule
from frontdesk.routing.rules import MAX_CONDITIONS, MAX_PATTERN_CHARS
from frontdesk.routing.teams import MAX_POSITION, MAX_REASSIGN_SECONDS, MIN_REASSIGN_SECONDS

router = APIRouter(tags=["routing"])


class TeamOut(BaseModel):
    id: str
    name: str
    strategy: str
    business_hours: dict[str, Any] | None
    reassign_after_seconds: int | None
    member_ids: list[str]


class TeamList(BaseModel):
    items: list[TeamOut]


Clock = Annotated[str, Field(pattern=r"^([01][0-9]|2[0-3]):[0-5][0-9]$|^24:00$", description="HH:MM")]
Weekday = Literal["mon", "tue", "wed", "thu", "fri", "sat", "sun"]


class BusinessHours(Body):
    """routing/hours.py reads it: open hours per weekday in the team's zone, and closed dates."""

    time_zone: Zone
    weekly: dict[Weekday, list[Annotated[list[Clock], Field(min_length=2, max_length=2)]]] = Field(
        default_factory=dict, description='per day, ["09:00", "17:00"] spans; each starts before it ends'
    )
    holidays: list[Date] = Field(default_factory=list, max_length=366, description="dates like 2026-12-25")


class TeamIn(Body):
    name: str | None = Field(default=None, max_length=200, pattern=NOT_BLANK, description="required to create")
    strategy: Literal["round_robin", "least_busy", "manual"] | None = None
    business_hours: BusinessHours | None = Field(default=None, description="null: always open")
    reassign_after_seconds: int | None = Field(
        default=None, ge=MIN_REASSIGN_SECONDS, le=MAX_REASSIGN_SECONDS, description="null: never reassign"
    )
    member_ids: list[Annotated[str, Field(max_length=64)]] | None = Field(default=None, max_length=1000)


async def _teams(ctx: Ctx, workspace_id: str, team_id: str | None = None) -> list[TeamOut]:
    async with ctx.db.reader() as session:
        query = select(Team).where(Team.workspace_id == workspace_id).order_by(Team.created_at)
        if team_id:
            query = query.where(Team.id == team_id)
        rows = list(await session.scalars(query))
        members: dict[str, list[str]] = {t.id: [] for t in rows}
        for team, agent in await session.execute(
            select(TeamMember.team_id, TeamMember.agent_id).where(TeamMember.team_id.in_(members))
        ):
            members[team].append(agent)
    return [
        TeamOut(
            id=t.id,
            name=t.name,
            strategy=t.strategy,
            business_hours=t.business_hours,
            reassign_after_seconds=t.reassign_after_seconds,
            member_ids=sorted(members[t.id]),
        )
        for t in rows
    ]


def _spec(body: TeamIn) -> teams.TeamSpec:
    given = body.model_dump(exclude_unset=True)
    for name in ("name", "strategy", "member_ids"):  # null: unchanged (the others mean "none")
        if given.get(name, "") is None:
            del given[name]
    return teams.TeamSpec(**given)


@router.get("/teams")
async def list_teams(actor: CurrentAgent, ctx: Ctx) -> TeamList:
    return TeamList(items=await _teams(ctx, actor.workspace_id))


@router.post("/teams", status_code=201)
async def create_team(body: TeamIn, actor: CurrentAgent, ctx: Ctx) -> TeamOut:
    team = await teams.save_team(ctx, actor, _spec(body))
    return (await _teams(ctx, actor.workspace_id, team.id))[0]


@router.patch("/teams/{team_id}")
async def update_team(team_id: str, body: TeamIn, actor: CurrentAgent, ctx: Ctx) -> TeamOut:
    await teams.save_team(ctx, actor, _spec(body), team_id)
    return (await _teams(ctx, actor.workspace_id, team_id))[0]


@router.delete("/teams/{team_id}", status_code=204)
async def delete_team(team_id: str, actor: CurrentAgent, ctx: Ctx) -> None:
    await teams.delete_team(ctx, actor, team_id)


class RuleOut(BaseModel):
    id: str
    name: str
    position: int
    team_id: str
    conditions: list[dict[str, Any]]
    enabled: bool

    @classmethod
    def of(cls, rule: RoutingRule) -> RuleOut:
        return cls(
            id=rule.id,
            name=rule.name,
            position=rule.position,
            team_id=rule.team_id,
            conditions=rule.conditions,
            enabled=rule.enabled,
        )


class RuleList(BaseModel):
    items: list[RuleOut]


class Condition(Body):
    """routing/rules.py: ``field`` is url, language, country, prechat.<name> or attribute.<name>."""

    field: str = Field(max_length=100, pattern=r"^(url|language|country)$|^(prechat|attribute)\.[^\x00]*$")
    op: Literal["contains", "equals", "regex"]
    value: str = Field(min_length=1, max_length=MAX_PATTERN_CHARS, description="with op regex: a Python regex")


class RuleIn(Body):
    name: str = Field(max_length=200, pattern=NOT_BLANK)
    team_id: str = Field(max_length=64)
    conditions: list[Condition] = Field(default_factory=list, max_length=MAX_CONDITIONS)
    enabled: bool = True
    position: int | None = Field(default=None, ge=0, le=MAX_POSITION)


class RuleOrder(Body):
    rule_ids: list[Annotated[str, Field(max_length=64)]] = Field(max_length=500)


@router.get("/routing-rules")
async def list_rules(actor: CurrentAgent, ctx: Ctx) -> RuleList:
    async with ctx.db.reader() as session:
        rows = await session.scalars(
            select(RoutingRule)
            .where(RoutingRule.workspace_id == actor.workspace_id)
            .order_by(RoutingRule.position, RoutingRule.created_at)
        )
        return RuleList(items=[RuleOut.of(r) for r in rows])


@router.post("/routing-rules", status_code=201)
async def create_rule(body: RuleIn, actor: CurrentAgent, ctx: Ctx) -> RuleOut:
    spec = teams.RuleSpec(**body.model_dump())
    return RuleOut.of(await teams.save_rule(ctx, actor, spec))


@router.put("/routing-rules/{rule_id}")
async def update_rule(rule_id: str, body: RuleIn, actor: CurrentAgent, ctx: Ctx) -> RuleOut:
    return RuleOut.of(await teams.save_rule(ctx, actor, teams.RuleSpec(**body.model_dump()), rule_id))


@router.delete("/routing-rules/{rule_id}", status_code=204)
async def delete_rule(rule_id: str, actor: CurrentAgent, ctx: Ctx) -> None:
    await teams.delete_rule(ctx, actor, rule_id)


@router.put("/routing-rules-order", status_code=204)
async def reorder_rules(body: RuleOrder, actor: CurrentAgent, ctx: Ctx) -> None:
    await teams.reorder_rules(ctx, actor, body.rule_ids)
