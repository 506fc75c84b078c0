"""The embedded database, its WAL files and the var/ directory are owner-only."""

from __future__ import annotations

import asyncio
import stat
from pathlib import Path

from sqlalchemy import text

from frontdesk.migrations import upgrade
from frontdesk.settings import Settings
from frontdesk.storage.db import Database


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


async def modes_while_open(url: str, var: Path) -> dict[str, int]:
    db = Database(url)
    try:
        async with db.transaction() as session:  # the WAL and its index exist while open
            await session.execute(text("CREATE TABLE probe (x INTEGER)"))
        return {p.name: mode(p) for p in var.iterdir()}  # noqa: ASYNC240  # a test's few files
    finally:
        await db.dispose()


def test_a_first_run_makes_var_and_the_database_owner_only(tmp_path: Path) -> None:
    var = tmp_path / "var"
    settings = Settings(var_dir=var, database_url="", secret_key="")
    url = settings.resolved_database_url
    assert settings.resolved_secret_key
    upgrade(url)
    files = asyncio.run(modes_while_open(url, var))
    assert mode(var) == 0o700
    assert files == {name: 0o600 for name in ("frontdesk.db", "frontdesk.db-wal", "frontdesk.db-shm", "secret_key")}


def test_an_existing_database_is_narrowed_to_owner_only(tmp_path: Path) -> None:
    db = tmp_path / "chats.db"
    db.touch(mode=0o644)
    db.chmod(0o644)
    url = Settings(var_dir=tmp_path, database_url=f"sqlite:///{db}").resolved_database_url
    assert url == f"sqlite+aiosqlite:///{db}"
    assert mode(db) == 0o600
