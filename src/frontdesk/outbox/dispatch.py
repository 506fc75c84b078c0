"""Handing the outbox's events to the durable listeners: at least once, in order per
conversation, whatever dies in between.

One transaction per batch reads the oldest rows, lets every listener write what it
makes of them (webhooks: a delivery per endpoint), and deletes the rows: the hand-over
and the listeners' writes commit together or not at all, so a dispatcher killed at any
point leaves the rows for the next one, and a listener never gets a row twice.

Order: a conversation's rows are written while its row is locked, so their ids increase
in commit order; batches are taken in id order by one dispatcher at a time (on
PostgreSQL an advisory lock elects it among the nodes and workers; SQLite has one writer
anyway). It runs in ``frontdesk serve`` by default, or alone in ``frontdesk worker``.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

from sqlalchemy import delete, select, text
from sqlalchemy.ext.asyncio import AsyncSession

from frontdesk.events import EventName
from frontdesk.outbox.models import OutboxRow
from frontdesk.storage.db import Database

log = logging.getLogger(__name__)

BATCH = 500
POLL_SECONDS = 1.0  # how long a row may wait when its node did not say (another node's)
# A key of PostgreSQL's advisory locks held by the dispatcher for its transaction.
_LEADER_KEY = 0x46444F42  # "FDOB"


@dataclass(frozen=True, slots=True)
class OutboxEvent:
    id: int  # increasing in commit order within a conversation
    name: str  # the catalog's name, e.g. "message.created"
    workspace_id: str
    conversation_id: str | None
    data: dict[str, Any]  # the catalog model's JSON
    created_at: datetime


# Stored messages' payloads by id (``{"message": ...}``), for the rows of ``message.created``
# that carry only the id; the messages package provides it (messages/queries.py).
MessagePayloads = Callable[[AsyncSession, list[str]], Awaitable[dict[str, dict[str, Any]]]]


class DurableListener(Protocol):
    """A consumer of durable events (webhooks; later automation, reports, bots)."""

    async def wants(self, session: AsyncSession, workspace_ids: set[str]) -> set[tuple[str, str]]:
        """Which (workspace id, event name) it follows among these workspaces: the rest
        are not built for it (most workspaces follow nothing)."""
        ...

    async def handle(self, session: AsyncSession, events: Sequence[OutboxEvent]) -> None:
        """Write what it makes of the events in ``session``; send nothing from here (the
        transaction may yet roll back). Events come in order per conversation."""
        ...


class Dispatcher:
    def __init__(
        self,
        db: Database,
        listeners: Sequence[DurableListener],
        message_payloads: MessagePayloads,
        wake: asyncio.Event | None = None,
    ) -> None:
        self.db = db
        self.listeners = tuple(listeners)
        self.message_payloads = message_payloads
        self.wake = wake or asyncio.Event()

    async def run_forever(self) -> None:
        while True:
            try:
                handed = await self.dispatch()
            except Exception:  # a passing database error must not stop delivery for good
                log.exception("outbox dispatch failed; retrying")
                handed = 0
            if handed < BATCH:
                self.wake.clear()
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self.wake.wait(), POLL_SECONDS)

    async def dispatch(self) -> int:
        """Hand over one batch; how many rows it held."""
        async with self.db.transaction() as session:
            if not self.db.is_sqlite:
                lead = await session.scalar(text("SELECT pg_try_advisory_xact_lock(:key)"), {"key": _LEADER_KEY})
                if not lead:
                    return 0  # another node's dispatcher has it; it takes these rows
            rows = (
                await session.execute(
                    select(
                        OutboxRow.id,
                        OutboxRow.name,
                        OutboxRow.workspace_id,
                        OutboxRow.conversation_id,
                        OutboxRow.message_id,
                        OutboxRow.payload,
                        OutboxRow.created_at,
                    )
                    .order_by(OutboxRow.id)
                    .limit(BATCH)
                )
            ).all()
            if not rows:
                return 0
            workspaces = {row.workspace_id for row in rows}
            wanted = [await listener.wants(session, workspaces) for listener in self.listeners]
            followed = set().union(*wanted)
            followed_rows = [row for row in rows if (row.workspace_id, row.name) in followed]
            events = await self._events(session, followed_rows)
            for listener, wants in zip(self.listeners, wanted, strict=True):
                mine = [event for event in events if (event.workspace_id, event.name) in wants]
                if mine:
                    await listener.handle(session, mine)
            ids = [row.id for row in rows]
            await session.execute(delete(OutboxRow).where(OutboxRow.id.in_(ids)))
        return len(rows)

    async def _events(self, session: AsyncSession, rows: Sequence[Any]) -> list[OutboxEvent]:
        """The rows as events; a stored message's payload read back from the message
        (gone: erased since, and its event with it)."""
        message_ids = [row.message_id for row in rows if row.message_id is not None]
        messages = await self.message_payloads(session, message_ids) if message_ids else {}
        events = []
        for row in rows:
            data = row.payload
            if row.name == EventName.MESSAGE_CREATED.value and row.message_id is not None:
                data = messages.get(row.message_id)
            if data is None:
                continue
            event = OutboxEvent(row.id, row.name, row.workspace_id, row.conversation_id, data, row.created_at)
            events.append(event)
        return events
