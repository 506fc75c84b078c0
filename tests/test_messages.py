"""Sending messages: numbering, idempotency, audiences and isolation, on both databases."""

from __future__ import annotations

import asyncio
import uuid

import orjson
import pytest
from sqlalchemy import func, select

from frontdesk import topics
from frontdesk.context import Context
from frontdesk.conversations.update import ConversationChanges, update_conversation
from frontdesk.errors import Conflict, Forbidden, Invalid, NotFound
from frontdesk.messages.actions import NewMessage, send_message
from frontdesk.messages.models import Message
from frontdesk.messages.queries import messages_page
from frontdesk.realtime.bus import BusMessage
from tests.factories import make_agent, make_team, make_visitor, say


def listen(ctx: Context, topic: str) -> list[dict[str, object]]:
    heard: list[dict[str, object]] = []
    ctx.bus.subscribe([topic], lambda m: heard.append(orjson.loads(m.frame)))
    return heard


async def test_first_visitor_message_starts_a_conversation_and_agent_reply_continues_it(ctx: Context) -> None:
    team = await make_team(ctx)
    visitor, _ = await make_visitor(ctx, team.website)
    first = await say(ctx, visitor, "Hello, is anyone there?")
    reply = await say(ctx, team.owner, "Yes, how can I help?", first.conversation_id)
    again = await say(ctx, visitor, "My order is late")

    assert (first.seq, reply.seq, again.seq) == (1, 2, 3)
    assert again.conversation_id == first.conversation_id
    history = await messages_page(ctx.db, visitor, first.conversation_id)
    assert [m.body for m in history] == ["Hello, is anyone there?", "Yes, how can I help?", "My order is late"]


async def test_resending_a_client_ref_returns_the_first_message(ctx: Context) -> None:
    team = await make_team(ctx)
    visitor, _ = await make_visitor(ctx, team.website)
    ref = str(uuid.uuid4())
    first = await send_message(ctx, visitor, NewMessage(body="only once", client_ref=ref))
    second = await send_message(ctx, visitor, NewMessage(body="only once", client_ref=ref))

    assert not first.duplicate and second.duplicate
    assert second.message.id == first.message.id
    async with ctx.db.reader() as session:
        count = await session.scalar(
            select(func.count()).where(Message.conversation_id == first.message.conversation_id)
        )
    assert count == 1


async def test_someone_elses_client_ref_is_refused(ctx: Context) -> None:
    team = await make_team(ctx)
    ada, _ = await make_visitor(ctx, team.website)
    eve, _ = await make_visitor(ctx, team.website)
    ref = str(uuid.uuid4())
    await say(ctx, ada, "mine", client_ref=ref)
    with pytest.raises(Conflict):
        await say(ctx, eve, "stolen ref", client_ref=ref)


async def test_concurrent_sends_get_consecutive_seqs(ctx: Context) -> None:
    team = await make_team(ctx)
    visitor, _ = await make_visitor(ctx, team.website)
    first = await say(ctx, visitor, "start")
    agent = await make_agent(ctx, team.workspace_id)
    sends = [say(ctx, visitor if i % 2 else agent, f"m{i}", first.conversation_id) for i in range(20)]
    stored = await asyncio.gather(*sends)

    assert sorted(m.seq for m in stored) == list(range(2, 22))


async def test_bad_messages_are_refused_with_the_field_named(ctx: Context) -> None:
    team = await make_team(ctx)
    visitor, _ = await make_visitor(ctx, team.website)
    with pytest.raises(Invalid, match='"body" must be 1-10000 characters, got 0') as empty:
        await say(ctx, visitor, "   ")
    assert empty.value.field == "body"
    with pytest.raises(Invalid, match="got 10001"):
        await say(ctx, visitor, "x" * 10_001)
    with pytest.raises(Forbidden):
        await say(ctx, visitor, "a note", private=True)
    with pytest.raises(Invalid, match="client_ref"):
        await say(ctx, visitor, "hi", client_ref="no spaces allowed")
    stored = await say(ctx, visitor, "x" * 10_000)
    assert len(stored.body) == 10_000


