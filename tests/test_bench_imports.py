"""`make bench` is not part of `make test`, so a change that breaks its imports would
show only at the next bench: every module of benchmarks/ is imported here."""

from __future__ import annotations

import importlib
from pathlib import Path

import pytest

MODULES = sorted(p.stem for p in (Path(__file__).parent.parent / "benchmarks").glob("*.py") if p.stem != "__main__")


@pytest.mark.parametrize("name", MODULES)
def test_the_benchmark_module_imports(name: str) -> None:
    importlib.import_module(f"benchmarks.{name}")


def test_the_generated_workspace_has_every_column_of_its_tables() -> None:
    """PostgreSQL's bulk load copies every column: a column added by a migration and not
    generated fails the inbox benchmark there (it did, after migration 0009)."""
    from benchmarks.workspace_gen import Staff, generate

    from frontdesk.migrations.registry import Contact, Conversation, ConversationLabel, Message

    staff = Staff(workspace_id="w" * 32, website_id="s" * 32, teams={"t" * 32: [("a" * 32, "Grace")]})
    data = generate(staff, conversations=5, messages=20, contacts=3)
    for rows, model in (
        (data.contacts, Contact),
        (data.conversations, Conversation),
        (data.labels, ConversationLabel),
        (data.messages, Message),
    ):
        assert rows, model.__tablename__
        columns = {column.name for column in model.__table__.columns}
        assert set(rows[0]) == columns, model.__tablename__
