"""The real-time bus port: publish a message to a topic; every subscriber of that topic
on every node receives it, in publish order per publisher.

Two backends implement it: :class:`~frontdesk.realtime.memory.MemoryBus` for one process
and :class:`~frontdesk.realtime.redis.RedisBus` for many nodes. Delivery is at most once
(a node that is down misses what is published meanwhile): the database is the record,
and clients catch up from it by ``seq`` (docs/protocol.md).
"""

from __future__ import annotations

import abc
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

import orjson


@dataclass(frozen=True, slots=True)
class BusMessage:
    """What travels on the bus: a ready socket frame plus what the gateway needs to
    order and filter it without decoding the frame."""

    frame: bytes
    event: str
    conversation_id: str | None = None
    seq: int | None = None
    droppable: bool = False
    team_id: str | None = None
    assignee_id: str | None = None

    def encode(self) -> bytes:
        return orjson.dumps(
            {
                "f": self.frame.decode(),
                "e": self.event,
                "c": self.conversation_id,
                "s": self.seq,
                "d": self.droppable,
                "t": self.team_id,
                "a": self.assignee_id,
            }
        )

    @classmethod
    def decode(cls, raw: bytes) -> BusMessage:
        d = orjson.loads(raw)
        return cls(
            frame=d["f"].encode(),
            event=d["e"],
            conversation_id=d["c"],
            seq=d["s"],
            droppable=d["d"],
            team_id=d.get("t"),
            assignee_id=d.get("a"),
        )


Handler = Callable[[BusMessage], None]


class Subscription:
    """A handler's interest in some topics; ``close()`` ends it."""

    def __init__(self, bus: Bus, topics: frozenset[str], handler: Handler) -> None:
        self.bus = bus
        self.topics = topics
        self.handler = handler

    def close(self) -> None:
        self.bus._unsubscribe(self)


class Bus(abc.ABC):
    def __init__(self) -> None:
        self._handlers: dict[str, set[Subscription]] = defaultdict(set)

    def subscribe(self, topics: Iterable[str], handler: Handler) -> Subscription:
        """Start delivering the topics' messages to ``handler`` (called on the event loop;
        it must not block). Delivery is immediate: no await is needed to be subscribed."""
        sub = Subscription(self, frozenset(topics), handler)
        for topic in sub.topics:
            first = not self._handlers[topic]
            self._handlers[topic].add(sub)
            if first:
                self._topic_added(topic)
        return sub

    def _unsubscribe(self, sub: Subscription) -> None:
        for topic in sub.topics:
            handlers = self._handlers.get(topic)
            if handlers is None or sub not in handlers:
                continue
            handlers.discard(sub)
            if not handlers:
                del self._handlers[topic]
                self._topic_removed(topic)

    def _deliver(self, topic: str, message: BusMessage) -> None:
        for sub in tuple(self._handlers.get(topic, ())):
            sub.handler(message)

    @abc.abstractmethod
    def post(self, items: Sequence[tuple[str, BusMessage]]) -> None:
        """Several publications, in this order, handed over without waiting: this node's
        handlers hear them before it returns, other nodes' once the backend carries them.
        Plain, so a frame callback can publish (ws/gateway.py, a send taken from it)."""

    async def publish(self, topic: str, message: BusMessage) -> None:
        self.post(((topic, message),))

    async def start(self) -> None:  # noqa: B027 - optional hook
        """Connect to the backend, if it has one."""

    async def close(self) -> None:  # noqa: B027 - optional hook
        """Release the backend's connections."""

    def _topic_added(self, topic: str) -> None:  # noqa: B027 - optional hook
        """The first local handler of a topic appeared (Redis subscribes here)."""

    def _topic_removed(self, topic: str) -> None:  # noqa: B027 - optional hook
        """The last local handler of a topic left."""

    async def ready(self) -> None:  # noqa: B027 - optional hook
        """Wait until every topic subscribed so far is live on the backend."""
