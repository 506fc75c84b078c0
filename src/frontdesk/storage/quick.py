"""Quick writes: a few hand-written statements in one round trip, and on SQLite several
of them in one transaction (group commit).

The ORM costs about 3 ms of CPU per sent message, and on SQLite each statement is a hop
to aiosqlite's thread and back (docs/benchmarks.md has the profile). The hottest write,
a message in an ongoing conversation, does not need either: ``QuickWrites.run`` takes
a plain function of an ``Exec`` and

- on SQLite, runs it with the other quick writes that arrived meanwhile under one
  ``BEGIN IMMEDIATE`` ... ``COMMIT``: one fsync for the batch. If one fails, the batch
  is rolled back and runs again, each write in a SAVEPOINT. The statements run on the
  event loop's own thread, the COMMIT in aiosqlite's (see ``_sqlite_batch``);
- on PostgreSQL, likewise in one transaction, without savepoints (each would cost two
  round trips): when one write fails, the batch is rolled back and each runs alone.

Every caller gets its answer only after the COMMIT, so nothing is acknowledged before it
is on disk. A batch takes what queued while the previous one committed, so under light
load a write waits for nobody, and under heavy load the commits grow, not the queue.

A function returns ``None`` when the quick path does not apply (it must not have written
anything then); the caller takes the full ORM path. A constraint violation rolls back
that function's work alone and is reported as ``None`` too, so the full path, which
knows what the violation means (a retried ``client_ref``), decides.
"""

from __future__ import annotations

import asyncio
import re
import sqlite3
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol, TypeVar

from asyncpg import IntegrityConstraintViolationError  # type: ignore[import-untyped]
from sqlalchemy.engine import Dialect
from sqlalchemy.types import TypeEngine
from sqlalchemy.util import await_only, greenlet_spawn

from frontdesk.storage.db import POSTGRES_QUICK_CONNECTIONS, SQLITE_BUSY_TIMEOUT_MS, Database

T = TypeVar("T")

# A batch waits for nothing: it takes what queued while the previous one committed. The
# cap bounds how long the first caller of a batch waits for the others' statements.
MAX_BATCH = 64


@dataclass(frozen=True)
class Statement:
    """SQL with ``:name`` parameters (both sqlite3 and SQLAlchemy's text() read them),
    and the types of the parameters that need converting (datetimes, mostly)."""

    sql: str
    types: Mapping[str, TypeEngine[Any]] = field(default_factory=dict)


class Exec(Protocol):
    # "sqlite" or "postgresql": a write may take a shorter way on one of them.
    dialect: str

    def __call__(self, statement: Statement, params: Mapping[str, Any]) -> list[tuple[Any, ...]]: ...


class Conflict(Exception):
    """A constraint refused the write; the full path will find out why."""


