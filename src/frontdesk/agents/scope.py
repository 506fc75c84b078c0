"""When what an agent may see changes (their teams, role, wider access, or the account
is deactivated), their open sockets close with 4009 and the client reconnects at once:
the new socket is authenticated again and reads the agent's scope afresh, so live events
and socket actions follow the change without a reload. Cursors make the reconnect lose
nothing (docs/protocol.md)."""

from __future__ import annotations

from collections.abc import Iterable

from frontdesk.context import Context
from frontdesk.realtime.bus import BusMessage
from frontdesk.topics import agent

SCOPE_CHANGED = "agent.scope_changed"  # internal: never sent to a client


async def scope_changed(ctx: Context, agent_ids: Iterable[str]) -> None:
    """Call after the commit that changed the scope."""
    for agent_id in set(agent_ids):
        await ctx.bus.publish(agent(agent_id), BusMessage(frame=b"", event=SCOPE_CHANGED))
