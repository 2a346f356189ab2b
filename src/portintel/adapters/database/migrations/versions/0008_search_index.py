"""search: a trigram index of statement values for case-insensitive substring search

SQLite: an FTS5 table with the trigram tokenizer, external content on
``statements.value`` (by rowid), kept in step by triggers, filled once here.
PostgreSQL: the ``pg_trgm`` extension and a GIN index with ``gin_trgm_ops``.
See :mod:`portintel.adapters.database.search`.

The SQLite index is keyed by the statements' rowid: a later migration that
rebuilds ``statements`` (a batch ALTER copies the table) drops the triggers
with it and may renumber rows, so it must create the triggers again and
``rebuild`` the index, as this one does.

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-29 04:00:00
"""

from __future__ import annotations

import sqlite3

from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

TRIGRAM_SQLITE = (3, 34, 0)
"""The first SQLite with FTS5's trigram tokenizer."""
# names as in portintel.adapters.database.search, frozen here as this revision made them
FTS_TABLE = "statements_search"
FTS_TRIGGERS = ("statements_search_insert", "statements_search_delete", "statements_search_update")
TRIGRAM_INDEX = "ix_statements_value_trgm"
_EXTENSION_LOCK = 0x706F7274696E  # any constant: one migration at a time creates pg_trgm

_INSERT, _DELETE, _UPDATE = FTS_TRIGGERS
# every name below is a constant of this module: no input reaches this SQL
_SQLITE = (
    f"CREATE VIRTUAL TABLE {FTS_TABLE} USING fts5("
    "value, content='statements', content_rowid='rowid', tokenize='trigram')",
    f"CREATE TRIGGER {_INSERT} AFTER INSERT ON statements BEGIN "  # noqa: S608
    f"INSERT INTO {FTS_TABLE}(rowid, value) VALUES (new.rowid, new.value); END",
    f"CREATE TRIGGER {_DELETE} AFTER DELETE ON statements BEGIN "  # noqa: S608
    f"INSERT INTO {FTS_TABLE}({FTS_TABLE}, rowid, value) VALUES ('delete', old.rowid, old.value);"
    " END",
    f"CREATE TRIGGER {_UPDATE} AFTER UPDATE OF value ON statements BEGIN "  # noqa: S608
    f"INSERT INTO {FTS_TABLE}({FTS_TABLE}, rowid, value) VALUES ('delete', old.rowid, old.value);"
    f" INSERT INTO {FTS_TABLE}(rowid, value) VALUES (new.rowid, new.value); END",
    f"INSERT INTO {FTS_TABLE}({FTS_TABLE}) VALUES ('rebuild')",  # noqa: S608
)


def upgrade() -> None:
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        if sqlite3.sqlite_version_info < TRIGRAM_SQLITE:
            raise RuntimeError(
                f"SQLite {sqlite3.sqlite_version} has no FTS5 trigram tokenizer: "
                "search needs SQLite 3.34 or later"
            )
        for sql in _SQLITE:
            op.execute(sql)
    elif dialect == "postgresql":
        # concurrent migrations (one schema each) must not race to create the extension;
        # it goes to public, not to the first schema on the path, which may be dropped
        op.execute(f"SELECT pg_advisory_xact_lock({_EXTENSION_LOCK})")
        op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm SCHEMA public")
        schema = (
            op.get_bind()
            .exec_driver_sql(
                "SELECT n.nspname FROM pg_extension e "
                "JOIN pg_namespace n ON n.oid = e.extnamespace WHERE e.extname = 'pg_trgm'"
            )
            .scalar_one()
        )
        op.execute(
            f'CREATE INDEX {TRIGRAM_INDEX} ON statements USING gin (value "{schema}".gin_trgm_ops)'
        )


def downgrade() -> None:
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        for trigger in FTS_TRIGGERS:
            op.execute(f"DROP TRIGGER IF EXISTS {trigger}")
        op.execute(f"DROP TABLE IF EXISTS {FTS_TABLE}")
    elif dialect == "postgresql":
        op.execute(f"DROP INDEX IF EXISTS {TRIGRAM_INDEX}")
        # the extension stays: other schemas of the database may use it
