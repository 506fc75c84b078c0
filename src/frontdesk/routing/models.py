from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from frontdesk.clock import utcnow
from frontdesk.storage.base import Base, id_column


class Strategy(enum.StrEnum):
    ROUND_ROBIN = "round_robin"  # the agent who was assigned least recently
    LEAST_BUSY = "least_busy"  # the agent with the fewest open chats
    MANUAL = "manual"  # chats wait in the team's queue; agents pick them


class Team(Base):
    """A department: its members answer its chats, within its business hours."""

    __tablename__ = "teams"

    id: Mapped[str] = id_column()
    workspace_id: Mapped[str] = mapped_column(ForeignKey("workspaces.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    strategy: Mapped[str] = mapped_column(String(20), default=Strategy.ROUND_ROBIN.value)
    # {"time_zone": "Europe/Berlin", "weekly": {"mon": [["09:00", "17:00"]], ...}, "holidays": ["2026-12-25"]};
    # None: always open.
    business_hours: Mapped[dict[str, Any] | None] = mapped_column(default=None)
    # Reassign a chat whose agent has not answered the visitor for this long; None: never.
    reassign_after_seconds: Mapped[int | None] = mapped_column(default=None)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class TeamMember(Base):
    __tablename__ = "team_members"

    team_id: Mapped[str] = mapped_column(ForeignKey("teams.id", ondelete="CASCADE"), primary_key=True)
    agent_id: Mapped[str] = mapped_column(ForeignKey("agents.id", ondelete="CASCADE"), primary_key=True, index=True)


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
