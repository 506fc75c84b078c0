from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from frontdesk.clock import utcnow
from frontdesk.storage.base import Base, id_column


class PageView(Base):
    """A page a visitor opened. Time on page is known when the next view (or the visitor
    leaving) closes it."""

    __tablename__ = "page_views"
    __table_args__ = (Index("ix_page_views_contact", "contact_id", "created_at"),)

    id: Mapped[str] = id_column()
    workspace_id: Mapped[str] = mapped_column(ForeignKey("workspaces.id", ondelete="CASCADE"), index=True)
    contact_id: Mapped[str] = mapped_column(ForeignKey("contacts.id", ondelete="CASCADE"))
    url: Mapped[str] = mapped_column(String(2000))
    title: Mapped[str] = mapped_column(String(500), default="")
    referrer: Mapped[str] = mapped_column(String(2000), default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    seconds_on_page: Mapped[int | None] = mapped_column(default=None)
