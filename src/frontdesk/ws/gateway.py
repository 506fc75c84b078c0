"""The WebSocket endpoints: authenticate, subscribe, replay, then serve frames.

Handlers here only parse and call actions (docs/protocol.md has every frame)."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Coroutine, MutableMapping
from typing import Any

from starlette.websockets import WebSocket, WebSocketDisconnect, WebSocketState

from frontdesk.actors import Actor, AgentActor, VisitorActor
from frontdesk.agents.queries import actor_for, agent_for_api_token, agent_for_session
from frontdesk.context import Context
from frontdesk.conversations.actions import mark_read, set_typing
from frontdesk.conversations.queries import conversation_for
from frontdesk.errors import DomainError, Unauthorized
from frontdesk.http.deps import SESSION_COOKIE, bearer, same_origin, visitor_actor
from frontdesk.messages.actions import NewMessage, send_message
from frontdesk.routing.availability import console_left, console_opened
from frontdesk.ws.connection import Connection, Replay
from frontdesk.ws.frames import PROTOCOL_VERSION, FrameError, Hello, Ping, Read, Resume, Send, TypingFrame, parse
from frontdesk.ws.protocol import SEND_FRAMES, SEND_FRAMES_NOW
from frontdesk.ws.session import open_session

log = logging.getLogger(__name__)

HELLO_TIMEOUT_S = 10  # a client that connects sends hello at once; 10 s covers a slow phone
CLOSE_UNAUTHORIZED = 4401
CLOSE_BAD_VERSION = 4400


async def visitor_socket(websocket: WebSocket) -> None:
    await websocket.accept()
    ctx: Context = websocket.app.state.ctx
    hello = await _hello(websocket)
    if hello is None:
        return
    claims = ctx.visitor_tokens.verify(hello.token) if hello.token else None
    try:
        if claims is None:
            raise Unauthorized("the visitor token is missing or not valid; start a new widget session")
        actor: Actor = await visitor_actor(ctx, claims.contact_id, claims.website_id)
    except Unauthorized as exc:
        await _send(websocket, {"type": "error", "code": exc.code, "message": exc.message})
        await websocket.close(CLOSE_UNAUTHORIZED, "unauthorized")
        return
    assert isinstance(actor, VisitorActor)
    await _serve(websocket, ctx, actor, hello)


async def agent_socket(websocket: WebSocket) -> None:
    await websocket.accept()
    ctx: Context = websocket.app.state.ctx
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
            task = asyncio.create_task(_offline_unless_back(ctx, actor))
            _background.add(task)
            task.add_done_callback(_background.discard)


_background: set[asyncio.Task[None]] = set()


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
    elif (cookie := websocket.cookies.get(SESSION_COOKIE)) and same_origin(websocket.headers):
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


async def _serve(websocket: WebSocket, ctx: Context, actor: Actor, hello: Hello) -> None:
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

    live = await open_session(ctx, actor, dict(hello.cursors), send, close, extensions.get(SEND_FRAMES_NOW))
    try:
        await _read_loop(websocket, ctx, actor, live.conn, live.writer)
    finally:
        await live.end()


async def _read_loop(
    websocket: WebSocket, ctx: Context, actor: Actor, conn: Connection, writer: asyncio.Task[None]
) -> None:
    """Frames in, one at a time. When the writer ends (the client went away while we
    wrote to it), a read that waits is cancelled; a frame being handled finishes first.
    Not a task per read raced against the writer: that cost a task and a wait per frame."""
    handler = FrameHandler(ctx, actor, conn)
    reader = asyncio.current_task()
    waiting = False

    def writer_ended(_: asyncio.Task[None]) -> None:
        if waiting and reader is not None:
            reader.cancel()

    writer.add_done_callback(writer_ended)
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
        writer.remove_done_callback(writer_ended)


class FrameHandler:
    """Turns one client frame into an action call and its answer."""

    def __init__(self, ctx: Context, actor: Actor, conn: Connection) -> None:
        self.ctx = ctx
        self.actor = actor
        self.conn = conn
        self._contact_of: dict[str, str] = {}  # conversations this socket may type in

    async def handle(self, raw: MutableMapping[str, Any]) -> None:
        try:
            frame = parse(_text_of(raw))
            await self._dispatch(frame)
        except FrameError as exc:
            self.conn.frame(_error(exc))
        except DomainError as exc:
            self.conn.frame(_error(FrameError(exc.code, exc.message, field=exc.field, ref=getattr(exc, "ref", None))))
        except Exception:
            log.exception("frame failed")
            self.conn.frame({"type": "error", "code": "internal", "message": "the server failed; retry the frame"})

    async def _dispatch(self, frame: object) -> None:
        if isinstance(frame, Send):
            await self._send(frame)
        elif isinstance(frame, TypingFrame):
            contact_id = await self._may_type(frame.conversation_id)
            await set_typing(self.ctx, self.actor, frame.conversation_id, contact_id, frame.state == "start")
        elif isinstance(frame, Read):
            await mark_read(self.ctx, self.actor, frame.conversation_id, frame.seq)
        elif isinstance(frame, Resume):
            self.conn.replay(Replay(dict(frame.cursors), then_synced=False))
        elif isinstance(frame, Ping):
            self.conn.frame({"type": "pong"})
        elif isinstance(frame, Hello):
            raise FrameError("invalid", "hello was already received on this socket", field="type", ref=frame.ref)

    async def _send(self, frame: Send) -> None:
        new = NewMessage(
            body=frame.body,
            client_ref=frame.client_ref,
            conversation_id=frame.conversation_id,
            private=frame.private,
            attachment_ids=tuple(frame.attachment_ids),
        )
        try:
            result = await send_message(self.ctx, self.actor, new)
        except DomainError as exc:
            error = _error(FrameError(exc.code, exc.message, field=exc.field, ref=frame.ref))
            self.conn.frame({**error, "client_ref": frame.client_ref})
            return
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


def _text_of(raw: MutableMapping[str, Any]) -> str:
    text = raw.get("text")
    if text is None:
        raise FrameError("bad_frame", "binary frames are not part of the protocol; send JSON text")
    return str(text)


def _error(exc: FrameError) -> dict[str, Any]:
    frame: dict[str, Any] = {"type": "error", "code": exc.code, "message": exc.message}
    if exc.field:
        frame["field"] = exc.field
    if exc.ref:
        frame["ref"] = exc.ref
    return frame


async def _send(websocket: WebSocket, frame: dict[str, Any]) -> None:
    with contextlib.suppress(WebSocketDisconnect, RuntimeError):  # the client left first
        await websocket.send_json(frame)
