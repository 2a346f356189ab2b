"""push into this node: who receives what a partner pushes, and the status of each push

Revision ID: 0025
Revises: 0024
Create Date: 2026-11-29 15:30:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0025"
down_revision = "0024"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "push_recipients",
        sa.Column("partner_id", sa.String(length=64), nullable=False),
        sa.Column("user_id", sa.String(length=64), nullable=False),
        sa.Column("set_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("set_by", sa.String(length=100), nullable=False),
        sa.ForeignKeyConstraint(
            ["partner_id"], ["partners.id"], name=op.f("fk_push_recipients_partner_id_partners")
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_push_recipients_user_id_users")
        ),
        sa.PrimaryKeyConstraint("partner_id", name=op.f("pk_push_recipients")),
    )
    op.create_table(
        "push_statuses",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("partner_id", sa.String(length=64), nullable=False),
        sa.Column("receipt_id", sa.String(length=64), nullable=True),
        sa.Column("requested_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("successes", sa.JSON(), nullable=False),
        sa.Column("failures", sa.JSON(), nullable=False),
        sa.Column("pending", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["partner_id"], ["partners.id"], name=op.f("fk_push_statuses_partner_id_partners")
        ),
        sa.ForeignKeyConstraint(
            ["receipt_id"], ["receipts.id"], name=op.f("fk_push_statuses_receipt_id_receipts")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_push_statuses")),
    )
    op.create_index(
        op.f("ix_push_statuses_partner_id"), "push_statuses", ["partner_id"], unique=False
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_push_statuses_partner_id"), table_name="push_statuses")
    op.drop_table("push_statuses")
    op.drop_table("push_recipients")
