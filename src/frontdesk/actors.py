"""Who is acting. Transports authenticate a request or socket into one of these and pass
it to actions, which check what it may do."""

from __future__ import annotations

import enum
from dataclasses import dataclass

from frontdesk.errors import Forbidden


class Role(enum.StrEnum):
    OWNER = "owner"
    ADMIN = "admin"
    SUPERVISOR = "supervisor"
    AGENT = "agent"


@dataclass(frozen=True, slots=True)
class AgentActor:
    workspace_id: str
    agent_id: str
    name: str
    role: Role
    # The teams whose chats this agent may see; None: every chat of the workspace.
    team_ids: frozenset[str] | None = None

    @property
    def is_admin(self) -> bool:
        return self.role in (Role.OWNER, Role.ADMIN)

    @property
    def sees_all(self) -> bool:
        return self.team_ids is None

    def may_see(self, team_id: str | None, assignee_id: str | None) -> bool:
        """Chats without a team are everyone's; an agent always sees the chats they hold."""
        return self.team_ids is None or team_id is None or team_id in self.team_ids or assignee_id == self.agent_id


@dataclass(frozen=True, slots=True)
class VisitorActor:
    workspace_id: str
    website_id: str
    contact_id: str
    name: str
    # The address this request or socket came from, for per-address limits.
    ip: str | None = None


Actor = AgentActor | VisitorActor


def require_admin(actor: AgentActor, what: str) -> None:
    if not actor.is_admin:
        raise Forbidden(f"only owners and admins may {what}")
