"""Who is on the site now, and what they are looking at."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select

from frontdesk.clock import utcnow
from frontdesk.contacts.models import Contact
from frontdesk.contacts.page_views import PageView
from frontdesk.storage.db import Database

# The widget reports every page view; someone who has not loaded a page for this long
# has most likely left (the figure live-chat tools commonly use).
ONLINE_WINDOW = timedelta(minutes=5)
# Page views closer together than this belong to one visit.
VISIT_GAP = timedelta(minutes=30)
MAX_LIVE = 500


@dataclass(frozen=True)
class LiveVisitor:
    contact: Contact
    current: PageView
    visit_started_at: datetime
    page_views: int


async def live_visitors(db: Database, workspace_id: str) -> list[LiveVisitor]:
    since = utcnow() - ONLINE_WINDOW
    async with db.reader() as session:
        contacts = list(
            await session.scalars(
                select(Contact)
                .where(Contact.workspace_id == workspace_id, Contact.last_seen_at >= since)
                .order_by(Contact.last_seen_at.desc())
                .limit(MAX_LIVE)
            )
        )
        views: dict[str, list[PageView]] = {c.id: [] for c in contacts}
        recent = select(PageView).where(
            PageView.contact_id.in_(views), PageView.created_at >= utcnow() - timedelta(hours=12)
        )
        for view in await session.scalars(recent.order_by(PageView.created_at.desc())):
            views[view.contact_id].append(view)
    live = []
    for contact in contacts:
        visit = _current_visit(views[contact.id])
        if visit:
            live.append(LiveVisitor(contact, visit[0], visit[-1].created_at, len(visit)))
    return live


def _current_visit(views: list[PageView]) -> list[PageView]:
    """The newest views without a long break between them (newest first)."""
    visit: list[PageView] = []
    for view in views:
        if visit and visit[-1].created_at - view.created_at > VISIT_GAP:
            break
        visit.append(view)
    return visit


async def page_views(db: Database, workspace_id: str, contact_id: str, limit: int = 50) -> list[PageView]:
    async with db.reader() as session:
        return list(
            await session.scalars(
                select(PageView)
                .where(PageView.workspace_id == workspace_id, PageView.contact_id == contact_id)
                .order_by(PageView.created_at.desc())
                .limit(limit)
            )
        )
