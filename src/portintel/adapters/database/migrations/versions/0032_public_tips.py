"""public tips: the intake queue of the anonymous tip page and its rate limit's window

Revision ID: 0032
Revises: 0031
Create Date: 2026-11-29 19:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0032"
down_revision = "0031"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "tips",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("language", sa.String(length=8), nullable=False),
        sa.Column("contact", sa.Text(), nullable=True),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("address_hash", sa.String(length=64), nullable=False),
        sa.Column("challenge_nonce", sa.String(length=64), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("triaged_by", sa.String(length=64), nullable=True),
        sa.Column("triaged_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("report_id", sa.String(length=64), nullable=True),
        sa.Column("discard_reason", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["triaged_by"], ["users.id"], name=op.f("fk_tips_triaged_by_users")
        ),
        sa.ForeignKeyConstraint(
            ["report_id"], ["reports.id"], name=op.f("fk_tips_report_id_reports")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_tips")),
        sa.UniqueConstraint("challenge_nonce", name=op.f("uq_tips_challenge_nonce")),
    )
    op.create_index(op.f("ix_tips_received_at"), "tips", ["received_at"], unique=False)
    op.create_index(op.f("ix_tips_status"), "tips", ["status"], unique=False)
    op.create_table(
        "tip_attempts",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("address_hash", sa.String(length=64), nullable=False),
        sa.Column("attempted_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_tip_attempts")),
    )
    op.create_index(
        "ix_tip_attempts_address_hash_attempted_at",
        "tip_attempts",
        ["address_hash", "attempted_at"],
        unique=False,
    )


def downgrade() -> None:
    op.drop_index("ix_tip_attempts_address_hash_attempted_at", table_name="tip_attempts")
    op.drop_table("tip_attempts")
    op.drop_index(op.f("ix_tips_status"), table_name="tips")
    op.drop_index(op.f("ix_tips_received_at"), table_name="tips")
    op.drop_table("tips")
