"""Quick reads: the hot path's lookups as hand-written statements, many callers' at once.

A socket's ``hello`` and a widget's session start each need a few rows (the contact
behind a token, a website, a visitor's chats). Through the ORM that was a session per
lookup, each a dozen hops to aiosqlite's thread (BEGIN, the statement, its rows, the
reset), about 2 ms of CPU a lookup: a reconnecting visitor cost 11 ms, and a node that
restarted took two minutes to take its 10,000 visitors back (docs/benchmarks.md,
"Reconnect storm"). Here a read is a function of an ``Exec`` (the quick writes' own,
storage/quick.py) given one argument of a list: ``QuickReads.get(read, arg)`` queues
``arg``, and the calls queued meanwhile run together, ``read(execute, [arg, ...])``
once per kind, with one answer per argument, so a storm of hellos is one statement per
kind for a hundred of them:

- on SQLite, in a reader connection's own thread (aiosqlite's), under one ``BEGIN`` ...
  ``COMMIT``: every read of a batch sees one snapshot, taken after each was asked for;
- on PostgreSQL, on one connection, each kind's statement a round trip.

A read asked for after something was committed sees it: the batch that takes it begins
after it was queued. That is what a socket needs (docs/protocol.md): it subscribes, then
reads, and whatever was committed before the read is in it.
"""

from __future__ import annotations

import asyncio
import logging
import sqlite3
from collections import deque
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

import orjson
from sqlalchemy.util import greenlet_spawn

from frontdesk.storage.db import Database
from frontdesk.storage.quick import Exec as Exec  # re-exported: a quick read's executor
from frontdesk.storage.quick import PostgresExec, SqliteExec, Statement

A = TypeVar("A")
R = TypeVar("R")

log = logging.getLogger(__name__)

# A read of ``args`` by one kind of statement: one answer per argument, in their order.
Read = Callable[[Exec, list[Any]], Sequence[Any]]
_Pending = tuple[Read, Any, "asyncio.Future[Any]"]

# Arguments one batch takes at the most: a statement's IN list, and how long the first
# caller of a batch waits for the others' rows.
MAX_BATCH = 256
# Batches at once, each on a connection of its own. SQLite: two of the four reader
# threads (the ORM's reads have the others). PostgreSQL: a batch mostly waits on round
# trips, so a few overlap.
SQLITE_FLUSHERS = 2
POSTGRES_FLUSHERS = 3


class Listed:
    """A statement over a list of values: ``{listed}`` in its SQL stands for "``column``
    is one of the list", each dialect's way (SQLite's ``json_each`` of a JSON array,
    PostgreSQL's ``= ANY`` of an array), so its text, and the prepared statement, is
    the same whatever the list's length."""

    def __init__(self, sql: str, column: str) -> None:
        # S608: ``sql`` and ``column`` are the code's own constants; every value is bound.
        self._by_dialect = {
            "sqlite": Statement(sql.format(listed=f"{column} IN (SELECT value FROM json_each(:listed))")),  # noqa: S608
            "postgresql": Statement(sql.format(listed=f"{column} = ANY(:listed)")),
        }

    def __call__(self, execute: Exec, values: list[str]) -> list[tuple[Any, ...]]:
        listed: Any = orjson.dumps(values).decode() if execute.dialect == "sqlite" else values
        return execute(self._by_dialect[execute.dialect], {"listed": listed})


