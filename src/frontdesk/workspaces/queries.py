from __future__ import annotations

from sqlalchemy import select

from frontdesk.storage.db import Database
from frontdesk.websites.models import Website
from frontdesk.workspaces.models import Workspace


async def first_workspace(db: Database) -> Workspace | None:
    async with db.reader() as session:
        return await session.scalar(select(Workspace).order_by(Workspace.created_at).limit(1))


async def get_workspace(db: Database, workspace_id: str) -> Workspace | None:
    async with db.reader() as session:
        return await session.get(Workspace, workspace_id)


async def websites_of(db: Database, workspace_id: str) -> list[Website]:
    async with db.reader() as session:
        query = select(Website).where(Website.workspace_id == workspace_id).order_by(Website.created_at)
        return list(await session.scalars(query))
