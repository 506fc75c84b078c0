"""Database access: one writer, many readers.

SQLite allows one writer at a time. Letting several connections race for the write lock
ends in ``database is locked`` errors (a deferred transaction that reads first cannot
upgrade once another has written). So on SQLite all writes go through a pool of ONE
connection that starts its transactions with ``BEGIN IMMEDIATE``: writers queue in the
pool, in order, instead of failing. Readers use their own pool; WAL lets them read while
the writer writes. On PostgreSQL both roles share one ordinary pool.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from functools import cached_property
from typing import TYPE_CHECKING, Any

from sqlalchemy import event, text
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)
from sqlalchemy.pool import ConnectionPoolEntry, PoolResetState

if TYPE_CHECKING:
    from frontdesk.storage.quick import QuickWrites
    from frontdesk.storage.reads import QuickReads

# Every engine is made with ``hide_parameters=True``: a failed statement's error (and so
# its traceback in the log) names the statement, never the values bound to it (a
# message's text, an email address, a session's hash).

# A waiting writer gives up after this long. Long enough to ride out a burst (each write
# transaction takes about a millisecond), short enough that a stuck request fails visibly.
SQLITE_BUSY_TIMEOUT_MS = 10_000
# Quick-write batches in flight at once on PostgreSQL, each on a connection of its own.
# A batch spends most of its time waiting for round trips (one per statement), not on
# the CPU: one batch at a time stored 785 msg/s with the server at 0.72 cores, four 885
# (docs/benchmarks.md). Rows are locked per conversation, so batches of different chats
# run side by side.
POSTGRES_QUICK_CONNECTIONS = 4
# Those connections run only the hot path's statements, each of which reaches its rows by
# a key. A chat is updated with every message, and until a vacuum comes each update
# leaves a dead row version behind; the planner, which does not count them (a fresh
# table has no statistics at all), chose a scan of the whole conversations table for
# every batch (PostgreSQL ~500 us a message at 1,000 msg/s, docs/benchmarks.md). Off, a
# sequential scan is the last resort: the statements use their indexes.
QUICK_PLANNER_SETTINGS = {"enable_seqscan": "off"}


_AFTER_COMMIT = "frontdesk.after_commit"


def on_commit(session: AsyncSession, callback: Callable[[], None]) -> None:
    """Run ``callback`` once the transaction of ``session`` (from ``transaction()``) has
    committed; never if it rolls back. What happens after a commit (events) is the
    caller's; storage knows only when."""
    session.info.setdefault(_AFTER_COMMIT, []).append(callback)


