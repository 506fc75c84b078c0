"""Deleting uploads that never became part of a message.

The widget uploads a file first and sends the message naming it after; a visitor who
closes the tab in between leaves a file nobody can see. Left alone, anyone could fill
the disk with files that count for nothing, so the worker deletes uploads still unbound
``orphan_upload_hours`` after they came (row and file)."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from datetime import timedelta

from sqlalchemy import select

from frontdesk.attachments.actions import storage_path
from frontdesk.attachments.models import Attachment
from frontdesk.clock import utcnow
from frontdesk.context import Context

log = logging.getLogger(__name__)

BATCH = 200
# Often enough that a short setting (tests, a strict privacy policy) is honoured within a
# fraction of itself, rarely enough that the query costs nothing: at most every 10 min.
MAX_PAUSE_S = 600


async def delete_orphans(ctx: Context) -> int:
    """One pass; returns how many uploads it deleted."""
    cutoff = utcnow() - timedelta(hours=ctx.settings.orphan_upload_hours)
    async with ctx.db.transaction() as session:
        rows = list(
            await session.scalars(
                select(Attachment)
                .where(Attachment.message_id.is_(None), Attachment.created_at < cutoff)
                .limit(BATCH)
                .with_for_update(skip_locked=True)
            )
        )
        for row in rows:
            await session.delete(row)
    for row in rows:  # after the commit: a row never outlives its file
        with contextlib.suppress(FileNotFoundError):
            storage_path(ctx.settings.var_dir, row.id).unlink()
    return len(rows)


async def run_forever(ctx: Context) -> None:
    pause = min(MAX_PAUSE_S, max(0.5, ctx.settings.orphan_upload_hours * 3600 / 4))
    while True:
        try:
            while await delete_orphans(ctx) == BATCH:
                pass
        except Exception:  # a passing database error must not stop the sweeps for good
            log.exception("deleting unsent uploads failed; retrying")
        await asyncio.sleep(pause)
