"""statements: a partial index of the statements whose entity was merged into another

An entity is its canonical id's statements and those of entity ids merged
into it (``entity_id = :id AND canonical_id <> entity_id``). That second
branch had only ``ix_statements_entity_prop`` (entity_id, prop) to go by, so
for a big entity every one of its statements was fetched from the table to
find that none was merged. The partial index holds only merged statements
(none until collation merges entities), so the branch is answered from a
near-empty index; with ``origin`` and ``restrictive`` it also says, from the
index alone, which reports decide whether a reader may read them.

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-29 06:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None

INDEX = "ix_statements_merged"
_WHERE = sa.text("canonical_id <> entity_id")


def upgrade() -> None:
    op.create_index(
        INDEX,
        "statements",
        ["entity_id", "canonical_id", "origin", "restrictive"],
        unique=False,
        sqlite_where=_WHERE,
        postgresql_where=_WHERE,
    )
    if op.get_bind().dialect.name == "sqlite":
        # statistics for the new index alone (quick: it is near empty), or SQLite's planner
        # prefers an analysed index it knows to this one it does not
        op.execute(f"ANALYZE {INDEX}")


def downgrade() -> None:
    op.drop_index(INDEX, table_name="statements")
