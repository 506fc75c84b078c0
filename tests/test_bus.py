"""The bus port: the same tests over the in-memory and the Redis backend."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest

from frontdesk.realtime.bus import Bus, BusMessage
from frontdesk.realtime.memory import MemoryBus
from frontdesk.realtime.redis import RedisBus
from tests import services


@pytest.fixture(params=["memory", "redis"])
async def bus(request: pytest.FixtureRequest) -> AsyncIterator[Bus]:
    backend: Bus = MemoryBus() if request.param == "memory" else RedisBus(services.require_redis())
    await backend.start()
    yield backend
    await backend.close()


def msg(n: int) -> BusMessage:
    return BusMessage(frame=f'{{"n":{n}}}'.encode(), event="message.created", conversation_id="c1", seq=n)


async def settle(bus: Bus, heard: list[BusMessage], count: int) -> None:
    for _ in range(200):
        if len(heard) >= count:
            return
        await asyncio.sleep(0.01)


async def test_subscribers_get_their_topics_in_order(bus: Bus) -> None:
    mine: list[BusMessage] = []
    other: list[BusMessage] = []
    bus.subscribe(["topic:a"], mine.append)
    bus.subscribe(["topic:b"], other.append)
    await bus.ready()
    for n in range(100):
        await bus.publish("topic:a", msg(n))
    await settle(bus, mine, 100)
    await asyncio.sleep(0.05)
    assert [m.seq for m in mine] == list(range(100))
    assert other == []
    assert mine[0] == msg(0)  # every field survives the trip


async def test_publications_made_at_once_arrive_all_and_in_order(bus: Bus) -> None:
    """Many requests publish at the same moment (the Redis bus sends them in one
    pipeline): each publisher returns once its message is out, none is lost or reordered."""
    heard: list[BusMessage] = []
    bus.subscribe(["topic:d"], heard.append)
    await bus.ready()
    await asyncio.gather(*(bus.publish("topic:d", msg(n)) for n in range(300)))
    await settle(bus, heard, 300)
    assert [m.seq for m in heard] == list(range(300))


async def test_one_publication_to_several_topics_keeps_its_order(bus: Bus) -> None:
    """An action's events go out together (``Context.publish``): a subscriber of several
    of their topics hears them in the order given, each topic's copy once."""
    both: list[BusMessage] = []
    only_f: list[BusMessage] = []
    bus.subscribe(["topic:e", "topic:f"], both.append)
    bus.subscribe(["topic:f"], only_f.append)
    await bus.ready()
    await bus.publish_all([("topic:e", msg(1)), ("topic:f", msg(1)), ("topic:e", msg(2)), ("topic:f", msg(3))])
    await settle(bus, both, 4)
    await settle(bus, only_f, 2)
    await asyncio.sleep(0.05)
    assert [m.seq for m in both] == [1, 1, 2, 3]
    assert [m.seq for m in only_f] == [1, 3]
    await bus.publish_all([])  # nothing to send returns at once


async def test_closed_subscriptions_hear_nothing_more(bus: Bus) -> None:
    heard: list[BusMessage] = []
    kept: list[BusMessage] = []
    sub = bus.subscribe(["topic:c"], heard.append)
    bus.subscribe(["topic:c"], kept.append)
    await bus.ready()
    await bus.publish("topic:c", msg(1))
    await settle(bus, heard, 1)
    sub.close()
    await bus.ready()
    await bus.publish("topic:c", msg(2))
    await settle(bus, kept, 2)
    assert [m.seq for m in heard] == [1]
    assert [m.seq for m in kept] == [1, 2]


async def test_two_redis_nodes_hear_each_other() -> None:
    url = services.require_redis()
    node_a, node_b = RedisBus(url), RedisBus(url)
    await node_a.start()
    await node_b.start()
    try:
        heard: list[BusMessage] = []
        node_b.subscribe(["workspace:x:agents"], heard.append)
        await node_b.ready()
        await node_a.publish("workspace:x:agents", msg(7))
        await settle(node_b, heard, 1)
        assert [m.seq for m in heard] == [7]
    finally:
        await node_a.close()
        await node_b.close()
