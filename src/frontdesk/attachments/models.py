from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from frontdesk.clock import utcnow
from frontdesk.storage.base import Base, id_column


class Attachment(Base):
    """An uploaded file. Stored on disk under the var dir (see attachments/storage.py);
    bound to a message when a message that names it is sent."""

    __tablename__ = "attachments"
    __table_args__ = (Index("ix_attachments_message", "message_id"),)

    id: Mapped[str] = id_column()
    workspace_id: Mapped[str] = mapped_column(ForeignKey("workspaces.id", ondelete="CASCADE"), index=True)
    uploader_type: Mapped[str] = mapped_column(String(20))
    uploader_id: Mapped[str] = mapped_column(String(32))
    message_id: Mapped[str | None] = mapped_column(ForeignKey("messages.id", ondelete="CASCADE"), default=None)
    name: Mapped[str] = mapped_column(String(255))
    content_type: Mapped[str] = mapped_column(String(100))
    size: Mapped[int]
    sha256: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