class QuickWrites:
    def __init__(self, db: Database) -> None:
        self.db = db
        self._pending: list[tuple[Callable[[Exec], Any], asyncio.Future[Any]]] = []
        self._flushers: set[asyncio.Task[None]] = set()
        self._max_flushers = 1 if db.is_sqlite else POSTGRES_QUICK_CONNECTIONS  # SQLite: one writer
        self._sqlite_exec = _SqliteExec(db.engine.dialect) if db.is_sqlite else None
        self._postgres_sql: dict[str, tuple[str, list[str]]] = {}
        self.commits = 0  # transactions committed: under load, fewer than the writes

    async def run(self, fn: Callable[[Exec], T | None]) -> T | None:
        future: asyncio.Future[T | None] = asyncio.get_running_loop().create_future()
        self._pending.append((fn, future))
        # done(), not membership alone: a flusher that has just ended is discarded only
        # by a callback on the loop's next turn, and it would take this write no more.
        if sum(not f.done() for f in self._flushers) < self._max_flushers:
            flusher = asyncio.create_task(self._flush())
            self._flushers.add(flusher)
            flusher.add_done_callback(self._flushers.discard)
        return await future

    async def _flush(self) -> None:
        while self._pending:
            batch, self._pending = self._pending[:MAX_BATCH], self._pending[MAX_BATCH:]
            fns = [fn for fn, _ in batch]
            try:
                outcomes = await (self._sqlite_batch(fns) if self.db.is_sqlite else self._postgres_batch(fns))
            except Exception as exc:  # the transaction itself failed: nobody's write is stored
                outcomes = [(False, exc)] * len(batch)
            for (_, future), (ok, value) in zip(batch, outcomes, strict=True):
                if future.done():
                    continue  # its caller was cancelled; the write is stored all the same
                if ok:
                    future.set_result(value)
                else:
                    future.set_exception(value)

    # PostgreSQL -------------------------------------------------------------------
    async def _postgres_batch(
        self, fns: list[Callable[[Exec], Any]], *, retried: bool = False
    ) -> list[tuple[bool, Any]]:
        """All in one transaction; if any fails, that transaction is rolled back and each
        runs again alone, so one bad write (or a deadlock with another node's batch, or a
        dead connection) costs only time. A write alone that fails for any reason but a
        refusal is tried once more: its connection may have been a dead one, now replaced.
        Savepoints would cost two round trips per write instead."""
        try:
            return [(True, value) for value in await self._postgres_attempt(fns)]
        except Exception as exc:
            if len(fns) == 1:
                if isinstance(exc, IntegrityConstraintViolationError | Conflict):
                    return [(True, None)]
                if retried:
                    return [(False, exc)]
                return await self._postgres_batch(fns, retried=True)
        return [(await self._postgres_batch([fn]))[0] for fn in fns]

    async def _postgres_attempt(self, fns: list[Callable[[Exec], Any]]) -> list[Any]:
        """On asyncpg's own connection, not through SQLAlchemy's adapter, result objects
        and type processing: one node stored 1,650 -> 1,920 msg/s at saturation that way,
        and p99 at 1,000 msg/s went 60 -> 33 ms (docs/benchmarks.md). The functions stay
        plain functions, run in a greenlet (as SQLAlchemy's ``run_sync`` does) so each
        statement can await its round trip."""
        async with self.db.quick_engine.connect() as conn:
            raw = await conn.get_raw_connection()
            driver = raw.driver_connection  # asyncpg.Connection
            assert driver is not None
            execute = _PostgresExec(driver, self._postgres_sql)
            try:
                async with driver.transaction():
                    values: list[Any] = await greenlet_spawn(lambda: [fn(execute) for fn in fns])
            except (IntegrityConstraintViolationError, Conflict):
                raise  # the connection is fine; the write was refused
            except BaseException:
                # No ping at checkout (storage/db.py): a dead connection shows here, as
                # one of several errors asyncpg raises for it, and its pool-mates (after
                # a restart) are likely dead too. The pool starts afresh (a reconnect costs
                # a few ms, and other failures are rare); ``_postgres_batch`` tries again.
                await conn.invalidate()
                await self.db.quick_engine.dispose()
                raise
        self.commits += 1
        return values

    # SQLite ------------------------------------------------------------------------
    async def _sqlite_batch(self, fns: list[Callable[[Exec], Any]]) -> list[tuple[bool, Any]]:
        """The batch's statements run right here, blocking the event loop while SQLite
        works (a few ms for a full batch). In aiosqlite's thread they were slower: the
        batch's Python code and the loop's took turns at the GIL, each thread under half
        a core busy, 21 ms per batch of 50; inline, the same load stored 40% more messages
        per second (docs/benchmarks.md). Only the COMMIT, which waits for the disk, goes
        to the thread. The writer pool's one connection is checked out meanwhile, so ORM
        transactions queue behind the batch, and SQLite sees one writer at a time."""
        async with self.db.engine.connect() as conn:
            raw = await conn.get_raw_connection()
            driver = raw.driver_connection  # aiosqlite.Connection
            assert self._sqlite_exec is not None and driver is not None
            sqlite = driver._conn
            self._sqlite_exec.conn = sqlite
            try:
                await _begin(sqlite)
                outcomes = _run_all(sqlite, self._sqlite_exec, fns)
                if outcomes is None:  # one failed and the transaction was rolled back
                    await _begin(sqlite)
                    outcomes = _run_each(sqlite, self._sqlite_exec, fns)
                # In aiosqlite's thread: the COMMIT is mostly waiting for the disk (the
                # WAL write and its fsync, 1-3 ms for a batch of 35 messages, more when it
                # checkpoints), and the loop reads the next batch's frames meanwhile. The
                # thread needs the GIL back to return; ``frontdesk serve`` shortens the
                # switch interval to 1 ms for it (cli.py): with the default 5 ms, p99 at
                # 1,000 msg/s went from 19 to 34 ms. aiosqlite's own thread, not any: a
                # cancelled caller returns the connection to the pool, whose rollback
                # then queues behind the COMMIT instead of racing it.
                await driver.execute("COMMIT")
            except Exception:
                if sqlite.in_transaction:
                    sqlite.execute("ROLLBACK")
                raise
            finally:
                self._sqlite_exec.conn = None
        self.commits += 1
        return outcomes


