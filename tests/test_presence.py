"""Presence over memory and Redis: is an agent's console open anywhere?"""

from __future__ import annotations

import asyncio

import pytest

from frontdesk.realtime import presence as presence_module
from frontdesk.realtime.presence import Presence, RedisPresence
from tests import services


async def test_sockets_are_counted_per_agent() -> None:
    here = Presence()
    assert await here.connected("ada") is True
    assert await here.connected("ada") is False  # a second tab
    assert await here.disconnected("ada") is False
    assert await here.is_connected("ada")
    assert await here.disconnected("ada") is True
    assert not await here.is_connected("ada")


async def test_nodes_see_each_others_consoles_and_forget_a_dead_node(monkeypatch: pytest.MonkeyPatch) -> None:
    url = services.require_redis()
    monkeypatch.setattr(presence_module, "NODE_TTL_S", 1)
    node_a, node_b = RedisPresence(url), RedisPresence(url)
    await node_a.start()
    await node_b.start()
    try:
        await node_a.connected("grace")
        assert await node_b.is_connected("grace")
        await node_a.disconnected("grace")
        assert not await node_b.is_connected("grace")

        await node_a.connected("grace")
        assert node_a._refresher is not None
        node_a._refresher.cancel()  # node A dies: it stops refreshing and never says goodbye
        await asyncio.sleep(1.6)
        assert not await node_b.is_connected("grace")
    finally:
        await node_b.close()
        await node_a._redis.aclose()
