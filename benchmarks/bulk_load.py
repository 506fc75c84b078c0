"""A fresh, migrated database with a generated workspace in it.

The workspace, its owner, agents and teams are made through the app's own actions (so
logins work as they do for anyone); the bulk - contacts, conversations, labels and
messages - is inserted directly, in batches: SQLAlchemy Core ``executemany`` on SQLite,
``COPY`` on PostgreSQL. The search index is filled as the app fills it: on SQLite a
trigger queues every message inserted and ``index_pending`` indexes them in bulk, as the
server's indexer does (search/index.py); on PostgreSQL the GIN
index is dropped during the COPY and then re-created from its own definition (read from
``pg_indexes``), which builds the same index far faster than 1M single inserts.
"""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import JSON, Table, create_engine, insert

from benchmarks.workspace_gen import Generated, Staff
from frontdesk.actors import Role
from frontdesk.agents.actions import NewAgent, create_agent
from frontdesk.agents.login import Credentials, log_in
from frontdesk.agents.queries import actor_for
from frontdesk.app import make_context
from frontdesk.bootstrap import ensure_first_workspace
from frontdesk.migrations import upgrade
from frontdesk.migrations.registry import Contact, Conversation, ConversationLabel, Message, Team
from frontdesk.routing.teams import TeamSpec, save_team
from frontdesk.search.index import index_pending
from frontdesk.settings import Settings
from frontdesk.storage.db import Database
from frontdesk.websites.queries import websites_of

AGENTS = 12
TEAMS = ("Billing", "Technical", "Sales", "Returns")
AGENT_PASSWORD = "bench-agent-password"  # noqa: S105 - a throwaway database's test login
BATCH = 20_000
TABLES: list[tuple[str, Table]] = [
    ("contacts", Contact.__table__),  # type: ignore[list-item]
    ("conversations", Conversation.__table__),  # type: ignore[list-item]
    ("labels", ConversationLabel.__table__),  # type: ignore[list-item]
    ("messages", Message.__table__),  # type: ignore[list-item]
]
Progress = Callable[[str], None]


@dataclass(frozen=True)
class Logins:
    owner: tuple[str, str]
    agent: tuple[str, str]  # a plain agent: sees only their teams' chats


async def _staff(url: str, var_dir: Path) -> tuple[Staff, Logins]:
    settings = Settings(database_url=url, var_dir=var_dir, secret_key="bench-secret-key")  # noqa: S106 - a throwaway database
    ctx = make_context(settings)
    try:
        first = await ensure_first_workspace(ctx)
        assert first is not None, "the database was not fresh"
        owner = (await log_in(ctx, Credentials(first.owner_email, first.owner_password, "127.0.0.1"))).agent
        actor = await actor_for(ctx.db, owner)
        website = (await websites_of(ctx.db, actor.workspace_id))[0]
        agents = [
            await create_agent(
                ctx,
                NewAgent(actor.workspace_id, f"agent{i}@example.com", f"Agent {i}", Role.AGENT, AGENT_PASSWORD),
            )
            for i in range(AGENTS)
        ]
        general = website.default_team_id
        assert general is not None
        teams = {general: [(owner.id, owner.name)] + [(a.id, a.name) for a in agents]}
        for t, name in enumerate(TEAMS):
            members = [a for i, a in enumerate(agents) if i % len(TEAMS) == t]
            team: Team = await save_team(ctx, actor, TeamSpec(name=name, member_ids=[a.id for a in members]))
            teams[team.id] = [(a.id, a.name) for a in members]
    finally:
        await ctx.db.dispose()
    staff = Staff(workspace_id=actor.workspace_id, website_id=website.id, teams=teams)
    return staff, Logins(owner=(first.owner_email, first.owner_password), agent=(agents[0].email, AGENT_PASSWORD))


def prepare(url: str, var_dir: Path) -> tuple[Staff, Logins]:
    """Migrate a fresh database and make the people who work in it."""
    upgrade(url)
    return asyncio.run(_staff(url, var_dir))


def load_sqlite(path: Path, data: Generated, progress: Progress) -> None:
    engine = create_engine(f"sqlite:///{path}")
    try:
        with engine.begin() as conn:
            conn.exec_driver_sql("PRAGMA synchronous=OFF")  # a bench database: speed over durability
            for name, table in TABLES:
                rows = getattr(data, name)
                began = time.monotonic()
                for at in range(0, len(rows), BATCH):
                    conn.execute(insert(table), rows[at : at + BATCH])
                    if name == "messages" and at % (10 * BATCH) == 0:
                        progress(f"{name}: {at + BATCH:,} of {len(rows):,}")
                progress(f"{name}: {len(rows):,} rows in {time.monotonic() - began:.1f} s")
    finally:
        engine.dispose()
    began = time.monotonic()
    indexed = asyncio.run(_index(f"sqlite+aiosqlite:///{path}"))
    progress(f"search index: {indexed:,} messages in {time.monotonic() - began:.1f} s")


async def _index(url: str) -> int:
    """What the server's indexer would do: the trigger queued every message."""
    db = Database(url)
    try:
        return await index_pending(db)
    finally:
        await db.dispose()


def load_postgres(dsn: str, data: Generated, progress: Progress) -> None:
    asyncio.run(_load_postgres(dsn, data, progress))


async def _load_postgres(dsn: str, data: Generated, progress: Progress) -> None:
    import asyncpg

    conn = await asyncpg.connect(dsn)
    try:
        for name, table in TABLES:
            began = time.monotonic()
            indexes = await _drop_plain_indexes(conn, table.name)
            columns = [c.name for c in table.columns]
            as_json = {c.name for c in table.columns if isinstance(c.type, JSON) or _is_json(c.type)}
            rows = getattr(data, name)
            for at in range(0, len(rows), 10 * BATCH):
                records = [_record(r, columns, as_json) for r in rows[at : at + 10 * BATCH]]
                await conn.copy_records_to_table(table.name, records=records, columns=columns)
                if name == "messages":
                    progress(f"{name}: {min(at + 10 * BATCH, len(rows)):,} of {len(rows):,}")
            for definition in indexes:
                await conn.execute(definition)
            progress(f"{name}: {len(rows):,} rows and {len(indexes)} indexes in {time.monotonic() - began:.1f} s")
        began = time.monotonic()
        await conn.execute("VACUUM ANALYZE")  # what autovacuum does soon after a bulk load
        progress(f"VACUUM ANALYZE in {time.monotonic() - began:.1f} s")
    finally:
        await conn.close()


async def _drop_plain_indexes(conn: Any, table: str) -> list[str]:
    """Drop the indexes that back no constraint; returns their definitions."""
    rows = await conn.fetch(
        "SELECT i.indexname, i.indexdef FROM pg_indexes i WHERE i.tablename = $1 AND NOT EXISTS "
        "(SELECT 1 FROM pg_constraint c WHERE c.conname = i.indexname)",
        table,
    )
    for row in rows:
        await conn.execute(f'DROP INDEX "{row["indexname"]}"')
    return [row["indexdef"] for row in rows]


def _is_json(column_type: Any) -> bool:
    return isinstance(getattr(column_type, "impl", None), JSON)


def _record(row: dict[str, Any], columns: list[str], as_json: set[str]) -> tuple[Any, ...]:
    return tuple(json.dumps(row[c]) if c in as_json and row[c] is not None else row[c] for c in columns)
