"""Invitations: owners and admins create links; the invitee opens one (no login yet),
sets a name and password, and is logged in."""

from __future__ import annotations

from typing import Literal

from fastapi import APIRouter, Request, Response
from pydantic import BaseModel, Field

from frontdesk.agents import invitations
from frontdesk.agents.models import Invitation
from frontdesk.agents.password_policy import MAX_PASSWORD_CHARS, MIN_PASSWORD_CHARS
from frontdesk.agents.sessions import open_session
from frontdesk.clock import isoformat
from frontdesk.http.auth import set_session_cookie
from frontdesk.http.deps import Ctx, CurrentAgent, client_ip, public_origin
from frontdesk.http.schemas import AgentOut, Body
from frontdesk.inputs import EMAIL, NOT_BLANK

router = APIRouter(tags=["agents"])

# The console page that accepts an invitation; the secret follows this path.
ACCEPT_PATH = "/console/invite/"


class InvitationOut(BaseModel):
    id: str
    email: str
    role: str
    created_at: str
    expires_at: str

    @classmethod
    def of(cls, row: Invitation) -> InvitationOut:
        return cls(
            id=row.id,
            email=row.email,
            role=row.role,
            created_at=isoformat(row.created_at),
            expires_at=isoformat(row.expires_at),
        )


class NewInvitationOut(InvitationOut):
    url: str = Field(description="The link to send to the invitee. Shown only in this response.")


class InvitationList(BaseModel):
    items: list[InvitationOut]


class InvitationIn(Body):
    email: str = Field(max_length=320, pattern=EMAIL)
    role: Literal["owner", "admin", "supervisor", "agent"] = Field(
        default="agent", description="only owners may invite owners"
    )


class PreviewOut(BaseModel):
    email: str
    role: str
    workspace: str


class AcceptIn(Body):
    name: str = Field(max_length=200, pattern=NOT_BLANK)
    password: str = Field(min_length=MIN_PASSWORD_CHARS, max_length=MAX_PASSWORD_CHARS)


@router.post("/invitations", status_code=201)
async def invite(body: InvitationIn, request: Request, actor: CurrentAgent, ctx: Ctx) -> NewInvitationOut:
    invitation, secret = await invitations.invite_agent(ctx, actor, body.email, body.role)
    url = public_origin(request, ctx) + ACCEPT_PATH + secret
    return NewInvitationOut(**InvitationOut.of(invitation).model_dump(), url=url)


@router.get("/invitations")
async def list_invitations(actor: CurrentAgent, ctx: Ctx) -> InvitationList:
    """Invitations not yet accepted and not expired."""
    return InvitationList(items=[InvitationOut.of(i) for i in await invitations.pending_invitations(ctx.db, actor)])


@router.delete("/invitations/{invitation_id}", status_code=204)
async def revoke(invitation_id: str, actor: CurrentAgent, ctx: Ctx) -> None:
    await invitations.revoke_invitation(ctx, actor, invitation_id)


@router.get("/invite/{secret}")
async def preview(secret: str, ctx: Ctx) -> PreviewOut:
    """No login: whoever holds the link may see whom it invites, and where."""
    found = await invitations.preview_invitation(ctx.db, secret)
    return PreviewOut(email=found.email, role=found.role, workspace=found.workspace_name)


@router.post("/invite/{secret}")
async def accept(secret: str, body: AcceptIn, request: Request, response: Response, ctx: Ctx) -> dict[str, AgentOut]:
    """Creates the account and logs it in (sets the session cookie, as `/auth/login`)."""
    agent = await invitations.accept_invitation(
        ctx, invitations.Acceptance(secret, body.name, body.password, client_ip(request))
    )
    set_session_cookie(response, ctx, await open_session(ctx, agent))
    return {"agent": AgentOut.of(agent)}
