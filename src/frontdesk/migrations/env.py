"""Alembic environment: runs migrations through the async engine of the configured URL."""

from __future__ import annotations

import asyncio

from alembic import context
from sqlalchemy import pool
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import create_async_engine

from frontdesk.migrations.registry import Base

config = context.config
target_metadata = Base.metadata


def _include(obj: object, name: str | None, kind: str, reflected: bool, compare_to: object) -> bool:
    """The search indexes live beside the models (migrations 0004, 0007, 0008), not in them."""
    return not (name or "").startswith(
        ("messages_fts", "ix_messages_body_fts", "ix_messages_search_", "search_pending")
    )


def _run(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        include_object=_include,
        render_as_batch=connection.dialect.name == "sqlite",  # SQLite alters tables by copy
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


async def _run_async(url: str) -> None:
    engine = create_async_engine(url, poolclass=pool.NullPool, hide_parameters=True)
    async with engine.connect() as connection:
        await connection.run_sync(_run)
    await engine.dispose()


url = config.get_main_option("sqlalchemy.url")
if url is None:
    raise RuntimeError("sqlalchemy.url is not set; use `frontdesk migrate`")
if context.is_offline_mode():
    context.configure(url=url, target_metadata=target_metadata, literal_binds=True)
    with context.begin_transaction():
        context.run_migrations()
else:
    asyncio.run(_run_async(url))
