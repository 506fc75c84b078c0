"""Opening a live session for an authenticated client, whatever carries it (a WebSocket,
or the widget's HTTP stream): subscribe, then read and replay, then stream."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Coroutine
from dataclasses import dataclass
from typing import Any

from frontdesk import topics
from frontdesk.actors import Actor, VisitorActor
from frontdesk.contacts.visitor_check import visitor_of
from frontdesk.context import Context
from frontdesk.errors import Unauthorized
from frontdesk.messages.models import BODY_MAX_CHARS
from frontdesk.realtime.bus import Subscription
from frontdesk.tokens import VisitorClaims
from frontdesk.websites.views import website_data
from frontdesk.ws.connection import Connection, Replay
from frontdesk.ws.frames import PROTOCOL_VERSION
from frontdesk.ws.openings import Visitor, openings, workspace_of

HEARTBEAT_S = 25  # under the 30-60 s idle timeouts of common proxies and load balancers
FRAME_MAX_BYTES = 65_536


def topics_of(actor: Actor) -> list[str]:
    if isinstance(actor, VisitorActor):
        return [
            topics.visitor(actor.contact_id),
            topics.website_visitors(actor.website_id),
            topics.workspace_visitors(actor.workspace_id),
        ]
    return [topics.workspace_agents(actor.workspace_id), topics.agent(actor.agent_id)]


@dataclass
class LiveSession:
    conn: Connection
    subscription: Subscription
    writer: asyncio.Task[None]

    async def end(self) -> None:
        self.subscription.close()
        self.writer.cancel()
        await asyncio.gather(self.writer, return_exceptions=True)


async def open_session(
    ctx: Context,
    actor: Actor,
    cursors: dict[str, int],
    send: Callable[[list[bytes]], Coroutine[Any, Any, None]],
    close: Callable[[int, str], Coroutine[Any, Any, None]],
    send_now: Callable[[list[bytes]], bool] | None = None,
) -> LiveSession:
    """An authenticated client's session: an agent's socket, or a visitor's event stream
    (its token checked by the request)."""
    if isinstance(actor, VisitorActor):
        visitor = Visitor(actor.workspace_id, actor.website_id, actor.contact_id)
        return await _open_visitor(ctx, visitor, actor, cursors, Carrier(send, close, send_now))
    conn = Connection(ctx, actor, send, close, send_now, cursors)
    # Subscribe before reading what was missed: nothing published meanwhile is lost.
    subscription = ctx.bus.subscribe(topics_of(actor), conn.on_bus)
    await ctx.bus.ready()
    conn.welcome(_welcome(actor))
    conn.replay(Replay(dict(cursors)))
    return _live(conn, subscription)


async def open_visitor_socket(
    ctx: Context,
    claims: VisitorClaims,
    ip: str | None,
    cursors: dict[str, int],
    send: Callable[[list[bytes]], Coroutine[Any, Any, None]],
    close: Callable[[int, str], Coroutine[Any, Any, None]],
    send_now: Callable[[list[bytes]], bool] | None = None,
) -> LiveSession:
    """A visitor's socket, from the token of its hello (its signature checked): the
    token's contact is checked in the session's opening read (ws/openings.py), so a
    reconnect costs one read batched with the others'. Raises ``Unauthorized`` or
    ``Forbidden`` (having sent nothing) when the token no longer counts."""
    workspace_id = await workspace_of(ctx.db, claims.website_id)
    if workspace_id is None:
        raise Unauthorized("this visitor session has ended; start a new session")
    visitor = Visitor(workspace_id, claims.website_id, claims.contact_id)
    return await _open_visitor(ctx, visitor, (claims, ip), cursors, Carrier(send, close, send_now))


@dataclass(frozen=True)
class Carrier:
    """How a session's frames leave (see ``Connection``)."""

    send: Callable[[list[bytes]], Coroutine[Any, Any, None]]
    close: Callable[[int, str], Coroutine[Any, Any, None]]
    send_now: Callable[[list[bytes]], bool] | None


async def _open_visitor(
    ctx: Context,
    visitor: Visitor,
    who: VisitorActor | tuple[VisitorClaims, str | None],
    cursors: dict[str, int],
    carrier: Carrier,
) -> LiveSession:
    """``who``: the visitor as its request found it, or a token's claims (and the
    address) still to check against the contact read here."""
    ip = who.ip if isinstance(who, VisitorActor) else who[1]
    actor = VisitorActor(visitor.workspace_id, visitor.website_id, visitor.contact_id, name="", ip=ip)
    conn = Connection(ctx, actor, carrier.send, carrier.close, carrier.send_now, cursors)
    # Subscribe, then read: whatever is committed before the read is in it, whatever
    # commits after it is published after, to topics this session already hears.
    subscription = ctx.bus.subscribe(topics_of(actor), conn.on_bus)
    try:
        await ctx.bus.ready()
        opening = await ctx.db.reads.get(openings, visitor)
        conn.actor = who if isinstance(who, VisitorActor) else visitor_of(opening.contact, *who)
        if opening.contact is None or opening.website is None:
            raise Unauthorized("this visitor session has ended; start a new session")
    except BaseException:
        subscription.close()
        raise
    # Events heard since subscribing (while the welcome's state was read) follow it.
    welcome = _welcome(conn.actor) | {
        "website": website_data(opening.website, ctx.mail.configured).model_dump(),
        "agents_online": opening.agents_online,
    }
    conn.welcome(welcome)
    known = {chat.id: (chat.last_seq, chat.last_visible_seq) for chat in opening.chats}
    conn.replay(Replay(dict(cursors), known=known))
    return _live(conn, subscription)


def _welcome(actor: Actor) -> dict[str, Any]:
    return {
        "type": "welcome",
        "protocol": PROTOCOL_VERSION,
        "session": _session(actor),
        "heartbeat_seconds": HEARTBEAT_S,
        "limits": {"body_max_chars": BODY_MAX_CHARS, "frame_max_bytes": FRAME_MAX_BYTES},
    }


def _live(conn: Connection, subscription: Subscription) -> LiveSession:
    writer = asyncio.create_task(conn.run(), name="live-session-writer")
    return LiveSession(conn, subscription, writer)


def _session(actor: Actor) -> dict[str, str]:
    if isinstance(actor, VisitorActor):
        return {"kind": "visitor", "id": actor.contact_id, "workspace_id": actor.workspace_id}
    return {"kind": "agent", "id": actor.agent_id, "workspace_id": actor.workspace_id}
