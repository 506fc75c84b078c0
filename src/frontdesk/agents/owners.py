"""Owners are protected: only an owner may change an owner, and a workspace always keeps
one active owner (someone must be able to manage billing, security and other owners)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from frontdesk.actors import AgentActor, Role
from frontdesk.agents.models import Agent
from frontdesk.errors import Conflict, Forbidden


def check_may_change(actor: AgentActor, target: Agent) -> None:
    """An admin may not change an owner's role, capacity, access or activity."""
    if target.role == Role.OWNER and actor.role != Role.OWNER:
        raise Forbidden(f"only owners may change an owner; {target.name} is an owner of this workspace")


async def check_keeps_an_owner(session: AsyncSession, target: Agent, role: str, active: bool) -> None:
    """Call with the target's row locked, before demoting or deactivating it. The other
    owners' rows are locked too, so two owners demoting each other at once cannot both
    win."""
    if target.role != Role.OWNER or (role == Role.OWNER and active):
        return
    others = await session.scalars(
        select(Agent.id)
        .where(
            Agent.workspace_id == target.workspace_id,
            Agent.role == Role.OWNER.value,
            Agent.active.is_(True),
            Agent.id != target.id,
        )
        .order_by(Agent.id)
        .with_for_update()
    )
    if others.first() is None:
        raise Conflict(
            f"{target.name} is the workspace's last owner: make someone else an owner before demoting "
            "or deactivating them",
            field="role" if role != Role.OWNER else "active",
        )
