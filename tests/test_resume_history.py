"""Two holes in delivery an outside no-loss check found (issue 24), each reproduced here:
an agent's resume skipped the history before its first sight of a chat, and events that
arrived while a socket was opening ignored the hello's cursors (a visitor got its whole
history again; an agent lost the seqs between its cursor and that event)."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from pathlib import Path

import orjson
import pytest

from frontdesk.actors import Actor
from frontdesk.context import Context
from frontdesk.messages.models import Message
from frontdesk.realtime.memory import MemoryBus
from frontdesk.settings import Settings
from frontdesk.storage.db import Database
from frontdesk.tokens import VisitorTokens
from frontdesk.ws.connection import Connection, Replay
from frontdesk.ws.session import open_session
from tests.factories import make_team, make_visitor, say
from tests.test_delivery import bus_message


class Frames:
    def __init__(self) -> None:
        self.sent: list[dict[str, object]] = []

    async def send(self, frames: list[bytes]) -> None:
        self.sent.extend(orjson.loads(frame) for frame in frames)

    async def close(self, code: int, reason: str) -> None:
        raise AssertionError(f"closed {code} {reason}")

    def seqs(self, conversation_id: str) -> list[int]:
        return [
            int(str(f["seq"]))
            for f in self.sent
            if f.get("event") == "message.created" and f.get("conversation_id") == conversation_id
        ]


async def test_an_agents_resume_from_zero_sends_what_came_before_its_first_sight(ctx: Context) -> None:
    team = await make_team(ctx)
    visitor, _ = await make_visitor(ctx, team.website)
    first = await say(ctx, visitor, "one")
    conv = first.conversation_id
    await say(ctx, visitor, "two", conv)
    third = await say(ctx, visitor, "three", conv)
    frames = Frames()
    conn = Connection(ctx, team.owner, frames.send, frames.close)
    writer = asyncio.create_task(conn.run())
    conn.on_bus(bus_message(third))  # the socket's first sight of the chat: seq 3, as news
    await asyncio.sleep(0.1)
    conn.replay(Replay({conv: 0}, then_synced=False))  # the console opens the chat: all of it
    await asyncio.sleep(0.2)
    fourth = await say(ctx, visitor, "four", conv)
    conn.on_bus(bus_message(fourth))
    await asyncio.sleep(0.1)
    writer.cancel()
    assert sorted(frames.seqs(conv)) == [1, 2, 3, 4]  # each once: nothing skipped, nothing twice


class NewsWhileOpening(MemoryBus):
    """The memory bus, with something happening in a conversation while a socket waits
    for its subscription to be confirmed (as Redis's SUBSCRIBE reply takes a round trip)."""

    meanwhile: Callable[[], Awaitable[None]] | None = None

    async def ready(self) -> None:
        if self.meanwhile is not None:
            happen, self.meanwhile = self.meanwhile, None
            await happen()
        await super().ready()


@pytest.fixture
async def opening(database_url: str, tmp_path: Path) -> Context:
    settings = Settings(database_url=database_url, var_dir=tmp_path, secret_key="test-secret")
    context = Context(
        db=Database(database_url),
        bus=NewsWhileOpening(),
        settings=settings,
        visitor_tokens=VisitorTokens("test-secret"),
    )
    yield context  # type: ignore[misc]
    await context.db.dispose()


@pytest.mark.parametrize("who", ["visitor", "agent"])
async def test_news_while_a_socket_opens_keeps_to_the_hellos_cursor(opening: Context, who: str) -> None:
    ctx = opening
    team = await make_team(ctx)
    visitor, _ = await make_visitor(ctx, team.website)
    sent: list[Message] = [await say(ctx, visitor, "1")]
    conv = sent[0].conversation_id
    for n in range(2, 6):
        sent.append(await say(ctx, visitor if n % 2 else team.owner, str(n), conv))
    actor: Actor = visitor if who == "visitor" else team.owner
    assert isinstance(ctx.bus, NewsWhileOpening)

    async def an_agent_answers() -> None:
        sent.append(await say(ctx, team.owner, "6", conv))

    ctx.bus.meanwhile = an_agent_answers
    frames = Frames()
    live = await open_session(ctx, actor, {conv: 3}, frames.send, frames.close)
    await asyncio.sleep(0.3)
    await live.end()
    assert len(sent) == 6
    # The client holds 1-3: it gets 4, 5 and 6, each once, in order.
    assert frames.seqs(conv) == [4, 5, 6]
