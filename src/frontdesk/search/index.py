"""SQLite's search index, filled a moment after messages are stored, in bulk.

FTS5 writes a segment per transaction and keeps merging them, so indexing each message
in the transaction that stored it was almost half of what storing it cost; indexing a
few hundred at once costs a tenth of that (docs/benchmarks.md). A trigger (migration
0008) notes each new message in ``search_pending``; ``index_pending`` moves them into
``messages_fts``. The indexer task does so shortly after messages are published, and a
search does it first, so a search finds every message stored before it was asked.
PostgreSQL's GIN index is kept by the database itself and needs none of this.
"""

from __future__ import annotations

import asyncio
import logging

from sqlalchemy import text

from frontdesk.storage.db import Database

log = logging.getLogger(__name__)

# Rows per indexing transaction: bounds how long one holds the write lock (~5 us a row).
BATCH = 5_000
# After news of a stored message, wait this long for more before indexing: under load
# one transaction then indexes hundreds. Searches do not wait for it.
DELAY_S = 0.5

_PENDING = text("SELECT 1 FROM search_pending LIMIT 1")
_BOUND = text(
    "SELECT max(message_rowid), count(*) FROM "
    "(SELECT message_rowid FROM search_pending ORDER BY message_rowid LIMIT :n)"
)
_INDEX = text(
    "INSERT INTO messages_fts(rowid, body) SELECT m.rowid, m.body FROM search_pending p "
    "JOIN messages m ON m.rowid = p.message_rowid WHERE p.message_rowid <= :bound"
)
_DONE = text("DELETE FROM search_pending WHERE message_rowid <= :bound")


async def index_pending(db: Database) -> int:
    """Index every message waiting; returns how many. A no-op on PostgreSQL."""
    if not db.is_sqlite:
        return 0
    async with db.reader() as session:  # most calls find nothing: no write lock for that
        if (await session.execute(_PENDING)).first() is None:
            return 0
    indexed = 0
    while True:
        async with db.transaction() as session:
            bound, count = (await session.execute(_BOUND, {"n": BATCH})).one()
            if count:
                await session.execute(_INDEX, {"bound": bound})
                await session.execute(_DONE, {"bound": bound})
        indexed += int(count)
        if count < BATCH:
            return indexed


class SearchIndexer:
    """The node's indexing task: woken by each published message, it waits ``DELAY_S``
    for more and indexes them together."""

    def __init__(self, db: Database) -> None:
        self.db = db
        self._news = asyncio.Event()

    def wake(self) -> None:
        self._news.set()

    async def run_forever(self) -> None:
        while True:  # the first round catches up on what a stopped node left
            try:
                await index_pending(self.db)
            except Exception:  # the next round retries; searches index what they need
                log.exception("search indexing failed")
            await self._news.wait()
            self._news.clear()
            await asyncio.sleep(DELAY_S)
