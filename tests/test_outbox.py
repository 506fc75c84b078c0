"""The after-commit event pipeline and its outbox: every durable event is written with
its change (on the hot path and the full path alike), handed to the durable listeners
once, in order per conversation, and never when its transaction rolled back; on both
databases."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from frontdesk.contacts.identify import Identity, identify_visitor
from frontdesk.context import Context
from frontdesk.conversations.feedback import rate_conversation
from frontdesk.conversations.update import ConversationChanges, update_conversation
from frontdesk.events import ContactSummary, ContactUpdated, Event, EventName
from frontdesk.messages.queries import message_payloads
from frontdesk.outbox.dispatch import Dispatcher, OutboxEvent
from frontdesk.outbox.models import OutboxRow
from frontdesk.topics import workspace_agents
from tests.factories import make_agent, make_team, make_visitor, say


class Recorder:
    """A durable listener that follows every event of some workspaces."""

    def __init__(self, workspace_ids: set[str], fail: int = 0) -> None:
        self.workspace_ids = workspace_ids
        self.fail = fail  # how many hand-overs to refuse before taking them
        self.events: list[OutboxEvent] = []

    async def wants(self, session: AsyncSession, workspace_ids: set[str]) -> set[tuple[str, str]]:
        return {(w, name.value) for w in workspace_ids & self.workspace_ids for name in EventName}

    async def handle(self, session: AsyncSession, events: Sequence[OutboxEvent]) -> None:
        if self.fail:
            self.fail -= 1
            raise ConnectionError("listener down")
        self.events += events


async def drain(dispatcher: Dispatcher) -> None:
    while await dispatcher.dispatch():
        pass


async def pending(ctx: Context, workspace_id: str) -> int:
    async with ctx.db.reader() as session:
        return int(
            await session.scalar(
                select(func.count()).select_from(OutboxRow).where(OutboxRow.workspace_id == workspace_id)
            )
            or 0
        )


async def test_every_durable_event_reaches_a_listener_once_in_order(ctx: Context) -> None:
    team = await make_team(ctx)
    agent = await make_agent(ctx, team.workspace_id)
    visitor, _ = await make_visitor(ctx, team.website)
    first = await say(ctx, visitor, "hello")  # the full path: starts the conversation
    chat = first.conversation_id
    await say(ctx, visitor, "anyone?", chat)  # the hot path
    await say(ctx, agent, "hi, how can I help?", chat)  # full path: the agent takes it
    await say(ctx, agent, "still there?", chat)  # hot path
    await say(ctx, visitor, "yes", chat)
    await update_conversation(ctx, agent, chat, ConversationChanges(status="resolved"))
    await rate_conversation(ctx, visitor, chat, 5, "great")
    await identify_visitor(ctx, visitor, Identity(email="ada@example.com"))

    recorder = Recorder({team.workspace_id})
    await drain(Dispatcher(ctx.db, [recorder], message_payloads))
    names = [event.name for event in recorder.events]
    assert names.count("message.created") >= 5
    for name in (
        "conversation.created",
        "conversation.assigned",
        "conversation.resolved",
        "rating.submitted",
        "contact.created",
        "contact.updated",
    ):
        assert name in names, name
    bodies = [e.data["message"]["body"] for e in recorder.events if e.name == "message.created"]
    spoken = [b for b in bodies if b in {"hello", "anyone?", "hi, how can I help?", "still there?", "yes"}]
    assert spoken == ["hello", "anyone?", "hi, how can I help?", "still there?", "yes"]
    seqs = [e.data["message"]["seq"] for e in recorder.events if e.name == "message.created"]
    assert seqs == sorted(seqs) and len(set(seqs)) == len(seqs)  # in order, each once
    ids = [event.id for event in recorder.events]
    assert ids == sorted(ids)
    assert await pending(ctx, team.workspace_id) == 0  # handed over and gone

    await drain(Dispatcher(ctx.db, [recorder], message_payloads))  # nothing comes twice
    assert len(recorder.events) == len(names)


async def test_a_failing_listener_loses_nothing_and_gets_each_event_once(ctx: Context) -> None:
    await drain(Dispatcher(ctx.db, [], message_payloads))  # earlier tests' rows: ours come first
    team = await make_team(ctx)
    visitor, _ = await make_visitor(ctx, team.website)
    first = await say(ctx, visitor, "one")
    for text in ("two", "three"):
        await say(ctx, visitor, text, first.conversation_id)
    recorder = Recorder({team.workspace_id}, fail=2)
    dispatcher = Dispatcher(ctx.db, [recorder], message_payloads)
    for _ in range(2):
        with pytest.raises(ConnectionError):
            await dispatcher.dispatch()  # rolled back: the rows stay
        assert await pending(ctx, team.workspace_id) > 0
    await drain(dispatcher)
    bodies = [e.data["message"]["body"] for e in recorder.events if e.name == "message.created"]
    assert bodies == ["one", "two", "three"]


async def test_a_rolled_back_change_writes_no_event_and_publishes_nothing(ctx: Context) -> None:
    team = await make_team(ctx)
    heard: list[bytes] = []
    ctx.bus.subscribe([workspace_agents(team.workspace_id)], lambda message: heard.append(message.frame))
    event = Event(
        EventName.CONTACT_UPDATED,
        ContactUpdated(contact=ContactSummary(id="c1", name="Ada", email=None)),
        (workspace_agents(team.workspace_id),),
        workspace_id=team.workspace_id,
    )
    with pytest.raises(RuntimeError, match="changed my mind"):
        async with ctx.db.transaction() as session:
            ctx.emit(session, [event])
            await session.flush()
            raise RuntimeError("changed my mind")
    await asyncio.sleep(0)
    assert heard == []
    assert await pending(ctx, team.workspace_id) == 0


async def test_a_durable_event_published_without_its_outbox_row_is_refused(ctx: Context) -> None:
    team = await make_team(ctx)
    event = Event(
        EventName.CONTACT_UPDATED,
        ContactUpdated(contact=ContactSummary(id="c1", name="Ada", email=None)),
        (workspace_agents(team.workspace_id),),
        workspace_id=team.workspace_id,
    )
    with pytest.raises(RuntimeError, match="outbox"):
        await ctx.publish([event])


@pytest.mark.parametrize("database_url", ["postgres"], indirect=True)
async def test_two_dispatchers_at_once_hand_each_event_over_once_in_order(ctx: Context) -> None:
    """Nodes and workers each run a dispatcher: one at a time takes the rows."""
    team = await make_team(ctx)
    chats = []
    for n in range(4):
        visitor, _ = await make_visitor(ctx, team.website)
        chats.append((visitor, (await say(ctx, visitor, f"v{n} 0")).conversation_id))
    for i in range(1, 15):
        await asyncio.gather(*(say(ctx, v, f"v{n} {i}", chat) for n, (v, chat) in enumerate(chats)))
    recorder = Recorder({team.workspace_id})
    dispatchers = [Dispatcher(ctx.db, [recorder], message_payloads) for _ in range(3)]
    for _ in range(20):
        await asyncio.gather(*(d.dispatch() for d in dispatchers))
    messages = [e for e in recorder.events if e.name == "message.created"]
    assert len(messages) == 4 * 15
    assert len({e.id for e in messages}) == len(messages)
    for n in range(4):
        seqs = [e.data["message"]["seq"] for e in messages if e.data["message"]["body"].startswith(f"v{n} ")]
        bodies = [e.data["message"]["body"] for e in messages if e.data["message"]["body"].startswith(f"v{n} ")]
        assert seqs == sorted(seqs)
        assert bodies == [f"v{n} {i}" for i in range(15)]


async def test_the_listeners_after_commit_are_one_explicit_list(ctx: Context) -> None:
    assert [name for name, _ in ctx.publisher.listeners] == ["sockets", "search index", "outbox"]


async def test_an_event_id_is_never_used_again_even_once_the_outbox_is_empty(ctx: Context) -> None:
    team = await make_team(ctx)
    visitor, _ = await make_visitor(ctx, team.website)
    recorder = Recorder({team.workspace_id})
    dispatcher = Dispatcher(ctx.db, [recorder], message_payloads)
    first = await say(ctx, visitor, "one")
    await drain(dispatcher)  # the outbox is empty now
    await say(ctx, visitor, "two", first.conversation_id)
    await drain(dispatcher)
    ids = [event.id for event in recorder.events]
    assert len(ids) == len(set(ids)) and ids == sorted(ids)
