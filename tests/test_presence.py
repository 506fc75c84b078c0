"""Presence over memory and Redis: is an agent's console open anywhere? And the status
that follows from it when consoles open and close."""

from __future__ import annotations

import asyncio

import pytest
from sqlalchemy import select

from frontdesk.agents.models import Agent
from frontdesk.context import Context
from frontdesk.realtime import presence as presence_module
from frontdesk.realtime.presence import Presence, RedisPresence
from frontdesk.routing.availability import console_left, console_opened, set_status
from tests import services
from tests.factories import make_agent, make_team


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


async def test_a_console_opened_as_the_grace_runs_out_leaves_the_agent_online(ctx: Context) -> None:
    team = await make_team(ctx)
    ada = await make_agent(ctx, team.workspace_id, name="Ada")
    await set_status(ctx, ada, ada.agent_id, "online")
    # The grace after Ada's last console closed runs out while another write holds her
    # row, and she opens the console again at that very moment (a reload in CI, where
    # this once left a widget showing "We're away" with an agent's console open).
    async with ctx.db.transaction() as session:
        await session.scalar(select(Agent).where(Agent.id == ada.agent_id).with_for_update())
        left = asyncio.create_task(console_left(ctx, ada))
        await asyncio.sleep(0.2)
        assert await ctx.presence.connected(ada.agent_id)
        opened = asyncio.create_task(console_opened(ctx, ada))
        await asyncio.sleep(0.2)
    await asyncio.gather(left, opened)
    async with ctx.db.reader() as session:
        assert await session.scalar(select(Agent.status).where(Agent.id == ada.agent_id)) == "online"

    # With no console open the grace does put her offline, and the next console brings her back.
    await ctx.presence.disconnected(ada.agent_id)
    await console_left(ctx, ada)
    async with ctx.db.reader() as session:
        assert await session.scalar(select(Agent.status).where(Agent.id == ada.agent_id)) == "offline"
    await console_opened(ctx, ada)
    async with ctx.db.reader() as session:
        assert await session.scalar(select(Agent.status).where(Agent.id == ada.agent_id)) == "online"
