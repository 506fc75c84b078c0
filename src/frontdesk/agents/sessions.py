"""Console sessions: opening one at each stage of a login, keeping it alive while it is
used, and ending an agent's others (after a password change, or when they ask)."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import delete, update

from frontdesk.agents.models import Agent, AgentSession, SessionStage
from frontdesk.agents.scope import scope_changed
from frontdesk.agents.secrets import digest, new_secret
from frontdesk.clock import utcnow
from frontdesk.context import Context

# Agents log in once a working week or so; a stolen cookie stops working within this time.
SESSION_LIFETIME = timedelta(days=14)
# Between a right password and the code (or the enrolment) it still needs: time to
# open an authenticator app, not long enough to leave a half-open login lying around.
PENDING_LIFETIME = timedelta(minutes=10)
# Using a session pushes its idle expiry forward at most this often: one write a minute
# per session instead of one per request. The idle limit is then late by up to this.
TOUCH_EVERY = timedelta(minutes=1)


def idle_limit(ctx: Context) -> timedelta | None:
    minutes = ctx.settings.session_idle_minutes
    return timedelta(minutes=minutes) if minutes > 0 else None


def _idle_expiry(ctx: Context, now: datetime) -> datetime | None:
    limit = idle_limit(ctx)
    return now + limit if limit is not None else None


async def open_session(ctx: Context, agent: Agent, stage: SessionStage = SessionStage.FULL) -> str:
    """A new console session for an agent who proved who they are (or, short of ``FULL``,
    part of it); returns the cookie value."""
    secret, now = new_secret(), utcnow()
    lifetime = SESSION_LIFETIME if stage is SessionStage.FULL else PENDING_LIFETIME
    row = AgentSession(
        token_hash=digest(secret),
        agent_id=agent.id,
        expires_at=now + lifetime,
        stage=stage.value,
        idle_expires_at=_idle_expiry(ctx, now),
    )
    async with ctx.db.transaction() as session:
        session.add(row)
    return secret


async def touch_session(ctx: Context, row: AgentSession) -> None:
    """The session was used: push its idle expiry forward (at most once a minute)."""
    now = utcnow()
    expiry = _idle_expiry(ctx, now)
    if expiry is None or (row.idle_expires_at is not None and row.idle_expires_at > expiry - TOUCH_EVERY):
        return
    async with ctx.db.transaction() as session:
        await session.execute(
            update(AgentSession).where(AgentSession.token_hash == row.token_hash).values(idle_expires_at=expiry)
        )


async def end_session(ctx: Context, secret: str) -> None:
    async with ctx.db.transaction() as session:
        await session.execute(delete(AgentSession).where(AgentSession.token_hash == digest(secret)))


async def end_other_sessions(ctx: Context, agent_id: str, keep: str | None) -> int:
    """Ends every console session of the agent but ``keep`` (the caller's cookie; None
    ends them all); returns how many ended. The agent's sockets close with 4009 and
    reconnect, which only a session still valid can (agents/scope.py)."""
    query = delete(AgentSession).where(AgentSession.agent_id == agent_id)
    if keep is not None:
        query = query.where(AgentSession.token_hash != digest(keep))
    async with ctx.db.transaction() as session:
        result = await session.execute(query)
    await scope_changed(ctx, [agent_id])
    return int(result.rowcount)  # type: ignore[attr-defined]
