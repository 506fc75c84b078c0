from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from frontdesk.clock import utcnow
from frontdesk.storage.base import Base, id_column


class Contact(Base):
    """A visitor or customer. Anonymous (no email, a generated name) until identified."""

    __tablename__ = "contacts"
    __table_args__ = (Index("ix_contacts_website_external_id", "website_id", "external_id"),)

    id: Mapped[str] = id_column()
    workspace_id: Mapped[str] = mapped_column(ForeignKey("workspaces.id", ondelete="CASCADE"), index=True)
    website_id: Mapped[str] = mapped_column(ForeignKey("websites.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    email: Mapped[str | None] = mapped_column(String(320), default=None)
    phone: Mapped[str | None] = mapped_column(String(50), default=None)
    external_id: Mapped[str | None] = mapped_column(String(200), default=None)
    # True only when the site's backend signed ``external_id`` (contacts/identify.py): an
    # id a browser merely claimed is shown to agents but never joins two contacts.
    external_id_verified: Mapped[bool] = mapped_column(default=False)
    # Part of every visitor token; raising it revokes them all (the widget's reset()).
    token_version: Mapped[int] = mapped_column(default=0)
    custom_attributes: Mapped[dict[str, Any]] = mapped_column(default=dict)
    # What the browser says about itself, shown in the agent's sidebar.
    device: Mapped[dict[str, Any]] = mapped_column(default=dict)
    # Lines the site adds to the agent's view (Olark's updateVisitorStatus).
    status_lines: Mapped[list[str]] = mapped_column(JSON, default=list)
    # Blocked visitors cannot start chats or write (see contacts/blocking.py).
    blocked: Mapped[bool] = mapped_column(default=False)
    last_ip: Mapped[str | None] = mapped_column(String(45), default=None)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(default=utcnow)
