"""An agent's own account security: password, sessions, two-factor authentication; and
an owner's switch that requires two-factor for the whole workspace."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response
from pydantic import BaseModel, Field

from frontdesk.agents import two_factor
from frontdesk.agents.login import promote
from frontdesk.agents.models import SessionStage
from frontdesk.agents.password_change import PasswordChange, change_password
from frontdesk.agents.password_policy import MAX_PASSWORD_CHARS as NEW_PASSWORD_MAX_CHARS
from frontdesk.agents.password_policy import MIN_PASSWORD_CHARS
from frontdesk.agents.queries import session_for
from frontdesk.agents.sessions import end_other_sessions
from frontdesk.http.auth import CODE_MAX_CHARS, CodeIn, set_session_cookie
from frontdesk.http.deps import SESSION_COOKIE, Ctx, CurrentAgent, EnrollingAgent
from frontdesk.http.schemas import Body
from frontdesk.inputs import MAX_PASSWORD_CHARS, NUL_FREE

router = APIRouter(tags=["account"])


class PasswordIn(Body):
    current_password: str = Field(max_length=MAX_PASSWORD_CHARS, pattern=NUL_FREE)
    new_password: str = Field(
        min_length=MIN_PASSWORD_CHARS,
        max_length=NEW_PASSWORD_MAX_CHARS,
        pattern=NUL_FREE,
        description="At least 12 characters, and not a commonly used password",
    )


class EndedOut(BaseModel):
    ended: int = Field(description="How many other sessions were logged out")


class TwoFactorOut(BaseModel):
    enabled: bool
    required: bool = Field(description="The workspace's owners require two-factor of every agent")
    recovery_codes_left: int


class EnrolmentOut(BaseModel):
    secret: str = Field(description="Base32, for typing into an authenticator app")
    otpauth_uri: str = Field(description="The same as an otpauth:// URI, for a QR code")


class RecoveryCodesOut(BaseModel):
    recovery_codes: list[str] = Field(description="Ten one-time codes, shown only in this response")


class DisableIn(Body):
    password: str = Field(max_length=MAX_PASSWORD_CHARS, pattern=NUL_FREE)
    code: str = Field(max_length=CODE_MAX_CHARS, pattern=NUL_FREE)


class RequirementIn(Body):
    required: bool


@router.put("/me/password", status_code=204)
async def put_password(body: PasswordIn, request: Request, actor: CurrentAgent, ctx: Ctx) -> None:
    """Needs the current password; the agent's other sessions end (this one stays)."""
    change = PasswordChange(
        actor.agent_id, body.current_password, body.new_password, request.cookies.get(SESSION_COOKIE)
    )
    await change_password(ctx, change)


@router.post("/me/sessions/log-out-others")
async def log_out_others(request: Request, actor: CurrentAgent, ctx: Ctx) -> EndedOut:
    """Every console session of the caller but this one ends (API tokens stay)."""
    return EndedOut(ended=await end_other_sessions(ctx, actor.agent_id, keep=request.cookies.get(SESSION_COOKIE)))


@router.get("/me/two-factor")
async def get_two_factor(agent: EnrollingAgent, ctx: Ctx) -> TwoFactorOut:
    found = await two_factor.status(ctx.db, agent.id)
    return TwoFactorOut(enabled=found.enabled, required=found.required, recovery_codes_left=found.recovery_codes_left)


@router.post("/me/two-factor/setup")
async def setup_two_factor(agent: EnrollingAgent, ctx: Ctx) -> EnrolmentOut:
    """A new secret for an authenticator app; nothing changes until it is confirmed."""
    enrolment = await two_factor.start_enrolment(ctx, agent.id)
    return EnrolmentOut(secret=enrolment.secret, otpauth_uri=enrolment.otpauth_uri)


@router.post("/me/two-factor/confirm")
async def confirm_two_factor(
    body: CodeIn, request: Request, response: Response, agent: EnrollingAgent, ctx: Ctx
) -> RecoveryCodesOut:
    """A code from the new secret turns two-factor on. A login that was held to enrol
    becomes a full one (under a new cookie)."""
    codes = await two_factor.confirm_enrolment(ctx, agent.id, body.code)
    cookie = request.cookies.get(SESSION_COOKIE)
    found = await session_for(ctx.db, cookie) if cookie else None
    if cookie is not None and found is not None and found[1].stage == SessionStage.ENROL:
        set_session_cookie(response, ctx, (await promote(ctx, cookie, agent)).secret)
    return RecoveryCodesOut(recovery_codes=codes)


@router.post("/me/two-factor/disable", status_code=204)
async def disable_two_factor(body: DisableIn, actor: CurrentAgent, ctx: Ctx) -> None:
    """Needs the password and a code (or a recovery code)."""
    await two_factor.disable(ctx, actor.agent_id, body.password, body.code)


@router.put("/workspace/two-factor", status_code=204)
async def require_two_factor(body: RequirementIn, actor: CurrentAgent, ctx: Ctx) -> None:
    """Owners only. Agents without two-factor are sent to enrol at their next login."""
    await two_factor.require_for_workspace(ctx, actor, body.required)
