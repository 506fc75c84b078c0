"""Assignment, capacity and queues against both databases: strategies, the 200-chat
rush, draining in order, reassignment after silence and when an agent leaves."""

from __future__ import annotations

import asyncio
from collections import Counter
from datetime import timedelta
from typing import Any

import orjson
from sqlalchemy import select, update

from frontdesk import topics
from frontdesk.actors import AgentActor, VisitorActor
from frontdesk.agents.models import Agent
from frontdesk.context import Context
from frontdesk.conversations.models import Conversation
from frontdesk.conversations.update import ConversationChanges, update_conversation
from frontdesk.messages.models import Message
from frontdesk.routing.announce import queues_announced
from frontdesk.routing.availability import AgentChanges, set_status, update_agent
from frontdesk.routing.teams import RuleSpec, TeamSpec, save_rule, save_team
from frontdesk.routing.watchdog import reassign_silent
from frontdesk.storage.db import Database
from tests.factories import Team, make_agent, make_team, make_visitor, reload, say


async def online_team(
    ctx: Context, team: Team, count: int, *, strategy: str = "round_robin", max_chats: int = 3
) -> tuple[str, list[AgentActor]]:
    agents = [await make_agent(ctx, team.workspace_id, name=f"Agent{i}") for i in range(count)]
    made = await save_team(
        ctx, team.owner, TeamSpec(name="Support", strategy=strategy, member_ids=[a.agent_id for a in agents])
    )
    await save_rule(ctx, team.owner, RuleSpec(name="all", team_id=made.id, conditions=[]))
    for agent in agents:
        await update_agent(ctx, team.owner, agent.agent_id, AgentChanges(max_chats=max_chats))
        await set_status(ctx, agent, agent.agent_id, "online")
    return made.id, [await reload(ctx, a) for a in agents]  # as a new request would see them


async def new_chat(ctx: Context, team: Team, body: str = "hello") -> tuple[VisitorActor, Message]:
    visitor, _ = await make_visitor(ctx, team.website)
    return visitor, await say(ctx, visitor, body)


async def chats_of(ctx: Context, conversation_ids: list[str]) -> list[Conversation]:
    async with ctx.db.reader() as session:
        rows = {
            c.id: c for c in await session.scalars(select(Conversation).where(Conversation.id.in_(conversation_ids)))
        }
    return [rows[i] for i in conversation_ids]


async def seats(ctx: Context, agents: list[AgentActor]) -> dict[str, int]:
    async with ctx.db.reader() as session:
        rows = await session.execute(
            select(Agent.id, Agent.open_chats).where(Agent.id.in_([a.agent_id for a in agents]))
        )
        return {agent_id: count for agent_id, count in rows}


async def test_round_robin_takes_turns(ctx: Context) -> None:
    team = await make_team(ctx)
    _, agents = await online_team(ctx, team, 3, max_chats=5)
    chats = [(await new_chat(ctx, team))[1].conversation_id for _ in range(6)]
    owners = [c.assignee_id for c in await chats_of(ctx, chats)]
    ids = [a.agent_id for a in agents]
    assert owners[:3] in ([ids[0], ids[1], ids[2]], sorted(ids)) or len(set(owners[:3])) == 3
    assert owners[3:] == owners[:3]  # the same rotation again


async def test_least_busy_prefers_the_agent_with_fewest_chats(ctx: Context) -> None:
    team = await make_team(ctx)
    _, (ada, bob) = await online_team(ctx, team, 2, strategy="least_busy", max_chats=5)
    first = (await new_chat(ctx, team))[1].conversation_id
    holder = (await chats_of(ctx, [first]))[0].assignee_id
    other = bob if holder == ada.agent_id else ada
    # Give the holder two more chats by hand: the next automatic one goes to the other.
    for _ in range(2):
        chat = (await new_chat(ctx, team))[1].conversation_id
        await update_conversation(ctx, team.owner, chat, ConversationChanges(assignee_id=holder))
    nxt = (await new_chat(ctx, team))[1].conversation_id
    assert (await chats_of(ctx, [nxt]))[0].assignee_id == other.agent_id


