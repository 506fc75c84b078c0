"""Creating workspaces, with the defaults a new team needs to chat at once."""

from __future__ import annotations

import secrets
from dataclasses import dataclass

from frontdesk.context import Context
from frontdesk.routing.models import Team
from frontdesk.validation import check_text
from frontdesk.websites.models import Website
from frontdesk.workspaces.models import Workspace

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
