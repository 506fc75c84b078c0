"""What actions need from the outside world: the database, the bus, the settings.
Built once by the app factory (or a test) and passed explicitly."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from frontdesk.contacts.tokens import VisitorTokens
from frontdesk.events import DROPPABLE, Event, EventName
from frontdesk.mail.sender import MailSender, MemorySender
from frontdesk.ratelimits.limiter import RateLimiter, memory_limiter
from frontdesk.realtime.bus import Bus, BusMessage
from frontdesk.realtime.presence import Presence
from frontdesk.realtime.socket_caps import SocketCaps
from frontdesk.search.index import SearchIndexer
from frontdesk.settings import Settings
from frontdesk.storage.db import Database
from frontdesk.storage.quick import QuickWrites


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
    # SQLite's search index, filled in bulk a moment after messages are stored.
    search_index: SearchIndexer = field(init=False)

    def __post_init__(self) -> None:
        self.quick = self.db.quick
        self.search_index = SearchIndexer(self.db)

    async def publish(self, events: Iterable[Event]) -> None:
        """Send events to their topics. Call only after the transaction that produced
        them has committed: a subscriber may read the database as soon as it hears."""
        self.publish_now(events)

    def publish_now(self, events: Iterable[Event]) -> None:
        """The same, from a plain function (the bus never makes a publisher wait)."""
        published: list[tuple[str, BusMessage]] = []
        for event in events:
            if event.name is EventName.MESSAGE_CREATED:
                self.search_index.wake()
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
        # All at once: on Redis one round trip for them all, not one after another.
        self.bus.post(published)
