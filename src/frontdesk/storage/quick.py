"""Quick writes: a few hand-written statements in one round trip, and on SQLite several
of them in one transaction (group commit).

The ORM costs about 3 ms of CPU per sent message, and on SQLite each statement is a hop
to aiosqlite's thread and back (docs/benchmarks.md has the profile). The hottest write,
a message in an ongoing conversation, does not need either: ``QuickWrites.run`` takes
a plain function of an ``Exec`` and

- on SQLite, runs it with the other quick writes that arrived meanwhile under one
  ``BEGIN IMMEDIATE`` ... ``COMMIT``: one fsync for the batch. If one fails, the batch
  is rolled back and runs again, each write in a SAVEPOINT. The transaction runs in
  aiosqlite's thread, and a batch's messages as a set (see ``_sqlite_burst``);
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
import logging
import re
import sqlite3
from collections import deque
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol, TypeVar

from asyncpg import IntegrityConstraintViolationError  # type: ignore[import-untyped]
from sqlalchemy import TextClause, bindparam, text
from sqlalchemy.engine import Connection, Dialect
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.types import TypeEngine
from sqlalchemy.util import await_only, greenlet_spawn

from frontdesk.storage.db import POSTGRES_QUICK_CONNECTIONS, Database

T = TypeVar("T")
F = TypeVar("F", bound=Callable[..., Any])

log = logging.getLogger(__name__)

# A batch waits for nothing: it takes what queued while the previous one committed. The
# cap bounds how long the first caller of a batch waits for the others' statements.
MAX_BATCH = 64
# Batches one checkout of the SQLite writer runs back to back at the most while an ORM
# transaction waits for it: under full load, that one waits about as long as this many
# batches take. With none waiting, a burst goes on while writes keep coming: each end
# of a burst costs a pool checkout and turns of a busy loop (1-3 ms each under full
# load) before the writer has work again. Ending every burst after four batches did
# slightly worse at saturation (12 alternating pairs: 8 lost, mean -4%, within this
# host's noise; docs/benchmarks.md).
BURST = 4


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


# Who hears of a write's outcome: a future, or a function called with ``(ok, value or
# exception)`` the moment its batch's outcomes reach the loop (``call_back``).
Reply = Callable[[bool, Any], None]
Pending = tuple[Callable[[Exec], Any], "asyncio.Future[Any] | Reply"]


class QuickWrites:
    def __init__(self, db: Database) -> None:
        self.db = db
        # Appended by the loop; on SQLite taken by the writer's thread (deque's append and
        # popleft are atomic), so a batch takes what arrived up to the moment it starts.
        self._pending: deque[Pending] = deque()
        self._flushers: set[asyncio.Task[None]] = set()
        self._max_flushers = 1 if db.is_sqlite else POSTGRES_QUICK_CONNECTIONS  # SQLite: one writer
        self._sqlite_exec = _SqliteExec(db.engine.dialect) if db.is_sqlite else None
        self._postgres_sql: dict[str, tuple[str, list[str]]] = {}
        self.commits = 0  # transactions committed: under load, fewer than the writes

    async def run(self, fn: Callable[[Exec], T | None]) -> T | None:
        return await self.submit(fn)

    def submit(self, fn: Callable[[Exec], T | None]) -> asyncio.Future[T | None]:
        """``run`` for a caller that cannot wait: the future has the answer once
        committed."""
        future: asyncio.Future[T | None] = asyncio.get_running_loop().create_future()
        self._queue((fn, future))
        return future

    def call_back(self, fn: Callable[[Exec], Any], reply: Reply) -> None:
        """``submit`` for a caller that answers from the loop's callbacks (a frame's,
        ws/gateway.py): ``reply`` is called once committed, in the same turn of the loop
        as the batch's outcomes arrive. A future's callbacks run a turn later, and on
        SQLite the outcomes reach the loop straight from the writer's thread instead of
        through the flusher's task, another turn: under full load each turn is 1-3 ms
        that 100 senders in a closed loop wait through (docs/benchmarks.md)."""
        self._queue((fn, reply))

    async def drain(self) -> None:
        """Until the writes queued so far are committed and their connections given back.
        Their callers may have their answers sooner: on SQLite the writer's thread sends
        them before it reports the batch done to the flusher (``_sqlite_batch``)."""
        while running := [f for f in self._flushers if not f.done()]:
            await asyncio.gather(*running, return_exceptions=True)

    def _queue(self, write: Pending) -> None:
        self._pending.append(write)
        # done(), not membership alone: a flusher that has just ended is discarded only
        # by a callback on the loop's next turn, and it would take this write no more.
        if sum(not f.done() for f in self._flushers) < self._max_flushers:
            flusher = asyncio.create_task(self._flush_sqlite() if self.db.is_sqlite else self._flush_postgres())
            self._flushers.add(flusher)
            flusher.add_done_callback(self._flushers.discard)

    async def _flush_postgres(self) -> None:
        while self._pending:
            batch = _take(self._pending)
            try:
                outcomes = await self._postgres_batch([fn for fn, _ in batch])
            except Exception as exc:  # the transaction itself failed: nobody's write is stored
                outcomes = [(False, exc)] * len(batch)
            _answer(batch, outcomes)

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
                if _one_statement(fns):  # its own transaction: one round trip in all
                    values: list[Any] = await greenlet_spawn(_together, execute, fns)
                else:
                    async with driver.transaction():
                        values = await greenlet_spawn(_together, execute, fns)
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
    async def _flush_sqlite(self) -> None:
        while self._pending:
            try:
                await self._sqlite_burst()
            except Exception as exc:  # no writer to be had: those still waiting hear why
                batch = [self._pending.popleft() for _ in range(len(self._pending))]
                _answer(batch, [(False, exc)] * len(batch))

    async def _sqlite_burst(self) -> None:
        """Batches back to back in aiosqlite's thread, BEGIN to COMMIT each, while the
        loop goes on reading and answering sockets.

        Two batch jobs are queued to the thread at any time: the second starts the
        moment the first commits and takes what arrived meanwhile, instead of waiting
        for the loop to hear of the first and send another (1.7 ms a batch of 45).
        The writer pool's one connection stays checked out while writes keep coming, or
        for up to ``BURST`` batches once an ORM transaction waits for it (they queue
        behind the batches, and SQLite sees one writer at a time); giving it back lets
        them in (``engine.connect()``'s exit yields to the loop, and the pool's waiter
        runs first). aiosqlite's own thread, not any: a cancelled caller returns the
        connection to the pool, whose rollback then queues behind the batches instead
        of racing them.

        What kept the statements on the loop's thread before was the GIL: sqlite3 lets
        it go around every statement it runs (and every row it reads), and a thread
        that wants it back waits while the loop holds it, up to the switch interval
        (``frontdesk serve`` shortens it, cli.py). Per-message statements in a thread
        took 21 ms a batch of 50. Writes that run as a set (``together``: messages,
        messages/quick_send.py) take three statements for the whole batch instead;
        other writes (widget sessions, the search index's steps) are few and run as
        they are."""
        async with self.db.engine.connect() as conn:
            raw = await conn.get_raw_connection()
            driver = raw.driver_connection  # aiosqlite.Connection
            assert self._sqlite_exec is not None and driver is not None
            loop = asyncio.get_running_loop()
            args = (driver._conn, self._sqlite_exec, self._pending, loop, self._answered)
            jobs = deque(asyncio.ensure_future(driver._execute(_sqlite_batch, *args)) for _ in range(2))
            submitted = 2
            failed: Exception | None = None
            while jobs:
                try:
                    took = await jobs.popleft()
                except Exception as exc:  # aiosqlite refused the job (closing): it took nothing
                    failed = failed or exc
                    continue
                if took and failed is None and (submitted < BURST or not self.db.transactions):
                    jobs.append(asyncio.ensure_future(driver._execute(_sqlite_batch, *args)))
                    submitted += 1
            if failed is not None:
                raise failed

    def _answered(self, batch: list[Pending], outcomes: list[tuple[bool, Any]]) -> None:
        """A SQLite batch's outcomes, on the loop's thread, from the writer's."""
        self.commits += 1
        _answer(batch, outcomes)


def _take(pending: deque[Pending]) -> list[Pending]:
    return [pending.popleft() for _ in range(min(len(pending), MAX_BATCH))]


def _answer(batch: list[Pending], outcomes: list[tuple[bool, Any]]) -> None:
    for (_, reply), (ok, value) in zip(batch, outcomes, strict=True):
        if not isinstance(reply, asyncio.Future):
            try:
                reply(ok, value)
            except Exception:  # one caller's failure must not keep the others waiting
                log.exception("a quick write's reply failed")
        elif reply.done():
            continue  # its caller was cancelled; the write is stored all the same
        elif ok:
            reply.set_result(value)
        else:
            reply.set_exception(value)


async def in_session(session: AsyncSession, fn: Callable[[Exec], T]) -> T:
    """``fn`` in an ORM transaction, on its connection: an action's writes by the same
    statements as the quick writes' (messages/append.py)."""
    return await session.run_sync(lambda sync: fn(_ConnectionExec(sync.connection())))


class _ConnectionExec:
    """Runs statements through SQLAlchemy, on a session's connection (``in_session``)."""

    def __init__(self, connection: Connection) -> None:
        self.connection = connection
        self.dialect = connection.dialect.name

    def __call__(self, statement: Statement, params: Mapping[str, Any]) -> list[tuple[Any, ...]]:
        result = self.connection.execute(_clause(statement), params)
        return [tuple(row) for row in result] if result.returns_rows else []


_clauses: dict[str, TextClause] = {}


def _clause(statement: Statement) -> TextClause:
    clause = _clauses.get(statement.sql)
    if clause is None:
        types = [bindparam(name, type_=type_) for name, type_ in statement.types.items()]
        clause = _clauses[statement.sql] = text(statement.sql).bindparams(*types)
    return clause


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
            compiled = self.cache[statement.sql] = numbered(statement.sql)
        sql, order = compiled
        rows = await_only(self.driver.fetch(sql, *(params[name] for name in order)))
        return [tuple(row) for row in rows]


def numbered(sql: str) -> tuple[str, list[str]]:
    """``sql`` with its ``:name`` parameters as asyncpg's ``$n``, and the names in order."""
    names: list[str] = []

    def number(match: re.Match[str]) -> str:
        if match[1] not in names:
            names.append(match[1])
        return f"${names.index(match[1]) + 1}"

    return _PARAM.sub(number, sql), names


_PARAM = re.compile(r"(?<![:\w]):(\w+)")


class _SqliteExec:
    """Runs statements on the raw sqlite3 connection, converting typed parameters with
    the same processors SQLAlchemy would use, so rows read back through the ORM alike."""

    dialect = "sqlite"

    def __init__(self, dialect: Dialect) -> None:
        self._sa_dialect = dialect
        self.conn: sqlite3.Connection | None = None  # the writer's, while a batch runs
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


def _sqlite_batch(
    conn: sqlite3.Connection,
    execute: _SqliteExec,
    pending: deque[Pending],
    loop: asyncio.AbstractEventLoop,
    answered: Callable[[list[Pending], list[tuple[bool, Any]]], None],
) -> bool:
    """In aiosqlite's thread: what is pending now, in one transaction; whether there was
    any. BEGIN IMMEDIATE waits (``busy_timeout``) for another process that holds the
    write lock, here, not on the loop. The outcomes go to the loop (``answered``) from
    here: the callers are the loop's to answer; this only reads the functions."""
    batch = _take(pending)
    if not batch:
        return False
    fns = [fn for fn, _ in batch]
    execute.conn = conn
    try:
        conn.execute("BEGIN IMMEDIATE")
        outcomes = _run_all(conn, execute, fns)
        if outcomes is None:  # one failed and the transaction was rolled back
            conn.execute("BEGIN IMMEDIATE")
            outcomes = _run_each(conn, execute, fns)
        conn.execute("COMMIT")
    except Exception as exc:  # the transaction itself failed: nobody's write is stored
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        outcomes = [(False, exc)] * len(batch)
    finally:
        execute.conn = None
    loop.call_soon_threadsafe(answered, batch, outcomes)
    return True


def _run_all(
    conn: sqlite3.Connection, execute: _SqliteExec, fns: list[Callable[[Exec], Any]]
) -> list[tuple[bool, Any]] | None:
    """Every function in the caller's transaction, with no savepoints: a savepoint per
    function cost 5% of the throughput (SQLite journals each page a savepoint may have to
    restore). Those with a ``together`` run as one set each. If one fails, the whole
    transaction is rolled back and None returned, and the caller runs them again with
    ``_run_each``."""
    try:
        return [(True, value) for value in _together(execute, fns)]
    except Exception:
        conn.execute("ROLLBACK")
        return None


def one_statement(together: F) -> F:
    """Marks a ``together`` that runs a single statement on PostgreSQL, whatever the set's
    size. A batch of writes that all share it needs no BEGIN and COMMIT there (two more
    round trips): the statement is its own transaction, all or nothing."""
    together.one_statement = True  # type: ignore[attr-defined]
    return together


def _one_statement(fns: list[Callable[[Exec], Any]]) -> bool:
    together = getattr(fns[0], "together", None)
    return getattr(together, "one_statement", False) and all(getattr(fn, "together", None) is together for fn in fns)


def _together(execute: Exec, fns: list[Callable[[Exec], Any]]) -> list[Any]:
    """Every function's value, in order; those with a ``together`` run as one set each."""
    values: list[Any] = [None] * len(fns)
    sets: dict[Callable[[Exec, list[Any]], list[Any]], list[int]] = {}
    for i, fn in enumerate(fns):
        together = getattr(fn, "together", None)
        if together is None:
            values[i] = fn(execute)
        else:
            sets.setdefault(together, []).append(i)
    for together, indexes in sets.items():
        for i, value in zip(indexes, together(execute, [fns[i] for i in indexes]), strict=True):
            values[i] = value
    return values


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


# The executors, public for the quick reads (storage/reads.py): the same statements and
# parameters, on a reader's connection.
SqliteExec = _SqliteExec
PostgresExec = _PostgresExec
