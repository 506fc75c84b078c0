from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from frontdesk.clock import utcnow
from frontdesk.storage.base import Base, id_column


class Status(enum.StrEnum):
    OPEN = "open"
    PENDING = "pending"
    RESOLVED = "resolved"


class Conversation(Base):
    """A chat between a contact and the team.

    ``last_seq`` numbers everything that happens in it (see docs/protocol.md); it is
    incremented in the transaction that stores each message, which also serializes
    concurrent writers of one conversation on its row.
    """

    __tablename__ = "conversations"
    __table_args__ = (
        # Inbox order to the last tie-break (id), so that no view sorts: with a status
        # filter through the first, without one ("All", a label's) through the second.
        Index("ix_conversations_inbox", "workspace_id", "status", "last_activity_at", "id"),
        Index("ix_conversations_activity", "workspace_id", "last_activity_at", "id"),
        Index("ix_conversations_queue", "team_id", "queued_at"),
    )

    id: Mapped[str] = id_column()
    workspace_id: Mapped[str] = mapped_column(ForeignKey("workspaces.id", ondelete="CASCADE"))
    website_id: Mapped[str] = mapped_column(ForeignKey("websites.id", ondelete="CASCADE"))
    contact_id: Mapped[str] = mapped_column(ForeignKey("contacts.id", ondelete="CASCADE"), index=True)
    status: Mapped[str] = mapped_column(String(20), default=Status.OPEN.value)
    assignee_id: Mapped[str | None] = mapped_column(ForeignKey("agents.id", ondelete="SET NULL"), default=None)
    last_seq: Mapped[int] = mapped_column(default=0)
    agent_last_read_seq: Mapped[int] = mapped_column(default=0)
    contact_last_read_seq: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_activity_at: Mapped[datetime] = mapped_column(default=utcnow)
    resolved_at: Mapped[datetime | None] = mapped_column(default=None)
    team_id: Mapped[str | None] = mapped_column(ForeignKey("teams.id", ondelete="SET NULL"), default=None)
    # Set while the chat waits in its team's queue for a free agent; the order of the queue.
    queued_at: Mapped[datetime | None] = mapped_column(default=None)
    assigned_at: Mapped[datetime | None] = mapped_column(default=None)
    # The visitor's first message since an agent last wrote: "waiting for an answer since".
    awaiting_reply_since: Mapped[datetime | None] = mapped_column(default=None)
    out_of_hours: Mapped[bool] = mapped_column(default=False)
    priority: Mapped[str] = mapped_column(String(20), default="none")
    # Pending until then; the routing timer reopens it (routing/watchdog.py).
    snoozed_until: Mapped[datetime | None] = mapped_column(default=None)
    rating_score: Mapped[int | None] = mapped_column(default=None)
    # Where this chat's transcript goes: the first address asked for, and no other, so a
    # visitor cannot use transcripts to mail strangers (conversations/feedback.py).
    transcript_email: Mapped[str | None] = mapped_column(String(320), default=None)
    rating_comment: Mapped[str | None] = mapped_column(String(2000), default=None)


class Priority(enum.StrEnum):
    NONE = "none"
    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"
    URGENT = "urgent"


class ConversationLabel(Base):
    """A label on a conversation ("billing", "bug"): free words, per workspace."""

    __tablename__ = "conversation_labels"
    __table_args__ = (Index("ix_conversation_labels_label", "workspace_id", "label"),)

    conversation_id: Mapped[str] = mapped_column(ForeignKey("conversations.id", ondelete="CASCADE"), primary_key=True)
    label: Mapped[str] = mapped_column(String(50), primary_key=True)
    workspace_id: Mapped[str] = mapped_column(ForeignKey("workspaces.id", ondelete="CASCADE"))
