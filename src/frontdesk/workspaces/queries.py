from __future__ import annotations

from sqlalchemy import select

from frontdesk.storage.db import Database
from frontdesk.workspaces.models import Workspace


async def first_workspace(db: Database) -> Workspace | None:
    async with db.reader() as session:
        return await session.scalar(select(Workspace).order_by(Workspace.created_at).limit(1))


async def get_workspace(db: Database, workspace_id: str) -> Workspace | None:
    async with db.reader() as session:
        return await session.get(Workspace, workspace_id)
