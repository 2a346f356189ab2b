"""sync with partner nodes: how far each collection was pulled, which packages were pushed

Revision ID: 0024
Revises: 0023
Create Date: 2026-11-29 12:10:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0024"
down_revision = "0023"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "sync_checkpoints",
        sa.Column("partner_id", sa.String(length=64), nullable=False),
        sa.Column("collection_id", sa.String(length=200), nullable=False),
        sa.Column("added_after", sa.String(length=40), nullable=True),
        sa.Column("cursor", sa.Text(), nullable=True),
        sa.Column("objects", sa.Integer(), nullable=False),
        sa.Column("pages", sa.Integer(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["partner_id"], ["partners.id"], name=op.f("fk_sync_checkpoints_partner_id_partners")
        ),
        sa.PrimaryKeyConstraint("partner_id", "collection_id", name=op.f("pk_sync_checkpoints")),
    )
    op.create_table(
        "package_pushes",
        sa.Column("package_id", sa.String(length=64), nullable=False),
        sa.Column("partner_id", sa.String(length=64), nullable=False),
        sa.Column("collection_id", sa.String(length=200), nullable=False),
        sa.Column("status_id", sa.String(length=200), nullable=False),
        sa.Column("objects", sa.Integer(), nullable=False),
        sa.Column("pushed_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["package_id"],
            ["outgoing_packages.id"],
            name=op.f("fk_package_pushes_package_id_outgoing_packages"),
        ),
        sa.ForeignKeyConstraint(
            ["partner_id"], ["partners.id"], name=op.f("fk_package_pushes_partner_id_partners")
        ),
        sa.PrimaryKeyConstraint("package_id", name=op.f("pk_package_pushes")),
    )
    op.create_index(
        op.f("ix_package_pushes_partner_id"), "package_pushes", ["partner_id"], unique=False
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_package_pushes_partner_id"), table_name="package_pushes")
    op.drop_table("package_pushes")
    op.drop_table("sync_checkpoints")
