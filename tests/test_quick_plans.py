"""On PostgreSQL, a batch of quick sends reaches its chats and contacts by their keys.

The planner has no statistics for a fresh or busy table, and every message leaves a dead
row version in its chat; joined to a batch's elements it scanned the whole conversations
and contacts tables for every batch (storage/db.py, QUICK_PLANNER_SETTINGS)."""

from __future__ import annotations

from datetime import UTC, datetime

from frontdesk.messages.quick_send import APPEND
from frontdesk.storage.db import Database
from frontdesk.storage.quick import numbered


async def test_the_batch_statement_uses_the_indexes_not_whole_table_scans(postgres_url: str) -> None:
    db = Database(postgres_url)
    try:
        async with db.quick_engine.connect() as conn:
            raw = await conn.get_raw_connection()
            driver = raw.driver_connection
            assert driver is not None
            sql, names = numbered(APPEND.postgres.sql)
            values = {"batch": "[]", "rows": "[]", "now": datetime(2026, 1, 1, tzinfo=UTC)}
            plan = "\n".join(r[0] for r in await driver.fetch("EXPLAIN " + sql, *(values[n] for n in names)))
    finally:
        await db.dispose()
    assert "Seq Scan on conversations" not in plan, plan
    assert "Seq Scan on contacts" not in plan, plan
