from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from frontdesk.clock import utcnow
from frontdesk.storage.base import Base, id_column


class CannedResponse(Base):
    """A saved answer an agent inserts with ``/shortcut``. ``agent_id`` None: the whole
    workspace's; otherwise one agent's own."""

    __tablename__ = "canned_responses"
    __table_args__ = (Index("ix_canned_responses_owner", "workspace_id", "agent_id"),)

    id: Mapped[str] = id_column()
    workspace_id: Mapped[str] = mapped_column(ForeignKey("workspaces.id", ondelete="CASCADE"))
    agent_id: Mapped[str | None] = mapped_column(ForeignKey("agents.id", ondelete="CASCADE"), default=None)
    shortcut: Mapped[str] = mapped_column(String(50))
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
