"""the providers' permissions to pass received reports on to a partner; packages as FtM JSON

Revision ID: 0026
Revises: 0025
Create Date: 2026-11-29 15:40:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0026"
down_revision = "0025"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("outgoing_packages", sa.Column("ftm", sa.Text(), nullable=True))
    op.add_column(
        "outgoing_packages", sa.Column("ftm_signature", sa.String(length=100), nullable=True)
    )
    op.create_table(
        "provider_permissions",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("report_id", sa.String(length=64), nullable=False),
        sa.Column("partner_id", sa.String(length=64), nullable=False),
        sa.Column("provider", sa.String(length=100), nullable=False),
        sa.Column("reference", sa.String(length=200), nullable=False),
        sa.Column("granted_on", sa.Date(), nullable=False),
        sa.Column("receipt_id", sa.String(length=64), nullable=True),
        sa.Column("recorded_by", sa.String(length=64), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["partner_id"],
            ["partners.id"],
            name=op.f("fk_provider_permissions_partner_id_partners"),
        ),
        sa.ForeignKeyConstraint(
            ["receipt_id"],
            ["receipts.id"],
            name=op.f("fk_provider_permissions_receipt_id_receipts"),
        ),
        sa.ForeignKeyConstraint(
            ["report_id"], ["reports.id"], name=op.f("fk_provider_permissions_report_id_reports")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_provider_permissions")),
        sa.UniqueConstraint(
            "report_id", "partner_id", name="uq_provider_permissions_report_partner"
        ),
    )
    op.create_index(
        "ix_provider_permissions_partner_report",
        "provider_permissions",
        ["partner_id", "report_id"],
        unique=False,
    )


def downgrade() -> None:
    op.drop_index("ix_provider_permissions_partner_report", table_name="provider_permissions")
    op.drop_table("provider_permissions")
    with op.batch_alter_table("outgoing_packages") as batch:
        batch.drop_column("ftm_signature")
        batch.drop_column("ftm")
