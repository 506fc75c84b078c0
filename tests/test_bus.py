"""The bus port: the same tests over the in-memory bus, one Redis node (which hands its own
publications to its handlers directly and must drop Redis's copies) and two Redis nodes
(publisher and subscriber apart: every message crosses Redis)."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import pytest
import redis.asyncio as aioredis

from frontdesk.realtime.bus import Bus, BusMessage
from frontdesk.realtime.memory import MemoryBus
from frontdesk.realtime.redis import PREFIX, RedisBus
from tests import services


@pytest.fixture(params=["memory", "redis-one-node", "redis-two-nodes"])
async def buses(request: pytest.FixtureRequest) -> AsyncIterator[tuple[Bus, Bus]]:
    """(the publisher's bus, the subscriber's bus)."""
    if request.param == "memory":
        nodes: list[Bus] = [MemoryBus()]
    else:
        url = services.require_redis()
        nodes = [RedisBus(url) for _ in range(1 if request.param == "redis-one-node" else 2)]
    for node in nodes:
        await node.start()
    yield nodes[0], nodes[-1]
    for node in nodes:
        await node.close()


@pytest.fixture
def topic() -> str:
    """A topic no other test uses: tests run in parallel against the same Redis."""
    return f"topic:{uuid.uuid4().hex[:12]}"


def msg(n: int) -> BusMessage:
    return BusMessage(frame=f'{{"n":{n}}}'.encode(), event="message.created", conversation_id="c1", seq=n)


async def settle(bus: Bus, heard: list[BusMessage], count: int) -> None:
    for _ in range(200):
        if len(heard) >= count:
            return
        await asyncio.sleep(0.01)


async def test_subscribers_get_their_topics_in_order_and_once(buses: tuple[Bus, Bus], topic: str) -> None:
    pub, sub = buses
    mine: list[BusMessage] = []
    other: list[BusMessage] = []
    sub.subscribe([f"{topic}:a"], mine.append)
    sub.subscribe([f"{topic}:b"], other.append)
    await sub.ready()
    for n in range(100):
        await pub.publish(f"{topic}:a", msg(n))
    await settle(sub, mine, 100)
    await asyncio.sleep(0.1)  # a copy Redis echoes back to its publisher would be here by now
    assert [m.seq for m in mine] == list(range(100))
    assert other == []
    assert mine[0] == msg(0)  # every field survives the trip


async def test_publications_made_at_once_arrive_all_and_in_order(buses: tuple[Bus, Bus], topic: str) -> None:
    """Many requests publish at the same moment (the Redis bus writes them at once):
    none is lost or reordered."""
    pub, sub = buses
    heard: list[BusMessage] = []
    sub.subscribe([f"{topic}:d"], heard.append)
    await sub.ready()
    await asyncio.gather(*(pub.publish(f"{topic}:d", msg(n)) for n in range(3000)))
    await settle(sub, heard, 3000)
    await asyncio.sleep(0.1)
    assert [m.seq for m in heard] == list(range(3000))


async def test_one_publication_to_several_topics_keeps_its_order(buses: tuple[Bus, Bus], topic: str) -> None:
    """An action's events go out together (``Context.publish``): a subscriber of several
    of their topics hears them in the order given, each topic's copy once."""
    pub, sub = buses
    both: list[BusMessage] = []
    only_f: list[BusMessage] = []
    sub.subscribe([f"{topic}:e", f"{topic}:f"], both.append)
    sub.subscribe([f"{topic}:f"], only_f.append)
    await sub.ready()
    e, f = f"{topic}:e", f"{topic}:f"
    pub.post([(e, msg(1)), (f, msg(1)), (e, msg(2)), (f, msg(3))])
    await settle(sub, both, 4)
    await settle(sub, only_f, 2)
    await asyncio.sleep(0.1)
    assert [m.seq for m in both] == [1, 1, 2, 3]
    assert [m.seq for m in only_f] == [1, 3]
    pub.post([])  # nothing to send returns at once


