"""report words: full text of report titles and texts, case and accents folded

A table ``report_words`` (report id, words: space-separated) with a word
index: SQLite a contentless FTS5 table keyed by the reports' rowid, kept in
step by triggers on ``report_words``; PostgreSQL a stored generated column
of the words as lexemes (``array_to_tsvector``) and a GIN index of it. The
words of the reports already stored are computed here, in Python
(:func:`portintel.adapters.database.fulltext.fill_report_words`).
See :mod:`portintel.adapters.database.fulltext`.

Revision ID: 0023
Revises: 0022
Create Date: 2026-11-29 12:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0023"
down_revision = "0022"
branch_labels = None
depends_on = None

# names as in portintel.adapters.database.fulltext, frozen here as this revision made them
WORDS_TABLE = "report_words"
WORDS_FTS = "report_words_fts"
WORDS_TRIGGERS = ("report_words_fts_insert", "report_words_fts_delete", "report_words_fts_update")
WORDS_INDEX = "ix_report_words_tsv"
WORDS_VECTOR = "vector"

_INSERT, _DELETE, _UPDATE = WORDS_TRIGGERS
# SQLite's index is keyed by the *report's* rowid (contentless, so a search joins reports
# by rowid, not by a text id); every name below is a constant of this module: no input
# reaches this SQL
_SQLITE = (
    f"CREATE VIRTUAL TABLE {WORDS_FTS} USING fts5(words, content='', tokenize='unicode61')",
    f"CREATE TRIGGER {_INSERT} AFTER INSERT ON {WORDS_TABLE} BEGIN "  # noqa: S608
    f"INSERT INTO {WORDS_FTS}(rowid, words) "
    "SELECT rowid, new.words FROM reports WHERE id = new.report_id; END",
    f"CREATE TRIGGER {_DELETE} AFTER DELETE ON {WORDS_TABLE} BEGIN "  # noqa: S608
    f"INSERT INTO {WORDS_FTS}({WORDS_FTS}, rowid, words) "
    "SELECT 'delete', rowid, old.words FROM reports WHERE id = old.report_id; END",
    f"CREATE TRIGGER {_UPDATE} AFTER UPDATE OF words ON {WORDS_TABLE} BEGIN "  # noqa: S608
    f"INSERT INTO {WORDS_FTS}({WORDS_FTS}, rowid, words) "
    "SELECT 'delete', rowid, old.words FROM reports WHERE id = old.report_id; "
    f"INSERT INTO {WORDS_FTS}(rowid, words) "
    "SELECT rowid, new.words FROM reports WHERE id = new.report_id; END",
)


def upgrade() -> None:
    op.create_table(
        WORDS_TABLE,
        sa.Column("report_id", sa.String(64), sa.ForeignKey("reports.id"), primary_key=True),
        sa.Column("words", sa.Text(), nullable=False),
    )
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        for sql in _SQLITE:
            op.execute(sql)
    elif dialect == "postgresql":
        # stored, not an index expression: a common word is tested on most rows
        op.execute(
            f"ALTER TABLE {WORDS_TABLE} ADD COLUMN {WORDS_VECTOR} tsvector GENERATED ALWAYS AS "
            "(array_to_tsvector(string_to_array(words, ' '))) STORED"
        )
        op.execute(f"CREATE INDEX {WORDS_INDEX} ON {WORDS_TABLE} USING gin ({WORDS_VECTOR})")
    # the backfill computes the words in Python: scripts without spaces as pairs
    from portintel.adapters.database.fulltext import fill_report_words

    fill_report_words(op.get_bind())


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        for trigger in WORDS_TRIGGERS:
            op.execute(f"DROP TRIGGER IF EXISTS {trigger}")
        op.execute(f"DROP TABLE IF EXISTS {WORDS_FTS}")
    op.drop_table(WORDS_TABLE)
