"""The migrations build exactly the schema the models describe, on both databases."""

from __future__ import annotations

from alembic import command

from frontdesk.migrations import alembic_config


def test_models_and_migrations_agree(database_url: str) -> None:
    # Raises "New upgrade operations detected" when a model changed without a migration.
    command.check(alembic_config(database_url))
