"""alerts: raised once per cause, their evidence, deliveries and each user's e-mail choice

Revision ID: 0027
Revises: 0026
Create Date: 2026-11-29 15:30:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0027"
down_revision = "0026"
branch_labels = None
depends_on = None

UTC = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "alerts",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("cause_key", sa.String(80), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("entity_id", sa.String(128), nullable=True),
        sa.Column("mmsi", sa.BigInteger(), nullable=True),
        sa.Column("voyage_id", sa.String(32), nullable=True),
        sa.Column("entry_id", sa.String(64), nullable=True),
        sa.Column("event_id", sa.String(64), nullable=True),
        sa.Column("score", sa.Float(), nullable=True),
        sa.Column("reasons", sa.JSON(), nullable=False),
        sa.Column("handling", sa.String(64), nullable=True),
        sa.Column("raised_at", UTC, nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("acknowledged_at", UTC, nullable=True),
        sa.Column("acknowledged_by", sa.String(64), nullable=True),
        sa.Column("assigned_to", sa.String(64), nullable=True),
        sa.Column("assigned_at", UTC, nullable=True),
        sa.Column("assigned_by", sa.String(64), nullable=True),
        sa.Column("closed_at", UTC, nullable=True),
        sa.Column("closed_by", sa.String(64), nullable=True),
        sa.Column("close_note", sa.Text(), nullable=True),
        sa.Column("updated_at", UTC, nullable=False),
        sa.ForeignKeyConstraint(
            ["assigned_to"], ["users.id"], name=op.f("fk_alerts_assigned_to_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_alerts")),
        sa.UniqueConstraint("cause_key", name=op.f("uq_alerts_cause_key")),
    )
    op.create_index("ix_alerts_status", "alerts", ["status", "id"])
    op.create_index("ix_alerts_assigned_to", "alerts", ["assigned_to"])
    op.create_index("ix_alerts_mmsi", "alerts", ["mmsi"])
    op.create_table(
        "alert_evidence",
        sa.Column("alert_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("item_id", sa.String(200), nullable=False),
        sa.Column("report_id", sa.String(64), nullable=True),
        sa.Column("label", sa.Text(), nullable=False),
        sa.Column("area_id", sa.String(64), nullable=True),
        sa.ForeignKeyConstraint(
            ["alert_id"], ["alerts.id"], name=op.f("fk_alert_evidence_alert_id_alerts")
        ),
        sa.PrimaryKeyConstraint("alert_id", "kind", "item_id", name=op.f("pk_alert_evidence")),
    )
    op.create_index("ix_alert_evidence_item", "alert_evidence", ["item_id"])
    op.create_table(
        "alert_preferences",
        sa.Column("user_id", sa.String(64), nullable=False),
        sa.Column("email", sa.String(320), nullable=True),
        sa.Column("by_email", sa.Boolean(), nullable=False),
        sa.Column("updated_at", UTC, nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_alert_preferences_user_id_users")
        ),
        sa.PrimaryKeyConstraint("user_id", name=op.f("pk_alert_preferences")),
    )
    op.create_table(
        "alert_deliveries",
        sa.Column("alert_id", sa.Integer(), nullable=False),
        sa.Column("channel", sa.String(16), nullable=False),
        sa.Column("recipient", sa.String(320), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("updated_at", UTC, nullable=False),
        sa.ForeignKeyConstraint(
            ["alert_id"], ["alerts.id"], name=op.f("fk_alert_deliveries_alert_id_alerts")
        ),
        sa.PrimaryKeyConstraint(
            "alert_id", "channel", "recipient", name=op.f("pk_alert_deliveries")
        ),
    )


def downgrade() -> None:
    op.drop_table("alert_deliveries")
    op.drop_table("alert_preferences")
    op.drop_index("ix_alert_evidence_item", table_name="alert_evidence")
    op.drop_table("alert_evidence")
    op.drop_index("ix_alerts_mmsi", table_name="alerts")
    op.drop_index("ix_alerts_assigned_to", table_name="alerts")
    op.drop_index("ix_alerts_status", table_name="alerts")
    op.drop_table("alerts")
