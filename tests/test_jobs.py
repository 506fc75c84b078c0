"""The outbox worker: jobs run once, failures retry with backoff, on both databases."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from frontdesk.context import Context
from frontdesk.jobs.models import Job
from frontdesk.jobs.outbox import enqueue
from frontdesk.jobs.worker import Worker
from frontdesk.mail.sender import Email, SmtpSender
from tests.smtp import smtp_server


async def add_job(ctx: Context, kind: str, payload: dict[str, Any]) -> str:
    async with ctx.db.transaction() as session:
        job = enqueue(session, kind, payload)
        await session.flush()
        return job.id


async def load(ctx: Context, job_id: str) -> Job:
    async with ctx.db.reader() as session:
        return await session.get_one(Job, job_id)


async def test_a_job_runs_once_and_is_marked_done(ctx: Context) -> None:
    ran: list[dict[str, Any]] = []

    async def handler(_ctx: Context, payload: dict[str, Any]) -> None:
        ran.append(payload)

    job_id = await add_job(ctx, "test.ok", {"n": 1})
    worker = Worker(ctx, {"test.ok": handler})
    await worker.run_due()
    await worker.run_due()
    assert ran == [{"n": 1}]
    assert (await load(ctx, job_id)).status == "done"


async def test_a_failing_job_is_retried_later_with_its_error_kept(ctx: Context) -> None:
    async def broken(_ctx: Context, _payload: dict[str, Any]) -> None:
        raise ConnectionError("smtp down")

    job_id = await add_job(ctx, "test.broken", {})
    await Worker(ctx, {"test.broken": broken}).run_due()
    job = await load(ctx, job_id)
    assert (job.status, job.attempts) == ("pending", 1)
    assert job.last_error == "ConnectionError: smtp down"
    assert job.run_at > job.created_at  # not before its backoff
    async with ctx.db.reader() as session:
        due = await session.scalars(select(Job).where(Job.id == job_id, Job.run_at <= job.created_at))
        assert list(due) == []


async def test_the_smtp_sender_delivers_to_a_real_server() -> None:
    with smtp_server() as (url, inbox):
        await SmtpSender(url, "Frontdesk <bot@example.com>").send(
            Email(to="ada@example.com", subject="Hello", text="Body text", reply_to="grace@example.com")
        )
        got = inbox.wait_for(1)[0]
    assert (got["To"], got["Subject"], got["Reply-To"]) == ("ada@example.com", "Hello", "grace@example.com")
    assert got.get_payload().strip() == "Body text"
