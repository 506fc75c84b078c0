"""Which agents have a console open. The widget shows the away state and the offline
form when nobody does.

In memory, counted per socket (an agent with two tabs is online until both close). This
is exact on one node; across nodes it will move to Redis with scale-out (issue #6).
"""

from __future__ import annotations

from collections import Counter, defaultdict


class Presence:
    def __init__(self) -> None:
        self._sockets: dict[str, Counter[str]] = defaultdict(Counter)

    def connected(self, workspace_id: str, agent_id: str) -> bool:
        """Returns True when the workspace went from nobody to somebody online."""
        was_empty = not self._sockets[workspace_id]
        self._sockets[workspace_id][agent_id] += 1
        return was_empty

    def disconnected(self, workspace_id: str, agent_id: str) -> bool:
        """Returns True when the workspace's last agent went offline."""
        agents = self._sockets[workspace_id]
        agents[agent_id] -= 1
        if agents[agent_id] <= 0:
            del agents[agent_id]
        return not agents

    def agents_online(self, workspace_id: str) -> int:
        return len(self._sockets.get(workspace_id, ()))
