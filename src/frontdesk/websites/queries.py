from __future__ import annotations

from sqlalchemy import select

from frontdesk.storage.db import Database
from frontdesk.websites.models import Website


async def website_by_key(db: Database, widget_key: str) -> Website | None:
    async with db.reader() as session:
        return await session.scalar(select(Website).where(Website.widget_key == widget_key))


async def first_website(db: Database) -> Website | None:
    async with db.reader() as session:
        return await session.scalar(select(Website).order_by(Website.created_at).limit(1))


async def websites_of(db: Database, workspace_id: str) -> list[Website]:
    async with db.reader() as session:
        query = select(Website).where(Website.workspace_id == workspace_id).order_by(Website.created_at)
        return list(await session.scalars(query))
