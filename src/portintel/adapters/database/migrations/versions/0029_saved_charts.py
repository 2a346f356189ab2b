"""saved link charts: parameters, layout, notes, handling, and who they are shared with

Revision ID: 0029
Revises: 0028
Create Date: 2026-11-29 15:20:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0029"
down_revision = "0028"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "saved_charts",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("owner_id", sa.String(length=64), nullable=False),
        sa.Column("root_entity", sa.String(length=128), nullable=False),
        sa.Column("options", sa.JSON(), nullable=False),
        sa.Column("layout", sa.JSON(), nullable=False),
        sa.Column("notes", sa.Text(), nullable=False),
        sa.Column("handling", sa.String(length=64), nullable=False),
        sa.Column("handling_conditions", sa.Text(), nullable=True),
        sa.Column("shared_with_unit", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["owner_id"], ["users.id"], name=op.f("fk_saved_charts_owner_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_saved_charts")),
    )
    op.create_index(op.f("ix_saved_charts_owner_id"), "saved_charts", ["owner_id"], unique=False)
    op.create_table(
        "saved_chart_readers",
        sa.Column("chart_id", sa.String(length=64), nullable=False),
        sa.Column("user_id", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(
            ["chart_id"],
            ["saved_charts.id"],
            name=op.f("fk_saved_chart_readers_chart_id_saved_charts"),
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_saved_chart_readers_user_id_users")
        ),
        sa.PrimaryKeyConstraint("chart_id", "user_id", name=op.f("pk_saved_chart_readers")),
    )
    op.create_index(
        "ix_saved_chart_readers_user_id", "saved_chart_readers", ["user_id"], unique=False
    )


def downgrade() -> None:
    op.drop_index("ix_saved_chart_readers_user_id", table_name="saved_chart_readers")
    op.drop_table("saved_chart_readers")
    op.drop_index(op.f("ix_saved_charts_owner_id"), table_name="saved_charts")
    op.drop_table("saved_charts")
