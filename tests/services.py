"""Where the tests find PostgreSQL and Redis, and what happens when they are missing:
a loud skip on a developer's machine, a failure under CI=true."""

from __future__ import annotations

import asyncio
import os
import uuid

import pytest

PG_URL = os.environ.get("FRONTDESK_TEST_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
REDIS_URL = os.environ.get("FRONTDESK_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")
IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")


def missing(service: str, url: str, error: BaseException) -> None:
    message = (
        f"{service} is not reachable at {url} ({type(error).__name__}: {error}). "
        f"Start it, or point FRONTDESK_TEST_{'DATABASE' if service == 'PostgreSQL' else 'REDIS'}_URL at one."
    )
    if IN_CI:
        pytest.fail(f"CI=true: {message}", pytrace=False)
    print(f"\n*** SKIPPING {service} TESTS: {message}\n")
    pytest.skip(message)


def _asyncpg_dsn(url: str) -> str:
    return url.replace("postgresql+asyncpg://", "postgresql://")


def create_pg_database() -> str:
    """A fresh database on the test server, so runs never see each other's rows."""
    import asyncpg

    name = f"frontdesk_test_{uuid.uuid4().hex[:12]}"

    async def create() -> None:
        conn = await asyncpg.connect(_asyncpg_dsn(PG_URL), timeout=5)
        try:
            await conn.execute(f'CREATE DATABASE "{name}"')
        finally:
            await conn.close()

    try:
        asyncio.run(create())
    except (OSError, asyncpg.PostgresError) as exc:
        missing("PostgreSQL", PG_URL, exc)
    base = _asyncpg_dsn(PG_URL).rsplit("/", 1)[0]
    return f"postgresql+asyncpg://{base.split('://', 1)[1]}/{name}"


def drop_pg_database(url: str) -> None:
    import asyncpg

    name = url.rsplit("/", 1)[1]

    async def drop() -> None:
        conn = await asyncpg.connect(_asyncpg_dsn(PG_URL), timeout=5)
        try:
            await conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        finally:
            await conn.close()

    asyncio.run(drop())


def require_redis() -> str:
    import redis

    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=3).ping()
    except redis.RedisError as exc:
        missing("Redis", REDIS_URL, exc)
    return REDIS_URL
