"""What actions need from the outside world: the database, the bus, the settings.
Built once by the app factory (or a test) and passed explicitly."""

from __future__ import annotations

import asyncio
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Protocol

from sqlalchemy.ext.asyncio import AsyncSession

from frontdesk.events import Event
from frontdesk.mail.sender import MailSender, MemorySender
from frontdesk.publisher import Publisher, emit, to_bus
from frontdesk.ratelimits.limiter import RateLimiter, memory_limiter
from frontdesk.realtime.bus import Bus
from frontdesk.realtime.presence import Presence
from frontdesk.realtime.socket_caps import SocketCaps
from frontdesk.settings import Settings
from frontdesk.storage.db import Database
from frontdesk.storage.quick import QuickWrites
from frontdesk.tokens import VisitorTokens


class Indexer(Protocol):
    """What fills the search index a moment after messages are stored (search/index.py;
    SQLite's, run by each node)."""

    def heard(self, events: Sequence[Event]) -> None: ...


@dataclass
class Context:
    db: Database
    bus: Bus
    settings: Settings
    visitor_tokens: VisitorTokens
    presence: Presence = field(default_factory=Presence)
    mail: MailSender = field(default_factory=MemorySender)
    rate_limits: RateLimiter = field(default_factory=memory_limiter)
    # Open sockets and event streams per IP and per visitor (docs/protocol.md).
    socket_caps: SocketCaps = field(default_factory=SocketCaps)
    # The hot path's writes: hand-written statements, group-committed on SQLite.
    quick: QuickWrites = field(init=False)
    # SQLite's search index, filled in bulk a moment after messages are stored; None
    # where searches index what they need as they run (tests, PostgreSQL).
    search_index: Indexer | None = None

    # The one way events leave (publisher.py), and its list of listeners.
    publisher: Publisher = field(init=False)
    # Set when durable events were committed on this node: the outbox dispatcher wakes.
    outbox_ready: asyncio.Event = field(init=False, default_factory=asyncio.Event)

    def __post_init__(self) -> None:
        self.quick = self.db.quick
        self.publisher = Publisher(
            [
                ("sockets", to_bus(self.bus)),
                ("search index", self._index_messages),
                ("outbox", self._wake_outbox),
            ]
        )

    async def publish(self, events: Iterable[Event]) -> None:
        """Publish events that belong to no transaction, or whose transaction has
        committed; durable events go through ``emit`` instead."""
        self.publisher.publish(events)

    def publish_now(self, events: Iterable[Event]) -> None:
        """The same, from a plain function (the bus never makes a publisher wait)."""
        self.publisher.publish(events)

    def emit(self, session: AsyncSession, events: Iterable[Event]) -> None:
        """In a write transaction: the events' outbox rows now, their publication after
        the commit (publisher.py)."""
        emit(self.publisher, session, events)

    def _index_messages(self, events: Sequence[Event]) -> None:
        if self.search_index is not None:
            self.search_index.heard(events)

    def _wake_outbox(self, events: Sequence[Event]) -> None:
        if any(event.durable for event in events):
            self.outbox_ready.set()
