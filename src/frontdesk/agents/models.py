from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

from sqlalchemy import BigInteger, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from frontdesk.actors import Role
from frontdesk.clock import utcnow
from frontdesk.storage.base import Base, id_column


class Status(enum.StrEnum):
    ONLINE = "online"  # takes new chats
    AWAY = "away"  # keeps their chats, takes no new ones
    OFFLINE = "offline"  # their chats go back to the queue


# A common default in live-chat tools: enough to keep an agent busy, few enough to answer well.
DEFAULT_MAX_CHATS = 3


class Agent(Base):
    """A person who answers chats. Emails are unique across the server: they log in by email."""

    __tablename__ = "agents"

    id: Mapped[str] = id_column()
    workspace_id: Mapped[str] = mapped_column(ForeignKey("workspaces.id", ondelete="CASCADE"), index=True)
    email: Mapped[str] = mapped_column(String(320), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(20), default=Role.AGENT.value)
    password_hash: Mapped[str] = mapped_column(String(200))
    active: Mapped[bool] = mapped_column(default=True)
    status: Mapped[str] = mapped_column(String(20), default=Status.OFFLINE.value)
    max_chats: Mapped[int] = mapped_column(default=DEFAULT_MAX_CHATS)
    # Open chats assigned to the agent, kept in the same transactions that assign and
    # release them: "assign if open_chats < max_chats" is then one atomic UPDATE.
    open_chats: Mapped[int] = mapped_column(default=0)
    last_assigned_at: Mapped[datetime | None] = mapped_column(default=None)
    # Agents see their teams' chats; this widens that to the whole workspace.
    all_teams: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # Two-factor authentication (agents/two_factor.py). The TOTP secret must be readable to
    # check a code, so it is stored as is; recovery codes are hashed (RecoveryCode).
    totp_secret: Mapped[str | None] = mapped_column(String(64), default=None)
    # A secret shown at enrolment, kept until the agent proves their app has it.
    totp_pending_secret: Mapped[str | None] = mapped_column(String(64), default=None)
    # The last time step (30 s) whose code was accepted: a code is refused at or before
    # it, so a code seen over a shoulder cannot be used again within its window.
    totp_last_step: Mapped[int | None] = mapped_column(BigInteger, default=None)


class SessionStage(enum.StrEnum):
    """How far a login has come. Only a ``full`` session opens the console and the API."""

    FULL = "full"
    TWO_FACTOR = "two_factor"  # the password was right; a code is still owed
    ENROL = "enrol"  # the workspace requires 2FA and the agent has none: they may only enrol


class AgentSession(Base):
    """A console login. Only the SHA-256 of the cookie value is stored."""

    __tablename__ = "agent_sessions"

    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    agent_id: Mapped[str] = mapped_column(ForeignKey("agents.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime]
    stage: Mapped[str] = mapped_column(String(20), default=SessionStage.FULL.value)
    # Pushed forward as the session is used (agents/sessions.py); None: no idle limit
    # (sessions opened before the setting existed).
    idle_expires_at: Mapped[datetime | None] = mapped_column(default=None)


class RecoveryCode(Base):
    """A one-time code that stands in for a TOTP code (a lost phone). Only its SHA-256
    is stored: the codes carry 80 random bits, so a slow hash would add nothing."""

    __tablename__ = "recovery_codes"

    id: Mapped[str] = id_column()
    agent_id: Mapped[str] = mapped_column(ForeignKey("agents.id", ondelete="CASCADE"), index=True)
    code_hash: Mapped[str] = mapped_column(String(64))
    used_at: Mapped[datetime | None] = mapped_column(default=None)


class PasswordReset(Base):
    """A request to reset a password by email. The link's secret is made when the email
    is sent and only its SHA-256 is kept; it works once and until ``expires_at``."""

    __tablename__ = "password_resets"

    id: Mapped[str] = id_column()
    agent_id: Mapped[str] = mapped_column(ForeignKey("agents.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str | None] = mapped_column(String(64), unique=True, default=None)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime]
    used_at: Mapped[datetime | None] = mapped_column(default=None)


class ApiToken(Base):
    """A bearer token for the REST API and agent socket; acts as the agent who made it."""

    __tablename__ = "api_tokens"

    id: Mapped[str] = id_column()
    workspace_id: Mapped[str] = mapped_column(ForeignKey("workspaces.id", ondelete="CASCADE"), index=True)
    agent_id: Mapped[str] = mapped_column(ForeignKey("agents.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    prefix: Mapped[str] = mapped_column(String(16))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_used_at: Mapped[datetime | None] = mapped_column(default=None)


class Invitation(Base):
    """A link that lets a new teammate create their account. Only the SHA-256 of the
    link's secret is stored; the link works once and until ``expires_at``."""

    __tablename__ = "invitations"

    id: Mapped[str] = id_column()
    workspace_id: Mapped[str] = mapped_column(ForeignKey("workspaces.id", ondelete="CASCADE"), index=True)
    email: Mapped[str] = mapped_column(String(320))
    role: Mapped[str] = mapped_column(String(20), default=Role.AGENT.value)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    invited_by: Mapped[str | None] = mapped_column(ForeignKey("agents.id", ondelete="SET NULL"), default=None)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime]
    accepted_at: Mapped[datetime | None] = mapped_column(default=None)


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
