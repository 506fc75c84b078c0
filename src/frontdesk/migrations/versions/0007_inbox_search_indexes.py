"""inbox and search indexes

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-29

Found by the inbox benchmark (docs/benchmarks.md, 100,000 conversations and 1,000,000
messages): the "All" inbox view and a label's view sorted every conversation of the
workspace to show 50 (0.2-0.4 s), and PostgreSQL sorted every match of a common word
to show the newest 20 (0.2-0.7 s).
"""

from __future__ import annotations

from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

# PostgreSQL only, and beside the models like the search index of 0004 (see env.py):
# search reads the newest messages first through it (search/queries.py). SQLite walks
# its FTS5 index in storage order instead and needs nothing more.
POSTGRES_RECENT_MESSAGES = "CREATE INDEX ix_messages_search_recent ON messages (workspace_id, created_at)"


def upgrade() -> None:
    # Inbox order down to the id tie-break: SQLite (which has no statistics unless someone
    # runs ANALYZE) otherwise preferred walking every conversation in the second index
    # to sorting one status's, 0.25 s for "mine, open" when few of them are mine.
    op.drop_index("ix_conversations_inbox", table_name="conversations")
    op.create_index("ix_conversations_inbox", "conversations", ["workspace_id", "status", "last_activity_at", "id"])
    # Every conversation of a workspace in inbox order: views without a status filter.
    op.create_index("ix_conversations_activity", "conversations", ["workspace_id", "last_activity_at", "id"])
    if op.get_bind().dialect.name == "postgresql":
        op.execute(POSTGRES_RECENT_MESSAGES)


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP INDEX IF EXISTS ix_messages_search_recent")
    op.drop_index("ix_conversations_activity", table_name="conversations")
    op.drop_index("ix_conversations_inbox", table_name="conversations")
    op.create_index("ix_conversations_inbox", "conversations", ["workspace_id", "status", "last_activity_at"])
