"""Logging in and out: the password, the second factor, and a forgotten password."""

from __future__ import annotations

from typing import Literal

from fastapi import APIRouter, Request, Response
from pydantic import BaseModel, Field

from frontdesk.agents import login as logins
from frontdesk.agents import password_reset
from frontdesk.agents.models import SessionStage
from frontdesk.agents.password_policy import MAX_PASSWORD_CHARS as NEW_PASSWORD_MAX_CHARS
from frontdesk.agents.password_policy import MIN_PASSWORD_CHARS
from frontdesk.agents.queries import get_agent
from frontdesk.agents.sessions import PENDING_LIFETIME, SESSION_LIFETIME, end_session
from frontdesk.context import Context
from frontdesk.errors import Forbidden, Unauthorized
from frontdesk.http.deps import SESSION_COOKIE, Ctx, CurrentAgent, client_ip, public_origin, same_origin
from frontdesk.http.schemas import AgentOut, Body, WebsiteOut
from frontdesk.inputs import EMAIL, MAX_PASSWORD_CHARS, NUL_FREE
from frontdesk.websites.queries import websites_of
from frontdesk.workspaces.queries import get_workspace

router = APIRouter(tags=["auth"])

Step = Literal["done", "two_factor", "enrol_two_factor"]
_STEPS: dict[SessionStage, Step] = {
    SessionStage.FULL: "done",
    SessionStage.TWO_FACTOR: "two_factor",
    SessionStage.ENROL: "enrol_two_factor",
}


class LoginIn(Body):
    email: str = Field(max_length=320)
    password: str = Field(max_length=MAX_PASSWORD_CHARS)


class LoginOut(BaseModel):
    agent: AgentOut
    step: Step = Field(
        description="done: logged in. two_factor: send a code to POST /auth/two-factor. enrol_two_factor: the "
        "workspace requires two-factor; enrol with /me/two-factor/setup and /confirm before anything else."
    )


# A TOTP code is 6 digits, a recovery code a few groups of letters: 64 leaves room for
# spaces and dashes people type, and refuses a pasted essay before it is compared.
CODE_MAX_CHARS = 64


class CodeIn(Body):
    code: str = Field(
        max_length=CODE_MAX_CHARS,
        pattern=NUL_FREE,
        description="6 digits from the authenticator app, or an unused recovery code",
    )


class ResetRequestIn(Body):
    email: str = Field(max_length=320, pattern=EMAIL)


class ResetIn(Body):
    token: str = Field(max_length=200, pattern=NUL_FREE, description="The secret at the end of the emailed link")
    password: str = Field(
        min_length=MIN_PASSWORD_CHARS,
        max_length=NEW_PASSWORD_MAX_CHARS,
        pattern=NUL_FREE,
        description="At least 12 characters, and not a commonly used password",
    )


class WorkspaceOut(BaseModel):
    id: str
    name: str
    require_two_factor: bool


class MeOut(BaseModel):
    agent: AgentOut
    workspace: WorkspaceOut
    websites: list[WebsiteOut]


@router.post("/auth/login")
async def login(body: LoginIn, request: Request, response: Response, ctx: Ctx) -> LoginOut:
    """Step one. Counts against the address (`login.ip`) and the account (`login.account`):
    past either, 429 with Retry-After, whatever the password."""
    done = await logins.log_in(ctx, logins.Credentials(body.email, body.password, client_ip(request)))
    set_session_cookie(response, ctx, done.secret, done.stage)
    return LoginOut(agent=AgentOut.of(done.agent), step=_STEPS[done.stage])


@router.post("/auth/two-factor")
async def two_factor(body: CodeIn, request: Request, response: Response, ctx: Ctx) -> LoginOut:
    """Step two, with the cookie step one set. Counts against the account (`two_factor.account`)."""
    cookie = request.cookies.get(SESSION_COOKIE)
    if cookie is None or not same_origin(request, ctx):
        raise Unauthorized("log in with your email and password first")
    done = await logins.complete_two_factor(ctx, cookie, body.code)
    set_session_cookie(response, ctx, done.secret, done.stage)
    return LoginOut(agent=AgentOut.of(done.agent), step="done")


def set_session_cookie(response: Response, ctx: Context, secret: str, stage: SessionStage = SessionStage.FULL) -> None:
    lifetime = SESSION_LIFETIME if stage is SessionStage.FULL else PENDING_LIFETIME
    response.set_cookie(
        SESSION_COOKIE,
        secret,
        max_age=int(lifetime.total_seconds()),
        httponly=True,
        samesite="lax",
        secure=ctx.settings.cookie_secure,
        path="/",
    )


@router.post("/auth/logout", status_code=204)
async def logout(request: Request, response: Response, ctx: Ctx) -> None:
    """Ends the session the cookie names. Only from our own pages, as every call the
    cookie authenticates: another site must not sign an agent out."""
    if not same_origin(request, ctx):
        raise Forbidden("cross-origin request refused; log out from the console")
    if cookie := request.cookies.get(SESSION_COOKIE):
        await end_session(ctx, cookie)
    response.delete_cookie(SESSION_COOKIE, path="/")


@router.post("/auth/password-reset", status_code=202)
async def request_password_reset(body: ResetRequestIn, request: Request, ctx: Ctx) -> dict[str, str]:
    """Emails a reset link when the address has an account. The answer is the same
    either way, so it tells nobody who has an account."""
    await password_reset.request_reset(ctx, body.email, client_ip(request), public_origin(request, ctx))
    return {"message": "if this email has an account, a link to reset its password is on its way"}


@router.post("/auth/password-reset/confirm", status_code=204)
async def reset_password(body: ResetIn, ctx: Ctx) -> None:
    """Sets the new password; the link is spent and every session of the account ends.
    Log in afterwards (with a code, if two-factor is on)."""
    await password_reset.reset_password(ctx, body.token, body.password)


@router.get("/me")
async def me(request: Request, actor: CurrentAgent, ctx: Ctx) -> MeOut:
    agent = await get_agent(ctx.db, actor.workspace_id, actor.agent_id)
    workspace = await get_workspace(ctx.db, actor.workspace_id)
    if agent is None or workspace is None:
        raise Unauthorized("this account no longer exists")
    websites = await websites_of(ctx.db, actor.workspace_id)
    return MeOut(
        agent=AgentOut.of(agent),
        workspace=WorkspaceOut(id=workspace.id, name=workspace.name, require_two_factor=workspace.require_two_factor),
        websites=[WebsiteOut.of(w, public_origin(request, ctx)) for w in websites],
    )
