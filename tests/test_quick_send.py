"""The quick path for messages in a chat under way (messages/quick_send.py) and group
commit (storage/quick.py), on both databases: the rows it writes read back like any
other, concurrent sends share commits without losing their order, and whatever it
cannot do still happens, by the full path."""

from __future__ import annotations

import asyncio
import uuid
from dataclasses import replace
from datetime import UTC

import pytest
from sqlalchemy import select, text

from frontdesk.actors import AgentActor, Role, VisitorActor
from frontdesk.contacts.blocking import set_blocked
from frontdesk.context import Context
from frontdesk.conversations.models import Conversation
from frontdesk.conversations.update import ConversationChanges, update_conversation
from frontdesk.errors import Forbidden
from frontdesk.messages.actions import NewMessage, SendResult, _send_fully, send_message
from frontdesk.messages.models import Message
from frontdesk.messages.queries import messages_page
from frontdesk.messages.quick_send import quick_send, store
from frontdesk.messages.views import message_data, message_json
from frontdesk.routing.teams import TeamSpec, save_team
from frontdesk.search.queries import SearchFilter, search_messages
from frontdesk.storage.quick import BURST, Exec, Statement
from tests.factories import make_agent, make_team, make_visitor, say


async def _chat_under_way(ctx: Context):  # type: ignore[no-untyped-def]
    """A conversation the owner has answered: later messages take the quick path."""
    team = await make_team(ctx)
    visitor, _ = await make_visitor(ctx, team.website)
    first = await say(ctx, visitor, "Hello")
    await say(ctx, team.owner, "Hi, Grace here", first.conversation_id)
    return team, visitor, first.conversation_id


async def test_quick_messages_read_back_like_any_other(ctx: Context) -> None:
    team, visitor, conversation_id = await _chat_under_way(ctx)
    commits = ctx.quick.commits
    asked = await say(ctx, visitor, "Where is my parcel?")
    async with ctx.db.reader() as session:
        waiting = await session.get_one(Conversation, conversation_id)
    answered = await say(ctx, team.owner, "It left the depot this morning", conversation_id)

    assert ctx.quick.commits == commits + 2, "both went the quick way"
    assert (asked.conversation_id, asked.seq, answered.seq) == (conversation_id, 3, 4)
    history = await messages_page(ctx.db, visitor, conversation_id)
    assert [(m.seq, m.author_type, m.body) for m in history][-2:] == [
        (3, "visitor", "Where is my parcel?"),
        (4, "agent", "It left the depot this morning"),
    ]
    stored = history[-1]
    assert stored.created_at.tzinfo is not None and stored.attachments == [] and stored.system is None
    assert abs((stored.created_at - answered.created_at).total_seconds()) < 0.001
    async with ctx.db.reader() as session:
        conversation = await session.get_one(Conversation, conversation_id)
    assert waiting.awaiting_reply_since is not None, "the visitor's question starts the reply clock"
    assert conversation.last_seq == 4 and conversation.awaiting_reply_since is None, "the answer stops it"
    assert conversation.last_activity_at.astimezone(UTC) == stored.created_at
    if ctx.db.is_sqlite:  # SQLite compares times as text: both paths must write one format
        async with ctx.db.reader() as session:
            raw = (await session.execute(text("SELECT seq, created_at FROM messages ORDER BY seq"))).all()
        assert len({len(str(created)) for _, created in raw}) == 1, raw
    found = await search_messages(ctx.db, team.owner, SearchFilter(q="parcel"))
    assert [m.id for m, _ in found] == [asked.id], "the search index follows quick inserts"


async def test_message_ids_are_time_ordered_uuids_on_both_paths(ctx: Context) -> None:
    """Version 7 (ids.new_sortable_id): new messages append to the primary key's index."""
    _team, visitor, conversation_id = await _chat_under_way(ctx)  # both by the full path
    commits = ctx.quick.commits
    later = []
    for body in ("one", "two"):
        await asyncio.sleep(0.002)  # the order is by millisecond; within one it is random
        later.append(await say(ctx, visitor, body))
    assert ctx.quick.commits == commits + 2, "these two by the quick path"

    history = await messages_page(ctx.db, visitor, conversation_id)
    ids = [m.id for m in history]
    assert [uuid.UUID(i).version for i in ids] == [7] * 4, ids
    assert ids[2:] == [m.id for m in later]
    assert ids[1:] == sorted(ids[1:]), "each id follows the one made before it (2 ms before)"
    assert len(set(ids)) == 4


