"""Agent accounts, console sessions and API tokens."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from frontdesk.actors import AgentActor, Role
from frontdesk.agents.models import Agent, ApiToken, TeamMember
from frontdesk.agents.owners import check_may_change
from frontdesk.agents.password_policy import check_password
from frontdesk.agents.passwords import hash_password
from frontdesk.agents.secrets import API_TOKEN_PREFIX, digest, new_secret
from frontdesk.context import Context
from frontdesk.errors import Conflict, NotFound
from frontdesk.validation import check_email, check_text
from frontdesk.websites.models import Website


@dataclass(frozen=True)
class NewAgent:
    workspace_id: str
    email: str
    name: str
    role: Role
    password: str


async def create_agent(ctx: Context, new: NewAgent) -> Agent:
    email = check_email(new.email)
    name = check_text("name", new.name, max_chars=200)
    check_password(new.password)
    agent = Agent(
        workspace_id=new.workspace_id,
        email=email,
        name=name,
        role=new.role.value,
        password_hash=await hash_password(new.password),
    )
    try:
        async with ctx.db.transaction() as session:
            await add_agent(session, agent)
    except IntegrityError:
        raise Conflict(f"an agent with email {email} already exists", field="email") from None
    return agent


async def add_agent(session: AsyncSession, agent: Agent) -> None:
    """Stores a new agent inside the caller's transaction. New agents answer the teams
    websites route to by default."""
    session.add(agent)
    await session.flush()
    default_teams = await session.scalars(
        select(Website.default_team_id)
        .where(Website.workspace_id == agent.workspace_id, Website.default_team_id.is_not(None))
        .distinct()
    )
    session.add_all(TeamMember(team_id=t, agent_id=agent.id) for t in default_teams if t)


async def create_api_token(ctx: Context, actor: AgentActor, name: str) -> tuple[ApiToken, str]:
    """Returns the token row and the secret, which is never stored and shown only once."""
    name = check_text("name", name, max_chars=200)
    secret = new_secret(API_TOKEN_PREFIX)
    token = ApiToken(
        workspace_id=actor.workspace_id,
        agent_id=actor.agent_id,
        name=name,
        prefix=secret[:10],
        token_hash=digest(secret),
    )
    async with ctx.db.transaction() as session:
        session.add(token)
    return token, secret


async def delete_api_token(ctx: Context, actor: AgentActor, token_id: str) -> None:
    """Agents delete their own tokens; owners and admins any of their workspace, except
    that only owners touch an owner's (agents/owners.py)."""
    query = delete(ApiToken).where(ApiToken.id == token_id, ApiToken.workspace_id == actor.workspace_id)
    if not actor.is_admin:
        query = query.where(ApiToken.agent_id == actor.agent_id)
    async with ctx.db.transaction() as session:
        holder = await session.scalar(
            select(Agent).join(ApiToken, ApiToken.agent_id == Agent.id).where(ApiToken.id == token_id)
        )
        if actor.is_admin and holder is not None and holder.workspace_id == actor.workspace_id:
            check_may_change(actor, holder)
        result = await session.execute(query)
    if result.rowcount == 0:  # type: ignore[attr-defined]
        raise NotFound(f"no API token {token_id}")
