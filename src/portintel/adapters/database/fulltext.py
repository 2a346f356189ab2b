"""The word index of reports: full text of their titles and texts (migration 0022).

Each report has one row of ``report_words`` (report id, words: space-separated),
its title's and text's words as :mod:`portintel.domain.fulltext` makes them
(case and accents folded, unspaced scripts as pairs of characters), written
in Python when the report is filed (:func:`write_report_words`). The index:

* SQLite: a contentless FTS5 table (:data:`WORDS_FTS`) keyed by the
  *report's* rowid, kept in step by triggers on ``report_words``: a search
  reaches the matching reports by rowid, tens of thousands of them in a few
  milliseconds, where a join on the text id would take ten times as long. A
  later migration that rebuilds ``reports`` (a batch ALTER copies the table
  and may renumber its rows) must refill this index, as
  :func:`rebuild_sqlite_index` does;
* PostgreSQL: a stored generated column (:data:`WORDS_VECTOR`,
  ``array_to_tsvector(string_to_array(words, ' '))``: the words as lexemes
  exactly, through no parser or dictionary) and a GIN index of it
  (:data:`WORDS_INDEX`). The column is outside the declared metadata, as the
  SQLite index is.

Every word is ASCII letters and digits, so both stores hold the same words
and a query (:func:`words_match`) finds on both what
:func:`portintel.domain.fulltext.admits` says.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import (
    ColumnClause,
    ColumnElement,
    Connection,
    Select,
    String,
    cast,
    func,
    literal,
    literal_column,
    or_,
    select,
    table,
    union_all,
)
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.dialects.postgresql import TSQUERY

from portintel.adapters.database import tables
from portintel.domain.fulltext import Term, text_words

WORDS_TABLE = "report_words"
WORDS_FTS = "report_words_fts"
WORDS_TRIGGERS = ("report_words_fts_insert", "report_words_fts_delete", "report_words_fts_update")
WORDS_INDEX = "ix_report_words_tsv"
WORDS_VECTOR = "vector"
"""PostgreSQL: the words as a stored ``tsvector`` (a generated column): a search of a
word most reports hold tests it on each row, and building it there would cost seconds."""
BATCH = 5000

_W = tables.report_words.c
_R = tables.reports.c


def report_words(title: str, text: str) -> str:
    """The ``words`` of a report with this title and text."""
    return " ".join(text_words(title, text))


def write_report_words(connection: Connection, reports: Iterable[tuple[str, str, str]]) -> int:
    """Index (report id, title, text) triples, replacing what an id had. Returns rows."""
    rows = [
        {"report_id": report_id, "words": report_words(title, text)}
        for report_id, title, text in reports
    ]
    if not rows:
        return 0
    insert: Any
    if connection.dialect.name == "postgresql":
        insert = postgresql.insert(tables.report_words)
    else:
        insert = sqlite.insert(tables.report_words)
    upsert = insert.on_conflict_do_update(
        index_elements=["report_id"], set_={"words": insert.excluded.words}
    )
    for start in range(0, len(rows), BATCH):
        connection.execute(upsert, rows[start : start + BATCH])
    return len(rows)


def fill_report_words(connection: Connection, *, batch: int = BATCH) -> int:
    """Index every report not indexed yet (a migration's backfill; idempotent)."""
    r = tables.reports.c
    unindexed = connection.execute(
        select(r.id, r.title, r.text).where(
            ~select(_W.report_id).where(_W.report_id == r.id).exists()
        )
    )
    rows = unindexed.fetchall()  # read before writing: one connection, one statement at a time
    written = 0
    for start in range(0, len(rows), batch):
        written += write_report_words(
            connection, [tuple(row) for row in rows[start : start + batch]]
        )
    return written


def fts_query(terms: Iterable[Term]) -> str:
    """``terms`` as an FTS5 query: every one (words are ASCII letters and digits)."""
    return " AND ".join(f'"{term.word}"' + ("*" if term.prefix else "") for term in terms)


def ts_query(terms: Iterable[Term]) -> str:
    """``terms`` as PostgreSQL ``tsquery`` text (cast, never parsed into other lexemes)."""
    return " & ".join(f"'{term.word}'" + (":*" if term.prefix else "") for term in terms)


def words_match(
    dialect: str,
    terms: tuple[Term, ...],
    report_id: str,
    *,
    in_date_order: bool = False,
    from_readable: bool = False,
) -> ColumnElement[bool]:
    """The reports (``tables.reports`` in the query) whose words match every one of
    ``terms`` (none when there is no term), or whose id is ``report_id``.

    ``in_date_order``: the query walks the reports newest first by :data:`DATE_INDEX`
    and stops at its LIMIT, testing each against the matches (on PostgreSQL each
    report's own words, looked up by its id), rather than fetching every match and
    sorting: what a word most reports hold wants (see :func:`walks_in_date_order`); on
    SQLite give the query :func:`date_order_hint` as well. ``from_readable`` (SQLite):
    the query starts from the reports the reader may read, by the indexes of their
    scope, and tests each against the matches: what a reader of few reports wants (see
    :func:`fewer_readable`). Otherwise the store starts from the matches.
    """
    reports = tables.reports.c
    if dialect == "sqlite":
        # a unary + keeps the planner from starting at the matches' rowids
        name = "+reports.rowid" if in_date_order or from_readable else "reports.rowid"
        rowid: ColumnClause[Any] = literal_column(name)
        alias = tables.reports.alias("by_id")
        by_id: Select[tuple[Any]] = (
            select(literal_column("by_id.rowid")).select_from(alias).where(alias.c.id == report_id)
        )
        if not terms:
            return rowid.in_(by_id)
        rowids: Select[tuple[Any]] = (
            select(literal_column("rowid"))
            .select_from(table(WORDS_FTS))
            .where(literal_column(WORDS_FTS).op("MATCH")(fts_query(terms)))
        )
        return rowid.in_(union_all(rowids, by_id))
    if not terms:
        return reports.id == report_id
    if in_date_order:
        # each report walked is tested by its own words (one lookup by its id): an IN here
        # would be hashed, every match found first (a scan of the words of most reports)
        words: ColumnClause[Any] = literal_column(f"{WORDS_TABLE}.{WORDS_VECTOR}")
        own = select(words).select_from(tables.report_words).where(_W.report_id == reports.id)
        tested = own.scalar_subquery().op("@@")(cast(ts_query(terms), TSQUERY))
        return or_(tested, reports.id == report_id)
    matching = select(_W.report_id).where(_ts_match(terms))
    # a UNION: the matches are found in the index, then their reports by id
    return reports.id.in_(union_all(matching, select(literal(report_id, String))))


def _ts_match(terms: tuple[Term, ...]) -> ColumnElement[bool]:
    vector: ColumnClause[Any] = literal_column(f"{WORDS_TABLE}.{WORDS_VECTOR}")
    return vector.op("@@")(cast(ts_query(terms), TSQUERY))


DATE_INDEX = "ix_reports_reported"
"""The reports by (reported_at, id): newest first is this index backwards."""
DATE_ORDER_SHARE = 0.2
"""A word in more than this share of all reports is walked in date order."""
SAMPLED_DATE_ORDER_SHARE = 0.07
"""PostgreSQL: a word in more than this share of the sampled reports is walked in date
order. Lower than SQLite's: testing one report walked (its own words, by id) costs about
half what fetching one match does, so the walk of about 1,000 / share reports beats
fetching share x all the matches from about 7% (measured at 100,000 reports: "sea", 16%
of them, 210 ms of server CPU from the matches, 70 walked)."""
DATE_ORDER_SAMPLE = 500
"""PostgreSQL: the newest reports whose share of matches decides the walk."""


def date_order_hint(select_: Select[Any]) -> Select[Any]:
    """``select_`` told to read the reports by :data:`DATE_INDEX` (SQLite)."""
    return select_.with_hint(tables.reports, f"INDEXED BY {DATE_INDEX}", "sqlite")


def walks_in_date_order(connection: Connection, terms: tuple[Term, ...]) -> bool:
    """Whether the reports matching ``terms`` are so many (more than
    :data:`DATE_ORDER_SHARE` of all; PostgreSQL: :data:`SAMPLED_DATE_ORDER_SHARE`) that
    reading newest first and stopping early beats fetching them all and sorting.
    Counted in the index on SQLite; on PostgreSQL, estimated from the
    :data:`DATE_ORDER_SAMPLE` newest reports (what the walk reads first).
    Either way only the plan follows: the results are the same."""
    if not terms:
        return False
    if connection.dialect.name == "sqlite":
        matches = connection.execute(
            select(func.count())
            .select_from(table(WORDS_FTS))
            .where(literal_column(WORDS_FTS).op("MATCH")(fts_query(terms)))
        ).scalar_one()
        last: Select[tuple[Any]] = select(func.max(literal_column("rowid"))).select_from(
            tables.reports
        )
        reports = connection.execute(last).scalar_one()  # rowids count the rows: none deleted
        return int(matches) > DATE_ORDER_SHARE * int(reports or 0)
    return sampled_share(connection, terms) > SAMPLED_DATE_ORDER_SHARE


def sampled_share(connection: Connection, terms: tuple[Term, ...]) -> float:
    """PostgreSQL: the share of the :data:`DATE_ORDER_SAMPLE` newest reports whose words
    match ``terms`` (0 when there is no term): an estimate of how common the words are."""
    if not terms:
        return 0.0
    # the share among the newest reports, which the walk reads first: a sample of fixed
    # size, looked up by id (counting the matches would read the words of every one)
    newest = select(_R.id).order_by(_R.reported_at.desc()).limit(DATE_ORDER_SAMPLE).subquery()
    vector: ColumnClause[Any] = literal_column(f"{WORDS_TABLE}.{WORDS_VECTOR}")
    sampled, matched = connection.execute(
        select(
            func.count(), func.count().filter(vector.op("@@")(cast(ts_query(terms), TSQUERY)))
        ).select_from(newest.join(tables.report_words, _W.report_id == newest.c.id))
    ).one()
    return int(matched) / int(sampled) if sampled else 0.0


def matching_ids(terms: tuple[Term, ...]) -> Select[tuple[Any]]:
    """PostgreSQL: ``SELECT report_id`` of the reports whose words match every one of
    ``terms`` (at least one), found in the index."""
    return select(_W.report_id).where(_ts_match(terms))


def fewer_readable(connection: Connection, readable: Select[Any], terms: tuple[Term, ...]) -> bool:
    """SQLite: whether the reports of ``readable`` (the reports a reader may read) are
    fewer than those matching ``terms``, so that testing each readable one against the
    matches beats testing each match against the reader's scope. Both counted in their
    indexes, the readable ones no further than the matches. Only the plan follows: the
    results are the same."""
    if not terms or connection.dialect.name != "sqlite":
        return False
    matches = int(
        connection.execute(
            select(func.count())
            .select_from(table(WORDS_FTS))
            .where(literal_column(WORDS_FTS).op("MATCH")(fts_query(terms)))
        ).scalar_one()
    )
    bounded = readable.with_only_columns(literal(1)).limit(matches).subquery()
    return int(connection.execute(select(func.count()).select_from(bounded)).scalar_one()) < matches


def rebuild_sqlite_index(connection: Connection) -> None:
    """SQLite: fill the index again from ``report_words`` (after ``reports`` was rebuilt)."""
    connection.exec_driver_sql(f"INSERT INTO {WORDS_FTS}({WORDS_FTS}) VALUES ('delete-all')")  # noqa: S608
    connection.exec_driver_sql(
        f"INSERT INTO {WORDS_FTS}(rowid, words) SELECT r.rowid, w.words "  # noqa: S608
        f"FROM {WORDS_TABLE} w JOIN reports r ON r.id = w.report_id"
    )