async def test_the_quick_paths_json_is_the_models_json(ctx: Context) -> None:
    """The event and the ack of a quick send are built without the models
    (``message_json``): byte for byte what the models give, for the message as sent and
    as read back."""
    _team, visitor, conversation_id = await _chat_under_way(ctx)
    commits = ctx.quick.commits
    result = await send_message(ctx, visitor, NewMessage(body="Plain <b>text</b>", client_ref=uuid.uuid4().hex))
    assert ctx.quick.commits == commits + 1, "by the quick path"
    stored = (await messages_page(ctx.db, visitor, conversation_id))[-1]

    assert result.json() == message_data(result.message).model_dump(mode="json")
    assert message_json(stored) == message_data(stored).model_dump(mode="json") == result.json()
    assert result.json()["created_at"].endswith("Z") and result.json()["author"]["type"] == "visitor"


async def test_concurrent_sends_share_commits_and_keep_their_order(ctx: Context) -> None:
    _team, visitor, conversation_id = await _chat_under_way(ctx)
    commits = ctx.quick.commits
    stored = await asyncio.gather(*(say(ctx, visitor, f"line {i}") for i in range(30)))

    assert sorted(m.seq for m in stored) == list(range(3, 33))
    history = await messages_page(ctx.db, visitor, conversation_id, limit=100)
    assert [m.seq for m in history] == list(range(1, 33))
    assert ctx.quick.commits - commits < 30, "group commit: one commit for what arrived together"


async def test_a_batch_numbers_each_chat_in_the_order_its_messages_came(ctx: Context) -> None:
    """A batch's messages are stored by a few statements for them all
    (``QuickSend.together``): the chats and seqs, the refusals and the reply clocks must
    be what one write after the other would have left."""
    team, visitor, chat = await _chat_under_way(ctx)
    other, _ = await make_visitor(ctx, team.website)
    other_chat = (await say(ctx, other, "Anyone there?")).conversation_id
    stranger, _ = await make_visitor(ctx, team.website)

    async def state(conversation_id: str) -> tuple[int, object]:
        async with ctx.db.reader() as session:
            row = await session.get_one(Conversation, conversation_id)
            return row.last_seq, row.awaiting_reply_since

    (seq, _), (other_seq, other_waiting) = await state(chat), await state(other_chat)
    commits = ctx.quick.commits
    writes = [
        quick_send(visitor, "first", uuid.uuid4().hex, chat),
        quick_send(team.owner, "an answer", uuid.uuid4().hex, chat),
        quick_send(stranger, "not my chat", uuid.uuid4().hex, chat),
        quick_send(other, "still waiting", uuid.uuid4().hex, None),
        quick_send(visitor, "and another thing", uuid.uuid4().hex, None),
    ]
    sent = await asyncio.gather(*(store(ctx.quick, write) for write in writes))

    assert sent[2] is None, "another visitor's chat is refused, in a batch as alone"
    assert [(s.message.conversation_id, s.message.seq) for s in sent if s] == [
        (chat, seq + 1),
        (chat, seq + 2),
        (other_chat, other_seq + 1),
        (chat, seq + 3),
    ]
    if ctx.db.is_sqlite:
        assert ctx.quick.commits - commits <= 2, "one batch, or two if the first write went alone"
    history = await messages_page(ctx.db, team.owner, chat, limit=100)
    assert [(m.seq, m.author_type, m.body) for m in history][-3:] == [
        (seq + 1, "visitor", "first"),
        (seq + 2, "agent", "an answer"),
        (seq + 3, "visitor", "and another thing"),
    ]
    last = sent[4]
    assert last is not None
    # The agent answered, then the visitor wrote again: waiting since that last message.
    assert await state(chat) == (seq + 3, last.message.created_at)
    # Still waiting since their first message: a visitor writing again does not reset it.
    assert await state(other_chat) == (other_seq + 1, other_waiting)


async def test_a_retried_send_in_a_batch_is_answered_as_a_duplicate(ctx: Context) -> None:
    """A client_ref used before makes the batch's insert fail; the batch is then run
    write by write, and the retry goes to the full path, which finds it."""
    _team, visitor, chat = await _chat_under_way(ctx)
    first = await send_message(ctx, visitor, NewMessage(body="once", client_ref="retried-ref-1"))

    bodies = ["before", "once", "after", "and", "more"]  # enough for a set on PostgreSQL too
    results = await asyncio.gather(
        *(
            send_message(ctx, visitor, NewMessage(body=body, client_ref="retried-ref-1" if body == "once" else None))
            for body in bodies
        )
    )

    assert [r.duplicate for r in results] == [False, True, False, False, False]
    assert results[1].message.id == first.message.id
    history = await messages_page(ctx.db, visitor, chat, limit=100)
    assert [m.body for m in history][-5:] == ["once", "before", "after", "and", "more"]
    assert [m.seq for m in history] == list(range(1, len(history) + 1))


