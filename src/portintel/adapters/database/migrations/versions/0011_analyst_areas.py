"""analyst areas: polygons analysts draw on the map, with their creator and agency

Revision ID: 0011
Revises: 0010
Create Date: 2026-11-29 06:30:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "analyst_areas",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("geometry", sa.JSON(), nullable=False),
        sa.Column("created_by", sa.String(length=64), nullable=False),
        sa.Column("agency_id", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["created_by"], ["users.id"], name=op.f("fk_analyst_areas_created_by_users")
        ),
        sa.ForeignKeyConstraint(
            ["agency_id"], ["agencies.id"], name=op.f("fk_analyst_areas_agency_id_agencies")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_analyst_areas")),
    )
    op.create_index("ix_analyst_areas_agency_id", "analyst_areas", ["agency_id"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_analyst_areas_agency_id", table_name="analyst_areas")
    op.drop_table("analyst_areas")
