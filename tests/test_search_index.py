"""SQLite's search index is filled in bulk a moment after messages are stored
(search/index.py, migration 0008); a search never misses a message stored before it.
PostgreSQL's GIN index is the database's own business and is tested by the search tests."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from sqlalchemy import text

from frontdesk.context import Context
from frontdesk.migrations import upgrade
from frontdesk.realtime.memory import MemoryBus
from frontdesk.search.index import _INDEX, SearchIndexer
from frontdesk.search.queries import SearchFilter, search_messages
from frontdesk.settings import Settings
from frontdesk.storage.db import Database
from frontdesk.tokens import VisitorTokens
from tests.factories import make_team, make_visitor, say


@pytest.fixture
def fresh_sqlite(tmp_path: Path) -> str:
    """A database of its own: these tests count what waits to be indexed."""
    url = f"sqlite+aiosqlite:///{tmp_path / 'frontdesk.db'}"
    upgrade(url)
    return url


@pytest.fixture
async def ctx(fresh_sqlite: str, tmp_path: Path) -> AsyncIterator[Context]:
    url = fresh_sqlite
    settings = Settings(database_url=url, var_dir=tmp_path, secret_key="test-secret")
    context = Context(db=Database(url), bus=MemoryBus(), settings=settings, visitor_tokens=VisitorTokens("test-secret"))
    yield context
    await context.db.dispose()


async def _count(ctx: Context, sql: str) -> int:
    async with ctx.db.reader() as session:
        return int((await session.execute(text(sql))).scalar_one())


async def _indexed(ctx: Context, word: str) -> list[str]:
    """What the FTS index itself holds, without a search's catching up first."""
    async with ctx.db.reader() as session:
        rows = await session.execute(
            text(
                "SELECT m.body FROM messages_fts f JOIN messages m ON m.rowid = f.rowid "
                "WHERE messages_fts MATCH :w ORDER BY f.rowid"
            ),
            {"w": word},
        )
        return [body for (body,) in rows]


async def test_a_search_indexes_what_waits_and_finds_it(ctx: Context) -> None:
    team = await make_team(ctx)
    visitor, _ = await make_visitor(ctx, team.website)
    await say(ctx, visitor, "my kayak paddle snapped")
    assert await _indexed(ctx, "kayak") == []  # not indexed in the transaction that stored it
    assert await _count(ctx, "SELECT count(*) FROM search_pending") >= 1

    hits = await search_messages(ctx.db, team.owner, SearchFilter(q="kayak"))

    assert [m.body for m, _ in hits] == ["my kayak paddle snapped"]
    assert await _count(ctx, "SELECT count(*) FROM search_pending") == 0


async def test_the_indexer_indexes_soon_after_a_message_is_published(ctx: Context) -> None:
    team = await make_team(ctx)
    visitor, _ = await make_visitor(ctx, team.website)
    ctx.search_index = indexing = SearchIndexer(ctx.db)
    indexer = asyncio.create_task(indexing.run_forever())
    try:
        await say(ctx, visitor, "the tent zipper is stuck")
        for _ in range(200):  # 10 s at most; the indexer waits DELAY_S for more news
            if await _indexed(ctx, "zipper"):
                break
            await asyncio.sleep(0.05)
    finally:
        indexer.cancel()
    assert await _indexed(ctx, "zipper") == ["the tent zipper is stuck"]
    assert await _count(ctx, "SELECT count(*) FROM search_pending") == 0


async def test_edits_and_deletes_keep_the_index_whole_indexed_or_not(ctx: Context) -> None:
    team = await make_team(ctx)
    visitor, _ = await make_visitor(ctx, team.website)
    for body in ("alpha indexed", "bravo indexed", "charlie pending", "delta pending"):
        if body == "charlie pending":
            await search_messages(ctx.db, team.owner, SearchFilter(q="anything"))  # indexes the first two
        await say(ctx, visitor, body)
    async with ctx.db.transaction() as session:
        for old, new in (("alpha indexed", "alpha edited"), ("charlie pending", "charlie edited")):
            await session.execute(text("UPDATE messages SET body = :new WHERE body = :old"), {"new": new, "old": old})
        await session.execute(text("DELETE FROM messages WHERE body IN ('bravo indexed', 'delta pending')"))

    async def found(word: str) -> list[str]:
        return [m.body for m, _ in await search_messages(ctx.db, team.owner, SearchFilter(q=word))]

    assert await found("alpha") == ["alpha edited"]
    assert await found("charlie") == ["charlie edited"]
    assert await found("bravo") == [] and await found("delta") == []
    assert await found("indexed") == [] and await found("pending") == []
    async with ctx.db.transaction() as session:  # FTS5 raises if the index and the rows disagree
        await session.execute(text("INSERT INTO messages_fts(messages_fts, rank) VALUES ('integrity-check', 1)"))


async def test_indexing_reads_the_queue_not_every_message(ctx: Context) -> None:
    """With a plain JOIN SQLite walked the messages table up to the bound: a step took
    longer the more messages the workspace had ever stored."""
    async with ctx.db.reader() as session:
        plan = (await session.execute(text("EXPLAIN QUERY PLAN " + _INDEX.sql), {"bound": 1})).all()
    steps = [detail for *_, detail in plan]
    assert steps[0].startswith("SEARCH p "), steps
    assert steps[1] == "SEARCH m USING INTEGER PRIMARY KEY (rowid=?)", steps
