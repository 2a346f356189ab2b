"""judgements: same / different / unsure decisions on entity pairs, and the resolution

Revision ID: 0017
Revises: 0016
Create Date: 2026-11-29 10:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0017"
down_revision = "0016"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "judgements",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("left_id", sa.String(length=128), nullable=False),
        sa.Column("right_id", sa.String(length=128), nullable=False),
        sa.Column("verdict", sa.String(length=16), nullable=False),
        sa.Column("judged_by", sa.String(length=64), nullable=False),
        sa.Column("rule", sa.String(length=64), nullable=True),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("judged_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("retracted_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("retracted_by", sa.String(length=64), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_judgements")),
    )
    op.create_index("ix_judgements_pair", "judgements", ["left_id", "right_id"], unique=False)
    op.create_index("ix_judgements_right", "judgements", ["right_id"], unique=False)
    op.create_table(
        "entity_resolution",
        sa.Column("entity_id", sa.String(length=128), nullable=False),
        sa.Column("canonical_id", sa.String(length=128), nullable=False),
        sa.PrimaryKeyConstraint("entity_id", name=op.f("pk_entity_resolution")),
    )
    op.create_index(
        "ix_entity_resolution_canonical", "entity_resolution", ["canonical_id"], unique=False
    )


def downgrade() -> None:
    op.drop_index("ix_entity_resolution_canonical", table_name="entity_resolution")
    op.drop_table("entity_resolution")
    op.drop_index("ix_judgements_right", table_name="judgements")
    op.drop_index("ix_judgements_pair", table_name="judgements")
    op.drop_table("judgements")
