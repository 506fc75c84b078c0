"""A reconnect costs what it must (issue 24, part 5), on SQLite and PostgreSQL.

A visitor's socket opens with one quick read after subscribing (ws/openings.py): the
token's contact, the website and each chat's ``last_seq``. A visitor that missed nothing
gets ``synced`` with no ORM statement run at all; one that missed something gets exactly
that; a token that no longer counts is refused by the same read, without the ORM."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import orjson
import pytest
from sqlalchemy import event

from frontdesk.contacts.blocking import set_blocked
from frontdesk.contacts.revoke import end_visitor_session
from frontdesk.contacts.visitor_check import check_visitor
from frontdesk.context import Context
from frontdesk.errors import Forbidden, Unauthorized
from frontdesk.routing.announce import QUEUE_COALESCE_S
from frontdesk.storage.db import Database
from frontdesk.tokens import VisitorClaims
from frontdesk.topics import visitor as visitor_topic
from frontdesk.ws.session import LiveSession, open_visitor_socket
from tests.factories import make_team, make_visitor, say


class Frames:
    def __init__(self) -> None:
        self.sent: list[dict[str, Any]] = []
        self.synced = asyncio.Event()

    async def send(self, frames: list[bytes]) -> None:
        for frame in frames:
            self.sent.append(orjson.loads(frame))
            if self.sent[-1]["type"] == "synced":
                self.synced.set()

    async def close(self, code: int, reason: str) -> None:
        raise AssertionError(f"closed {code} {reason}")

    def kinds(self) -> list[str]:
        return [str(f.get("event", f["type"])) for f in self.sent]

    def seqs(self, conversation_id: str) -> list[int]:
        return [int(f["seq"]) for f in self.sent if f.get("conversation_id") == conversation_id and "seq" in f]


async def settled() -> None:
    """A new chat's queue position is announced a moment after it starts (a read of the
    queue, routing/announce.py): let it pass before counting statements."""
    await asyncio.sleep(3 * QUEUE_COALESCE_S)


@contextmanager
def orm_statements(db: Database) -> Iterator[list[str]]:
    """Every statement run through SQLAlchemy (the ORM's reads and writes) meanwhile. The
    quick reads and writes run on the drivers' own connections and are not in it."""
    seen: list[str] = []

    def record(_conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
        seen.append(statement)

    engines = {db.engine.sync_engine, db.read_engine.sync_engine}
    for engine in engines:
        event.listen(engine, "before_cursor_execute", record)
    try:
        yield seen
    finally:
        for engine in engines:
            event.remove(engine, "before_cursor_execute", record)


async def _open(ctx: Context, token: str, cursors: dict[str, int], frames: Frames) -> LiveSession:
    claims = ctx.visitor_tokens.verify(token)
    assert claims is not None
    live = await open_visitor_socket(ctx, claims, "203.0.113.7", cursors, frames.send, frames.close)
    await asyncio.wait_for(frames.synced.wait(), 5)
    return live


async def test_a_visitor_whose_cursors_are_up_to_date_is_synced_with_nothing_read(ctx: Context) -> None:
    team = await make_team(ctx)
    visitor, token = await make_visitor(ctx, team.website)
    first = await say(ctx, visitor, "hello")
    conv = first.conversation_id
    await say(ctx, team.owner, "hi, how can I help?", conv)
    await say(ctx, visitor, "my order", conv)
    frames = Frames()
    await settled()
    batches = ctx.db.reads.batches

    with orm_statements(ctx.db) as statements:
        live = await _open(ctx, token, {conv: 3}, frames)
        await asyncio.sleep(0.1)
    await live.end()

    assert frames.kinds() == ["welcome", "synced"]
    assert frames.sent[0]["session"]["id"] == visitor.contact_id
    assert frames.sent[0]["website"]["id"] == team.website.id
    assert statements == []  # the contact, website and chats came from the quick read
    assert ctx.db.reads.batches - batches <= 2  # the opening read (and once a node, the website's workspace)


async def test_a_visitor_that_missed_messages_gets_them_and_then_the_live_ones(ctx: Context) -> None:
    team = await make_team(ctx)
    visitor, token = await make_visitor(ctx, team.website)
    first = await say(ctx, visitor, "hello")
    conv = first.conversation_id
    await say(ctx, team.owner, "hi", conv)
    await say(ctx, team.owner, "are you there?", conv)
    frames = Frames()

    live = await _open(ctx, token, {conv: 1}, frames)  # it holds seq 1: it missed 2 and 3
    await say(ctx, team.owner, "still here", conv)
    await asyncio.sleep(0.2)
    await live.end()

    assert frames.seqs(conv) == [2, 3, 4]
    assert frames.kinds()[:4] == ["welcome", "message.created", "message.created", "synced"]


async def test_a_chat_missing_from_the_cursors_is_replayed_whole(ctx: Context) -> None:
    team = await make_team(ctx)
    visitor, token = await make_visitor(ctx, team.website)
    old = await say(ctx, visitor, "first chat")
    await say(ctx, team.owner, "answered", old.conversation_id)
    frames = Frames()

    live = await _open(ctx, token, {}, frames)  # a new tab: it holds nothing
    await live.end()

    assert frames.seqs(old.conversation_id) == [1, 2]


async def test_private_notes_past_a_visitors_cursor_need_no_read(ctx: Context) -> None:
    """A chat often ends in private notes (a rating's, an agent's): the visitor's cursor
    never reaches them, and a reconnect must not read the chat for them every time."""
    team = await make_team(ctx)
    visitor, token = await make_visitor(ctx, team.website)
    first = await say(ctx, visitor, "hello")
    conv = first.conversation_id
    await say(ctx, team.owner, "hi", conv)
    await say(ctx, team.owner, "she is a regular", conv, private=True)  # seq 3, agents only
    frames = Frames()
    await settled()

    with orm_statements(ctx.db) as statements:
        live = await _open(ctx, token, {conv: 2}, frames)
    await say(ctx, team.owner, "anything else?", conv)  # seq 4, past the private note
    await asyncio.sleep(0.2)
    await live.end()

    assert statements == []
    assert frames.kinds()[:2] == ["welcome", "synced"]
    assert frames.seqs(conv) == [4]


async def test_a_token_reset_since_it_was_issued_is_refused_without_the_orm(ctx: Context) -> None:
    team = await make_team(ctx)
    visitor, token = await make_visitor(ctx, team.website)
    claims = ctx.visitor_tokens.verify(token)
    assert claims is not None
    await end_visitor_session(ctx, visitor)  # the widget's reset(): every token of theirs ends
    frames = Frames()
    await settled()

    with orm_statements(ctx.db) as statements:
        with pytest.raises(Unauthorized):
            await open_visitor_socket(ctx, claims, None, {}, frames.send, frames.close)
        with pytest.raises(Unauthorized):
            await check_visitor(ctx.db, claims)  # the REST calls' and the stream's check

    assert statements == []
    assert frames.sent == []
    assert not ctx.bus._handlers.get(visitor_topic(visitor.contact_id))  # nothing left listening


async def test_a_blocked_visitors_token_is_refused(ctx: Context) -> None:
    team = await make_team(ctx)
    visitor, token = await make_visitor(ctx, team.website)
    claims = ctx.visitor_tokens.verify(token)
    assert claims is not None
    await set_blocked(ctx, team.owner, visitor.contact_id, True)
    frames = Frames()

    with pytest.raises(Forbidden):
        await open_visitor_socket(ctx, claims, None, {}, frames.send, frames.close)
    with pytest.raises(Forbidden):
        await check_visitor(ctx.db, claims)
    assert frames.sent == []


@pytest.mark.parametrize("wrong", ["contact", "website"])
async def test_a_token_for_a_contact_or_website_that_is_not_there_is_refused(ctx: Context, wrong: str) -> None:
    team = await make_team(ctx)
    _, token = await make_visitor(ctx, team.website)
    claims = ctx.visitor_tokens.verify(token)
    assert claims is not None
    other = (
        VisitorClaims(contact_id="0" * 32, website_id=claims.website_id, version=claims.version)
        if wrong == "contact"
        else VisitorClaims(contact_id=claims.contact_id, website_id="0" * 32, version=claims.version)
    )
    frames = Frames()

    with pytest.raises(Unauthorized):
        await open_visitor_socket(ctx, other, None, {}, frames.send, frames.close)
    with pytest.raises(Unauthorized):
        await check_visitor(ctx.db, other)
    assert frames.sent == []


async def test_many_visitors_opening_at_once_share_few_reads(ctx: Context) -> None:
    team = await make_team(ctx)
    visitors = [await make_visitor(ctx, team.website) for _ in range(40)]
    chats = [await say(ctx, v, "hello") for v, _ in visitors]
    await _open(ctx, visitors[0][1], {}, Frames())  # the website's workspace is known from here on
    frames = [Frames() for _ in visitors]
    batches = ctx.db.reads.batches

    lives = await asyncio.gather(
        *(
            _open(ctx, token, {c.conversation_id: 1}, f)
            for (_, token), c, f in zip(visitors, chats, frames, strict=True)
        )
    )
    for live in lives:
        await live.end()

    assert all(f.kinds() == ["welcome", "synced"] for f in frames)
    # Fewer reads than sockets: they were shared (how many depends on the host's load;
    # half as many was seen to fail on a loaded 2-core host with PostgreSQL).
    assert ctx.db.reads.batches - batches < len(visitors)
