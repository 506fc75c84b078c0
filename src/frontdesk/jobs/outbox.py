"""Enqueue work in the caller's transaction: it commits or rolls back with the change
that caused it, so an email is never sent for something that did not happen, nor lost
for something that did."""

from __future__ import annotations

from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from frontdesk.jobs.models import Job


def enqueue(session: AsyncSession, kind: str, payload: dict[str, Any]) -> Job:
    job = Job(kind=kind, payload=payload)
    session.add(job)
    return job
