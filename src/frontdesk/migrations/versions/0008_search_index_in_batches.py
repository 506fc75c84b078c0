"""SQLite's search index filled in batches

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-29

Indexing each message as it was stored (a trigger into FTS5) was almost half of what
storing a message cost on SQLite: FTS5 writes a segment per transaction and keeps
merging them. Now the trigger only notes the new message's rowid in ``search_pending``
and search/index.py moves such rows into ``messages_fts`` in bulk (a tenth of the cost;
docs/benchmarks.md). A row leaves ``messages_fts`` on delete or update only if it was
indexed: FTS5's external-content 'delete' must be given exactly what was indexed.
PostgreSQL's GIN index is untouched. Like those of 0004, these triggers must be
recreated by any later migration that rebuilds the messages table.
"""

from __future__ import annotations

from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

UPGRADE = [
    "CREATE TABLE search_pending (message_rowid INTEGER PRIMARY KEY)",
    "DROP TRIGGER messages_fts_ai",
    "DROP TRIGGER messages_fts_ad",
    "DROP TRIGGER messages_fts_au",
    "CREATE TRIGGER messages_search_pending AFTER INSERT ON messages BEGIN "
    "INSERT INTO search_pending(message_rowid) VALUES (new.rowid); END",
    "CREATE TRIGGER messages_fts_ad AFTER DELETE ON messages BEGIN "
    "INSERT INTO messages_fts(messages_fts, rowid, body) "
    "SELECT 'delete', old.rowid, old.body "
    "WHERE NOT EXISTS (SELECT 1 FROM search_pending WHERE message_rowid = old.rowid); "
    "DELETE FROM search_pending WHERE message_rowid = old.rowid; END",
    # A pending row is indexed later with its new body; an indexed one is replaced now.
    "CREATE TRIGGER messages_fts_au AFTER UPDATE OF body ON messages BEGIN "
    "INSERT INTO messages_fts(messages_fts, rowid, body) "
    "SELECT 'delete', old.rowid, old.body "
    "WHERE NOT EXISTS (SELECT 1 FROM search_pending WHERE message_rowid = old.rowid); "
    "INSERT INTO messages_fts(rowid, body) SELECT new.rowid, new.body "
    "WHERE NOT EXISTS (SELECT 1 FROM search_pending WHERE message_rowid = old.rowid); END",
]
DOWNGRADE = [
    "INSERT INTO messages_fts(rowid, body) SELECT m.rowid, m.body FROM search_pending p "
    "JOIN messages m ON m.rowid = p.message_rowid",
    "DROP TRIGGER messages_search_pending",
    "DROP TRIGGER messages_fts_ad",
    "DROP TRIGGER messages_fts_au",
    "DROP TABLE search_pending",
    # 0004's triggers, as they were.
    "CREATE TRIGGER messages_fts_ai AFTER INSERT ON messages BEGIN "
    "INSERT INTO messages_fts(rowid, body) VALUES (new.rowid, new.body); END",
    "CREATE TRIGGER messages_fts_ad AFTER DELETE ON messages BEGIN "
    "INSERT INTO messages_fts(messages_fts, rowid, body) VALUES ('delete', old.rowid, old.body); END",
    "CREATE TRIGGER messages_fts_au AFTER UPDATE OF body ON messages BEGIN "
    "INSERT INTO messages_fts(messages_fts, rowid, body) VALUES ('delete', old.rowid, old.body); "
    "INSERT INTO messages_fts(rowid, body) VALUES (new.rowid, new.body); END",
]


def upgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        for statement in UPGRADE:
            op.execute(statement)


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        for statement in DOWNGRADE:
            op.execute(statement)
