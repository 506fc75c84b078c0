"""Which agents have a console open on this node, counted per socket (an agent with two
tabs is connected until both close). Opening the console puts an agent online; closing
the last one puts them offline after a grace period (see ws/gateway.py). Whether an agent
takes chats is their status in the database, which every node shares.
"""

from __future__ import annotations

from collections import Counter


class Presence:
    def __init__(self) -> None:
        self._sockets: Counter[str] = Counter()

    def connected(self, agent_id: str) -> bool:
        """True for the agent's first socket."""
        self._sockets[agent_id] += 1
        return self._sockets[agent_id] == 1

    def disconnected(self, agent_id: str) -> bool:
        """True when the agent's last socket closed."""
        self._sockets[agent_id] -= 1
        if self._sockets[agent_id] <= 0:
            del self._sockets[agent_id]
            return True
        return False

    def is_connected(self, agent_id: str) -> bool:
        return agent_id in self._sockets
