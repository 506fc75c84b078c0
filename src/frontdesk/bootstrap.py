"""New workspaces, with the defaults a new team needs to chat at once, and the first run:
one workspace, one website and an owner who can log in at once."""

from __future__ import annotations

import secrets
from dataclasses import dataclass

from frontdesk.actors import Role
from frontdesk.agents.actions import NewAgent, create_agent
from frontdesk.agents.models import Team
from frontdesk.agents.passwords import generate_password
from frontdesk.context import Context
from frontdesk.validation import check_text
from frontdesk.websites.models import Website
from frontdesk.workspaces.models import Workspace
from frontdesk.workspaces.queries import first_workspace

DEFAULT_OWNER_EMAIL = "owner@frontdesk.local"

DEFAULT_WEBSITE_SETTINGS = {
    "title": "Chat with us",
    "greeting": "Hi! How can we help you today?",
    "primary_color": "#2563eb",
    "position": "right",
}


@dataclass(frozen=True)
class NewWorkspace:
    name: str
    website_name: str = "My website"
    website_url: str = ""


def new_widget_key() -> str:
    return "wk_" + secrets.token_hex(10)


async def create_workspace(ctx: Context, new: NewWorkspace) -> tuple[Workspace, Website]:
    """A workspace with its first website and a "General" team that website routes to,
    so the snippet works right away and every new agent answers it."""
    workspace = Workspace(name=check_text("name", new.name, max_chars=200))
    async with ctx.db.transaction() as session:
        session.add(workspace)
        await session.flush()
        team = Team(workspace_id=workspace.id, name="General")
        session.add(team)
        await session.flush()
        website = Website(
            workspace_id=workspace.id,
            default_team_id=team.id,
            name=check_text("website_name", new.website_name, max_chars=200),
            url=new.website_url,
            widget_key=new_widget_key(),
            settings=dict(DEFAULT_WEBSITE_SETTINGS),
        )
        session.add(website)
    return workspace, website


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
