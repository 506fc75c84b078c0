"""A socket's writer delivers each tracked conversation's events once, in seq order,
even when the bus hands them over out of order (two requests or nodes racing)."""

from __future__ import annotations

import asyncio

import orjson
import pytest

from frontdesk.context import Context
from frontdesk.conversations.events import message_frame
from frontdesk.messages.models import Message
from frontdesk.messages.queries import messages_page
from frontdesk.realtime.bus import BusMessage
from frontdesk.ws.connection import Connection, Replay
from tests.factories import make_team, make_visitor, say


def bus_message(message: Message) -> BusMessage:
    return BusMessage(
        frame=message_frame(message), event="message.created", conversation_id=message.conversation_id, seq=message.seq
    )


@pytest.mark.parametrize("direct", [False, True], ids=["writer", "direct-when-idle"])
async def test_out_of_order_and_repeated_events_leave_in_order_once(ctx: Context, direct: bool) -> None:
    team = await make_team(ctx)
    visitor, _ = await make_visitor(ctx, team.website)
    first = await say(ctx, visitor, "one")
    conv = first.conversation_id
    sent: list[dict[str, object]] = []

    async def send(frames: list[bytes]) -> None:
        sent.extend(orjson.loads(frame) for frame in frames)

    def send_now(frames: list[bytes]) -> bool:
        sent.extend(orjson.loads(frame) for frame in frames)
        return True

    async def close(code: int, reason: str) -> None:
        raise AssertionError(f"closed {code} {reason}")

    conn = Connection(ctx, team.owner, send, close, send_now if direct else None)
    writer = asyncio.create_task(conn.run())
    conn.replay(Replay({conv: 1}))
    second = await say(ctx, team.owner, "two", conv)
    third = await say(ctx, visitor, "three", conv)
    # The bus delivers 3 before 2, then 2 again, then 3 again.
    for message in (third, second, second, third):
        conn.on_bus(bus_message(message))
    await asyncio.sleep(0.3)
    writer.cancel()

    seqs = [f["seq"] for f in sent if f.get("event") == "message.created"]
    assert seqs == [2, 3]
    assert [m.seq for m in await messages_page(ctx.db, team.owner, conv)] == [1, 2, 3]


async def test_frames_queued_together_leave_in_one_write_in_order(ctx: Context) -> None:
    """ws/protocol.py writes a list with one system call: a busy socket's writer hands it
    everything that waited, and what comes later goes in a later write."""
    team = await make_team(ctx)
    writes: list[list[bytes]] = []

    async def send(frames: list[bytes]) -> None:
        writes.append(frames)

    async def close(code: int, reason: str) -> None:
        raise AssertionError(f"closed {code} {reason}")

    conn = Connection(ctx, team.owner, send, close)
    for n in range(3):
        conn.frame({"type": "pong", "n": n})
    conn.on_bus(BusMessage(frame=b'{"n":3}', event="typing.started", droppable=True))
    writer = asyncio.create_task(conn.run())
    await asyncio.sleep(0.05)
    conn.frame({"type": "pong", "n": 4})
    await asyncio.sleep(0.05)
    writer.cancel()

    assert [[orjson.loads(f)["n"] for f in write] for write in writes] == [[0, 1, 2, 3], [4]]


async def test_an_idle_socket_writes_a_turns_frames_at_once_and_a_slow_one_through_its_writer(
    ctx: Context,
) -> None:
    """While the writer waits, what a turn of the loop puts leaves in one write without
    waking it (ws/connection.py); when the transport cannot take it now (a slow reader),
    the writer sends it, and what follows comes after, in order."""
    team = await make_team(ctx)
    now: list[list[int]] = []
    later: list[list[int]] = []
    take_now = True

    async def send(frames: list[bytes]) -> None:
        later.append([orjson.loads(f)["n"] for f in frames])

    def send_now(frames: list[bytes]) -> bool:
        if take_now:
            now.append([orjson.loads(f)["n"] for f in frames])
        return take_now

    async def close(code: int, reason: str) -> None:
        raise AssertionError(f"closed {code} {reason}")

    conn = Connection(ctx, team.owner, send, close, send_now)
    writer = asyncio.create_task(conn.run())
    await asyncio.sleep(0.01)
    conn.frame({"type": "pong", "n": 0})
    conn.on_bus(BusMessage(frame=b'{"n":1}', event="typing.started", droppable=True))
    await asyncio.sleep(0.01)
    take_now = False
    conn.frame({"type": "pong", "n": 2})
    conn.frame({"type": "pong", "n": 3})
    await asyncio.sleep(0.01)
    conn.frame({"type": "pong", "n": 4})
    await asyncio.sleep(0.01)
    writer.cancel()

    assert now == [[0, 1]]
    assert later == [[2, 3], [4]]


async def test_a_direct_write_that_finds_the_client_gone_leaves_it_to_the_writer(ctx: Context) -> None:
    team = await make_team(ctx)
    later: list[bytes] = []

    async def send(frames: list[bytes]) -> None:
        later.extend(frames)

    def send_now(frames: list[bytes]) -> bool:
        raise ConnectionResetError("the client went away")

    async def close(code: int, reason: str) -> None:
        raise AssertionError(f"closed {code} {reason}")

    conn = Connection(ctx, team.owner, send, close, send_now)
    writer = asyncio.create_task(conn.run())
    await asyncio.sleep(0.01)
    conn.frame({"type": "pong"})
    await asyncio.sleep(0.01)
    writer.cancel()

    assert [orjson.loads(f)["type"] for f in later] == ["pong"]


async def test_the_welcome_leads_even_when_an_event_came_first(ctx: Context) -> None:
    """A session subscribes before it reads the welcome's state (ws/session.py): an event
    heard meanwhile waits behind the welcome, which every client expects first."""
    team = await make_team(ctx)
    writes: list[bytes] = []

    async def send(frames: list[bytes]) -> None:
        writes.extend(frames)

    async def close(code: int, reason: str) -> None:
        raise AssertionError(f"closed {code} {reason}")

    conn = Connection(ctx, team.owner, send, close)
    conn.on_bus(BusMessage(frame=b'{"type":"event"}', event="typing.started", droppable=True))
    conn.welcome({"type": "welcome"})
    writer = asyncio.create_task(conn.run())
    await asyncio.sleep(0.05)
    writer.cancel()

    assert [orjson.loads(f)["type"] for f in writes] == ["welcome", "event"]


async def test_a_full_queue_drops_typing_but_closes_for_messages(ctx: Context) -> None:
    team = await make_team(ctx)
    closed: list[int] = []

    async def send(frames: list[bytes]) -> None:
        await asyncio.sleep(3600)  # a client that never reads

    async def close(code: int, reason: str) -> None:
        closed.append(code)

    conn = Connection(ctx, team.owner, send, close)
    typing = BusMessage(frame=b"{}", event="typing.started", droppable=True)
    for _ in range(1000):
        conn.on_bus(typing)
    await asyncio.sleep(0)
    assert closed == []  # typing indicators are dropped, not fatal
    conn.on_bus(BusMessage(frame=b"{}", event="message.created", conversation_id="c", seq=1))
    await asyncio.sleep(0.05)
    assert closed == [4008]  # the client must resume from the database
