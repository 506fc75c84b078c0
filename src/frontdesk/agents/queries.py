"""Finding agents: by credential, by id, within a workspace."""

from __future__ import annotations

from sqlalchemy import select, update

from frontdesk.actors import AgentActor, Role
from frontdesk.agents.models import Agent, AgentSession, ApiToken, SessionStage, TeamMember
from frontdesk.agents.secrets import API_TOKEN_PREFIX, digest
from frontdesk.clock import utcnow
from frontdesk.storage.db import Database


async def actor_for(db: Database, agent: Agent) -> AgentActor:
    """Owners, admins and supervisors see every chat; agents their teams' (or all, when
    given wider access)."""
    role = Role(agent.role)
    team_ids = None
    if role is Role.AGENT and not agent.all_teams:
        async with db.reader() as session:
            team_ids = frozenset(
                await session.scalars(select(TeamMember.team_id).where(TeamMember.agent_id == agent.id))
            )
    return AgentActor(workspace_id=agent.workspace_id, agent_id=agent.id, name=agent.name, role=role, team_ids=team_ids)


async def session_for(db: Database, secret: str) -> tuple[Agent, AgentSession] | None:
    """The session a cookie names, at any stage, while it and its agent are valid."""
    async with db.reader() as session:
        row = await session.execute(
            select(Agent, AgentSession)
            .join(AgentSession, AgentSession.agent_id == Agent.id)
            .where(AgentSession.token_hash == digest(secret))
        )
        found = row.first()
    if found is None:
        return None
    agent, login = found
    now = utcnow()
    idle = login.idle_expires_at is not None and login.idle_expires_at <= now
    return (agent, login) if agent.active and login.expires_at > now and not idle else None


async def agent_for_session(db: Database, secret: str) -> Agent | None:
    """The agent of a complete login (not one still owing a second factor)."""
    found = await session_for(db, secret)
    return found[0] if found is not None and found[1].stage == SessionStage.FULL else None


async def agent_for_api_token(db: Database, secret: str) -> Agent | None:
    if not secret.startswith(API_TOKEN_PREFIX):
        return None
    async with db.reader() as session:
        row = await session.execute(
            select(Agent, ApiToken.id)
            .join(ApiToken, ApiToken.agent_id == Agent.id)
            .where(ApiToken.token_hash == digest(secret))
        )
        found = row.first()
    if found is None:
        return None
    agent, token_id = found
    async with db.transaction() as session:
        await session.execute(update(ApiToken).where(ApiToken.id == token_id).values(last_used_at=utcnow()))
    return agent if agent.active else None


async def get_agent(db: Database, workspace_id: str, agent_id: str) -> Agent | None:
    async with db.reader() as session:
        return await session.scalar(select(Agent).where(Agent.id == agent_id, Agent.workspace_id == workspace_id))


async def list_api_tokens(db: Database, actor: AgentActor) -> list[ApiToken]:
    query = select(ApiToken).where(ApiToken.workspace_id == actor.workspace_id).order_by(ApiToken.created_at)
    if not actor.is_admin:
        query = query.where(ApiToken.agent_id == actor.agent_id)
    async with db.reader() as session:
        return list(await session.scalars(query))
