"""Writing durable events into the outbox, in the caller's transaction."""

from __future__ import annotations

import weakref
from collections.abc import Iterable

from sqlalchemy.ext.asyncio import AsyncSession

from frontdesk.events import Dumped, Event, EventName
from frontdesk.outbox.models import OutboxRow

# The durable events written so far, so that the publisher can refuse one that was not:
# an event published without its row would reach sockets and never the webhooks.
_recorded: weakref.WeakSet[Event] = weakref.WeakSet()


def record(session: AsyncSession, events: Iterable[Event]) -> None:
    """Add the outbox rows of the durable events among ``events`` to the transaction."""
    for event in events:
        if not event.durable:
            continue
        if event.workspace_id is None:
            raise ValueError(f"durable event {event.name} names no workspace")
        data = event.data.json if isinstance(event.data, Dumped) else event.data.model_dump(mode="json")
        row = OutboxRow(workspace_id=event.workspace_id, name=event.name.value, conversation_id=event.conversation_id)
        if event.name is EventName.MESSAGE_CREATED:
            row.message_id = data["message"]["id"]  # its payload is read back when handed over
        else:
            row.payload = data
        session.add(row)
        _recorded.add(event)


def recorded_elsewhere(event: Event) -> Event:
    """For the hot path, whose statement wrote the event's row itself."""
    _recorded.add(event)
    return event


def is_recorded(event: Event) -> bool:
    return event in _recorded