async def test_private_notes_reach_agents_but_never_the_visitor(ctx: Context) -> None:
    team = await make_team(ctx)
    visitor, _ = await make_visitor(ctx, team.website)
    first = await say(ctx, visitor, "hi")
    agents_heard = listen(ctx, topics.workspace_agents(team.workspace_id))
    visitor_heard = listen(ctx, topics.visitor(visitor.contact_id))

    await say(ctx, team.owner, "internal: VIP customer", first.conversation_id, private=True)
    await say(ctx, team.owner, "Hello!", first.conversation_id)

    agent_bodies = [e["data"]["message"]["body"] for e in agents_heard if e["event"] == "message.created"]  # type: ignore[index]
    visitor_bodies = [e["data"]["message"]["body"] for e in visitor_heard if e["event"] == "message.created"]  # type: ignore[index]
    assert agent_bodies == ["internal: VIP customer", "Hello!"]
    assert visitor_bodies == ["Hello!"]
    assert [m.body for m in await messages_page(ctx.db, visitor, first.conversation_id)] == ["hi", "Hello!"]


async def test_events_are_published_only_after_commit(ctx: Context) -> None:
    team = await make_team(ctx)
    visitor, _ = await make_visitor(ctx, team.website)
    seen_in_db: list[bool] = []

    def check(message: BusMessage) -> None:
        seen_in_db.append(message.seq is not None)

    ctx.bus.subscribe([topics.workspace_agents(team.workspace_id)], check)
    stored = await say(ctx, visitor, "committed first")
    async with ctx.db.reader() as session:
        assert await session.get(Message, stored.id) is not None
    assert seen_in_db  # the event came, and the row it names is readable


async def test_an_agent_never_reaches_another_workspace(ctx: Context) -> None:
    acme = await make_team(ctx, "Acme")
    other = await make_team(ctx, "Other")
    visitor, _ = await make_visitor(ctx, acme.website)
    first = await say(ctx, visitor, "private to Acme")

    with pytest.raises(NotFound):
        await messages_page(ctx.db, other.owner, first.conversation_id)
    with pytest.raises(NotFound):
        await say(ctx, other.owner, "intrusion", first.conversation_id)
    with pytest.raises(NotFound):
        await update_conversation(ctx, other.owner, first.conversation_id, ConversationChanges(status="resolved"))
    assert [m.body for m in await messages_page(ctx.db, acme.owner, first.conversation_id)] == ["private to Acme"]


async def test_a_visitor_never_reaches_another_visitors_conversation(ctx: Context) -> None:
    team = await make_team(ctx)
    ada, _ = await make_visitor(ctx, team.website)
    eve, _ = await make_visitor(ctx, team.website)
    first = await say(ctx, ada, "my secret order number")

    with pytest.raises(NotFound):
        await messages_page(ctx.db, eve, first.conversation_id)
    with pytest.raises(NotFound):
        await say(ctx, eve, "let me in", first.conversation_id)
    eves_own = await say(ctx, eve, "hello")
    assert eves_own.conversation_id != first.conversation_id


async def test_resolving_leaves_a_system_message_and_the_visitor_reopens_by_writing(ctx: Context) -> None:
    team = await make_team(ctx)
    visitor, _ = await make_visitor(ctx, team.website)
    first = await say(ctx, visitor, "hi")
    resolved = await update_conversation(ctx, team.owner, first.conversation_id, ConversationChanges(status="resolved"))
    assert resolved.status == "resolved"
    assert resolved.last_message is not None and resolved.last_message.body == "hi"  # previews skip system lines

    again = await say(ctx, visitor, "one more question", first.conversation_id)
    history = await messages_page(ctx.db, team.owner, first.conversation_id)
    assert [m.author_type for m in history] == ["visitor", "system", "visitor"]
    assert again.seq == 3


async def test_assigning_to_an_agent_of_another_workspace_is_refused(ctx: Context) -> None:
    acme = await make_team(ctx, "Acme")
    other = await make_team(ctx, "Other")
    visitor, _ = await make_visitor(ctx, acme.website)
    first = await say(ctx, visitor, "hi")
    with pytest.raises(NotFound, match="no agent"):
        await update_conversation(
            ctx, acme.owner, first.conversation_id, ConversationChanges(assignee_id=other.owner.agent_id)
        )
    grace = await make_agent(ctx, acme.workspace_id, name="Grace")
    updated = await update_conversation(
        ctx, acme.owner, first.conversation_id, ConversationChanges(assignee_id=grace.agent_id)
    )
    assert updated.assignee is not None and updated.assignee.name == "Grace"
