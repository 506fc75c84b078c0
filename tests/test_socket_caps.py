"""Caps on open sockets per key, one suite over memory and Redis (two nodes sharing it)."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator

import pytest

from frontdesk.realtime import socket_caps as caps_module
from frontdesk.realtime.socket_caps import Cap, RedisSocketCaps, SocketCaps, caps_for
from tests import services


@pytest.fixture(params=["memory", "redis"])
async def nodes(request: pytest.FixtureRequest) -> AsyncIterator[tuple[SocketCaps, SocketCaps]]:
    """Two nodes' counters: the same one in memory (a single node), two over one Redis."""
    if request.param == "memory":
        here = SocketCaps()
        yield here, here
        return
    url = services.require_redis()
    a, b = RedisSocketCaps(url), RedisSocketCaps(url)
    await a.start()
    await b.start()
    yield a, b
    await a.close()
    await b.close()


def keys() -> tuple[Cap, Cap]:
    """Fresh keys: Redis outlives a test."""
    run = uuid.uuid4().hex
    return Cap(f"ip:{run}", 3), Cap(f"visitor:{run}", 2)


async def test_a_key_at_its_limit_refuses_and_a_release_frees_a_place(nodes: tuple[SocketCaps, SocketCaps]) -> None:
    a, b = nodes
    ip, visitor = keys()
    assert await a.acquire([ip, visitor]) is None
    assert await b.acquire([ip, visitor]) is None  # the other node counts the same
    assert await a.acquire([ip, visitor]) == visitor
    await b.release([ip, visitor])
    assert await a.acquire([ip, visitor]) is None


async def test_a_refused_connection_counts_under_no_key(nodes: tuple[SocketCaps, SocketCaps]) -> None:
    a, b = nodes
    ip, visitor = keys()
    for _ in range(2):
        assert await a.acquire([visitor]) is None
    for _ in range(5):
        assert await b.acquire([ip, visitor]) == visitor  # all or nothing: ip not counted
    for _ in range(3):
        assert await b.acquire([ip]) is None
    assert await a.acquire([ip]) == ip


async def test_no_limit_means_no_cap() -> None:
    here = SocketCaps()
    for _ in range(100):
        assert await here.acquire([Cap("ip:x", 0)]) is None
    assert caps_for("10.0.0.1", "c1", per_ip=0, per_visitor=0) == []
    assert caps_for(None, "c1", per_ip=5, per_visitor=2) == [Cap("visitor:c1", 2)]


async def test_a_dead_nodes_sockets_stop_counting(monkeypatch: pytest.MonkeyPatch) -> None:
    url = services.require_redis()
    monkeypatch.setattr(caps_module, "NODE_TTL_S", 1)
    a, b = RedisSocketCaps(url), RedisSocketCaps(url)
    await a.start()
    await b.start()
    try:
        ip, _ = keys()
        for _ in range(3):
            assert await a.acquire([ip]) is None
        assert await b.acquire([ip]) == ip
        assert a._refresher is not None
        a._refresher.cancel()  # node A dies: it stops refreshing and never says goodbye
        await asyncio.sleep(2.1)
        assert await b.acquire([ip]) is None
    finally:
        await b.close()
        await a._redis.aclose()


async def test_a_burst_of_sockets_opening_and_closing_at_once_is_counted_exactly(
    nodes: tuple[SocketCaps, SocketCaps],
) -> None:
    """A node's restart brings its visitors back at once: far more calls at a time than
    connections to Redis. None may fail, and every count must come back to zero."""
    a, _ = nodes
    run = uuid.uuid4().hex
    visitors = [[Cap(f"visitor:{run}-{i}", 16)] for i in range(400)]

    refused = await asyncio.gather(*(a.acquire(caps) for caps in visitors))
    await asyncio.gather(*(a.release(caps) for caps in visitors))

    assert refused == [None] * len(visitors)
    again = await asyncio.gather(*(a.acquire([Cap(caps[0].key, 1)]) for caps in visitors))
    assert again == [None] * len(visitors)  # at a limit of 1, each place is free again
