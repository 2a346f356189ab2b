"""xref candidates: pairs of entities proposed as maybe the same, kept for the review queue

Revision ID: 0013
Revises: 0012
Create Date: 2026-11-29 09:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "xref_candidates",
        sa.Column("left_id", sa.String(length=128), nullable=False),
        sa.Column("right_id", sa.String(length=128), nullable=False),
        sa.Column("score", sa.Float(), nullable=False),
        sa.Column("decision", sa.String(length=8), nullable=False),
        sa.Column("rule", sa.String(length=64), nullable=True),
        sa.Column("version", sa.String(length=32), nullable=False),
        sa.Column("computed_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("left_id", "right_id", name=op.f("pk_xref_candidates")),
    )
    op.create_index("ix_xref_candidates_right", "xref_candidates", ["right_id"], unique=False)
    op.create_index(
        "ix_xref_candidates_queue", "xref_candidates", ["decision", "score"], unique=False
    )


def downgrade() -> None:
    op.drop_index("ix_xref_candidates_queue", table_name="xref_candidates")
    op.drop_index("ix_xref_candidates_right", table_name="xref_candidates")
    op.drop_table("xref_candidates")
