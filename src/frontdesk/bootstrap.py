"""The first run: one workspace, one website and an owner who can log in at once."""

from __future__ import annotations

from dataclasses import dataclass

from frontdesk.actors import Role
from frontdesk.agents.actions import NewAgent, create_agent
from frontdesk.agents.passwords import generate_password
from frontdesk.context import Context
from frontdesk.workspaces.actions import NewWorkspace, create_workspace
from frontdesk.workspaces.queries import first_workspace

DEFAULT_OWNER_EMAIL = "owner@frontdesk.local"


@dataclass(frozen=True)
class FirstRun:
    owner_email: str
    owner_password: str


async def ensure_first_workspace(ctx: Context, email: str = DEFAULT_OWNER_EMAIL) -> FirstRun | None:
    """Create the defaults when the database is empty; returns the owner's login then."""
    if await first_workspace(ctx.db) is not None:
        return None
    workspace, _website = await create_workspace(ctx, NewWorkspace(name="My company", website_name="Demo site"))
    password = generate_password()
    await create_agent(
        ctx, NewAgent(workspace_id=workspace.id, email=email, name="Owner", role=Role.OWNER, password=password)
    )
    return FirstRun(owner_email=email, owner_password=password)
