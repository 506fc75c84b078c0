"""Blocking abusive visitors: by contact and by IP address, so a new anonymous session
from the same network cannot start again."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, delete, select
from sqlalchemy.orm import Mapped, mapped_column

from frontdesk.actors import AgentActor
from frontdesk.clock import utcnow
from frontdesk.contacts.models import Contact
from frontdesk.contacts.revoke import close_visitor_sockets
from frontdesk.context import Context
from frontdesk.errors import NotFound
from frontdesk.storage.base import Base
from frontdesk.storage.db import Database


class BlockedAddress(Base):
    __tablename__ = "blocked_addresses"

    workspace_id: Mapped[str] = mapped_column(ForeignKey("workspaces.id", ondelete="CASCADE"), primary_key=True)
    ip: Mapped[str] = mapped_column(String(45), primary_key=True)
    blocked_by: Mapped[str | None] = mapped_column(String(32), default=None)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


async def set_blocked(ctx: Context, actor: AgentActor, contact_id: str, blocked: bool) -> Contact:
    """Block (or unblock) a contact and the address they last came from."""
    async with ctx.db.transaction() as session:
        contact = await session.scalar(
            select(Contact).where(Contact.id == contact_id, Contact.workspace_id == actor.workspace_id)
        )
        if contact is None:
            raise NotFound(f"no contact {contact_id}")
        contact.blocked = blocked
        if contact.last_ip:
            await session.execute(
                delete(BlockedAddress).where(
                    BlockedAddress.workspace_id == actor.workspace_id, BlockedAddress.ip == contact.last_ip
                )
            )
            if blocked:
                session.add(
                    BlockedAddress(workspace_id=actor.workspace_id, ip=contact.last_ip, blocked_by=actor.agent_id)
                )
    if blocked:  # every token of theirs is refused from now on (http/deps.py); open sockets close
        await close_visitor_sockets(ctx, contact.id)
    return contact


async def is_blocked(db: Database, workspace_id: str, contact_id: str | None, ip: str | None) -> bool:
    async with db.reader() as session:
        if contact_id and await session.scalar(select(Contact.blocked).where(Contact.id == contact_id)):
            return True
        if ip:
            found = await session.scalar(
                select(BlockedAddress.ip).where(BlockedAddress.workspace_id == workspace_id, BlockedAddress.ip == ip)
            )
            return found is not None
    return False
