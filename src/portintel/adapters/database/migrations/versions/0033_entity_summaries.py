"""entity summaries: per-entity sums of the statements, for the entity list

The entity list reads these instead of every statement: ``entity_summaries``
(one row per entity, schema, origin and restrictiveness), the first caption
values of each (``entity_summary_captions``) and each entity's bounds over
every statement (``entity_bounds``), back-filled from the statements
(:func:`portintel.adapters.database.entity_summaries.fill`).

Revision ID: 0033
Revises: 0032
Create Date: 2026-11-29 19:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0033"
down_revision = "0032"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "entity_summaries",
        sa.Column("entity_id", sa.String(128), nullable=False),
        sa.Column("schema", sa.String(64), nullable=False),
        sa.Column("origin", sa.String(128), nullable=False),
        sa.Column("restrictive", sa.Boolean(), nullable=False),
        sa.Column("statements", sa.Integer(), nullable=False),
        sa.Column("last_seen", sa.DateTime(timezone=True), nullable=False),
        sa.Column("sort_name", sa.Text(), nullable=True),
        sa.Column("reported", sa.Boolean(), nullable=False),
        sa.Column("report_status", sa.String(16), nullable=True),
        sa.Column("report_agency", sa.String(64), nullable=True),
        sa.Column("report_author", sa.String(64), nullable=True),
        sa.Column("report_restrictive", sa.Boolean(), nullable=True),
        sa.PrimaryKeyConstraint(
            "entity_id", "schema", "origin", "restrictive", name=op.f("pk_entity_summaries")
        ),
    )
    op.create_table(
        "entity_summary_captions",
        sa.Column("entity_id", sa.String(128), nullable=False),
        sa.Column("origin", sa.String(128), nullable=False),
        sa.Column("restrictive", sa.Boolean(), nullable=False),
        sa.Column("prop", sa.String(64), nullable=False),
        sa.Column("first_seen", sa.DateTime(timezone=True), nullable=False),
        sa.Column("statement_id", sa.String(64), nullable=False),
        sa.Column("value", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint(
            "entity_id", "origin", "restrictive", "prop", name=op.f("pk_entity_summary_captions")
        ),
    )
    op.create_table(
        "entity_bounds",
        sa.Column("entity_id", sa.String(128), nullable=False),
        sa.Column("schema", sa.String(64), nullable=False),
        sa.Column("statements", sa.Integer(), nullable=False),
        sa.Column("reports", sa.Integer(), nullable=False),
        sa.Column("last_seen", sa.DateTime(timezone=True), nullable=False),
        sa.Column("sort_name", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("entity_id", "schema", name=op.f("pk_entity_bounds")),
    )
    from portintel.adapters.database.entity_summaries import fill

    fill(op.get_bind())
    op.create_index(
        "ix_entity_summary_captions_first",
        "entity_summary_captions",
        ["entity_id", "prop", "first_seen", "statement_id"],
    )
    op.create_index("ix_entity_summaries_origin", "entity_summaries", ["origin", "restrictive"])
    op.create_index("ix_entity_summaries_unreported", "entity_summaries", ["reported", "entity_id"])
    for name, columns in (
        ("reports", ["reports"]),
        ("statements", ["statements"]),
        ("last_seen", ["last_seen"]),
        ("sort_name", ["sort_name"]),
    ):
        op.create_index(f"ix_entity_bounds_{name}", "entity_bounds", [*columns, "entity_id"])
        op.create_index(
            f"ix_entity_bounds_schema_{name}", "entity_bounds", ["schema", *columns, "entity_id"]
        )


def downgrade() -> None:
    op.drop_table("entity_bounds")
    op.drop_table("entity_summary_captions")
    op.drop_table("entity_summaries")
