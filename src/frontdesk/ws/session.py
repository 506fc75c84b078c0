"""Opening a live session for an authenticated client, whatever carries it (a WebSocket,
or the widget's HTTP stream): subscribe, then replay, then stream."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Coroutine
from dataclasses import dataclass
from typing import Any

from frontdesk import topics
from frontdesk.actors import Actor, VisitorActor
from frontdesk.context import Context
from frontdesk.messages.models import BODY_MAX_CHARS
from frontdesk.realtime.bus import Subscription
from frontdesk.routing.availability import website_available
from frontdesk.websites.models import Website
from frontdesk.websites.views import website_data
from frontdesk.ws.connection import Connection, Replay
from frontdesk.ws.frames import PROTOCOL_VERSION

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
    conn = Connection(ctx, actor, send, close, send_now, cursors)
    # Subscribe before reading what was missed: nothing published meanwhile is lost.
    subscription = ctx.bus.subscribe(topics_of(actor), conn.on_bus)
    await ctx.bus.ready()
    welcome: dict[str, Any] = {
        "type": "welcome",
        "protocol": PROTOCOL_VERSION,
        "session": _session(actor),
        "heartbeat_seconds": HEARTBEAT_S,
        "limits": {"body_max_chars": BODY_MAX_CHARS, "frame_max_bytes": FRAME_MAX_BYTES},
    }
    if isinstance(actor, VisitorActor):
        # The state that events update, read after subscribing: a change made between the
        # widget's session request and this socket is not lost.
        welcome.update(await _visitor_state(ctx, actor))
    # Events heard since subscribing (while the welcome's state was read) follow it.
    conn.welcome(welcome)
    conn.replay(Replay(dict(cursors), all_of_visitor=isinstance(actor, VisitorActor)))
    writer = asyncio.create_task(conn.run(), name="live-session-writer")
    return LiveSession(conn, subscription, writer)


async def _visitor_state(ctx: Context, actor: VisitorActor) -> dict[str, Any]:
    async with ctx.db.reader() as session:
        website = await session.get_one(Website, actor.website_id)
    return {
        "website": website_data(website, ctx.mail.configured).model_dump(),
        "agents_online": await website_available(ctx.db, website),
    }


def _session(actor: Actor) -> dict[str, str]:
    if isinstance(actor, VisitorActor):
        return {"kind": "visitor", "id": actor.contact_id, "workspace_id": actor.workspace_id}
    return {"kind": "agent", "id": actor.agent_id, "workspace_id": actor.workspace_id}
