from __future__ import annotations

from dataclasses import dataclass, field

from frontdesk.events import Event


@dataclass
class Routed:
    """What a routing step did: events to publish after commit, and the teams whose
    queue moved (their visitors get new positions)."""

    events: list[Event] = field(default_factory=list)
    queues: set[str | None] = field(default_factory=set)

    def add(self, other: Routed) -> None:
        self.events += other.events
        self.queues |= other.queues
