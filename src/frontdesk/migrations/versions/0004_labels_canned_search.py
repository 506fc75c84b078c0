"""labels canned search

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-28
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "canned_responses",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("workspace_id", sa.String(length=32), nullable=False),
        sa.Column("agent_id", sa.String(length=32), nullable=True),
        sa.Column("shortcut", sa.String(length=50), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["agent_id"], ["agents.id"], name=op.f("fk_canned_responses_agent_id_agents"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["workspace_id"],
            ["workspaces.id"],
            name=op.f("fk_canned_responses_workspace_id_workspaces"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_canned_responses")),
    )
    with op.batch_alter_table("canned_responses", schema=None) as batch_op:
        batch_op.create_index("ix_canned_responses_owner", ["workspace_id", "agent_id"], unique=False)

    op.create_table(
        "conversation_labels",
        sa.Column("conversation_id", sa.String(length=32), nullable=False),
        sa.Column("label", sa.String(length=50), nullable=False),
        sa.Column("workspace_id", sa.String(length=32), nullable=False),
        sa.ForeignKeyConstraint(
            ["conversation_id"],
            ["conversations.id"],
            name=op.f("fk_conversation_labels_conversation_id_conversations"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["workspace_id"],
            ["workspaces.id"],
            name=op.f("fk_conversation_labels_workspace_id_workspaces"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("conversation_id", "label", name=op.f("pk_conversation_labels")),
    )
    with op.batch_alter_table("conversation_labels", schema=None) as batch_op:
        batch_op.create_index("ix_conversation_labels_label", ["workspace_id", "label"], unique=False)

    with op.batch_alter_table("conversations", schema=None) as batch_op:
        batch_op.add_column(sa.Column("priority", sa.String(length=20), nullable=False, server_default="none"))
    _create_search()


# Full-text search over message bodies, maintained by the database itself: SQLite's FTS5
# (an external-content index kept current by triggers; a later migration that rebuilds
# the messages table must recreate these triggers) and PostgreSQL's GIN index over
# to_tsvector('simple', ...) ('simple': no stemming, so every language is found as typed).
SQLITE_SEARCH = [
    "CREATE VIRTUAL TABLE messages_fts USING fts5(body, content='messages', content_rowid='rowid', "
    "tokenize='unicode61 remove_diacritics 2')",
    "INSERT INTO messages_fts(rowid, body) SELECT rowid, body FROM messages",
    "CREATE TRIGGER messages_fts_ai AFTER INSERT ON messages BEGIN "
    "INSERT INTO messages_fts(rowid, body) VALUES (new.rowid, new.body); END",
    "CREATE TRIGGER messages_fts_ad AFTER DELETE ON messages BEGIN "
    "INSERT INTO messages_fts(messages_fts, rowid, body) VALUES ('delete', old.rowid, old.body); END",
    "CREATE TRIGGER messages_fts_au AFTER UPDATE OF body ON messages BEGIN "
    "INSERT INTO messages_fts(messages_fts, rowid, body) VALUES ('delete', old.rowid, old.body); "
    "INSERT INTO messages_fts(rowid, body) VALUES (new.rowid, new.body); END",
]
POSTGRES_SEARCH = ["CREATE INDEX ix_messages_body_fts ON messages USING gin (to_tsvector('simple', body))"]


def _create_search() -> None:
    for statement in SQLITE_SEARCH if op.get_bind().dialect.name == "sqlite" else POSTGRES_SEARCH:
        op.execute(statement)


def _drop_search() -> None:
    if op.get_bind().dialect.name == "sqlite":
        for name in ("messages_fts_ai", "messages_fts_ad", "messages_fts_au"):
            op.execute(f"DROP TRIGGER IF EXISTS {name}")
        op.execute("DROP TABLE IF EXISTS messages_fts")
    else:
        op.execute("DROP INDEX IF EXISTS ix_messages_body_fts")


def downgrade() -> None:
    _drop_search()
    with op.batch_alter_table("conversations", schema=None) as batch_op:
        batch_op.drop_column("priority")

    with op.batch_alter_table("conversation_labels", schema=None) as batch_op:
        batch_op.drop_index("ix_conversation_labels_label")

    op.drop_table("conversation_labels")
    with op.batch_alter_table("canned_responses", schema=None) as batch_op:
        batch_op.drop_index("ix_canned_responses_owner")

    op.drop_table("canned_responses")
