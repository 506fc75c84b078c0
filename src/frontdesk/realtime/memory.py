"""In-process bus: one node, or tests."""

from __future__ import annotations

from frontdesk.realtime.bus import Bus, BusMessage


class MemoryBus(Bus):
    async def publish(self, topic: str, message: BusMessage) -> None:
        self._deliver(topic, message)
