"""routing

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-28
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "teams",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("workspace_id", sa.String(length=32), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("strategy", sa.String(length=20), nullable=False),
        sa.Column("business_hours", sa.JSON(), nullable=True),
        sa.Column("reassign_after_seconds", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["workspace_id"], ["workspaces.id"], name=op.f("fk_teams_workspace_id_workspaces"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_teams")),
    )
    with op.batch_alter_table("teams", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_teams_workspace_id"), ["workspace_id"], unique=False)

    op.create_table(
        "routing_rules",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("workspace_id", sa.String(length=32), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("conditions", sa.JSON(), nullable=False),
        sa.Column("team_id", sa.String(length=32), nullable=False),
        sa.Column("enabled", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["team_id"], ["teams.id"], name=op.f("fk_routing_rules_team_id_teams"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["workspace_id"],
            ["workspaces.id"],
            name=op.f("fk_routing_rules_workspace_id_workspaces"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_routing_rules")),
    )
    with op.batch_alter_table("routing_rules", schema=None) as batch_op:
        batch_op.create_index("ix_routing_rules_order", ["workspace_id", "position"], unique=False)

    op.create_table(
        "team_members",
        sa.Column("team_id", sa.String(length=32), nullable=False),
        sa.Column("agent_id", sa.String(length=32), nullable=False),
        sa.ForeignKeyConstraint(
            ["agent_id"], ["agents.id"], name=op.f("fk_team_members_agent_id_agents"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["team_id"], ["teams.id"], name=op.f("fk_team_members_team_id_teams"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("team_id", "agent_id", name=op.f("pk_team_members")),
    )
    with op.batch_alter_table("team_members", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_team_members_agent_id"), ["agent_id"], unique=False)

    with op.batch_alter_table("agents", schema=None) as batch_op:
        batch_op.add_column(sa.Column("status", sa.String(length=20), nullable=False, server_default="offline"))
        batch_op.add_column(sa.Column("max_chats", sa.Integer(), nullable=False, server_default="3"))
        batch_op.add_column(sa.Column("open_chats", sa.Integer(), nullable=False, server_default="0"))
        batch_op.add_column(sa.Column("last_assigned_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("all_teams", sa.Boolean(), nullable=False, server_default=sa.false()))

    with op.batch_alter_table("conversations", schema=None) as batch_op:
        batch_op.add_column(sa.Column("team_id", sa.String(length=32), nullable=True))
        batch_op.add_column(sa.Column("queued_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("assigned_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("awaiting_reply_since", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("out_of_hours", sa.Boolean(), nullable=False, server_default=sa.false()))
        batch_op.create_index("ix_conversations_queue", ["team_id", "queued_at"], unique=False)
        batch_op.create_foreign_key(
            batch_op.f("fk_conversations_team_id_teams"), "teams", ["team_id"], ["id"], ondelete="SET NULL"
        )

    with op.batch_alter_table("websites", schema=None) as batch_op:
        batch_op.add_column(sa.Column("default_team_id", sa.String(length=32), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_websites_default_team_id_teams"), "teams", ["default_team_id"], ["id"], ondelete="SET NULL"
        )
    # Chats assigned before capacity was counted.
    op.execute(
        "UPDATE agents SET open_chats = (SELECT count(*) FROM conversations "
        "WHERE conversations.assignee_id = agents.id AND conversations.status != 'resolved')"
    )


def downgrade() -> None:
    with op.batch_alter_table("websites", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_websites_default_team_id_teams"), type_="foreignkey")
        batch_op.drop_column("default_team_id")

    with op.batch_alter_table("conversations", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_conversations_team_id_teams"), type_="foreignkey")
        batch_op.drop_index("ix_conversations_queue")
        batch_op.drop_column("out_of_hours")
        batch_op.drop_column("awaiting_reply_since")
        batch_op.drop_column("assigned_at")
        batch_op.drop_column("queued_at")
        batch_op.drop_column("team_id")

    with op.batch_alter_table("agents", schema=None) as batch_op:
        batch_op.drop_column("all_teams")
        batch_op.drop_column("last_assigned_at")
        batch_op.drop_column("open_chats")
        batch_op.drop_column("max_chats")
        batch_op.drop_column("status")

    with op.batch_alter_table("team_members", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_team_members_agent_id"))

    op.drop_table("team_members")
    with op.batch_alter_table("routing_rules", schema=None) as batch_op:
        batch_op.drop_index("ix_routing_rules_order")

    op.drop_table("routing_rules")
    with op.batch_alter_table("teams", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_teams_workspace_id"))

    op.drop_table("teams")
