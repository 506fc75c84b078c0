"""Logging in: the password (step one), then a code when the agent has two-factor
authentication (step two, agents/two_factor.py). Every check that costs nothing comes
before the one that costs an argon2 hash."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from frontdesk.agents.models import Agent, SessionStage
from frontdesk.agents.passwords import verify_password
from frontdesk.agents.queries import session_for
from frontdesk.agents.sessions import end_session, open_session
from frontdesk.agents.two_factor import WRONG_CODE, check_second_factor
from frontdesk.context import Context
from frontdesk.errors import Unauthorized
from frontdesk.ratelimits.rules import LOGIN_ACCOUNT, LOGIN_IP
from frontdesk.workspaces.models import Workspace

WRONG = "wrong email or password"


@dataclass(frozen=True)
class Credentials:
    email: str
    password: str
    ip: str


@dataclass(frozen=True)
class Login:
    """A session opened at ``stage``: full, or still owing a code or an enrolment."""

    agent: Agent
    secret: str
    stage: SessionStage


async def log_in(ctx: Context, credentials: Credentials) -> Login:
    """Check the credentials and open a console session. Every attempt counts against
    the address and the account; a right password clears the account's count, so what
    it counts is the failures since the last success."""
    email = credentials.email.strip().lower()
    await ctx.rate_limits.hit(LOGIN_IP, credentials.ip)
    await ctx.rate_limits.hit(LOGIN_ACCOUNT, email)
    async with ctx.db.reader() as session:
        agent = await session.scalar(select(Agent).where(Agent.email == email))
    valid = await verify_password(agent.password_hash if agent else None, credentials.password)
    if agent is None or not valid or not agent.active:
        raise Unauthorized(WRONG)
    await ctx.rate_limits.clear(LOGIN_ACCOUNT, email)
    stage = await stage_after_password(ctx, agent)
    return Login(agent=agent, secret=await open_session(ctx, agent, stage), stage=stage)


async def stage_after_password(ctx: Context, agent: Agent) -> SessionStage:
    if agent.totp_secret is not None:
        return SessionStage.TWO_FACTOR
    async with ctx.db.reader() as session:
        required = await session.scalar(select(Workspace.require_two_factor).where(Workspace.id == agent.workspace_id))
    return SessionStage.ENROL if required else SessionStage.FULL


async def complete_two_factor(ctx: Context, secret: str, code: str) -> Login:
    """Step two: the half-open session is swapped for a full one under a new cookie, so a
    cookie seen before the code was typed never becomes a login."""
    found = await session_for(ctx.db, secret)
    if found is None or found[1].stage != SessionStage.TWO_FACTOR:
        raise Unauthorized("log in with your email and password first (the login may have expired)")
    agent = found[0]
    if not await check_second_factor(ctx, agent, code):
        raise Unauthorized(WRONG_CODE)
    return await promote(ctx, secret, agent)


async def promote(ctx: Context, secret: str, agent: Agent) -> Login:
    """Ends a half-open session and opens a full one in its place."""
    await end_session(ctx, secret)
    return Login(agent=agent, secret=await open_session(ctx, agent), stage=SessionStage.FULL)
