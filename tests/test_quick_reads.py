"""The quick reads (storage/reads.py), on SQLite and PostgreSQL: many callers' lookups
in few batches, each answered with its own rows, none older than when it asked."""

from __future__ import annotations

import asyncio
import random

import pytest

from frontdesk.contacts.revoke import end_visitor_session
from frontdesk.contacts.visitor_check import contacts_by_id
from frontdesk.context import Context
from frontdesk.storage.quick import Exec
from frontdesk.websites.queries import websites_by_key
from tests.factories import make_team, make_visitor


async def test_a_burst_of_lookups_takes_few_batches_and_each_gets_its_own_row(ctx: Context) -> None:
    team = await make_team(ctx)
    visitors = [v for v, _ in [await make_visitor(ctx, team.website) for _ in range(30)]]
    batches = ctx.db.reads.batches

    rows = await asyncio.gather(*(ctx.db.reads.get(contacts_by_id, v.contact_id) for v in visitors * 3))

    assert [r.id if r else None for r in rows] == [v.contact_id for v in visitors * 3]
    assert ctx.db.reads.batches - batches <= 6


async def test_a_lookup_sees_what_was_committed_before_it_was_asked(ctx: Context) -> None:
    team = await make_team(ctx)
    visitor, _ = await make_visitor(ctx, team.website)
    before = await ctx.db.reads.get(contacts_by_id, visitor.contact_id)

    await end_visitor_session(ctx, visitor)  # raises the contact's token_version
    after = await ctx.db.reads.get(contacts_by_id, visitor.contact_id)

    assert before is not None and after is not None
    assert after.token_version == before.token_version + 1


async def test_a_lookup_of_what_is_not_there_is_none(ctx: Context) -> None:
    assert await ctx.db.reads.get(contacts_by_id, "0" * 32) is None
    assert await ctx.db.reads.get(websites_by_key, "no-such-key") is None


def _broken(execute: Exec, args: list[int]) -> list[int]:
    raise RuntimeError("this kind of read fails")


async def test_a_failing_kind_of_read_fails_its_own_callers_alone(ctx: Context) -> None:
    team = await make_team(ctx)
    visitor, _ = await make_visitor(ctx, team.website)

    broken, found = await asyncio.gather(
        ctx.db.reads.get(_broken, 1), ctx.db.reads.get(contacts_by_id, visitor.contact_id), return_exceptions=True
    )

    assert isinstance(broken, RuntimeError)
    assert not isinstance(found, BaseException) and found is not None and found.id == visitor.contact_id


@pytest.mark.parametrize("seed", [1, 2])
async def test_lookups_arriving_as_batches_end_are_all_answered(ctx: Context, seed: int) -> None:
    """Two ways a read once waited forever: it arrived while every flusher was giving
    its connection back (and still counted as running), or two readers' threads took
    from the queue at once. Reads here arrive in waves timed to catch both."""
    team = await make_team(ctx)
    visitor, _ = await make_visitor(ctx, team.website)
    rng = random.Random(seed)

    async def one() -> None:
        await asyncio.sleep(rng.random() * 0.3)
        assert await ctx.db.reads.get(contacts_by_id, visitor.contact_id) is not None

    await asyncio.wait_for(asyncio.gather(*(one() for _ in range(600))), 30)
