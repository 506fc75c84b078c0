"""When what an agent may see changes (their teams, role, wider access, or the account
is deactivated), their open sockets close with 4009 and the client reconnects at once:
the new socket is authenticated again and reads the agent's scope afresh, so live events
and socket actions follow the change without a reload. Cursors make the reconnect lose
nothing (docs/protocol.md)."""

from __future__ import annotations

from collections.abc import Iterable

from frontdesk.context import Context
from frontdesk.events import AgentScopeChanged, Event, EventName
from frontdesk.topics import agent


async def scope_changed(ctx: Context, agent_ids: Iterable[str]) -> None:
    """Call after the commit that changed the scope."""
    changed = [AgentScopeChanged(agent_id=agent_id) for agent_id in sorted(set(agent_ids))]
    await ctx.publish([Event(EventName.AGENT_SCOPE_CHANGED, data, (agent(data.agent_id),)) for data in changed])
