from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest

from frontdesk.context import Context
from frontdesk.migrations import upgrade
from frontdesk.realtime.memory import MemoryBus
from frontdesk.settings import Settings
from frontdesk.storage.db import Database
from frontdesk.tokens import VisitorTokens
from tests import services


@pytest.fixture(scope="session")
def sqlite_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    url = f"sqlite+aiosqlite:///{tmp_path_factory.mktemp('db') / 'frontdesk.db'}"
    upgrade(url)
    return url


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    url = services.create_pg_database()
    upgrade(url)
    yield url
    services.drop_pg_database(url)


@pytest.fixture(params=["sqlite", "postgres"])
def database_url(request: pytest.FixtureRequest) -> str:
    """Action and storage tests run once per database."""
    if request.param == "sqlite":
        return str(request.getfixturevalue("sqlite_url"))
    return str(request.getfixturevalue("postgres_url"))


@pytest.fixture
async def ctx(database_url: str, tmp_path: Path) -> AsyncIterator[Context]:
    settings = Settings(database_url=database_url, var_dir=tmp_path, secret_key="test-secret")
    context = Context(
        db=Database(database_url), bus=MemoryBus(), settings=settings, visitor_tokens=VisitorTokens("test-secret")
    )
    yield context
    await context.db.dispose()