class _PostgresExec:
    """Runs statements on the asyncpg connection, ``:name`` parameters turned into ``$n``.
    Only ``Statement`` values are bound: aware datetimes and plain values, which asyncpg
    takes as they are."""

    dialect = "postgresql"

    def __init__(self, driver: Any, cache: dict[str, tuple[str, list[str]]]) -> None:
        self.driver = driver
        self.cache = cache

    def __call__(self, statement: Statement, params: Mapping[str, Any]) -> list[tuple[Any, ...]]:
        compiled = self.cache.get(statement.sql)
        if compiled is None:
            names: list[str] = []

            def number(match: re.Match[str]) -> str:
                if match[1] not in names:
                    names.append(match[1])
                return f"${names.index(match[1]) + 1}"

            compiled = self.cache[statement.sql] = (_PARAM.sub(number, statement.sql), names)
        sql, order = compiled
        rows = await_only(self.driver.fetch(sql, *(params[name] for name in order)))
        return [tuple(row) for row in rows]


_PARAM = re.compile(r"(?<![:\w]):(\w+)")


class _SqliteExec:
    """Runs statements on the raw sqlite3 connection, converting typed parameters with
    the same processors SQLAlchemy would use, so rows read back through the ORM alike."""

    dialect = "sqlite"

    def __init__(self, dialect: Dialect) -> None:
        self._sa_dialect = dialect
        self.conn: sqlite3.Connection | None = None
        self._processors: dict[int, Callable[[Any], Any] | None] = {}

    def __call__(self, statement: Statement, params: Mapping[str, Any]) -> list[tuple[Any, ...]]:
        assert self.conn is not None
        if statement.types:
            params = dict(params)
            for name, type_ in statement.types.items():
                process = self._processor(type_)
                if process is not None and params.get(name) is not None:
                    params[name] = process(params[name])
        return self.conn.execute(statement.sql, params).fetchall()

    def _processor(self, type_: TypeEngine[Any]) -> Callable[[Any], Any] | None:
        key = id(type_)
        if key not in self._processors:
            # dialect_impl: the SQLite DATETIME's own formatting, after our conversion to UTC.
            self._processors[key] = type_.dialect_impl(self._sa_dialect).bind_processor(self._sa_dialect)
        return self._processors[key]


async def _begin(conn: sqlite3.Connection) -> None:
    if not _begin_at_once(conn):
        # Another process (or another engine of this one) is writing: wait for it in a
        # thread, so this loop serves sockets, and can finish that engine's transaction,
        # meanwhile.
        await asyncio.to_thread(conn.execute, "BEGIN IMMEDIATE")


def _begin_at_once(conn: sqlite3.Connection) -> bool:
    """BEGIN IMMEDIATE if no one else holds the write lock; False if someone does."""
    conn.execute("PRAGMA busy_timeout=0")
    try:
        conn.execute("BEGIN IMMEDIATE")
        return True
    except sqlite3.OperationalError as exc:
        if exc.sqlite_errorcode != sqlite3.SQLITE_BUSY:
            raise
        return False
    finally:
        conn.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")


def _run_all(
    conn: sqlite3.Connection, execute: _SqliteExec, fns: list[Callable[[Exec], Any]]
) -> list[tuple[bool, Any]] | None:
    """Every function in the caller's transaction, with no savepoints: a savepoint per
    function cost 5% of the throughput (SQLite journals each page a savepoint may have to
    restore). If one fails, the whole transaction is rolled back and None returned, and
    the caller runs them again with ``_run_each``."""
    try:
        return [(True, fn(execute)) for fn in fns]
    except Exception:
        conn.execute("ROLLBACK")
        return None


def _run_each(
    conn: sqlite3.Connection, execute: _SqliteExec, fns: list[Callable[[Exec], Any]]
) -> list[tuple[bool, Any]]:
    """Every function in its own savepoint, so a failing one undoes its own work alone."""
    outcomes: list[tuple[bool, Any]] = []
    for fn in fns:
        conn.execute("SAVEPOINT quick")
        try:
            value = fn(execute)
        except (sqlite3.IntegrityError, Conflict):
            conn.execute("ROLLBACK TO quick")
            value = None
        except Exception as exc:
            conn.execute("ROLLBACK TO quick")
            conn.execute("RELEASE quick")
            outcomes.append((False, exc))
            continue
        conn.execute("RELEASE quick")
        outcomes.append((True, value))
    return outcomes
