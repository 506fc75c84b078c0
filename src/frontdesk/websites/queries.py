from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import orjson
from sqlalchemy import select

from frontdesk.storage.db import Database
from frontdesk.storage.quick import Exec
from frontdesk.storage.reads import Listed
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


@dataclass(frozen=True, slots=True)
class WebsiteRow:
    """What the widget's hot path needs of a website (``views.website_data`` takes it
    as it takes a ``Website``), read without the ORM."""

    id: str
    workspace_id: str
    name: str
    widget_key: str
    settings: dict[str, Any]


_WEBSITES = "SELECT id, workspace_id, name, widget_key, settings FROM websites WHERE {listed}"
_BY_ID = Listed(_WEBSITES, "id")
_BY_KEY = Listed(_WEBSITES, "widget_key")


def websites_by_id(execute: Exec, ids: list[str]) -> list[WebsiteRow | None]:
    """A quick read (storage/reads.py): each id's website, or None."""
    found = {w.id: w for w in map(_row, _BY_ID(execute, list(set(ids))))}
    return [found.get(i) for i in ids]


def websites_by_key(execute: Exec, keys: list[str]) -> list[WebsiteRow | None]:
    """A quick read: each widget key's website (the snippet's), or None."""
    found = {w.widget_key: w for w in map(_row, _BY_KEY(execute, list(set(keys))))}
    return [found.get(k) for k in keys]


def _row(row: tuple[Any, ...]) -> WebsiteRow:
    website_id, workspace_id, name, key, settings = row
    # A JSON column as the raw drivers give it: text (sqlite3, asyncpg), or decoded.
    settings = orjson.loads(settings) if isinstance(settings, str | bytes) else settings
    return WebsiteRow(str(website_id), str(workspace_id), str(name), str(key), settings or {})
