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
from collections.abc import Sequence

from sqlalchemy import text

from frontdesk.events import Event, EventName
from frontdesk.storage.db import Database
from frontdesk.storage.quick import Exec, Statement

log = logging.getLogger(__name__)

# Rows per indexing step: bounds how long one holds the writer, since a step runs in a
# group-commit batch (~1-10 us a row, FTS5's segment merges included). Smaller
# steps cost more in all: each writes a segment, and merging them is most of the work.
BATCH = 1_000
# After news of a stored message, wait this long for more before indexing: under load
# one step then indexes hundreds. Searches do not wait for it.
DELAY_S = 0.5

_PENDING = text("SELECT 1 FROM search_pending LIMIT 1")
_BOUND = Statement(
    "SELECT max(message_rowid), count(*) FROM "
    "(SELECT message_rowid FROM search_pending ORDER BY message_rowid LIMIT :n)"
)
# CROSS JOIN: SQLite then reads the queue and looks each message up. With a plain JOIN
# it carried the bound over to messages.rowid and walked every message up to it: 7.5 ms
# for 500 rows among 59,000 messages (0.5 ms now), and growing with the table.
_INDEX = Statement(
    "INSERT INTO messages_fts(rowid, body) SELECT m.rowid, m.body FROM search_pending p "
    "CROSS JOIN messages m ON m.rowid = p.message_rowid WHERE p.message_rowid <= :bound"
)
_DONE = Statement("DELETE FROM search_pending WHERE message_rowid <= :bound")


async def index_pending(db: Database) -> int:
    """Index every message waiting; returns how many. A no-op on PostgreSQL.

    Each step is a quick write (storage/quick.py): it joins the messages' own group
    commit. As an ORM transaction of its own it held the
    write lock 15-30 ms a step, that thread waiting for the GIL between statements, and
    messages waited behind it (p99 at 1,000 msg/s: 18 ms; 14 ms as a quick write, 9 ms
    once ``_INDEX`` stopped walking the messages table; docs/benchmarks.md)."""
    if not db.is_sqlite:
        return 0
    async with db.reader() as session:  # most calls find nothing: no write lock for that
        if (await session.execute(_PENDING)).first() is None:
            return 0
    indexed = 0
    while True:
        count = await db.quick.run(_index_step) or 0
        indexed += count
        if count < BATCH:
            return indexed


def _index_step(execute: Exec) -> int:
    ((bound, count),) = execute(_BOUND, {"n": BATCH})
    if count:
        execute(_INDEX, {"bound": bound})
        execute(_DONE, {"bound": bound})
    return int(count)


class SearchIndexer:
    """The node's indexing task: woken by each published message, it waits ``DELAY_S``
    for more and indexes them together."""

    def __init__(self, db: Database) -> None:
        self.db = db
        self._news = asyncio.Event()

    def heard(self, events: Sequence[Event]) -> None:
        """An after-commit listener (publisher.py): stored messages wake the indexer."""
        if any(event.name is EventName.MESSAGE_CREATED for event in events):
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
