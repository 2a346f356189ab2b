"""receiving from partners: receipts, every received STIX object, partners' retired keys

Revision ID: 0021
Revises: 0020
Create Date: 2026-11-29 12:10:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0021"
down_revision = "0020"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "partner_keys",
        sa.Column("partner_id", sa.String(length=64), nullable=False),
        sa.Column("fingerprint", sa.String(length=80), nullable=False),
        sa.Column("public_key", sa.String(length=100), nullable=False),
        sa.Column("retired_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("retired_by", sa.String(length=100), nullable=False),
        sa.ForeignKeyConstraint(
            ["partner_id"], ["partners.id"], name=op.f("fk_partner_keys_partner_id_partners")
        ),
        sa.PrimaryKeyConstraint("partner_id", "fingerprint", name=op.f("pk_partner_keys")),
    )
    op.create_table(
        "receipts",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("partner_id", sa.String(length=64), nullable=False),
        sa.Column("source", sa.String(length=500), nullable=False),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("received_by", sa.String(length=64), nullable=False),
        sa.Column("objects", sa.Integer(), nullable=False),
        sa.Column("imported", sa.Integer(), nullable=False),
        sa.Column("quarantined", sa.Integer(), nullable=False),
        sa.Column("unchanged", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["partner_id"], ["partners.id"], name=op.f("fk_receipts_partner_id_partners")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_receipts")),
    )
    op.create_index(op.f("ix_receipts_partner_id"), "receipts", ["partner_id"], unique=False)
    op.create_table(
        "received_objects",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("receipt_id", sa.String(length=64), nullable=False),
        sa.Column("partner_id", sa.String(length=64), nullable=False),
        sa.Column("stix_id", sa.String(length=200), nullable=False),
        sa.Column("stix_type", sa.String(length=100), nullable=False),
        sa.Column("modified", sa.String(length=40), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("outcome", sa.String(length=16), nullable=False),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("fingerprint", sa.String(length=80), nullable=True),
        sa.Column("report_id", sa.String(length=64), nullable=True),
        sa.Column("sender_ref", sa.String(length=200), nullable=True),
        sa.Column("raw", sa.Text(), nullable=False),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["partner_id"], ["partners.id"], name=op.f("fk_received_objects_partner_id_partners")
        ),
        sa.ForeignKeyConstraint(
            ["receipt_id"], ["receipts.id"], name=op.f("fk_received_objects_receipt_id_receipts")
        ),
        sa.ForeignKeyConstraint(
            ["report_id"], ["reports.id"], name=op.f("fk_received_objects_report_id_reports")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_received_objects")),
        sa.UniqueConstraint("partner_id", "sha256", name="uq_received_objects_partner_sha256"),
    )
    op.create_index(
        op.f("ix_received_objects_receipt_id"), "received_objects", ["receipt_id"], unique=False
    )
    op.create_index(
        op.f("ix_received_objects_report_id"), "received_objects", ["report_id"], unique=False
    )
    op.create_index(
        "ix_received_objects_partner_stix",
        "received_objects",
        ["partner_id", "stix_id", "outcome"],
        unique=False,
    )


def downgrade() -> None:
    op.drop_index("ix_received_objects_partner_stix", table_name="received_objects")
    op.drop_index(op.f("ix_received_objects_report_id"), table_name="received_objects")
    op.drop_index(op.f("ix_received_objects_receipt_id"), table_name="received_objects")
    op.drop_table("received_objects")
    op.drop_index(op.f("ix_receipts_partner_id"), table_name="receipts")
    op.drop_table("receipts")
    op.drop_table("partner_keys")
