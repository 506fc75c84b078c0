from __future__ import annotations

import enum
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from frontdesk.clock import utcnow
from frontdesk.ids import new_sortable_id
from frontdesk.storage.base import Base, id_column

# Long enough for a detailed support question with a pasted log excerpt; short enough
# that one message cannot fill an agent's screen or the socket's frame limit (64 KiB).
BODY_MAX_CHARS = 10_000


# ``Message.system["origin"]`` of what a visitor's browser posted through the Olark-style
# page calls (a note to agents, a message under the website's name): the site's page
# asked for it, but anyone can make their own browser ask, so it is never the company's.
VISITOR_BROWSER = "visitor_browser"


class AuthorType(enum.StrEnum):
    VISITOR = "visitor"
    AGENT = "agent"
    SYSTEM = "system"
    BOT = "bot"


class Message(Base):
    """One numbered entry of a conversation: what someone said, or what happened."""

    __tablename__ = "messages"
    __table_args__ = (
        UniqueConstraint("conversation_id", "seq", name="uq_messages_conversation_seq"),
        # A retried send carries the same client_ref: this makes the retry find the first.
        UniqueConstraint("workspace_id", "client_ref", name="uq_messages_workspace_client_ref"),
    )

    id: Mapped[str] = id_column(new_sortable_id)
    workspace_id: Mapped[str] = mapped_column(ForeignKey("workspaces.id", ondelete="CASCADE"))
    conversation_id: Mapped[str] = mapped_column(ForeignKey("conversations.id", ondelete="CASCADE"))
    seq: Mapped[int]
    author_type: Mapped[str] = mapped_column(String(20))
    author_id: Mapped[str | None] = mapped_column(String(32), default=None)
    # The name as it was when written: transcripts keep showing who said what.
    author_name: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text)
    private: Mapped[bool] = mapped_column(default=False)
    client_ref: Mapped[str | None] = mapped_column(String(64), default=None)
    system: Mapped[dict[str, Any] | None] = mapped_column(default=None)
    # A snapshot of the files sent with it ({id, name, content_type, size}): reading a
    # message never needs a join.
    attachments: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


@dataclass(frozen=True, slots=True)
class SentMessage:
    """A message as the quick path (messages/quick_send.py) stored it: the columns of
    ``Message`` without the ORM, whose bookkeeping cost more than the insert itself."""

    id: str
    workspace_id: str
    conversation_id: str
    seq: int
    author_type: str
    author_id: str | None
    author_name: str
    body: str
    private: bool
    client_ref: str | None
    created_at: datetime
    system: dict[str, Any] | None = None
    attachments: list[dict[str, Any]] = field(default_factory=list)


# What reading code takes: a loaded row or a quick-path message.
StoredMessage = Message | SentMessage