async def test_what_the_quick_path_cannot_do_still_happens(ctx: Context) -> None:
    team, visitor, conversation_id = await _chat_under_way(ctx)
    sent = await send_message(ctx, visitor, NewMessage(body="once", client_ref="retry-me-1"))
    again = await send_message(ctx, visitor, NewMessage(body="once", client_ref="retry-me-1"))
    assert again.duplicate and again.message.id == sent.message.id

    await update_conversation(ctx, team.owner, conversation_id, ConversationChanges(status="pending"))
    reopened = await say(ctx, visitor, "Still there?")
    async with ctx.db.reader() as session:
        assert (await session.get_one(Conversation, conversation_id)).status == "open"
    assert reopened.conversation_id == conversation_id

    await set_blocked(ctx, team.owner, visitor.contact_id, True)
    with pytest.raises(Forbidden, match="blocked"):
        await say(ctx, visitor, "let me in")


async def test_the_quick_write_itself_refuses_whom_the_full_path_would(ctx: Context) -> None:
    """The bump statement carries the checks (messages/quick_send.py): a chat of another
    team, another visitor's chat, a pending chat get ``None`` and nothing written, so the
    full path gives its answer; the chat's own people get the message."""
    team, visitor, conversation_id = await _chat_under_way(ctx)
    support = await save_team(ctx, team.owner, TeamSpec(name="Support", member_ids=[team.owner.agent_id]))
    await update_conversation(
        ctx, team.owner, conversation_id, ConversationChanges(team_id=support.id, assignee_id=team.owner.agent_id)
    )
    other_visitor, _ = await make_visitor(ctx, team.website)
    colleague = await make_agent(ctx, team.workspace_id, name="Ada")

    def agent(team_ids: frozenset[str] | None, agent_id: str = colleague.agent_id) -> AgentActor:
        return AgentActor(team.workspace_id, agent_id, "Ada", Role.AGENT, team_ids)

    async def quick(actor: VisitorActor | AgentActor, chat: str | None = conversation_id) -> int | None:
        sent = await store(ctx.quick, quick_send(actor, "hi", uuid.uuid4().hex, chat))
        return sent.message.seq if sent else None

    async def last_seq() -> int:
        async with ctx.db.reader() as session:
            return (await session.get_one(Conversation, conversation_id)).last_seq

    before = await last_seq()
    assert await quick(agent(frozenset({"another-team"}))) is None, "another team's chat"
    assert await quick(other_visitor) is None and await quick(other_visitor, None) is None, "not their chat"
    assert await quick(agent(frozenset({"another-team"})), "no-such-chat") is None
    assert await last_seq() == before, "a refusal writes nothing"

    assert await quick(agent(frozenset({support.id}))) == before + 1, "a member of the chat's team"
    assert await quick(agent(None)) == before + 2, "an agent who sees every team"
    assert await quick(agent(frozenset(), team.owner.agent_id)) == before + 3, "the chat's own agent"
    assert await quick(visitor) == before + 4 and await quick(visitor, None) == before + 5, "named or not"

    history = await messages_page(ctx.db, visitor, conversation_id, limit=100)
    assert [m.seq for m in history][-5:] == list(range(before + 1, before + 6))

    await update_conversation(ctx, team.owner, conversation_id, ConversationChanges(status="pending"))
    paused = await last_seq()
    assert await quick(visitor) is None, "reopening a chat is the full path's"
    assert await last_seq() == paused


async def test_a_failing_write_leaves_the_others_of_its_batch(ctx: Context) -> None:
    _, _, conversation_id = await _chat_under_way(ctx)
    set_priority = Statement("UPDATE conversations SET priority = :p WHERE id = :id")

    def ok(execute: Exec) -> str:
        execute(set_priority, {"p": "high", "id": conversation_id})
        return "stored"

    def fails(execute: Exec) -> str:
        execute(set_priority, {"p": "urgent", "id": conversation_id})
        raise ValueError("the checks failed after writing")

    results = await asyncio.gather(ctx.quick.run(ok), ctx.quick.run(fails), ctx.quick.run(ok), return_exceptions=True)

    assert results[0] == results[2] == "stored" and isinstance(results[1], ValueError)
    async with ctx.db.reader() as session:
        priority = await session.scalar(select(Conversation.priority).where(Conversation.id == conversation_id))
    assert priority == "high", "the failed write was rolled back, alone"


