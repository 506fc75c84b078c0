"""Deleting the delivery log after ``webhooks_log_days``: finished deliveries (and their
attempts) go; pending ones stay, however old, until they are delivered or fail."""

from __future__ import annotations

import asyncio
import logging
from datetime import timedelta

from sqlalchemy import delete, select

from frontdesk.clock import utcnow
from frontdesk.context import Context
from frontdesk.webhooks.models import DeliveryStatus, WebhookDelivery

log = logging.getLogger(__name__)

# Small batches: on SQLite each is a write transaction that every other writer waits for.
BATCH = 500
# Often enough that a short setting (tests) is honoured within a fraction of itself,
# rarely enough that the query costs nothing: at most hourly.
MAX_PAUSE_S = 3600


async def prune_log(ctx: Context) -> int:
    """One batch; returns how many deliveries it deleted."""
    cutoff = utcnow() - timedelta(days=ctx.settings.webhooks_log_days)
    old = (
        select(WebhookDelivery.id)
        .where(WebhookDelivery.status != DeliveryStatus.PENDING, WebhookDelivery.created_at < cutoff)
        .limit(BATCH)
    )
    async with ctx.db.transaction() as session:
        ids = list(await session.scalars(old))
        if ids:  # their attempts go with them (ON DELETE CASCADE)
            await session.execute(delete(WebhookDelivery).where(WebhookDelivery.id.in_(ids)))
    return len(ids)


async def run_forever(ctx: Context) -> None:
    pause = min(MAX_PAUSE_S, max(0.5, ctx.settings.webhooks_log_days * 86_400 / 4))
    while True:
        try:
            while await prune_log(ctx) == BATCH:
                pass
        except Exception:  # a passing database error must not stop the pruning for good
            log.exception("pruning the webhook log failed; retrying")
        await asyncio.sleep(pause)