class Database:
    def __init__(self, url: str, *, echo: bool = False) -> None:
        self.url = url
        self.is_sqlite = url.startswith("sqlite")
        if self.is_sqlite:
            self.engine = _sqlite_engine(url, writer=True, echo=echo)
            self.read_engine = _sqlite_engine(url, writer=False, echo=echo)
        else:
            self.engine = create_async_engine(
                url, echo=echo, pool_size=10, max_overflow=20, pool_pre_ping=True, hide_parameters=True
            )
            self.read_engine = self.engine
        # Quick writes' connections (storage/quick.py). On PostgreSQL a pool of their own,
        # without a ping at checkout: asyncpg's is three round trips (BEGIN, ";",
        # ROLLBACK), more than a one-message batch costs. A connection found dead there
        # is invalidated and its writes run again on a new one.
        self.quick_engine = (
            self.engine
            if self.is_sqlite
            else create_async_engine(
                url,
                echo=echo,
                hide_parameters=True,
                pool_size=POSTGRES_QUICK_CONNECTIONS,
                max_overflow=0,
                connect_args={"server_settings": QUICK_PLANNER_SETTINGS},
            )
        )
        self._writer = async_sessionmaker(self.engine, expire_on_commit=False)
        self._reader = async_sessionmaker(self.read_engine, expire_on_commit=False)
        # ORM write transactions begun and not yet ended. On SQLite each needs the one
        # writer connection, which quick writes hold for a burst of batches: a burst ends
        # early for them (storage/quick.py).
        self.transactions = 0

    @cached_property
    def quick(self) -> QuickWrites:
        """The hot path's writes: hand-written statements, group-committed. One per
        database, so everything written that way shares its batches (and on SQLite, its
        single writer)."""
        from frontdesk.storage.quick import QuickWrites  # quick.py builds on this module

        return QuickWrites(self)

    @cached_property
    def reads(self) -> QuickReads:
        """The hot path's lookups: hand-written statements, many callers' in one batch
        (a socket's hello, a widget's session start)."""
        from frontdesk.storage.reads import QuickReads  # reads.py builds on this module

        return QuickReads(self)

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[AsyncSession]:
        """A write transaction: committed when the block ends, rolled back on error."""
        self.transactions += 1
        try:
            async with self._writer() as session:
                async with session.begin():
                    yield session
                for callback in session.info.pop(_AFTER_COMMIT, ()):
                    callback()
        finally:
            self.transactions -= 1

    @asynccontextmanager
    async def reader(self) -> AsyncIterator[AsyncSession]:
        async with self._reader() as session:
            yield session

    async def ping(self) -> None:
        async with self.read_engine.connect() as conn:
            await conn.execute(text("SELECT 1"))

    async def dispose(self) -> None:
        if "quick" in self.__dict__:  # its writes in flight end first, with their connections
            await self.quick.drain()
        if "reads" in self.__dict__:
            await self.reads.drain()
        await self.engine.dispose()
        if self.quick_engine is not self.engine:
            await self.quick_engine.dispose()
        if self.read_engine is not self.engine:
            await self.read_engine.dispose()


def _sqlite_engine(url: str, *, writer: bool, echo: bool) -> AsyncEngine:
    pool: dict[str, Any] = (
        {"pool_size": 1, "max_overflow": 0, "pool_timeout": 30, "pool_reset_on_return": None}
        if writer
        # Four readers and no overflow: each reader is a thread, and with 100 widget
        # sessions starting at once, 15 threads (the default 5 and 10 of overflow, opened
        # and closed again) took turns at the GIL so often that 75 sessions a second
        # started, against 167-192 with 2-4 readers (docs/benchmarks.md). Reads wait in
        # the pool's queue instead.
        else {"pool_size": 4, "max_overflow": 0, "pool_timeout": 30}
    )
    # The writer's connection is also used by quick writes (storage/quick.py), in
    # aiosqlite's thread, while checked out of the pool; tests and the pool's reset look
    # at it from the loop's thread. Never by two threads at once.
    connect_args = {"check_same_thread": False} if writer else {}
    engine = create_async_engine(url, echo=echo, connect_args=connect_args, hide_parameters=True, **pool)
    begin = "BEGIN IMMEDIATE" if writer else "BEGIN"

    @event.listens_for(engine.sync_engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: ConnectionPoolEntry) -> None:
        # Take transaction control away from the sqlite3 module (it would BEGIN lazily
        # and DEFERRED); the "begin" listener below emits our own BEGIN.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        # FULL: an acknowledged message survives a power cut, not only a killed process.
        cursor.execute("PRAGMA synchronous=FULL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        cursor.close()

    @event.listens_for(engine.sync_engine, "begin")
    def _on_begin(conn: Any) -> None:
        conn.exec_driver_sql(begin)

    if writer:
        # The writer goes back to the pool rolled back only when a transaction is open.
        # Quick writes (storage/quick.py) commit behind SQLAlchemy's back, so it cannot
        # tell that nothing is left, and its default reset, a ROLLBACK in aiosqlite's
        # thread, cost each of their batches another trip there (0.7 ms at 1,000 msg/s).
        @event.listens_for(engine.sync_engine, "reset")
        def _on_reset(dbapi_connection: Any, _record: ConnectionPoolEntry, state: PoolResetState) -> None:
            sqlite = getattr(dbapi_connection.driver_connection, "_conn", None)  # None once closed
            if state.asyncio_safe and not state.transaction_was_reset and sqlite is not None and sqlite.in_transaction:
                dbapi_connection.rollback()

    return engine
