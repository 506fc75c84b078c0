from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from frontdesk.clock import utcnow
from frontdesk.storage.base import Base, id_column


class Website(Base):
    """A site that embeds the widget. Its ``widget_key`` is public: it is in the snippet."""

    __tablename__ = "websites"

    id: Mapped[str] = id_column()
    workspace_id: Mapped[str] = mapped_column(ForeignKey("workspaces.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    url: Mapped[str] = mapped_column(String(500), default="")
    widget_key: Mapped[str] = mapped_column(String(40), unique=True)
    settings: Mapped[dict[str, Any]] = mapped_column(default=dict)
    # Signs identified visitors' external ids (HMAC-SHA256); never sent to browsers.
    identity_secret: Mapped[str | None] = mapped_column(String(100), default=None)
    default_team_id: Mapped[str | None] = mapped_column(ForeignKey("teams.id", ondelete="SET NULL"), default=None)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