class QuickReads:
    def __init__(self, db: Database) -> None:
        self.db = db
        self._pending: deque[_Pending] = deque()
        self._flushers: set[asyncio.Task[None]] = set()
        self._max_flushers = SQLITE_FLUSHERS if db.is_sqlite else POSTGRES_FLUSHERS
        self._postgres_sql: dict[str, tuple[str, list[str]]] = {}
        self.batches = 0  # batches run: under load, fewer than the reads

    async def get(self, read: Callable[[Exec, list[A]], Sequence[R]], arg: A) -> R:
        """``read``'s answer for ``arg``, read with whatever else is asked meanwhile."""
        future: asyncio.Future[R] = asyncio.get_running_loop().create_future()
        self._pending.append((read, arg, future))
        if sum(not f.done() for f in self._flushers) < self._max_flushers:
            flusher = asyncio.create_task(self._flush_sqlite() if self.db.is_sqlite else self._flush_postgres())
            self._flushers.add(flusher)
            flusher.add_done_callback(self._flushers.discard)
        return await future

    async def drain(self) -> None:
        """Until the reads asked for so far are answered and their connections given back."""
        while running := [f for f in self._flushers if not f.done()]:
            await asyncio.gather(*running, return_exceptions=True)

    async def _flush_sqlite(self) -> None:
        """Batches back to back in one reader's thread while reads keep coming; the
        answers go to the loop from there (``_answer``), in the turn they arrive.
        Reads that came while the connection was being given back (an await) start
        another round: the last look at ``_pending`` is the flusher's last step, or a
        read could wait with every flusher still counted as running."""
        while self._pending:
            try:
                async with self.db.read_engine.connect() as conn:
                    raw = await conn.get_raw_connection()
                    driver = raw.driver_connection  # aiosqlite.Connection
                    assert driver is not None
                    execute = SqliteExec(self.db.read_engine.dialect)  # its own: it holds the connection
                    loop = asyncio.get_running_loop()
                    while self._pending:
                        await driver._execute(_sqlite_batch, driver._conn, execute, self._pending, loop)
                        self.batches += 1
            except Exception as exc:  # no reader to be had: those still waiting hear why
                _fail(self._pending, exc)

    async def _flush_postgres(self) -> None:
        while self._pending:
            try:
                async with self.db.read_engine.connect() as conn:
                    raw = await conn.get_raw_connection()
                    execute = PostgresExec(raw.driver_connection, self._postgres_sql)
                    while self._pending:
                        batch = _take(self._pending)
                        try:
                            outcomes = await greenlet_spawn(_run, execute, batch)
                        except Exception as exc:  # the connection failed: this batch's callers hear why
                            outcomes = [(False, exc)] * len(batch)
                        self.batches += 1
                        _answer(batch, outcomes)
            except Exception as exc:
                _fail(self._pending, exc)


def _take(pending: deque[_Pending]) -> list[_Pending]:
    """Up to ``MAX_BATCH`` of what is pending. Two readers' threads take from the same
    deque: each ``popleft`` is atomic, a length read before it is not."""
    batch: list[_Pending] = []
    while len(batch) < MAX_BATCH:
        try:
            batch.append(pending.popleft())
        except IndexError:
            break
    return batch


def _run(execute: Exec, batch: list[_Pending]) -> list[tuple[bool, Any]]:
    """Each kind of read once, for all its arguments; a kind that fails fails its
    callers alone."""
    kinds: dict[Read, list[int]] = {}
    for i, (read, _, _) in enumerate(batch):
        kinds.setdefault(read, []).append(i)
    outcomes: list[tuple[bool, Any]] = [(False, None)] * len(batch)
    for read, indexes in kinds.items():
        try:
            answers = read(execute, [batch[i][1] for i in indexes])
            for i, answer in zip(indexes, answers, strict=True):
                outcomes[i] = (True, answer)
        except Exception as exc:
            for i in indexes:
                outcomes[i] = (False, exc)
    return outcomes


def _sqlite_batch(
    conn: sqlite3.Connection, execute: SqliteExec, pending: deque[_Pending], loop: asyncio.AbstractEventLoop
) -> None:
    """In the reader's thread: what is pending now, in one read transaction."""
    batch = _take(pending)
    if not batch:
        return
    execute.conn = conn
    try:
        conn.execute("BEGIN")
        try:
            outcomes = _run(execute, batch)
        finally:
            conn.execute("COMMIT")
    except Exception as exc:
        outcomes = [(False, exc)] * len(batch)
    finally:
        execute.conn = None
    loop.call_soon_threadsafe(_answer, batch, outcomes)


def _answer(batch: list[_Pending], outcomes: list[tuple[bool, Any]]) -> None:
    for (_, _, future), (ok, value) in zip(batch, outcomes, strict=True):
        if future.done():
            continue  # its caller was cancelled
        if ok:
            future.set_result(value)
        else:
            future.set_exception(value)


def _fail(pending: deque[_Pending], exc: Exception) -> None:
    while batch := _take(pending):
        _answer(batch, [(False, exc)] * len(batch))
