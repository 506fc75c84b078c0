"""In-process bus: one node, or tests."""

from __future__ import annotations

from collections.abc import Sequence

from frontdesk.realtime.bus import Bus, BusMessage


class MemoryBus(Bus):
    def post(self, items: Sequence[tuple[str, BusMessage]]) -> None:
        for topic, message in items:
            self._deliver(topic, message)
