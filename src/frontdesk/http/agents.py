"""Agents: who is on the team, their status and capacity."""

from __future__ import annotations

from typing import Literal

from fastapi import APIRouter
from pydantic import BaseModel, Field
from sqlalchemy import select

from frontdesk.agents.models import Agent
from frontdesk.http.deps import Ctx, CurrentAgent
from frontdesk.http.schemas import Body
from frontdesk.routing import availability
from frontdesk.routing.availability import MAX_CHATS_LIMIT

router = APIRouter(tags=["agents"])


class AgentRow(BaseModel):
    id: str
    name: str
    email: str
    role: str
    status: str
    max_chats: int
    open_chats: int
    all_teams: bool
    active: bool

    @classmethod
    def of(cls, agent: Agent) -> AgentRow:
        return cls(
            id=agent.id,
            name=agent.name,
            email=agent.email,
            role=agent.role,
            status=agent.status,
            max_chats=agent.max_chats,
            open_chats=agent.open_chats,
            all_teams=agent.all_teams,
            active=agent.active,
        )


class AgentList(BaseModel):
    items: list[AgentRow]


class StatusIn(Body):
    status: Literal["online", "away", "offline"]


class AgentPatch(Body):
    max_chats: int | None = Field(default=None, ge=0, le=MAX_CHATS_LIMIT, description="chats at once; 0: none")
    role: Literal["owner", "admin", "supervisor", "agent"] | None = Field(
        default=None, description="only owners may make owners"
    )
    all_teams: bool | None = None
    active: bool | None = None


@router.get("/agents")
async def list_agents(actor: CurrentAgent, ctx: Ctx) -> AgentList:
    """Everyone sees their teammates and their load (supervisors use it to balance)."""
    async with ctx.db.reader() as session:
        rows = await session.scalars(select(Agent).where(Agent.workspace_id == actor.workspace_id).order_by(Agent.name))
        return AgentList(items=[AgentRow.of(a) for a in rows])


@router.put("/me/status")
async def set_my_status(body: StatusIn, actor: CurrentAgent, ctx: Ctx) -> AgentRow:
    return AgentRow.of(await availability.set_status(ctx, actor, actor.agent_id, body.status))


@router.put("/agents/{agent_id}/status")
async def set_status(agent_id: str, body: StatusIn, actor: CurrentAgent, ctx: Ctx) -> AgentRow:
    return AgentRow.of(await availability.set_status(ctx, actor, agent_id, body.status))


@router.patch("/agents/{agent_id}")
async def update_agent(agent_id: str, body: AgentPatch, actor: CurrentAgent, ctx: Ctx) -> AgentRow:
    given = body.model_dump(exclude_none=True)  # null: unchanged (all_teams: null is not false)
    changes = availability.AgentChanges(**given)
    return AgentRow.of(await availability.update_agent(ctx, actor, agent_id, changes))
