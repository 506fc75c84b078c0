"""Inviting teammates by link: an owner or admin names an email and a role; the person
who opens the link chooses their name and password, and is logged in."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import delete, select, update
from sqlalchemy.exc import IntegrityError

from frontdesk.actors import AgentActor, Role, require_admin
from frontdesk.agents.actions import add_agent
from frontdesk.agents.models import Agent, Invitation
from frontdesk.agents.password_policy import check_password
from frontdesk.agents.passwords import hash_password
from frontdesk.agents.secrets import digest, new_secret
from frontdesk.clock import utcnow
from frontdesk.context import Context
from frontdesk.errors import Conflict, Invalid, NotFound
from frontdesk.ratelimits.rules import INVITATIONS_IP
from frontdesk.storage.db import Database
from frontdesk.validation import check_email, check_text
from frontdesk.workspaces.models import Workspace

# Long enough to survive a weekend in someone's inbox, short enough that a forwarded or
# forgotten link stops working soon (a week, as Slack's and Chatwoot's invites).
INVITATION_LIFETIME = timedelta(days=7)
# A message that does not say whether the link was wrong, used or expired: the link is
# the only credential, so its state is nobody's business but the inviter's.
LINK_INVALID = "this invitation link is not valid any more (used, expired or revoked); ask for a new one"


async def invite_agent(ctx: Context, actor: AgentActor, email: str, role: str) -> tuple[Invitation, str]:
    """Returns the invitation and the link's secret, which is never stored. Inviting the
    same email again replaces the earlier link."""
    require_admin(actor, "invite agents")
    address = check_email(email)
    _check_role(actor, role)
    invitation = Invitation(
        workspace_id=actor.workspace_id,
        email=address,
        role=role,
        invited_by=actor.agent_id,
        expires_at=utcnow() + INVITATION_LIFETIME,
    )
    secret = new_secret()
    invitation.token_hash = digest(secret)
    async with ctx.db.transaction() as session:
        if await session.scalar(select(Agent.id).where(Agent.email == address)) is not None:
            raise Conflict(f"an agent with email {address} already exists", field="email")
        await session.execute(
            delete(Invitation).where(
                Invitation.workspace_id == actor.workspace_id,
                Invitation.email == address,
                Invitation.accepted_at.is_(None),
            )
        )
        session.add(invitation)
    return invitation, secret


def _check_role(actor: AgentActor, role: str) -> None:
    if role not in {r.value for r in Role} or (role == Role.OWNER and actor.role != Role.OWNER):
        message = f'"role" must be admin, supervisor or agent (owners may invite owners); got {role!r}'
        raise Invalid(message, field="role")


async def pending_invitations(db: Database, actor: AgentActor) -> list[Invitation]:
    require_admin(actor, "see invitations")
    async with db.reader() as session:
        return list(
            await session.scalars(
                select(Invitation)
                .where(
                    Invitation.workspace_id == actor.workspace_id,
                    Invitation.accepted_at.is_(None),
                    Invitation.expires_at > utcnow(),
                )
                .order_by(Invitation.created_at)
            )
        )


async def revoke_invitation(ctx: Context, actor: AgentActor, invitation_id: str) -> None:
    require_admin(actor, "revoke invitations")
    async with ctx.db.transaction() as session:
        result = await session.execute(
            delete(Invitation).where(
                Invitation.id == invitation_id,
                Invitation.workspace_id == actor.workspace_id,
                Invitation.accepted_at.is_(None),
            )
        )
    if result.rowcount == 0:  # type: ignore[attr-defined]
        raise NotFound(f"no pending invitation {invitation_id}")


@dataclass(frozen=True)
class InvitationPreview:
    """What the person opening the link may see before accepting."""

    email: str
    role: str
    workspace_name: str


async def preview_invitation(db: Database, secret: str) -> InvitationPreview:
    async with db.reader() as session:
        found = (
            await session.execute(
                select(Invitation, Workspace.name)
                .join(Workspace, Workspace.id == Invitation.workspace_id)
                .where(
                    Invitation.token_hash == digest(secret),
                    Invitation.accepted_at.is_(None),
                    Invitation.expires_at > utcnow(),
                )
            )
        ).first()
    if found is None:
        raise NotFound(LINK_INVALID)
    invitation, workspace_name = found
    return InvitationPreview(email=invitation.email, role=invitation.role, workspace_name=workspace_name)


@dataclass(frozen=True)
class Acceptance:
    secret: str
    name: str
    password: str
    ip: str


async def accept_invitation(ctx: Context, acceptance: Acceptance) -> Agent:
    """Creates the invited agent. The link is spent in the same transaction, by an
    UPDATE that only one of two simultaneous requests can win. The address's limit, the
    fields and the link are checked before the password is hashed: a flood of sign-ups
    with made-up links costs no hashing."""
    await ctx.rate_limits.hit(INVITATIONS_IP, acceptance.ip)
    name = check_text("name", acceptance.name, max_chars=200)
    check_password(acceptance.password)
    await preview_invitation(ctx.db, acceptance.secret)  # raises NotFound(LINK_INVALID)
    password_hash = await hash_password(acceptance.password)
    now = utcnow()
    try:
        async with ctx.db.transaction() as session:
            invitation = await session.scalar(
                update(Invitation)
                .where(
                    Invitation.token_hash == digest(acceptance.secret),
                    Invitation.accepted_at.is_(None),
                    Invitation.expires_at > now,
                )
                .values(accepted_at=now)
                .returning(Invitation)
            )
            if invitation is None:
                raise NotFound(LINK_INVALID)
            agent = Agent(
                workspace_id=invitation.workspace_id,
                email=invitation.email,
                name=name,
                role=invitation.role,
                password_hash=password_hash,
            )
            await add_agent(session, agent)
    except IntegrityError:
        raise Conflict("an agent with this email already exists; log in instead", field="email") from None
    return agent
