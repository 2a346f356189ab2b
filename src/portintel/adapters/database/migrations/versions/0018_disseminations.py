"""disseminations and outgoing packages: what was sent to whom, approved and signed

Revision ID: 0018
Revises: 0017
Create Date: 2026-11-29 10:20:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0018"
down_revision = "0017"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "disseminations",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("partner_id", sa.String(length=64), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("requested_by", sa.String(length=64), nullable=False),
        sa.Column("requested_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("approved_by", sa.String(length=64), nullable=True),
        sa.Column("approved_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["partner_id"], ["partners.id"], name=op.f("fk_disseminations_partner_id_partners")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_disseminations")),
    )
    op.create_index(
        op.f("ix_disseminations_partner_id"), "disseminations", ["partner_id"], unique=False
    )
    op.create_table(
        "dissemination_reports",
        sa.Column("dissemination_id", sa.String(length=64), nullable=False),
        sa.Column("report_id", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(
            ["dissemination_id"],
            ["disseminations.id"],
            name=op.f("fk_dissemination_reports_dissemination_id_disseminations"),
        ),
        sa.ForeignKeyConstraint(
            ["report_id"], ["reports.id"], name=op.f("fk_dissemination_reports_report_id_reports")
        ),
        sa.PrimaryKeyConstraint(
            "dissemination_id", "report_id", name=op.f("pk_dissemination_reports")
        ),
    )
    op.create_table(
        "outgoing_packages",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("dissemination_id", sa.String(length=64), nullable=False),
        sa.Column("partner_id", sa.String(length=64), nullable=False),
        sa.Column("agreement_id", sa.String(length=64), nullable=True),
        sa.Column("bundle_id", sa.String(length=100), nullable=False),
        sa.Column("bundle", sa.Text(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("fingerprint", sa.String(length=80), nullable=False),
        sa.Column("signature", sa.String(length=100), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("acknowledged_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("acknowledged_by", sa.String(length=64), nullable=True),
        sa.ForeignKeyConstraint(
            ["dissemination_id"],
            ["disseminations.id"],
            name=op.f("fk_outgoing_packages_dissemination_id_disseminations"),
        ),
        sa.ForeignKeyConstraint(
            ["partner_id"], ["partners.id"], name=op.f("fk_outgoing_packages_partner_id_partners")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_outgoing_packages")),
        sa.UniqueConstraint("dissemination_id", name=op.f("uq_outgoing_packages_dissemination_id")),
    )
    op.create_index(
        op.f("ix_outgoing_packages_partner_id"), "outgoing_packages", ["partner_id"], unique=False
    )
    op.create_table(
        "package_items",
        sa.Column("package_id", sa.String(length=64), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("item_id", sa.String(length=128), nullable=False),
        sa.ForeignKeyConstraint(
            ["package_id"],
            ["outgoing_packages.id"],
            name=op.f("fk_package_items_package_id_outgoing_packages"),
        ),
        sa.PrimaryKeyConstraint("package_id", "kind", "item_id", name=op.f("pk_package_items")),
    )
    op.create_index("ix_package_items_item_id", "package_items", ["item_id"], unique=False)
    op.create_table(
        "package_feedback",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("package_id", sa.String(length=64), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("recorded_by", sa.String(length=64), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["package_id"],
            ["outgoing_packages.id"],
            name=op.f("fk_package_feedback_package_id_outgoing_packages"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_package_feedback")),
    )
    op.create_index(
        "ix_package_feedback_package_id", "package_feedback", ["package_id"], unique=False
    )


def downgrade() -> None:
    op.drop_index("ix_package_feedback_package_id", table_name="package_feedback")
    op.drop_table("package_feedback")
    op.drop_index("ix_package_items_item_id", table_name="package_items")
    op.drop_table("package_items")
    op.drop_index(op.f("ix_outgoing_packages_partner_id"), table_name="outgoing_packages")
    op.drop_table("outgoing_packages")
    op.drop_table("dissemination_reports")
    op.drop_index(op.f("ix_disseminations_partner_id"), table_name="disseminations")
    op.drop_table("disseminations")
