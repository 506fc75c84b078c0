"""An agent changes their own password. It takes the current one (a session left open
on a shared computer must not be enough), and ends the agent's other sessions: whoever
knew the old password is logged out everywhere."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import update

from frontdesk.agents.models import Agent
from frontdesk.agents.notices import Change, notify
from frontdesk.agents.password_policy import check_password
from frontdesk.agents.passwords import hash_password, verify_password
from frontdesk.agents.sessions import end_other_sessions
from frontdesk.context import Context
from frontdesk.errors import Invalid
from frontdesk.ratelimits.rules import LOGIN_ACCOUNT


@dataclass(frozen=True)
class PasswordChange:
    agent_id: str
    current_password: str
    new_password: str
    keep_session: str | None  # the caller's cookie, which stays logged in


async def change_password(ctx: Context, change: PasswordChange) -> None:
    check_password(change.new_password, "new_password")
    async with ctx.db.reader() as session:
        agent = await session.get_one(Agent, change.agent_id)
    # A wrong current password is a failed login: the same count, so this is no side
    # door for guessing.
    await ctx.rate_limits.hit(LOGIN_ACCOUNT, agent.email)
    if not await verify_password(agent.password_hash, change.current_password):
        raise Invalid('"current_password" is not your current password', field="current_password")
    await ctx.rate_limits.clear(LOGIN_ACCOUNT, agent.email)
    password_hash = await hash_password(change.new_password)
    async with ctx.db.transaction() as session:
        await session.execute(update(Agent).where(Agent.id == agent.id).values(password_hash=password_hash))
        notify(session, agent.id, Change.PASSWORD_CHANGED)
    await end_other_sessions(ctx, agent.id, keep=change.keep_session)
