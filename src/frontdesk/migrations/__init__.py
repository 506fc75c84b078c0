"""Schema migrations (Alembic), run by ``frontdesk migrate`` and at startup of ``serve``.

They live apart from ``storage/`` because they know every table: ``registry.py``
imports every domain model, and storage (which every domain package builds on) imports
none."""

from __future__ import annotations

import asyncio
from pathlib import Path

from alembic import command
from alembic.config import Config

MIGRATIONS = Path(__file__).parent


def alembic_config(url: str) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return config


def upgrade(url: str, revision: str = "head") -> None:
    command.upgrade(alembic_config(url), revision)


async def upgrade_async(url: str) -> None:
    """Alembic's env runs its own event loop, so give it a thread of its own."""
    await asyncio.to_thread(upgrade, url)
