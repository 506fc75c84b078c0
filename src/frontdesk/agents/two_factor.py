"""Two-factor authentication: a TOTP app (RFC 6238: 6 digits, 30 s steps) and ten
one-time recovery codes for a lost phone.

Enrolment is two calls: the server makes a secret and shows it (and its otpauth URI,
for a QR code), then the agent proves their app has it with a code. Only then is it
required at login, and the recovery codes are shown, once."""

from __future__ import annotations

import hmac
import re
import secrets
from dataclasses import dataclass

import pyotp
from sqlalchemy import delete, func, or_, select, update

from frontdesk.actors import AgentActor, Role
from frontdesk.agents.models import Agent, RecoveryCode
from frontdesk.agents.notices import Change, notify
from frontdesk.agents.passwords import verify_password
from frontdesk.agents.secrets import digest
from frontdesk.clock import utcnow
from frontdesk.context import Context
from frontdesk.errors import Conflict, Forbidden, Invalid, NotFound
from frontdesk.ratelimits.rules import TWO_FACTOR_ACCOUNT
from frontdesk.storage.db import Database
from frontdesk.workspaces.models import Workspace

ISSUER = "Frontdesk"
RECOVERY_CODES = 10
# 16 characters of 31 (no 0/o, 1/l/i): about 79 bits, beyond guessing even with the
# SHA-256 stored; grouped in fours so a person can copy them from paper.
_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"
_CODE_CHARS = 16
# A code from the step before or after is accepted too: phones' clocks drift.
_DRIFT_STEPS = 1
WRONG_CODE = "that code is not right: type the 6 digits your authenticator app shows now, or an unused recovery code"


@dataclass(frozen=True)
class Enrolment:
    secret: str
    otpauth_uri: str


@dataclass(frozen=True)
class TwoFactorStatus:
    enabled: bool
    required: bool
    recovery_codes_left: int


async def status(db: Database, agent_id: str) -> TwoFactorStatus:
    async with db.reader() as session:
        agent = await session.get_one(Agent, agent_id)
        required = await session.scalar(select(Workspace.require_two_factor).where(Workspace.id == agent.workspace_id))
        left = await session.scalar(
            select(func.count()).where(RecoveryCode.agent_id == agent_id, RecoveryCode.used_at.is_(None))
        )
    return TwoFactorStatus(
        enabled=agent.totp_secret is not None, required=bool(required), recovery_codes_left=left or 0
    )


async def start_enrolment(ctx: Context, agent_id: str) -> Enrolment:
    """A new secret for the agent's app. It does nothing until confirmed."""
    secret = pyotp.random_base32()
    async with ctx.db.transaction() as session:
        agent = await session.get_one(Agent, agent_id)
        if agent.totp_secret is not None:
            raise Conflict("two-factor authentication is already on; turn it off first to enrol a new app")
        agent.totp_pending_secret = secret
        email = agent.email
    return Enrolment(secret=secret, otpauth_uri=pyotp.TOTP(secret).provisioning_uri(name=email, issuer_name=ISSUER))


async def confirm_enrolment(ctx: Context, agent_id: str, code: str) -> list[str]:
    """Turns two-factor on once ``code`` comes from the new secret; returns the recovery
    codes, which are never shown again."""
    await ctx.rate_limits.hit(TWO_FACTOR_ACCOUNT, agent_id)
    codes = [_new_recovery_code() for _ in range(RECOVERY_CODES)]
    async with ctx.db.transaction() as session:
        agent = await session.scalar(select(Agent).where(Agent.id == agent_id).with_for_update())
        if agent is None or agent.totp_pending_secret is None:
            raise NotFound("no enrolment under way: start again from the Security settings")
        step = _matching_step(agent.totp_pending_secret, code)
        if step is None:
            raise Invalid(WRONG_CODE, field="code")
        agent.totp_secret, agent.totp_pending_secret, agent.totp_last_step = agent.totp_pending_secret, None, step
        await session.execute(delete(RecoveryCode).where(RecoveryCode.agent_id == agent_id))
        session.add_all(RecoveryCode(agent_id=agent_id, code_hash=digest(_normalized(c))) for c in codes)
        notify(session, agent_id, Change.TWO_FACTOR_ON)
    await ctx.rate_limits.clear(TWO_FACTOR_ACCOUNT, agent_id)
    return codes