async def test_manual_teams_queue_chats_for_agents_to_pick(ctx: Context) -> None:
    team = await make_team(ctx)
    _, (ada,) = await online_team(ctx, team, 1, strategy="manual")
    chat = (await new_chat(ctx, team))[1].conversation_id
    waiting = (await chats_of(ctx, [chat]))[0]
    assert waiting.assignee_id is None and waiting.queued_at is not None
    picked = await update_conversation(ctx, ada, chat, ConversationChanges(assignee_id=ada.agent_id))
    assert picked.assignee is not None and picked.assignee.id == ada.agent_id
    assert (await chats_of(ctx, [chat]))[0].queued_at is None


async def test_two_hundred_chats_at_once_never_exceed_capacity_and_queue_in_order(ctx: Context) -> None:
    team = await make_team(ctx)
    team_id, agents = await online_team(ctx, team, 5, max_chats=3)
    # A second engine on the same database: a second server node racing the first.
    node_b = Context(db=Database(ctx.db.url), bus=ctx.bus, settings=ctx.settings, visitor_tokens=ctx.visitor_tokens)
    heard: dict[str, list[dict[str, Any]]] = {}
    visitors = [(await make_visitor(ctx, team.website))[0] for _ in range(200)]
    for v in visitors:
        ctx.bus.subscribe(
            [topics.visitor(v.contact_id)],
            lambda m, c=v.contact_id: heard.setdefault(c, []).append(orjson.loads(m.frame)),
        )
    try:
        sent = await asyncio.gather(*(say(ctx if i % 2 else node_b, v, f"chat {i}") for i, v in enumerate(visitors)))
        await asyncio.gather(queues_announced(ctx), queues_announced(node_b))
    finally:
        await node_b.db.dispose()
    chats = await chats_of(ctx, [m.conversation_id for m in sent])

    per_agent = Counter(c.assignee_id for c in chats if c.assignee_id)
    assert set(per_agent.values()) == {3} and len(per_agent) == 5  # full, and never past capacity
    assert set((await seats(ctx, agents)).values()) == {3}
    queued = sorted((c for c in chats if c.assignee_id is None), key=lambda c: (c.queued_at, c.id))
    assert len(queued) == 185
    by_arrival = sorted(queued, key=lambda c: c.created_at)
    assert [c.id for c in queued] == [c.id for c in by_arrival]  # queued in the order they arrived

    def last_position(contact_id: str) -> int | None:
        updates = [e for e in heard.get(contact_id, []) if e["event"] == "queue.updated"]
        return updates[-1]["data"]["position"] if updates else None

    assert [last_position(c.contact_id) for c in queued[:5]] == [1, 2, 3, 4, 5]
    assert last_position(queued[-1].contact_id) == 185
    assert all(
        heard[c.contact_id][-1]["data"]["estimated_wait_seconds"] > 0
        for c in queued[:3]
        if heard[c.contact_id][-1]["event"] == "queue.updated"
    )

    # Resolving frees seats: the oldest queued chats are served first, positions move up.
    busy = [c for c in chats if c.assignee_id][:4]
    for chat in busy:
        holder = next(a for a in agents if a.agent_id == chat.assignee_id)
        await update_conversation(ctx, holder, chat.id, ConversationChanges(status="resolved"))
    await queues_announced(ctx)
    now = await chats_of(ctx, [c.id for c in queued])
    assert [c.assignee_id is not None for c in now[:5]] == [True, True, True, True, False]
    assert last_position(queued[4].contact_id) == 1
    assert max((await seats(ctx, agents)).values()) == 3
    assert team_id


async def test_an_agent_coming_online_or_gaining_seats_takes_the_queue(ctx: Context) -> None:
    team = await make_team(ctx)
    _, (ada,) = await online_team(ctx, team, 1, max_chats=1)
    first = (await new_chat(ctx, team))[1].conversation_id
    second = (await new_chat(ctx, team))[1].conversation_id
    assert [c.assignee_id for c in await chats_of(ctx, [first, second])] == [ada.agent_id, None]
    await update_agent(ctx, team.owner, ada.agent_id, AgentChanges(max_chats=2))
    assert (await chats_of(ctx, [second]))[0].assignee_id == ada.agent_id


