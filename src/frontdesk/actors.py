"""Who is acting. Transports authenticate a request or socket into one of these and pass
it to actions, which check what it may do."""

from __future__ import annotations

from dataclasses import dataclass

from frontdesk.agents.models import Role


@dataclass(frozen=True, slots=True)
class AgentActor:
    workspace_id: str
    agent_id: str
    name: str
    role: Role

    @property
    def is_admin(self) -> bool:
        return self.role in (Role.OWNER, Role.ADMIN)


@dataclass(frozen=True, slots=True)
class VisitorActor:
    workspace_id: str
    website_id: str
    contact_id: str
    name: str


Actor = AgentActor | VisitorActor