async def disable(ctx: Context, agent_id: str, password: str, code: str) -> None:
    """Turning it off takes both factors: a stolen session alone cannot."""
    await ctx.rate_limits.hit(TWO_FACTOR_ACCOUNT, agent_id)
    async with ctx.db.reader() as session:
        agent = await session.get_one(Agent, agent_id)
        required = await session.scalar(select(Workspace.require_two_factor).where(Workspace.id == agent.workspace_id))
    if required:
        raise Conflict("your workspace requires two-factor authentication; an owner can change that")
    if agent.totp_secret is None:
        raise Conflict("two-factor authentication is not on")
    if not await verify_password(agent.password_hash, password):
        raise Invalid('"password" is not your current password', field="password")
    if not await spend_code(ctx, agent, code):
        raise Invalid(WRONG_CODE, field="code")
    async with ctx.db.transaction() as session:
        await session.execute(update(Agent).where(Agent.id == agent_id).values(totp_secret=None, totp_last_step=None))
        await session.execute(delete(RecoveryCode).where(RecoveryCode.agent_id == agent_id))
        notify(session, agent_id, Change.TWO_FACTOR_OFF)


async def check_second_factor(ctx: Context, agent: Agent, code: str) -> bool:
    """Login's step two: a TOTP code or a recovery code, counted against the account."""
    await ctx.rate_limits.hit(TWO_FACTOR_ACCOUNT, agent.id)
    if not await spend_code(ctx, agent, code):
        return False
    await ctx.rate_limits.clear(TWO_FACTOR_ACCOUNT, agent.id)
    return True


async def spend_code(ctx: Context, agent: Agent, code: str) -> bool:
    """Accepts a code once: a TOTP code only in a step after the last one accepted (no
    replay within its window), a recovery code only while unused. Each is spent by an
    UPDATE that only one of two simultaneous requests can win."""
    if agent.totp_secret is None:
        return False
    step = _matching_step(agent.totp_secret, code)
    async with ctx.db.transaction() as session:
        if step is not None:
            result = await session.execute(
                update(Agent)
                .where(Agent.id == agent.id, or_(Agent.totp_last_step.is_(None), Agent.totp_last_step < step))
                .values(totp_last_step=step)
            )
        else:
            result = await session.execute(
                update(RecoveryCode)
                .where(
                    RecoveryCode.agent_id == agent.id,
                    RecoveryCode.code_hash == digest(_normalized(code)),
                    RecoveryCode.used_at.is_(None),
                )
                .values(used_at=utcnow())
            )
    return bool(result.rowcount)  # type: ignore[attr-defined]


def _matching_step(secret: str, code: str) -> int | None:
    digits = re.sub(r"\s", "", code)
    if not re.fullmatch(r"\d{6}", digits):
        return None
    totp = pyotp.TOTP(secret)
    now = totp.timecode(utcnow())
    for step in range(now - _DRIFT_STEPS, now + _DRIFT_STEPS + 1):
        if hmac.compare_digest(totp.generate_otp(step), digits):
            return step
    return None


def _new_recovery_code() -> str:
    raw = "".join(secrets.choice(_ALPHABET) for _ in range(_CODE_CHARS))
    return "-".join(raw[i : i + 4] for i in range(0, _CODE_CHARS, 4))


def _normalized(code: str) -> str:
    """People type codes with or without dashes, in either case."""
    return re.sub(r"[^a-z0-9]", "", code.lower())


async def require_for_workspace(ctx: Context, actor: AgentActor, required: bool) -> None:
    """Owners decide: from the next login, agents without two-factor must enrol first."""
    if actor.role != Role.OWNER:
        raise Forbidden("only owners may change whether two-factor authentication is required")
    async with ctx.db.transaction() as session:
        await session.execute(
            update(Workspace).where(Workspace.id == actor.workspace_id).values(require_two_factor=required)
        )
