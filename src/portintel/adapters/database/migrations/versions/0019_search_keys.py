"""search keys: names across scripts and identifiers however written

A table ``search_keys`` (statement id, keys: space-separated words) for the
statements of name and identifier types, with a word index: SQLite an FTS5
table with external content on it, kept in step by an insert trigger (keys
are only ever inserted: a statement's id fixes its value, hence its keys);
PostgreSQL a GIN index of ``to_tsvector('simple', keys)``. The keys of the
statements already stored are computed here, in Python
(:func:`portintel.adapters.database.search.fill_search_keys`). See
:mod:`portintel.adapters.database.search`.

Revision ID: 0019
Revises: 0018
Create Date: 2026-11-29 10:30:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0019"
down_revision = "0018"
branch_labels = None
depends_on = None

# names as in portintel.adapters.database.search, frozen here as this revision made them
KEYS_TABLE = "search_keys"
KEYS_FTS = "search_keys_fts"
KEYS_TRIGGER = "search_keys_fts_insert"
KEYS_INDEX = "ix_search_keys_tsv"


def upgrade() -> None:
    op.create_table(
        KEYS_TABLE,
        sa.Column("statement_id", sa.String(64), primary_key=True),
        sa.Column("keys", sa.Text(), nullable=False),
    )
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        # every name below is a constant of this module: no input reaches this SQL
        op.execute(
            f"CREATE VIRTUAL TABLE {KEYS_FTS} USING fts5(keys, content='{KEYS_TABLE}', "
            "content_rowid='rowid', tokenize='unicode61')"
        )
        op.execute(
            f"CREATE TRIGGER {KEYS_TRIGGER} AFTER INSERT ON {KEYS_TABLE} BEGIN "  # noqa: S608
            f"INSERT INTO {KEYS_FTS}(rowid, keys) VALUES (new.rowid, new.keys); END"
        )
    elif dialect == "postgresql":
        op.execute(
            f"CREATE INDEX {KEYS_INDEX} ON {KEYS_TABLE} "
            "USING gin (to_tsvector('simple'::regconfig, keys))"
        )
    # the backfill computes keys in Python: names through the variants table
    from portintel.adapters.database.search import fill_search_keys

    fill_search_keys(op.get_bind())


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        op.execute(f"DROP TRIGGER IF EXISTS {KEYS_TRIGGER}")
        op.execute(f"DROP TABLE IF EXISTS {KEYS_FTS}")
    op.drop_table(KEYS_TABLE)
