from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from frontdesk.clock import utcnow
from frontdesk.storage.base import Base, id_column


class RoutingRule(Base):
    """In ``position`` order, the first enabled rule whose conditions all hold picks the team."""

    __tablename__ = "routing_rules"
    __table_args__ = (Index("ix_routing_rules_order", "workspace_id", "position"),)

    id: Mapped[str] = id_column()
    workspace_id: Mapped[str] = mapped_column(ForeignKey("workspaces.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(200))
    position: Mapped[int] = mapped_column(default=0)
    # [{"field": "url" | "language" | "country" | "prechat.<name>" | "attribute.<name>",
    #   "op": "contains" | "equals" | "regex", "value": "..."}]
    conditions: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    team_id: Mapped[str] = mapped_column(ForeignKey("teams.id", ondelete="CASCADE"))
    enabled: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
