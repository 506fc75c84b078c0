"""The outbox worker: runs due jobs, retries failures with backoff, survives restarts.

It runs inside ``frontdesk serve`` by default. Jobs are claimed by setting
``locked_until`` in a transaction, so several workers (or nodes) never run one job twice
at the same time; a worker that dies leaves its claim to expire and the job runs again.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable, Mapping
from datetime import timedelta
from typing import Any

from sqlalchemy import or_, select

from frontdesk.clock import utcnow
from frontdesk.context import Context
from frontdesk.jobs.models import Job

log = logging.getLogger(__name__)

Handler = Callable[[Context, dict[str, Any]], Awaitable[None]]

# A job not finished within this time is presumed lost with its worker and runs again.
CLAIM_SECONDS = 120
# Retries at 10 s, 40 s, 90 s ... (10 s x attempts squared), up to 8 attempts (~20 min).
MAX_ATTEMPTS = 8
POLL_SECONDS = 1.0  # how long a new job may wait for an idle worker
BATCH = 20


def retry_delay(attempts: int) -> timedelta:
    return timedelta(seconds=10 * attempts * attempts)


class Worker:
    def __init__(self, ctx: Context, handlers: Mapping[str, Handler]) -> None:
        self.ctx = ctx
        self.handlers = handlers
        self.wake = asyncio.Event()

    async def run_forever(self) -> None:
        while True:
            try:
                ran = await self.run_due()
            except Exception:  # a broken database must not kill the loop; it retries
                log.exception("outbox worker failed; retrying")
                ran = 0
            if not ran:
                self.wake.clear()
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self.wake.wait(), POLL_SECONDS)

    async def run_due(self) -> int:
        jobs = await self._claim()
        for job in jobs:
            await self._run(job)
        return len(jobs)

    async def _claim(self) -> list[Job]:
        now = utcnow()
        async with self.ctx.db.transaction() as session:
            query = (
                select(Job)
                .where(
                    Job.status == "pending", Job.run_at <= now, or_(Job.locked_until.is_(None), Job.locked_until < now)
                )
                .order_by(Job.run_at)
                .limit(BATCH)
                .with_for_update(skip_locked=True)
            )
            jobs = list(await session.scalars(query))
            for job in jobs:
                job.locked_until = now + timedelta(seconds=CLAIM_SECONDS)
        return jobs

    async def _run(self, job: Job) -> None:
        handler = self.handlers.get(job.kind)
        error: str | None = None
        try:
            if handler is None:
                raise LookupError(f"no handler for job kind {job.kind!r}")
            await handler(self.ctx, job.payload)
        except Exception as exc:
            error = f"{type(exc).__name__}: {exc}"
            log.warning("job %s (%s) failed: %s", job.id, job.kind, error)
        async with self.ctx.db.transaction() as session:
            stored = await session.get_one(Job, job.id)
            stored.attempts += 1
            stored.locked_until = None
            if error is None:
                stored.status = "done"
            elif stored.attempts >= MAX_ATTEMPTS:
                stored.status, stored.last_error = "failed", error
            else:
                stored.last_error = error
                stored.run_at = utcnow() + retry_delay(stored.attempts)
