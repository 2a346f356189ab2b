"""targeting: watchlist entries, identifiers and hits; risk subjects, reasons and evidence

Revision ID: 0020
Revises: 0019
Create Date: 2026-11-29 12:30:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0020"
down_revision = "0019"
branch_labels = None
depends_on = None

UTC = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "watch_entries",
        sa.Column("id", sa.String(64), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("names", sa.JSON(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("owner_id", sa.String(64), nullable=False),
        sa.Column("agency_id", sa.String(64), nullable=False),
        sa.Column("handling", sa.String(64), nullable=False),
        sa.Column("restrictive", sa.Boolean(), nullable=False),
        sa.Column("expires_at", UTC, nullable=True),
        sa.Column("created_at", UTC, nullable=False),
        sa.Column("removed_at", UTC, nullable=True),
        sa.Column("removed_by", sa.String(64), nullable=True),
        sa.ForeignKeyConstraint(
            ["owner_id"], ["users.id"], name=op.f("fk_watch_entries_owner_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["agency_id"], ["agencies.id"], name=op.f("fk_watch_entries_agency_id_agencies")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_watch_entries")),
    )
    op.create_index("ix_watch_entries_kind", "watch_entries", ["kind"])
    op.create_table(
        "watch_identifiers",
        sa.Column("entry_id", sa.String(64), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("value", sa.String(64), nullable=False),
        sa.ForeignKeyConstraint(
            ["entry_id"],
            ["watch_entries.id"],
            name=op.f("fk_watch_identifiers_entry_id_watch_entries"),
        ),
        sa.PrimaryKeyConstraint("entry_id", "kind", "value", name=op.f("pk_watch_identifiers")),
    )
    op.create_index("ix_watch_identifiers_value", "watch_identifiers", ["value"])
    op.create_table(
        "watch_hits",
        sa.Column("cause_key", sa.String(32), nullable=False),
        sa.Column("entry_id", sa.String(64), nullable=False),
        sa.Column("entity_id", sa.String(128), nullable=False),
        sa.Column("schema", sa.String(64), nullable=False),
        sa.Column("method", sa.String(16), nullable=False),
        sa.Column("matched", sa.Text(), nullable=False),
        sa.Column("score", sa.Float(), nullable=False),
        sa.Column("found_by", sa.String(16), nullable=False),
        sa.Column("origin", sa.String(128), nullable=True),
        sa.Column("hit_at", UTC, nullable=False),
        sa.ForeignKeyConstraint(
            ["entry_id"], ["watch_entries.id"], name=op.f("fk_watch_hits_entry_id_watch_entries")
        ),
        sa.PrimaryKeyConstraint("cause_key", name=op.f("pk_watch_hits")),
    )
    op.create_index("ix_watch_hits_entry_id", "watch_hits", ["entry_id"])
    op.create_index("ix_watch_hits_entity_id", "watch_hits", ["entity_id"])
    op.create_table(
        "risk_subjects",
        sa.Column("mmsi", sa.BigInteger(), nullable=False),
        sa.Column("voyage_id", sa.String(32), nullable=False),
        sa.Column("window_start", UTC, nullable=False),
        sa.Column("window_end", UTC, nullable=False),
        sa.Column("departed_at", UTC, nullable=True),
        sa.Column("arrived_at", UTC, nullable=True),
        sa.Column("from_port", sa.String(200), nullable=True),
        sa.Column("to_port", sa.String(200), nullable=True),
        sa.Column("indicator_version", sa.String(64), nullable=False),
        sa.Column("computed_at", UTC, nullable=False),
        sa.PrimaryKeyConstraint("mmsi", "voyage_id", name=op.f("pk_risk_subjects")),
    )
    op.create_table(
        "risk_reasons",
        sa.Column("cause_key", sa.String(32), nullable=False),
        sa.Column("mmsi", sa.BigInteger(), nullable=False),
        sa.Column("voyage_id", sa.String(32), nullable=False),
        sa.Column("indicator_id", sa.String(64), nullable=False),
        sa.Column("indicator_version", sa.String(64), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("weight", sa.Float(), nullable=False),
        sa.Column("observed_at", UTC, nullable=True),
        sa.Column("fired_at", UTC, nullable=False),
        sa.PrimaryKeyConstraint("cause_key", name=op.f("pk_risk_reasons")),
    )
    op.create_index("ix_risk_reasons_subject", "risk_reasons", ["mmsi", "voyage_id"])
    op.create_table(
        "risk_evidence",
        sa.Column("cause_key", sa.String(32), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("item_id", sa.String(200), nullable=False),
        sa.Column("report_id", sa.String(64), nullable=True),
        sa.Column("label", sa.Text(), nullable=False),
        sa.Column("area_id", sa.String(64), nullable=True),
        sa.ForeignKeyConstraint(
            ["cause_key"],
            ["risk_reasons.cause_key"],
            name=op.f("fk_risk_evidence_cause_key_risk_reasons"),
        ),
        sa.PrimaryKeyConstraint("cause_key", "kind", "item_id", name=op.f("pk_risk_evidence")),
    )
    op.create_index("ix_risk_evidence_item", "risk_evidence", ["item_id"])


def downgrade() -> None:
    op.drop_index("ix_risk_evidence_item", table_name="risk_evidence")
    op.drop_table("risk_evidence")
    op.drop_index("ix_risk_reasons_subject", table_name="risk_reasons")
    op.drop_table("risk_reasons")
    op.drop_table("risk_subjects")
    op.drop_index("ix_watch_hits_entity_id", table_name="watch_hits")
    op.drop_index("ix_watch_hits_entry_id", table_name="watch_hits")
    op.drop_table("watch_hits")
    op.drop_index("ix_watch_identifiers_value", table_name="watch_identifiers")
    op.drop_table("watch_identifiers")
    op.drop_index("ix_watch_entries_kind", table_name="watch_entries")
    op.drop_table("watch_entries")
