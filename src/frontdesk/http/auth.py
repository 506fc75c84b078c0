from __future__ import annotations

from fastapi import APIRouter, Request, Response
from pydantic import BaseModel, Field

from frontdesk.agents import actions
from frontdesk.agents.queries import get_agent
from frontdesk.context import Context
from frontdesk.errors import Unauthorized
from frontdesk.http.deps import SESSION_COOKIE, Ctx, CurrentAgent, public_origin
from frontdesk.http.schemas import AgentOut, Body, WebsiteOut
from frontdesk.inputs import MAX_PASSWORD_CHARS
from frontdesk.workspaces.queries import get_workspace, websites_of

router = APIRouter(tags=["auth"])


class LoginIn(Body):
    email: str = Field(max_length=320)
    password: str = Field(max_length=MAX_PASSWORD_CHARS)


class WorkspaceOut(BaseModel):
    id: str
    name: str


class MeOut(BaseModel):
    agent: AgentOut
    workspace: WorkspaceOut
    websites: list[WebsiteOut]


@router.post("/auth/login")
async def login(body: LoginIn, response: Response, ctx: Ctx) -> dict[str, AgentOut]:
    agent, secret = await actions.log_in(ctx, body.email, body.password)
    set_session_cookie(response, ctx, secret)
    return {"agent": AgentOut.of(agent)}


def set_session_cookie(response: Response, ctx: Context, secret: str) -> None:
    response.set_cookie(
        SESSION_COOKIE,
        secret,
        max_age=int(actions.SESSION_LIFETIME.total_seconds()),
        httponly=True,
        samesite="lax",
        secure=ctx.settings.cookie_secure,
        path="/",
    )


@router.post("/auth/logout", status_code=204)
async def logout(request: Request, response: Response, ctx: Ctx) -> None:
    if cookie := request.cookies.get(SESSION_COOKIE):
        await actions.log_out(ctx, cookie)
    response.delete_cookie(SESSION_COOKIE, path="/")


@router.get("/me")
async def me(request: Request, actor: CurrentAgent, ctx: Ctx) -> MeOut:
    agent = await get_agent(ctx.db, actor.workspace_id, actor.agent_id)
    workspace = await get_workspace(ctx.db, actor.workspace_id)
    if agent is None or workspace is None:
        raise Unauthorized("this account no longer exists")
    websites = await websites_of(ctx.db, actor.workspace_id)
    return MeOut(
        agent=AgentOut.of(agent),
        workspace=WorkspaceOut(id=workspace.id, name=workspace.name),
        websites=[WebsiteOut.of(w, public_origin(request, ctx)) for w in websites],
    )