@pytest.mark.parametrize("database_url", ["postgres"], indirect=True)
async def test_sends_go_on_after_postgresql_drops_the_quick_connections(ctx: Context) -> None:
    """Quick writes take connections without a ping (storage/db.py): when the server has
    dropped them (a restart, a failover), the next send still succeeds, once."""
    _team, visitor, conversation_id = await _chat_under_way(ctx)
    await asyncio.gather(*(say(ctx, visitor, f"warm {i}") for i in range(8)))  # opens quick connections
    async with ctx.db.transaction() as session:
        killed = await session.scalar(
            text(
                "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                "WHERE datname = current_database() AND pid != pg_backend_pid()"
            )
        )
    assert killed

    after = await say(ctx, visitor, "are you still there?")

    history = await messages_page(ctx.db, visitor, conversation_id, limit=100)
    assert [m.body for m in history].count("are you still there?") == 1
    assert history[-1].id == after.id


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
async def test_the_sqlite_writer_goes_back_to_the_pool_with_nothing_open(ctx: Context) -> None:
    """The writer's pool rolls back on return only what is open (storage/db.py): quick
    writes commit behind SQLAlchemy's back and need no ROLLBACK after them, but a
    transaction left open that way must not reach the next user of the connection."""
    _team, visitor, _ = await _chat_under_way(ctx)
    await say(ctx, visitor, "quick")
    async with ctx.db.engine.connect() as conn:
        sqlite = (await conn.get_raw_connection()).driver_connection._conn  # type: ignore[union-attr]
        assert not sqlite.in_transaction
        sqlite.execute("BEGIN IMMEDIATE")  # as a batch cut short would leave it
        sqlite.execute("UPDATE conversations SET priority = 'urgent'")
    async with ctx.db.engine.connect() as conn:
        assert not (await conn.get_raw_connection()).driver_connection._conn.in_transaction  # type: ignore[union-attr]
    async with ctx.db.reader() as session:
        priorities = set((await session.execute(select(Conversation.priority))).scalars())
    assert "urgent" not in priorities, "what was left open was rolled back"


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
async def test_a_transaction_gets_the_sqlite_writer_while_quick_writes_keep_coming(ctx: Context) -> None:
    """Quick writes keep SQLite's one writer for as long as they keep coming (storage/
    quick.py); a transaction that needs it ends their burst within a few batches instead
    of waiting for them to stop."""
    _team, _visitor, conversation_id = await _chat_under_way(ctx)
    touch = Statement("UPDATE conversations SET priority = 'high' WHERE id = :id")
    stop = asyncio.Event()

    def write(execute: Exec) -> None:
        execute(touch, {"id": conversation_id})

    async def keep_writing() -> None:
        waiting: set[asyncio.Future[None]] = set()
        while not stop.is_set():
            waiting.add(ctx.quick.submit(write))
            if len(waiting) >= 128:
                _, waiting = await asyncio.wait(waiting, return_when=asyncio.FIRST_COMPLETED)
            await asyncio.sleep(0)
        await asyncio.gather(*waiting)

    writing = asyncio.create_task(keep_writing())
    for _ in range(3):  # the writer is in a burst
        await ctx.quick.run(write)

    async def transaction() -> None:
        async with ctx.db.transaction() as session:
            await session.execute(
                text("UPDATE conversations SET priority = 'urgent' WHERE id = :id"), {"id": conversation_id}
            )

    try:
        commits_before = ctx.quick.commits
        await asyncio.wait_for(transaction(), timeout=10)
        # The burst's two batches in flight, and the rest of its first BURST, at most.
        assert ctx.quick.commits - commits_before <= BURST + 2
        await ctx.quick.run(write)  # and the writes go on
    finally:
        stop.set()
        await writing


