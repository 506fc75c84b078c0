"""The WebSocket endpoints: authenticate, subscribe, replay, then serve frames.

Handlers here only parse and call actions (docs/protocol.md has every frame)."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable, Coroutine, MutableMapping
from typing import Any

from starlette.websockets import WebSocket, WebSocketDisconnect, WebSocketState

from frontdesk.actors import Actor, AgentActor, VisitorActor
from frontdesk.agents.queries import actor_for, agent_for_api_token, agent_for_session
from frontdesk.context import Context
from frontdesk.conversations.actions import mark_read, set_typing
from frontdesk.conversations.queries import conversation_for
from frontdesk.errors import DomainError, Forbidden, Unauthorized
from frontdesk.http.deps import SESSION_COOKIE, bearer, client_address, same_origin
from frontdesk.messages.actions import NewMessage, SendResult, send_message
from frontdesk.ratelimits.limiter import RateLimited
from frontdesk.ratelimits.rules import (
    MESSAGES_IP,
    MESSAGES_VISITOR,
    READS_IP,
    READS_VISITOR,
    TYPING_IP,
    TYPING_VISITOR,
    Rule,
)
from frontdesk.realtime.socket_caps import Cap, caps_for
from frontdesk.routing.availability import console_left, console_opened
from frontdesk.tokens import VisitorClaims
from frontdesk.ws.connection import Connection, Replay
from frontdesk.ws.frames import PROTOCOL_VERSION, FrameError, Hello, Ping, Read, Resume, Send, TypingFrame, parse
from frontdesk.ws.protocol import SEND_FRAMES, SEND_FRAMES_NOW, TAKE_TEXT, TextTaker
from frontdesk.ws.session import open_session, open_visitor_socket

log = logging.getLogger(__name__)

HELLO_TIMEOUT_S = 10  # a client that connects sends hello at once; 10 s covers a slow phone
CLOSE_UNAUTHORIZED = 4401
CLOSE_BAD_VERSION = 4400
# Over a cap on open sockets (per IP address, per visitor): HTTP's 429 in the private
# range. Not a reason to reconnect at once: the client waits, or closes another tab.
CLOSE_TOO_MANY = 4429


async def visitor_socket(websocket: WebSocket) -> None:
    await websocket.accept()
    ctx: Context = websocket.app.state.ctx
    by_ip = _caps(websocket, ctx)
    if not await _admitted(websocket, ctx, by_ip):
        return
    try:
        await _visitor(websocket, ctx)
    finally:
        await ctx.socket_caps.release(by_ip)


async def _visitor(websocket: WebSocket, ctx: Context) -> None:
    hello = await _hello(websocket)
    if hello is None:
        return
    claims = ctx.visitor_tokens.verify(hello.token) if hello.token else None
    if claims is None:
        await _refuse(websocket, Unauthorized("the visitor token is missing or not valid; start a new widget session"))
        return
    # Its signature holds, so the contact is the token's; whether the token still counts
    # (not reset, not blocked) is read as the session opens (ws/openings.py).
    by_visitor = _caps(websocket, ctx, claims.contact_id)
    if not await _admitted(websocket, ctx, by_visitor):
        return
    try:
        await _serve(websocket, ctx, claims, hello)
    finally:
        await ctx.socket_caps.release(by_visitor)


async def _refuse(websocket: WebSocket, exc: Unauthorized | Forbidden) -> None:
    await _send(websocket, {"type": "error", "code": exc.code, "message": exc.message})
    await websocket.close(CLOSE_UNAUTHORIZED, "unauthorized")


def _caps(websocket: WebSocket, ctx: Context, contact_id: str | None = None) -> list[Cap]:
    """The address's cap, or (given a visitor) the visitor's alone: counted once each."""
    settings = ctx.settings
    return caps_for(
        None if contact_id else client_address(websocket),
        contact_id,
        per_ip=settings.sockets_per_ip,
        per_visitor=settings.sockets_per_visitor,
    )


async def _admitted(websocket: WebSocket, ctx: Context, caps: list[Cap]) -> bool:
    refused = await ctx.socket_caps.acquire(caps)
    if refused is None:
        return True
    whose = "this address" if refused.key.startswith("ip:") else "this visitor"
    message = f"too many open sockets for {whose} (at most {refused.limit}); close one, or retry later"
    await _send(websocket, {"type": "error", "code": "too_many_sockets", "message": message})
    await websocket.close(CLOSE_TOO_MANY, f"too many sockets for {whose}")
    return False


async def agent_socket(websocket: WebSocket) -> None:
    await websocket.accept()
    ctx: Context = websocket.app.state.ctx
    by_ip = _caps(websocket, ctx)
    if not await _admitted(websocket, ctx, by_ip):
        return
    try:
        await _agent(websocket, ctx)
    finally:
        await ctx.socket_caps.release(by_ip)


async def _agent(websocket: WebSocket, ctx: Context) -> None:
    actor = await _agent_from_handshake(websocket, ctx)
    if actor is None:
        await websocket.close(CLOSE_UNAUTHORIZED, "unauthorized")
        return
    hello = await _hello(websocket)
    if hello is None:
        return
    await _with_presence(ctx, actor, _serve(websocket, ctx, actor, hello))


async def _with_presence(ctx: Context, actor: AgentActor, serving: Coroutine[Any, Any, None]) -> None:
    """Opening the console puts an agent online (unless they chose away); closing the last
    one puts them offline after a grace period that covers a page reload."""
    if await ctx.presence.connected(actor.agent_id):
        await console_opened(ctx, actor)
    try:
        await serving
    finally:
        if await ctx.presence.disconnected(actor.agent_id):
            _in_background(_offline_unless_back(ctx, actor))


_background: set[asyncio.Task[None]] = set()


def _in_background(work: Coroutine[Any, Any, None]) -> None:
    """A task nobody awaits, held here so it is not collected before it ends."""
    task = asyncio.create_task(work)
    _background.add(task)
    task.add_done_callback(_background.discard)


async def _offline_unless_back(ctx: Context, actor: AgentActor) -> None:
    await asyncio.sleep(ctx.settings.offline_grace_seconds)
    try:
        await console_left(ctx, actor)
    except Exception:
        log.exception("could not mark agent %s offline", actor.agent_id)


async def _agent_from_handshake(websocket: WebSocket, ctx: Context) -> AgentActor | None:
    token = bearer(websocket.headers)
    if token is not None:
        agent = await agent_for_api_token(ctx.db, token)
    elif (cookie := websocket.cookies.get(SESSION_COOKIE)) and same_origin(websocket, ctx):
        # Browsers send cookies with cross-site socket handshakes too: only our own
        # pages may use the session cookie (cross-site WebSocket hijacking).
        agent = await agent_for_session(ctx.db, cookie)
    else:
        agent = None
    return await actor_for(ctx.db, agent) if agent is not None else None


async def _hello(websocket: WebSocket) -> Hello | None:
    try:
        raw = await asyncio.wait_for(websocket.receive(), HELLO_TIMEOUT_S)
    except TimeoutError:
        await _send(websocket, {"type": "error", "code": "hello_required", "message": "send hello first"})
        await websocket.close(1008, "no hello")
        return None
    if raw["type"] == "websocket.disconnect":
        return None
    try:
        frame = parse(_text_of(raw))
    except FrameError as exc:
        await _send(websocket, _error(exc))
        await websocket.close(1008, "bad hello")
        return None
    if not isinstance(frame, Hello):
        await _send(websocket, {"type": "error", "code": "hello_required", "message": "the first frame must be hello"})
        await websocket.close(1008, "no hello")
        return None
    if frame.protocol != PROTOCOL_VERSION:
        await _send(
            websocket,
            {
                "type": "error",
                "code": "invalid",
                "field": "protocol",
                "message": f"this server speaks protocol {PROTOCOL_VERSION}, got {frame.protocol}",
            },
        )
        await websocket.close(CLOSE_BAD_VERSION, "unsupported protocol")
        return None
    return frame


async def _serve(websocket: WebSocket, ctx: Context, who: Actor | VisitorClaims, hello: Hello) -> None:
    extensions = websocket.scope.get("extensions", {})
    send_frames = extensions.get(SEND_FRAMES)

    async def send(frames: list[bytes]) -> None:
        if send_frames is None:  # another ASGI server than ours (cli.py)
            for frame in frames:
                await websocket.send_text(frame.decode())
            return
        try:
            await send_frames(frames)
        except OSError:  # uvicorn's ClientDisconnected, as Starlette would raise it
            raise WebSocketDisconnect(1006) from None

    async def close(code: int, reason: str) -> None:
        if websocket.client_state is WebSocketState.CONNECTED:
            await websocket.close(code, reason)

    cursors, send_now = dict(hello.cursors), extensions.get(SEND_FRAMES_NOW)
    try:
        if isinstance(who, VisitorClaims):
            live = await open_visitor_socket(ctx, who, client_address(websocket), cursors, send, close, send_now)
        else:
            live = await open_session(ctx, who, cursors, send, close, send_now)
    except (Unauthorized, Forbidden) as exc:
        await _refuse(websocket, exc)
        return
    take_text: Callable[[TextTaker | None], None] | None = extensions.get(TAKE_TEXT)
    try:
        await _read_loop(websocket, ctx, live.conn.actor, live.conn, live.writer, take_text)
    finally:
        await live.end()


async def _read_loop(
    websocket: WebSocket,
    ctx: Context,
    actor: Actor,
    conn: Connection,
    writer: asyncio.Task[None],
    take_text: Callable[[TextTaker | None], None] | None = None,
) -> None:
    """Frames in, one at a time. When the writer ends (the client went away while we
    wrote to it), a read that waits is cancelled; a frame being handled finishes first.
    Not a task per read raced against the writer: that cost a task and a wait per frame.
    Where the server offers frames as they arrive (ws/protocol.py), sends are taken
    there (``FrameHandler.take``); this loop gets the rest."""
    handler = FrameHandler(ctx, actor, conn)
    reader = asyncio.current_task()
    waiting = False

    def writer_ended(_: asyncio.Task[None]) -> None:
        if waiting and reader is not None:
            reader.cancel()

    writer.add_done_callback(writer_ended)
    if take_text is not None:
        take_text(handler.take)
    try:
        while not writer.done():
            waiting = True
            try:
                raw = await websocket.receive()
            except asyncio.CancelledError:
                if not writer.done() or reader is None:
                    raise  # the server is stopping
                reader.uncancel()
                return
            finally:
                waiting = False
            if raw["type"] == "websocket.disconnect":
                return
            await handler.handle(raw)
    except WebSocketDisconnect:
        return
    finally:
        if take_text is not None:
            take_text(None)
        writer.remove_done_callback(writer_ended)


class FrameHandler:
    """Turns one client frame into an action call and its answer.

    A socket's frames are handled one at a time, in the order they came, whichever way
    each arrives: from the read loop (``handle``), or taken as it arrived (``take``), a
    send handed to ``send_message`` with a callback, without the read loop's task. A
    send the quick path stores then wakes no task at all: the action queues its write
    from the frame's callback and answers from the commit's (``_answered``). That was a
    task step through the ASGI receive chain and another through the ~10 coroutines
    awaiting the commit, a sent message each. A frame is taken only while no other of
    this socket's is being handled; one that comes meanwhile takes the read loop, which
    waits for the taken one to be answered."""

    def __init__(self, ctx: Context, actor: Actor, conn: Connection) -> None:
        self.ctx = ctx
        self.actor = actor
        self.conn = conn
        self._contact_of: dict[str, str] = {}  # conversations this socket may type in
        self._handling = False  # the read loop has a frame (or waits to handle one)
        self._taken = False  # a taken send is not answered yet
        self._taken_done: asyncio.Future[None] | None = None  # the read loop waits on it
        # A visitor's sends are counted against their rate limits, which may wait on Redis:
        # the read loop's, not the frame's callback. Agents' sends are not limited.
        self._limited = isinstance(actor, VisitorActor) and ctx.rate_limits.enabled

    async def handle(self, raw: MutableMapping[str, Any]) -> None:
        self._handling = True  # before waiting: frames after this one come here too
        frame: Any = None
        try:
            if self._taken:
                self._taken_done = asyncio.get_running_loop().create_future()
                await self._taken_done
            frame = parse(_text_of(raw))
            await self._dispatch(frame)
        except FrameError as exc:
            self.conn.frame(_error(exc))
        except DomainError as exc:  # the answer names the frame it refuses
            self.conn.frame(_error(_frame_error(exc, getattr(frame, "ref", None))))
        except Exception:
            log.exception("frame failed")
            self._failed()
        finally:
            self._handling = False

    def take(self, data: bytes) -> bool:
        """A text frame as it arrives, on the loop's callback: True when it is a send,
        handed to ``send_message``. Anything else (another kind of frame, a wrong one, a
        frame while another is handled, a visitor's send to count against their limits)
        is declined, and the read loop handles it as any frame."""
        if self._handling or self._taken or self._limited:
            return False
        try:
            frame = parse(data)
        except FrameError:
            return False  # the read loop answers with the error
        if not isinstance(frame, Send):
            return False
        self._taken = True
        send_message(self.ctx, self.actor, _new_message(frame), lambda outcome: self._answered(frame, outcome))
        return True

    def _answered(self, frame: Send, outcome: SendResult | Exception) -> None:
        """A taken send's outcome: its result, the refusal, or what failed it. The read
        loop waits for it, whatever happens here."""
        try:
            if isinstance(outcome, SendResult):
                self._ack(frame, outcome)
            elif isinstance(outcome, DomainError):
                self._refused(frame, outcome)
            else:
                log.error("frame failed", exc_info=outcome)
                self._failed()
        finally:
            self._taken_finished()

    def _taken_finished(self) -> None:
        self._taken = False
        if self._taken_done is not None:
            self._taken_done.set_result(None)
            self._taken_done = None

    def _failed(self) -> None:
        self.conn.frame({"type": "error", "code": "internal", "message": "the server failed; retry the frame"})

    async def _dispatch(self, frame: object) -> None:
        if isinstance(frame, Send):
            await self._send(frame)
        elif isinstance(frame, TypingFrame):
            await self._count(TYPING_VISITOR, TYPING_IP)
            contact_id = await self._may_type(frame.conversation_id)
            await set_typing(self.ctx, self.actor, frame.conversation_id, contact_id, frame.state == "start")
        elif isinstance(frame, Read):
            await self._count(READS_VISITOR, READS_IP)
            await mark_read(self.ctx, self.actor, frame.conversation_id, frame.seq)
        elif isinstance(frame, Resume):
            self.conn.replay(Replay(dict(frame.cursors), then_synced=False))
        elif isinstance(frame, Ping):
            self.conn.frame({"type": "pong"})
        elif isinstance(frame, Hello):
            raise FrameError("invalid", "hello was already received on this socket", field="type", ref=frame.ref)

    async def _count(self, *rules: Rule) -> None:
        if isinstance(self.actor, VisitorActor):
            await self.ctx.rate_limits.hit_visitor(self.actor, *rules)

    async def _send(self, frame: Send) -> None:
        try:
            await self._count(MESSAGES_VISITOR, MESSAGES_IP)
            result = await send_message(self.ctx, self.actor, _new_message(frame))
        except DomainError as exc:
            self._refused(frame, exc)
            return
        self._ack(frame, result)

    def _refused(self, frame: Send, exc: DomainError) -> None:
        error = _error(_frame_error(exc, frame.ref))
        self.conn.frame({**error, "client_ref": frame.client_ref})

    def _ack(self, frame: Send, result: SendResult) -> None:
        self.conn.frame(
            {
                "type": "ack",
                "client_ref": frame.client_ref,
                "ref": frame.ref,
                "message": result.json(),
                "duplicate": result.duplicate,
            }
        )

    async def _may_type(self, conversation_id: str) -> str:
        if conversation_id not in self._contact_of:
            async with self.ctx.db.reader() as session:
                conversation = await conversation_for(session, self.actor, conversation_id)
            self._contact_of[conversation_id] = conversation.contact_id
        return self._contact_of[conversation_id]


def _frame_error(exc: DomainError, ref: str | None) -> FrameError:
    retry_after = exc.retry_after if isinstance(exc, RateLimited) else None
    return FrameError(exc.code, exc.message, field=exc.field, ref=ref, retry_after=retry_after)


def _new_message(frame: Send) -> NewMessage:
    return NewMessage(
        body=frame.body,
        client_ref=frame.client_ref,
        conversation_id=frame.conversation_id,
        private=frame.private,
        attachment_ids=tuple(frame.attachment_ids),
    )


def _text_of(raw: MutableMapping[str, Any]) -> str:
    text = raw.get("text")
    if text is None:
        raise FrameError("bad_frame", "binary frames are not part of the protocol; send JSON text")
    return str(text)


def _error(exc: FrameError) -> dict[str, Any]:
    frame: dict[str, Any] = {"type": "error", "code": exc.code, "message": exc.message}
    if exc.retry_after is not None:
        frame["retry_after"] = exc.retry_after
    if exc.field:
        frame["field"] = exc.field
    if exc.ref:
        frame["ref"] = exc.ref
    return frame


async def _send(websocket: WebSocket, frame: dict[str, Any]) -> None:
    with contextlib.suppress(WebSocketDisconnect, RuntimeError):  # the client left first
        await websocket.send_json(frame)
