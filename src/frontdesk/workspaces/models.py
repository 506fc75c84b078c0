from __future__ import annotations

from datetime import datetime

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from frontdesk.clock import utcnow
from frontdesk.storage.base import Base, id_column


class Workspace(Base):
    """A tenant: one company's agents, websites, contacts and conversations."""

    __tablename__ = "workspaces"

    id: Mapped[str] = id_column()
    name: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # Set by an owner: agents without two-factor authentication must enrol at login.
    require_two_factor: Mapped[bool] = mapped_column(default=False)