async def test_silence_moves_the_chat_to_another_agent(ctx: Context) -> None:
    team = await make_team(ctx)
    team_id, agents = await online_team(ctx, team, 2, max_chats=5)
    await save_team(ctx, team.owner, TeamSpec(reassign_after_seconds=60), team_id)
    visitor, first = await new_chat(ctx, team, "anyone?")
    chat = (await chats_of(ctx, [first.conversation_id]))[0]
    silent = chat.assignee_id
    async with ctx.db.transaction() as session:  # two minutes pass without an answer
        await session.execute(
            update(Conversation)
            .where(Conversation.id == chat.id)
            .values(awaiting_reply_since=chat.awaiting_reply_since - timedelta(minutes=2))
        )
    assert await reassign_silent(ctx) == 1
    moved = (await chats_of(ctx, [chat.id]))[0]
    assert moved.assignee_id not in (None, silent)
    async with ctx.db.reader() as session:
        lines = [m.body for m in await session.scalars(select(Message).where(Message.conversation_id == chat.id))]
    assert any("did not answer within 60 s; reassigned to" in line for line in lines)
    assert await reassign_silent(ctx) == 0  # the clock restarted for the new agent
    assert (await seats(ctx, agents)) == {silent: 0, moved.assignee_id: 1}
    del visitor


async def test_an_answer_stops_the_silence_clock(ctx: Context) -> None:
    team = await make_team(ctx)
    team_id, agents = await online_team(ctx, team, 2, max_chats=5)
    await save_team(ctx, team.owner, TeamSpec(reassign_after_seconds=60), team_id)
    _, first = await new_chat(ctx, team)
    chat = (await chats_of(ctx, [first.conversation_id]))[0]
    holder = next(a for a in agents if a.agent_id == chat.assignee_id)
    await say(ctx, holder, "Hi! Looking into it.", chat.id)
    assert (await chats_of(ctx, [chat.id]))[0].awaiting_reply_since is None
    assert await reassign_silent(ctx) == 0


async def test_an_agent_going_offline_hands_chats_to_others(ctx: Context) -> None:
    team = await make_team(ctx)
    _, (ada, bob) = await online_team(ctx, team, 2, max_chats=5)
    chats = [(await new_chat(ctx, team))[1].conversation_id for _ in range(4)]
    adas = [c.id for c in await chats_of(ctx, chats) if c.assignee_id == ada.agent_id]
    assert adas
    await set_status(ctx, ada, ada.agent_id, "offline")
    after = await chats_of(ctx, adas)
    assert all(c.assignee_id == bob.agent_id for c in after)
    assert (await seats(ctx, [ada, bob]))[ada.agent_id] == 0
    async with ctx.db.reader() as session:
        lines = [m.body for m in await session.scalars(select(Message).where(Message.conversation_id == adas[0]))]
    assert any("went offline; reassigned to" in line for line in lines)


async def test_transfer_to_a_team_with_a_note(ctx: Context) -> None:
    team = await make_team(ctx)
    _, (ada,) = await online_team(ctx, team, 1, max_chats=5)
    billing_agent = await make_agent(ctx, team.workspace_id, name="Bill")
    billing = await save_team(ctx, team.owner, TeamSpec(name="Billing", member_ids=[billing_agent.agent_id]))
    await set_status(ctx, billing_agent, billing_agent.agent_id, "online")
    billing_agent = await reload(ctx, billing_agent)
    chat = (await new_chat(ctx, team))[1].conversation_id
    moved = await update_conversation(ctx, ada, chat, ConversationChanges(team_id=billing.id, note="refund question"))
    assert moved.assignee is not None and moved.assignee.id == billing_agent.agent_id
    assert (await seats(ctx, [ada]))[ada.agent_id] == 0
    async with ctx.db.reader() as session:
        lines = [m.body for m in await session.scalars(select(Message).where(Message.conversation_id == chat))]
    assert any("moved the conversation to Billing" in line for line in lines)
    assert any("refund question" in line for line in lines)
