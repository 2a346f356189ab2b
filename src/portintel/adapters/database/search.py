"""Case-insensitive substring search over statement values, served by an index.

``value ILIKE '%text%'`` alone is a scan of every statement. Migration 0008
adds an index that finds the candidates of a substring of three characters
or more:

* SQLite: an FTS5 table with the ``trigram`` tokenizer (:data:`FTS_TABLE`),
  external content on ``statements.value`` by rowid, kept in step by
  triggers. Its case folding is Unicode-wide, wider than SQLite's ASCII-only
  ``lower()``, so it yields a superset of the ILIKE matches: the ILIKE is
  kept as well and decides.
* PostgreSQL: a ``pg_trgm`` GIN index (:data:`TRIGRAM_INDEX`), which the
  planner uses for ILIKE itself.

Shorter texts have no trigram to look up: they keep the scan. Either way the
condition is exactly ``value ILIKE '%text%'`` (wildcards in ``text`` matched
literally); only the access path changes.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnClause, ColumnElement, Select, Table, literal_column, select, table

FTS_TABLE = "statements_search"
"""SQLite: the FTS5 trigram index of ``statements.value`` (and its shadow tables' prefix)."""
FTS_TRIGGERS = ("statements_search_insert", "statements_search_delete", "statements_search_update")
TRIGRAM_INDEX = "ix_statements_value_trgm"
"""PostgreSQL: the pg_trgm GIN index of ``statements.value``."""
MIN_INDEXED = 3
"""A trigram index finds substrings of at least this many characters."""


def escaped(text: str) -> str:
    """``text`` matched literally by LIKE with ``ESCAPE '\\'``: its wildcards escaped."""
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _fts_phrase(text: str) -> str:
    """``text`` as one FTS5 phrase: every character literal (quotes doubled)."""
    return '"' + text.replace('"', '""') + '"'


def value_contains(dialect: str, statements: Table, text: str) -> ColumnElement[bool]:
    """``statements.value`` contains ``text``, case-insensitively, through the index if any.

    ``dialect`` is the connection's dialect name; ``statements`` the statements
    table as it appears in the query (SQLite's index is keyed by its rowid).
    """
    contains = statements.c.value.ilike(f"%{escaped(text)}%", escape="\\")
    if dialect != "sqlite" or len(text) < MIN_INDEXED or "\x00" in text:
        return contains  # PostgreSQL's GIN index serves the ILIKE itself
    fts = table(FTS_TABLE)
    candidates: Select[tuple[Any]] = (
        select(literal_column("rowid"))
        .select_from(fts)
        .where(literal_column(FTS_TABLE).op("MATCH")(_fts_phrase(text)))
    )
    rowid: ColumnClause[Any] = literal_column(f"{statements.name}.rowid")
    return rowid.in_(candidates) & contains
