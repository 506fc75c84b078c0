"""Resetting a forgotten password by an emailed link.

The answer to "send me a link" is the same whether or not the email belongs to anyone,
so the form cannot be used to find out who has an account. The link's secret is made by
the outbox worker as it sends the email, and only its SHA-256 is stored: no table (not
even the outbox's) holds a working link. A link works once, for an hour, and only the
latest one sent works. Using it ends every session of the account; it does not log in,
so an agent with two-factor authentication still needs their code."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from sqlalchemy import select, update

from frontdesk.agents import notices
from frontdesk.agents.models import Agent, PasswordReset
from frontdesk.agents.notices import Change, notify
from frontdesk.agents.password_policy import check_password
from frontdesk.agents.passwords import hash_password
from frontdesk.agents.secrets import digest, new_secret
from frontdesk.agents.sessions import end_other_sessions
from frontdesk.clock import utcnow
from frontdesk.context import Context
from frontdesk.errors import NotFound
from frontdesk.jobs.outbox import enqueue
from frontdesk.mail.sender import Email
from frontdesk.ratelimits.limiter import RateLimited
from frontdesk.ratelimits.rules import PASSWORD_RESET_ACCOUNT, PASSWORD_RESET_IP

# Long enough to find the email and click, short enough that an old email in a mailbox
# read later by someone else is useless (OWASP's forgot-password guidance).
RESET_LIFETIME = timedelta(hours=1)
JOB = "email.password_reset"
# The console page that takes the link's secret after this path.
RESET_PATH = "/console/reset-password/"
LINK_INVALID = "this password reset link is not valid any more (used, expired or replaced by a newer one); ask again"


async def request_reset(ctx: Context, email: str, ip: str, origin: str) -> None:
    """Emails a reset link if an active agent has this email; otherwise does nothing,
    and the caller cannot tell which happened."""
    await ctx.rate_limits.hit(PASSWORD_RESET_IP, ip)
    async with ctx.db.reader() as session:
        agent = await session.scalar(select(Agent).where(Agent.email == email.strip().lower()))
    if agent is None or not agent.active:
        return
    try:
        await ctx.rate_limits.hit(PASSWORD_RESET_ACCOUNT, agent.id)
    except RateLimited:
        return  # a 429 here would say that the account exists
    async with ctx.db.transaction() as session:
        reset = PasswordReset(agent_id=agent.id, expires_at=utcnow() + RESET_LIFETIME)
        session.add(reset)
        await session.flush()
        enqueue(session, JOB, {"reset_id": reset.id, "origin": origin})


async def send_reset_email(ctx: Context, payload: dict[str, Any]) -> None:
    """The outbox's job: make the link's secret, keep its hash, send it. A retry makes
    a new secret, so only the last email's link works."""
    secret = new_secret()
    async with ctx.db.transaction() as session:
        agent_id = await session.scalar(
            update(PasswordReset)
            .where(
                PasswordReset.id == payload["reset_id"],
                PasswordReset.used_at.is_(None),
                PasswordReset.expires_at > utcnow(),
            )
            .values(token_hash=digest(secret))
            .returning(PasswordReset.agent_id)
        )
        agent = await session.get(Agent, agent_id) if agent_id else None
        if agent is None:
            return
        # Asking again replaces the earlier links.
        await session.execute(
            update(PasswordReset)
            .where(
                PasswordReset.agent_id == agent.id,
                PasswordReset.id != payload["reset_id"],
                PasswordReset.used_at.is_(None),
            )
            .values(used_at=utcnow())
        )
    link = payload["origin"].rstrip("/") + RESET_PATH + secret
    text = (
        f"Hello {agent.name},\n\nSomeone (we hope you) asked to reset your Frontdesk password. "
        f"Choose a new one here within an hour:\n\n{link}\n\n"
        "If it was not you, ignore this email: your password stays as it is.\n"
    )
    await ctx.mail.send(Email(to=agent.email, subject="Reset your Frontdesk password", text=text))


async def reset_password(ctx: Context, secret: str, new_password: str) -> None:
    """Sets the new password and spends the link; every session of the account ends."""
    check_password(new_password, "password")
    async with ctx.db.reader() as session:
        found = await session.scalar(select(PasswordReset.id).where(*_usable(secret)))
    if found is None:  # checked before the hash, which is the costly part
        raise NotFound(LINK_INVALID)
    password_hash = await hash_password(new_password)
    async with ctx.db.transaction() as session:
        agent_id = await session.scalar(
            update(PasswordReset).where(*_usable(secret)).values(used_at=utcnow()).returning(PasswordReset.agent_id)
        )
        if agent_id is None:
            raise NotFound(LINK_INVALID)
        await session.execute(update(Agent).where(Agent.id == agent_id).values(password_hash=password_hash))
        notify(session, agent_id, Change.PASSWORD_RESET)
    await end_other_sessions(ctx, agent_id, keep=None)


def _usable(secret: str) -> tuple[Any, ...]:
    return (
        PasswordReset.token_hash == digest(secret),
        PasswordReset.used_at.is_(None),
        PasswordReset.expires_at > utcnow(),
    )


# The account's emails, run by the outbox worker (app.py).
HANDLERS = {JOB: send_reset_email, notices.JOB: notices.send_notice}
