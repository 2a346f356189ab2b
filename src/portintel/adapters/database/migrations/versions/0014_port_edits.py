"""port edits: analysts' additions and corrections to the ports gazetteer, append-only

Revision ID: 0014
Revises: 0013
Create Date: 2026-11-29 09:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "port_edits",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("port_id", sa.String(length=64), nullable=False),
        sa.Column("action", sa.String(length=16), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("country", sa.String(length=2), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("lat", sa.Float(), nullable=False),
        sa.Column("lon", sa.Float(), nullable=False),
        sa.Column("source", sa.Text(), nullable=False),
        sa.Column("licence", sa.String(length=200), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("created_by", sa.String(length=64), nullable=False),
        sa.Column("agency_id", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["created_by"], ["users.id"], name=op.f("fk_port_edits_created_by_users")
        ),
        sa.ForeignKeyConstraint(
            ["agency_id"], ["agencies.id"], name=op.f("fk_port_edits_agency_id_agencies")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_port_edits")),
    )
    op.create_index("ix_port_edits_port_id", "port_edits", ["port_id"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_port_edits_port_id", table_name="port_edits")
    op.drop_table("port_edits")
