"""Admins change a website's name and widget settings; every open widget applies them live."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select

from frontdesk.actors import AgentActor, require_admin
from frontdesk.agents.models import Team
from frontdesk.context import Context
from frontdesk.errors import NotFound
from frontdesk.events import Event, EventName, WebsiteUpdated
from frontdesk.topics import website_visitors, workspace_agents
from frontdesk.validation import check_text
from frontdesk.websites import settings as widget_settings
from frontdesk.websites.models import Website
from frontdesk.websites.views import website_data


@dataclass(frozen=True)
class WebsiteChanges:
    name: str | None = None
    url: str | None = None
    settings: dict[str, Any] | None = None
    # The team new chats go to when no routing rule matches; "" clears it.
    default_team_id: str | None = None


async def update_website(ctx: Context, actor: AgentActor, website_id: str, changes: WebsiteChanges) -> Website:
    require_admin(actor, "change a website")
    async with ctx.db.transaction() as session:
        website = await _website(session, actor, website_id)
        if changes.name is not None:
            website.name = check_text("name", changes.name, max_chars=200)
        if changes.url is not None:
            website.url = check_text("url", changes.url, max_chars=500, min_chars=0)
        if changes.settings is not None:
            website.settings = widget_settings.merge(website.settings, changes.settings).model_dump()
        wanted = changes.default_team_id
        team_changed = wanted is not None and wanted != (website.default_team_id or "")
        if team_changed:
            website.default_team_id = await _team_id(session, actor, wanted)
    data = WebsiteUpdated(website=website_data(website, ctx.mail.configured))
    await ctx.publish(
        [Event(EventName.WEBSITE_UPDATED, data, (website_visitors(website.id), workspace_agents(website.workspace_id)))]
    )
    return website


async def _team_id(session: Any, actor: AgentActor, team_id: str | None) -> str | None:
    if not team_id:
        return None
    found = await session.scalar(select(Team.id).where(Team.id == team_id, Team.workspace_id == actor.workspace_id))
    if found is None:
        raise NotFound(f"no team {team_id}", field="default_team_id")
    return str(found)


async def rotate_identity_secret(ctx: Context, actor: AgentActor, website_id: str) -> str:
    """A new secret for identity verification; the old one stops working at once."""
    require_admin(actor, "change identity verification")
    secret = secrets.token_urlsafe(32)
    async with ctx.db.transaction() as session:
        website = await _website(session, actor, website_id)
        website.identity_secret = secret
    return secret


async def _website(session: Any, actor: AgentActor, website_id: str) -> Website:
    website: Website | None = await session.scalar(
        select(Website).where(Website.id == website_id, Website.workspace_id == actor.workspace_id)
    )
    if website is None:
        raise NotFound(f"no website {website_id}")
    return website