async def test_both_paths_store_the_same_rows_and_run_the_same_reply_clock(ctx: Context) -> None:
    """One append for both paths (messages/append.py): the same sends, in one chat by
    the quick path where it applies and in another by the ORM path alone, leave the
    same messages, outbox rows, numbering and reply clock after every send."""
    team, visitor, quick_chat = await _chat_under_way(ctx)
    full_visitor, _ = await make_visitor(ctx, team.website)
    full_chat = (await say(ctx, full_visitor, "Hello")).conversation_id
    await say(ctx, team.owner, "Hi, Grace here", full_chat)

    script: list[tuple[str, str, bool]] = [
        ("visitor", "Where is my parcel?", False),
        ("visitor", "It was due Monday", False),  # the clock keeps running
        ("agent", "Checking with the depot", True),  # a note leaves it
        ("agent", "It left this morning", False),  # an answer stops it
        ("visitor", "Thanks! And the invoice?", False),  # and it starts anew
        ("agent", "Attached to your account", False),
    ]

    async def state(chat: str) -> tuple[int, int | None, bool]:
        """The chat's numbering, the seq of the message its reply clock started at,
        and whether its last activity is its last message's time."""
        async with ctx.db.reader() as session:
            row = await session.get_one(Conversation, chat)
            messages = list(await session.scalars(select(Message).where(Message.conversation_id == chat)))
        started = [m.seq for m in messages if m.created_at == row.awaiting_reply_since]
        last = max(messages, key=lambda m: m.seq)
        assert row.awaiting_reply_since is None or len(started) == 1
        return row.last_seq, started[0] if started else None, row.last_activity_at == last.created_at

    commits = ctx.quick.commits
    for who, body, private in script:
        new = NewMessage(body=body, conversation_id=None, private=private, client_ref=uuid.uuid4().hex)
        quick_actor, full_actor = (team.owner, team.owner) if who == "agent" else (visitor, full_visitor)
        await send_message(ctx, quick_actor, replace(new, conversation_id=quick_chat))
        await _send_fully(ctx, full_actor, replace(new, conversation_id=full_chat, client_ref=uuid.uuid4().hex), body)
        quick_state, full_state = await state(quick_chat), await state(full_chat)
        assert quick_state == full_state, (who, body)
        assert quick_state[2], "the last activity is the last message's"
    assert ctx.quick.commits - commits == 5, "every send but the note by the quick path"

    async def rows(chat: str) -> list[tuple[object, ...]]:
        async with ctx.db.reader() as session:
            found = await session.execute(
                text(
                    "SELECT m.author_type, m.body, m.private, m.system, m.attachments, "
                    "m.client_ref IS NOT NULL, o.name FROM messages AS m "
                    "LEFT JOIN event_outbox AS o ON o.message_id = m.id WHERE m.conversation_id = :chat "
                    "ORDER BY m.seq"
                ),
                {"chat": chat},
            )
            return [tuple(row) for row in found]

    quick_rows, full_rows = await rows(quick_chat), await rows(full_chat)
    assert [r[0] for r in quick_rows][2:] == [w for w, _, _ in script]
    assert quick_rows == full_rows, "the same columns, as stored (SQLite's text forms included)"
    assert all(r[-1] == "message.created" for r in quick_rows), "each with its outbox row"
    async with ctx.db.reader() as session:
        outboxed = await session.execute(
            text(
                "SELECT m.conversation_id, m.seq FROM event_outbox AS o JOIN messages AS m ON m.id = o.message_id "
                "WHERE m.conversation_id IN (:a, :b) ORDER BY o.id"
            ),
            {"a": quick_chat, "b": full_chat},
        )
        pairs = [tuple(row) for row in outboxed]
    for chat in (quick_chat, full_chat):
        seqs = [seq for conv, seq in pairs if conv == chat]
        assert seqs == sorted(seqs) and len(seqs) == len(set(seqs)), "once each, in seq order"


async def test_the_callback_form_of_send_message_answers_each_send_once(ctx: Context) -> None:
    """What the socket's gateway calls as a frame arrives (ws/gateway.py ``take``): the
    quick path's store, the full path (a first message, a retried client_ref found only
    after the quick write was refused) and a refusal each answer once."""
    team, visitor, chat = await _chat_under_way(ctx)
    newcomer, _ = await make_visitor(ctx, team.website)

    async def sent(actor: VisitorActor, new: NewMessage) -> SendResult | Exception:
        heard: list[SendResult | Exception] = []
        answered = asyncio.Event()

        def answer(outcome: SendResult | Exception) -> None:
            heard.append(outcome)
            answered.set()

        send_message(ctx, actor, new, answer)
        await answered.wait()
        await ctx.quick.drain()
        await asyncio.sleep(0.01)
        assert len(heard) == 1, heard
        return heard[0]

    commits = ctx.quick.commits
    quick = await sent(visitor, NewMessage(body="by the quick path", client_ref="callback-ref-1"))
    assert isinstance(quick, SendResult) and not quick.duplicate and ctx.quick.commits == commits + 1
    again = await sent(visitor, NewMessage(body="by the quick path", client_ref="callback-ref-1"))
    assert isinstance(again, SendResult) and again.duplicate and again.message.id == quick.message.id
    started = await sent(newcomer, NewMessage(body="a first message", client_ref="callback-ref-2"))
    assert isinstance(started, SendResult) and started.message.seq == 1
    refused = await sent(visitor, NewMessage(body="a note", private=True))
    assert isinstance(refused, Forbidden)
    history = await messages_page(ctx.db, visitor, chat, limit=100)
    assert [m.body for m in history][-1] == "by the quick path"