async def test_closed_subscriptions_hear_nothing_more(buses: tuple[Bus, Bus], topic: str) -> None:
    pub, sub = buses
    heard: list[BusMessage] = []
    kept: list[BusMessage] = []
    first = sub.subscribe([f"{topic}:c"], heard.append)
    sub.subscribe([f"{topic}:c"], kept.append)
    await sub.ready()
    await pub.publish(f"{topic}:c", msg(1))
    await settle(sub, heard, 1)
    first.close()
    await sub.ready()
    await pub.publish(f"{topic}:c", msg(2))
    await settle(sub, kept, 2)
    assert [m.seq for m in heard] == [1]
    assert [m.seq for m in kept] == [1, 2]


async def test_the_last_handler_gone_unsubscribes_the_node(buses: tuple[Bus, Bus], topic: str) -> None:
    """Redis then stops sending the topic to the node (or the node would keep decoding
    messages nobody there wants); a new handler subscribes it again."""
    pub, sub = buses
    heard: list[BusMessage] = []
    sub.subscribe([f"{topic}:g"], heard.append).close()
    await sub.ready()
    await pub.publish(f"{topic}:g", msg(1))
    await asyncio.sleep(0.1)
    assert heard == []
    if isinstance(sub, RedisBus):
        assert await _subscribers(f"{topic}:g") == 0
    sub.subscribe([f"{topic}:g"], heard.append)
    await sub.ready()
    await pub.publish(f"{topic}:g", msg(2))
    await settle(sub, heard, 1)
    assert [m.seq for m in heard] == [2]


async def test_a_redis_node_reconnects_and_subscribes_again(topic: str) -> None:
    """Redis drops both of node B's connections (a restart, a failover, a network cut):
    B connects again and subscribes every topic it had; what A publishes then reaches B,
    and B's own publications still reach its handlers meanwhile."""
    async with _two_redis_nodes() as (node_a, node_b):
        heard: list[BusMessage] = []
        node_b.subscribe([topic], heard.append)
        await node_b.ready()
        killed = await _kill_connections_named("frontdesk-bus-" + node_b._tag[1:].decode())
        assert killed == 2
        await node_b.publish(topic, msg(1))  # while B has no connection
        for n in range(2, 200):  # until B is back
            await node_a.publish(topic, msg(n))
            await asyncio.sleep(0.05)
            if len(heard) > 1:
                break
        assert heard[0].seq == 1
        assert heard[1].seq > 1, "B never heard A again after reconnecting"
        assert await _subscribers(topic) == 1


@asynccontextmanager
async def _two_redis_nodes() -> AsyncIterator[tuple[RedisBus, RedisBus]]:
    url = services.require_redis()
    nodes = RedisBus(url), RedisBus(url)
    for node in nodes:
        await node.start()
    try:
        yield nodes
    finally:
        for node in nodes:
            await node.close()


async def _subscribers(topic: str) -> int:
    client = aioredis.Redis.from_url(services.require_redis())
    try:
        ((_, count),) = await client.pubsub_numsub(PREFIX + topic)
        return int(count)
    finally:
        await client.aclose()


async def _kill_connections_named(name: str) -> int:
    client = aioredis.Redis.from_url(services.require_redis())
    try:
        ids = [c["id"] for c in await client.client_list() if c.get("name") == name]
        for client_id in ids:
            await client.client_kill_filter(_id=client_id)
        return len(ids)
    finally:
        await client.aclose()


async def test_two_redis_nodes_hear_each_other(topic: str) -> None:
    async with _two_redis_nodes() as (node_a, node_b):
        heard: list[BusMessage] = []
        node_b.subscribe([topic], heard.append)
        await node_b.ready()
        await node_a.publish(topic, msg(7))
        await settle(node_b, heard, 1)
        assert [m.seq for m in heard] == [7]
