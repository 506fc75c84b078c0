"""One client socket's outgoing side: a bounded queue and an ordered writer.

Everything sent to a client (events, acks, errors) goes through one queue and one
writer task, so frames never interleave and each conversation's events leave in ``seq``
order. Events of a conversation the client tracks (it gave a cursor, it is the
visitor's own, or an agent socket has seen it once) are delivered exactly once and in
order: an event at or below what was delivered is a duplicate and dropped; an event past
a gap first pulls the gap from the database. A gap is an event published before an
earlier one (two requests or nodes racing), or one a node stored but died before
publishing; either way it is committed, because ``seq`` is assigned under the
conversation's row lock.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Coroutine
from dataclasses import dataclass
from typing import Any

from frontdesk.actors import Actor, AgentActor, VisitorActor
from frontdesk.context import Context
from frontdesk.conversations.events import message_frame
from frontdesk.conversations.queries import conversation_for
from frontdesk.errors import NotFound
from frontdesk.events import INTERNAL
from frontdesk.messages.queries import messages_between
from frontdesk.realtime.bus import BusMessage
from frontdesk.ws.frames import encode

log = logging.getLogger(__name__)

# Frames waiting for a slow client. A chat burst is a few dozen frames; 256 absorbs a
# busy console's spikes, and past it the client is far enough behind that replaying
# from the database (after a 4008 close) is cheaper than buffering more in memory.
QUEUE_FRAMES = 256
# Frames one write may carry: a replay of a long history goes out in parts of this size.
WRITE_FRAMES = 64
CLOSE_TOO_SLOW = 4008
CLOSE_SCOPE_CHANGED = 4009
# The internal events that tell a socket to close: the reconnect is checked afresh.
_CLOSE_ON = frozenset(name.value for name in INTERNAL)


@dataclass(frozen=True)
class Replay:
    """Send what the client missed in these conversations, then track them.

    ``known``: a visitor's conversations, each with its ``last_seq`` and the last seq the
    visitor may see, as read after subscribing (ws/openings.py): every one of them is
    replayed (a second tab catches up), and one whose cursor is at the last visible seq
    is not read at all. Without it (agents, ``resume``) each conversation is read."""

    cursors: dict[str, int]
    known: dict[str, tuple[int, int]] | None = None
    then_synced: bool = True


Item = BusMessage | bytes | Replay
# Wakes the writer to write what is gathered (``Connection._flush``): a replay of nothing.
_WAKE = Replay({}, then_synced=False)


class Mailbox:
    """A bounded first-in first-out list with one reader. ``asyncio.Queue`` (three deques
    and an Event) costs about 3.3 KB a socket, a tenth of an idle socket's budget; this
    costs about 0.2 KB."""

    __slots__ = ("_items", "_limit", "_waiter")

    def __init__(self, limit: int) -> None:
        self._items: list[Item] = []
        self._limit = limit
        self._waiter: asyncio.Future[None] | None = None

    def full(self) -> bool:
        return len(self._items) >= self._limit

    def put(self, item: Item) -> bool:
        """False when full."""
        if len(self._items) >= self._limit:
            return False
        self._items.append(item)
        if self._waiter is not None and not self._waiter.done():
            self._waiter.set_result(None)
        return True

    async def get(self) -> Item:
        while not self._items:
            self._waiter = asyncio.get_running_loop().create_future()
            try:
                await self._waiter
            finally:
                self._waiter = None
        return self._items.pop(0)  # at most QUEUE_FRAMES long, mostly one

    def put_first(self, item: Item) -> None:
        """Ahead of what waits, past the limit if need be: for the one frame that must
        open the stream."""
        self._items.insert(0, item)
        if self._waiter is not None and not self._waiter.done():
            self._waiter.set_result(None)

    def get_nowait(self) -> Item | None:
        return self._items.pop(0) if self._items else None

    def reader_waits(self) -> bool:
        """The reader waits in ``get`` and nothing is queued (a put would wake it)."""
        return self._waiter is not None and not self._waiter.done()


class Connection:
    def __init__(
        self,
        ctx: Context,
        actor: Actor,
        send: Callable[[list[bytes]], Coroutine[Any, Any, None]],
        close: Callable[[int, str], Coroutine[Any, Any, None]],
        send_now: Callable[[list[bytes]], bool] | None = None,
        cursors: dict[str, int] | None = None,
    ) -> None:
        """``cursors``: what the client said it holds (its hello). They count from the
        first event on: one the bus hands over before the replay is queued (while the
        session opens) fills the gap from the cursor, not from the start of the chat."""
        self.ctx = ctx
        self.actor = actor
        self._send = send  # encoded frames, in order; one write where the carrier can
        self._send_now = send_now  # the same if it can without waiting (ws/protocol.py)
        self._close = close
        self._flush_due = False
        self._queue = Mailbox(QUEUE_FRAMES)
        self._out: list[bytes] = []  # frames gathered for the next write
        self._delivered: dict[str, int] = dict(cursors or {})
        # For chats an agent socket started tracking on first sight (no cursor): that seq,
        # and the seqs below it that arrived late and were delivered all the same.
        self._first_seen: dict[str, int] = {}
        self._late: dict[str, set[int]] = {}
        self._closing = False
        self._tasks: set[asyncio.Task[None]] = set()
        self.is_visitor = isinstance(actor, VisitorActor)

    # Producers (called on the event loop, never block) --------------------------------
    def on_bus(self, message: BusMessage) -> None:
        if message.event in _CLOSE_ON:
            self._close_soon(CLOSE_SCOPE_CHANGED, "your access changed; reconnect")
            return
        if isinstance(self.actor, AgentActor) and not self.actor.may_see(message.team_id, message.assignee_id):
            return  # another team's chat
        if self._queue.full() and message.droppable:
            return
        self._put(message)

    def frame(self, frame: dict[str, object]) -> None:
        self._put(encode(frame))

    def welcome(self, frame: dict[str, object]) -> None:
        """The first frame, whatever the bus delivered while the session was opening."""
        if not self._closing:
            self._queue.put_first(encode(frame))

    def replay(self, replay: Replay) -> None:
        self._put(replay)

    def _put(self, item: Item) -> None:
        if self._closing:
            return
        if self._send_now is not None and self._queue.reader_waits() and self._gather(item):
            return
        if not self._queue.put(item):
            self._close_soon(CLOSE_TOO_SLOW, "too slow; reconnect and resume")

    # Straight out, while the writer waits --------------------------------------------
    # A frame for an idle socket (a visitor's ack and its own message, most of all) was a
    # put, a wake-up of the writer's task and its write: a task step per message sent.
    # While the writer waits with nothing queued, a frame that needs no database is
    # gathered here instead, and what gathered in this turn of the loop leaves in one
    # write from a callback at its end. Order holds: the writer, once woken, writes what
    # is gathered before anything it takes from the queue.
    def _gather(self, item: Item) -> bool:
        if isinstance(item, bytes):
            self._out.append(item)
        elif isinstance(item, Replay) or not self._take(item):
            return False  # it needs the database: the writer's
        if not self._flush_due:
            self._flush_due = True
            asyncio.get_running_loop().call_soon(self._flush)
        return True

    def _flush(self) -> None:
        self._flush_due = False
        if not self._out or not self._queue.reader_waits():
            return  # the writer woke meanwhile and writes what is gathered first
        assert self._send_now is not None
        try:
            sent = self._send_now(self._out)
        except OSError:  # the client went away as we wrote: the writer's send says so too
            sent = False
        if not sent:
            self._queue.put_first(_WAKE)  # a slow reader or a closed socket: the writer's to handle
            return
        self._out = []

    def _close_soon(self, code: int, reason: str) -> None:
        if self._closing:
            return
        self._closing = True
        task = asyncio.create_task(self._close(code, reason))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    # The writer --------------------------------------------------------------------
    async def run(self) -> None:
        """Takes everything queued, then writes it at once: a busy socket gets one
        write for many frames (ws/protocol.py)."""
        while True:
            item: Item | None = await self._queue.get()
            while item is not None:
                if isinstance(item, bytes):
                    self._out.append(item)
                elif isinstance(item, Replay):
                    await self._replay(item)
                else:
                    await self._deliver(item)
                if len(self._out) >= WRITE_FRAMES:
                    await self._write()
                item = self._queue.get_nowait()
            await self._write()

    async def _write(self) -> None:
        """What is gathered goes out before the writer waits for anything else (the
        database, the next item): frames never wait behind a query."""
        if self._out:
            out, self._out = self._out, []
            await self._send(out)

    async def _deliver(self, message: BusMessage) -> None:
        if self._take(message):
            return
        conv, seq = message.conversation_id, message.seq
        assert conv is not None and seq is not None
        await self._send_stored(conv, self._delivered.get(conv, 0), seq)
        self._out.append(message.frame)
        self._delivered[conv] = seq

    def _take(self, message: BusMessage) -> bool:
        """Gathers the message, or drops it as a duplicate; False, having done neither,
        when the messages before it must be read from the database first (a gap)."""
        conv, seq = message.conversation_id, message.seq
        if conv is None or seq is None:
            self._out.append(message.frame)
            return True
        delivered = self._delivered.get(conv)
        if delivered is None:
            if not self.is_visitor:
                # First news of a chat on this agent socket: track it from here, so a later
                # gap (a message a dying node stored but never published) is filled.
                self._out.append(message.frame)
                self._delivered[conv] = self._first_seen[conv] = seq
                return True
            delivered = 0  # a new conversation of this visitor's: theirs from the start
        if seq <= delivered:
            late = self._late.get(conv)
            if seq < self._first_seen.get(conv, 0) and (late is None or seq not in late):
                self._out.append(message.frame)  # older than our first sight, arriving late
                self._late.setdefault(conv, set()).add(seq)
            return True
        if seq > delivered + 1:
            return False
        self._out.append(message.frame)
        self._delivered[conv] = seq
        return True

    async def _send_stored(
        self, conversation_id: str, after: int, before: int, skip: set[int] | frozenset[int] = frozenset()
    ) -> None:
        await self._write()
        rows = await messages_between(self.ctx.db, conversation_id, after, before, include_private=not self.is_visitor)
        for row in rows:
            if row.seq in skip:
                continue
            self._out.append(message_frame(row))
            if len(self._out) >= WRITE_FRAMES:
                await self._write()

    async def _replay(self, replay: Replay) -> None:
        await self._write()
        cursors = dict(replay.cursors)
        for conversation_id in replay.known or ():
            cursors.setdefault(conversation_id, 0)
        for conversation_id, cursor in cursors.items():
            if replay.known is None:
                await self._replay_read(conversation_id, cursor)
            elif (last := replay.known.get(conversation_id)) is None:
                self._not_found(NotFound(f"no conversation {conversation_id}", field="conversation_id"))
            else:
                await self._replay_one(conversation_id, cursor, *last)
        if replay.then_synced:
            self._out.append(encode({"type": "synced"}))

    async def _replay_read(self, conversation_id: str, cursor: int) -> None:
        await self._write()
        async with self.ctx.db.reader() as session:
            try:
                conversation = await conversation_for(session, self.actor, conversation_id)
            except NotFound as exc:
                self._not_found(exc)
                return
            last_seq = conversation.last_seq
        await self._replay_one(conversation_id, cursor, last_seq, None)

    def _not_found(self, exc: NotFound) -> None:
        self._out.append(encode({"type": "error", "code": exc.code, "message": exc.message, "field": "cursors"}))

    async def _replay_one(self, conversation_id: str, cursor: int, last_seq: int, last_visible: int | None) -> None:
        """``last_visible``: the last seq this client may see, when known (a visitor's);
        a client that holds it has missed nothing, and nothing is read."""
        already = self._delivered.get(conversation_id, 0)
        first_seen = self._first_seen.pop(conversation_id, None)
        late = self._late.pop(conversation_id, set())
        if first_seen is not None and cursor < first_seen - 1:
            # Tracked from first sight: the client holds none of what came before it but
            # the late arrivals this socket passed on.
            await self._send_stored(conversation_id, cursor, first_seen, skip=late)
        start = max(cursor, already) if conversation_id in self._delivered else cursor
        if last_seq > start and (last_visible is None or last_visible > start):
            await self._send_stored(conversation_id, start, last_seq + 1)
        self._delivered[conversation_id] = max(last_seq, already)
