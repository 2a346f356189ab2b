"""users: a TOTP secret waiting for its first code before sign-in needs it

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-29 06:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # a plain ADD COLUMN: a batch (copy) of users would be needless here
    op.add_column("users", sa.Column("totp_pending_secret", sa.String(64), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.drop_column("totp_pending_secret")
