"""The one way events leave the system: after the commit of the transaction that made
them, to an explicit list of listeners.

- Transient listeners are called at once, on the node that committed: the socket bus
  (every node's sockets), the search indexer (SQLite's index, filled a moment later),
  the outbox dispatcher's wake-up.
- Durable listeners (webhooks now; automation, reports, bots next) never hear an event
  here: its row was written to the outbox in the same transaction (``emit``), and the
  dispatcher (outbox/dispatch.py) hands it to them at least once, in order per
  conversation, whatever dies in between.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Sequence

from sqlalchemy.ext.asyncio import AsyncSession

from frontdesk.events import DROPPABLE, Event
from frontdesk.outbox.record import is_recorded, record
from frontdesk.realtime.bus import Bus, BusMessage
from frontdesk.storage.db import on_commit

log = logging.getLogger(__name__)

Listener = Callable[[Sequence[Event]], None]


class Publisher:
    def __init__(self, listeners: Sequence[tuple[str, Listener]]) -> None:
        self.listeners = tuple(listeners)

    def publish(self, events: Iterable[Event]) -> None:
        """Events whose transaction has committed (or that belong to none: typing, queue
        positions). A durable event must have been recorded with its change (``emit``)."""
        batch = list(events)
        if not batch:
            return
        for event in batch:
            if event.durable and not is_recorded(event):
                raise RuntimeError(f"{event.name} was not written to the outbox with its change; use emit()")
        for name, listener in self.listeners:
            try:
                listener(batch)
            except Exception:  # one listener's failure must not keep the others from hearing
                log.exception("event listener %r failed", name)


def emit(publisher: Publisher, session: AsyncSession, events: Iterable[Event]) -> None:
    """In a write transaction: record the durable events in the outbox now, and publish
    them all once the transaction commits (never, if it rolls back)."""
    batch = list(events)
    if not batch:
        return
    record(session, batch)
    on_commit(session, lambda: publisher.publish(batch))


def to_bus(bus: Bus) -> Listener:
    """The socket bus: each event to its topics, all in one hand-over (on Redis, one
    round trip for them all)."""

    def post(events: Sequence[Event]) -> None:
        published: list[tuple[str, BusMessage]] = []
        for event in events:
            if not event.topics:
                continue  # for durable listeners only
            message = BusMessage(
                frame=event.frame(),
                event=event.name.value,
                conversation_id=event.conversation_id,
                seq=event.seq,
                droppable=event.name in DROPPABLE,
                team_id=event.team_id,
                assignee_id=event.assignee_id,
            )
            published += [(topic, message) for topic in event.topics]
        if published:
            bus.post(published)

    return post
