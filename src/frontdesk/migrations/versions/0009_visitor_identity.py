"""visitor identity: verified external ids, revocable visitor tokens, one transcript address

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Every external id stored so far counts as unverified, even on websites that verify
    # now: it may have been claimed by a browser before verification was turned on.
    with op.batch_alter_table("contacts", schema=None) as batch_op:
        batch_op.add_column(sa.Column("external_id_verified", sa.Boolean(), nullable=False, server_default=sa.false()))
        batch_op.add_column(sa.Column("token_version", sa.Integer(), nullable=False, server_default="0"))
        batch_op.create_index("ix_contacts_website_external_id", ["website_id", "external_id"], unique=False)
    with op.batch_alter_table("conversations", schema=None) as batch_op:
        batch_op.add_column(sa.Column("transcript_email", sa.String(length=320), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("conversations", schema=None) as batch_op:
        batch_op.drop_column("transcript_email")
    with op.batch_alter_table("contacts", schema=None) as batch_op:
        batch_op.drop_index("ix_contacts_website_external_id")
        batch_op.drop_column("token_version")
        batch_op.drop_column("external_id_verified")
