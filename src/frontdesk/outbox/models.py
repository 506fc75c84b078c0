from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import BigInteger, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from frontdesk.clock import utcnow
from frontdesk.storage.base import Base


class OutboxRow(Base):
    """A durable event waiting for its listeners (webhooks; later automation, reports,
    bots). Written in the transaction that made the change, deleted in the transaction
    that hands it to every listener: so it is handed over once, and never lost.

    ``id`` increases in commit order within a conversation (its rows are written while
    the conversation's row is locked), which is the order listeners get them in."""

    __tablename__ = "event_outbox"
    # SQLite would hand out the ids of deleted rows again once the table is empty: an
    # event's id is unique over time, so a listener may know it by it.
    __table_args__ = {"sqlite_autoincrement": True}  # noqa: RUF012 - SQLAlchemy's declaration

    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True, autoincrement=True)
    workspace_id: Mapped[str] = mapped_column(String(32))
    name: Mapped[str] = mapped_column(String(50))
    conversation_id: Mapped[str | None] = mapped_column(String(32), default=None)
    # A stored message's event carries only its id (the hot path writes the row in the
    # statement that stores the message); its payload is built from the message when
    # the row is handed over. Every other event carries its payload.
    message_id: Mapped[str | None] = mapped_column(String(32), default=None)
    payload: Mapped[dict[str, Any] | None] = mapped_column(default=None)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
