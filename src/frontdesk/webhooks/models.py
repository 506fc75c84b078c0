"""Webhook endpoints, the deliveries owed to them, and the log of every attempt.

A delivery is one event for one endpoint. Its id is the Standard Webhooks
``webhook-id``: the same on every retry and every "send again", so a receiver that
de-duplicates by it handles each event once however often it arrives."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from frontdesk.clock import utcnow
from frontdesk.ids import new_sortable_id
from frontdesk.storage.base import Base, id_column


class DeliveryStatus(enum.StrEnum):
    PENDING = "pending"  # to be sent, now or at next_attempt_at
    DELIVERED = "delivered"  # a 2xx answered
    FAILED = "failed"  # every attempt of the schedule failed (or a manual one did)


class DisabledReason(enum.StrEnum):
    MANUAL = "manual"  # an admin turned it off
    FAILING = "failing"  # every attempt failed for webhooks_disable_after_hours


def new_message_id() -> str:
    """``msg_`` and a time-ordered id, as Standard Webhooks' examples write them."""
    return f"msg_{new_sortable_id()}"


class WebhookEndpoint(Base):
    __tablename__ = "webhook_endpoints"

    id: Mapped[str] = id_column()
    workspace_id: Mapped[str] = mapped_column(ForeignKey("workspaces.id", ondelete="CASCADE"), index=True)
    url: Mapped[str] = mapped_column(String(2000))
    description: Mapped[str] = mapped_column(String(500), default="")
    # Catalog event names (webhooks/payloads.py SUBSCRIBABLE).
    events: Mapped[list[str]] = mapped_column(JSON, default=list)
    # The signing secret must be readable to sign, so it is stored as is (like a TOTP
    # secret): protect database backups like the server's secret key.
    secret: Mapped[str] = mapped_column(String(100))
    # After a rotation the old secret signs too, until previous_secret_expires_at.
    previous_secret: Mapped[str | None] = mapped_column(String(100), default=None)
    previous_secret_expires_at: Mapped[datetime | None] = mapped_column(default=None)
    enabled: Mapped[bool] = mapped_column(default=True)
    disabled_reason: Mapped[str | None] = mapped_column(String(20), default=None)
    disabled_at: Mapped[datetime | None] = mapped_column(default=None)
    # The first failed attempt since the last success: the auto-disable clock.
    failing_since: Mapped[datetime | None] = mapped_column(default=None)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)


class WebhookDelivery(Base):
    __tablename__ = "webhook_deliveries"
    __table_args__ = (
        # The sender's scan: what is due.
        Index("ix_webhook_deliveries_due", "status", "next_attempt_at"),
        # The order gate: an earlier delivery of the same conversation still pending.
        Index("ix_webhook_deliveries_order", "endpoint_id", "conversation_id", "status", "seq"),
        # The log, newest first.
        Index("ix_webhook_deliveries_log", "endpoint_id", "seq"),
        # Never reuse a number, even after the newest rows are deleted (SQLite's plain
        # INTEGER PRIMARY KEY would): a number is a delivery's place in its conversation.
        {"sqlite_autoincrement": True},
    )

    # The order deliveries were made in: the listener makes them in the order of their
    # events (outbox/dispatch.py hands over one batch at a time, in commit order per
    # conversation), so within a conversation it is the events' order.
    seq: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True, autoincrement=True)
    id: Mapped[str] = mapped_column(String(40), unique=True, default=new_message_id)
    endpoint_id: Mapped[str] = mapped_column(ForeignKey("webhook_endpoints.id", ondelete="CASCADE"))
    workspace_id: Mapped[str] = mapped_column(String(32))
    event_type: Mapped[str] = mapped_column(String(64))
    conversation_id: Mapped[str | None] = mapped_column(String(32), default=None)
    # The exact bytes sent (UTF-8 JSON), the same on every attempt.
    body: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(20), default=DeliveryStatus.PENDING.value)
    attempts: Mapped[int] = mapped_column(default=0)
    # A "send again" of a finished delivery: one attempt, no automatic retries after it.
    manual: Mapped[bool] = mapped_column(default=False)
    next_attempt_at: Mapped[datetime | None] = mapped_column(default=utcnow)
    # Held by a sender until then; a sender killed mid-send leaves it to expire.
    claimed_until: Mapped[datetime | None] = mapped_column(default=None)
    last_attempt_at: Mapped[datetime | None] = mapped_column(default=None)
    last_status_code: Mapped[int | None] = mapped_column(default=None)
    last_error: Mapped[str | None] = mapped_column(String(500), default=None)
    delivered_at: Mapped[datetime | None] = mapped_column(default=None)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class WebhookAttempt(Base):
    """One request of a delivery, as the log shows it."""

    __tablename__ = "webhook_attempts"

    id: Mapped[str] = id_column(new_sortable_id)
    delivery_id: Mapped[str] = mapped_column(ForeignKey("webhook_deliveries.id", ondelete="CASCADE"), index=True)
    number: Mapped[int]
    started_at: Mapped[datetime]
    duration_ms: Mapped[int]
    request_headers: Mapped[dict[str, Any]]
    status_code: Mapped[int | None] = mapped_column(default=None)
    response_body: Mapped[str] = mapped_column(Text, default="")
    error: Mapped[str | None] = mapped_column(String(500), default=None)
