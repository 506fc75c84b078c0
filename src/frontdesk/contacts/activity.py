"""What visitors look at: page views, and what their browser says about itself."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import select

from frontdesk.actors import VisitorActor
from frontdesk.clock import isoformat, utcnow
from frontdesk.contacts.models import Contact
from frontdesk.contacts.page_views import PageView
from frontdesk.contacts.user_agent import describe
from frontdesk.context import Context
from frontdesk.errors import Invalid
from frontdesk.events import Event, EventName, PageViewData, PageViewed
from frontdesk.topics import workspace_agents

# A page left open longer than this was most likely abandoned in a background tab; the
# time is capped so one forgotten tab does not skew "time on page".
MAX_SECONDS_ON_PAGE = 2 * 3600


@dataclass(frozen=True)
class Visit:
    url: str
    title: str = ""
    referrer: str = ""
    language: str | None = None
    time_zone: str | None = None
    screen: dict[str, int] | None = None
    user_agent: str = ""


async def record_page_view(ctx: Context, actor: VisitorActor, visit: Visit) -> PageView:
    if not visit.url.startswith(("http://", "https://")):
        raise Invalid('"url" must be an http(s) URL', field="url")
    now = utcnow()
    async with ctx.db.transaction() as session:
        previous = await session.scalar(
            select(PageView)
            .where(PageView.contact_id == actor.contact_id)
            .order_by(PageView.created_at.desc())
            .limit(1)
        )
        if previous is not None and previous.seconds_on_page is None:
            previous.seconds_on_page = min(int((now - previous.created_at).total_seconds()), MAX_SECONDS_ON_PAGE)
        view = PageView(
            workspace_id=actor.workspace_id,
            contact_id=actor.contact_id,
            url=visit.url[:2000],
            title=visit.title[:500],
            referrer=visit.referrer[:2000],
            created_at=now,
        )
        session.add(view)
        contact = await session.get_one(Contact, actor.contact_id)
        contact.last_seen_at = now
        contact.device = _device(visit, contact.device)
    data = PageViewed(
        contact_id=actor.contact_id,
        page_view=PageViewData(
            url=view.url, title=view.title, referrer=view.referrer, created_at=isoformat(view.created_at)
        ),
    )
    await ctx.publish([Event(EventName.CONTACT_PAGE_VIEWED, data, (workspace_agents(actor.workspace_id),))])
    return view


def _device(visit: Visit, current: dict[str, Any]) -> dict[str, Any]:
    device = dict(current)
    device.update(describe(visit.user_agent))
    if visit.language:
        device["language"] = visit.language[:35]
    if visit.time_zone:
        device["time_zone"] = visit.time_zone[:64]
    if visit.screen:
        device["screen"] = {k: int(v) for k, v in visit.screen.items() if k in ("width", "height")}
    return device
