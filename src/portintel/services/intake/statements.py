"""Writing statements in bulk, and turning a report's facts into statements.

``write_statements`` is the one way statements reach the relational store: a
dialect upsert (``INSERT ... ON CONFLICT (id) DO UPDATE``) executed in
batches, so a million statements go in without one round trip per row, and
writing the same statement twice only widens its first/last seen. It
announces ``statements_written`` and ``entity_changed`` (fired after the
caller's transaction commits), so it needs a connection opened with
:func:`portintel.services.events.transaction`.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from datetime import UTC, datetime, timedelta
from itertools import islice
from typing import Any

from sqlalchemy import Connection, func
from sqlalchemy.dialects import postgresql, sqlite

from portintel.adapters.database import entity_summaries, tables
from portintel.adapters.database.search import INDEXED_TYPES, write_search_keys
from portintel.domain.statements import StatementRecord
from portintel.errors import ConfigurationError
from portintel.services.events import announce, announcing
from portintel.services.intake.fact_statements import make_fact_statements
from portintel.services.intake.views import is_restrictive

BATCH_SIZE = 5_000

__all__ = [
    "BATCH_SIZE",
    "make_fact_statements",
    "statement_row",
    "widen_spans_by_id",
    "widen_statement_spans",
    "write_statements",
]


def _utc(moment: datetime) -> datetime:
    if moment.tzinfo is None:
        return moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC)


def statement_row(record: StatementRecord) -> dict[str, Any]:
    """The row of ``tables.statements`` for one record (times in UTC)."""
    return {
        "id": record.id,
        "entity_id": record.entity_id,
        "canonical_id": record.resolved_canonical_id,
        "schema": record.schema,
        "prop": record.prop,
        "prop_type": record.prop_type,
        "value": record.value,
        "original_value": record.original_value,
        "lang": record.lang,
        "dataset": record.dataset,
        "origin": record.origin,
        "external": record.external,
        "first_seen": _utc(record.first_seen),
        "last_seen": _utc(record.last_seen),
        "grading_scheme": record.grading_scheme,
        "reliability": record.reliability,
        "credibility": record.credibility,
        "handling": record.handling,
        "invalid_reason": record.invalid_reason,
        "restrictive": is_restrictive(record.handling),
    }


def _upsert(connection: Connection) -> Any:
    table = tables.statements
    dialect = connection.dialect.name
    statement: Any
    earliest: Any
    latest: Any
    if dialect == "sqlite":
        statement = sqlite.insert(table)
        earliest, latest = func.min, func.max  # two-argument min/max are scalar in SQLite
    elif dialect == "postgresql":
        statement = postgresql.insert(table)
        earliest, latest = func.least, func.greatest
    else:  # pragma: no cover - only the two supported stores reach here
        raise ConfigurationError(
            f"statements cannot be written to a {dialect} database",
            hint="use SQLite or PostgreSQL",
        )
    excluded = statement.excluded
    return statement.on_conflict_do_update(
        index_elements=[table.c.id],
        set_={
            "first_seen": earliest(table.c.first_seen, excluded.first_seen),
            "last_seen": latest(table.c.last_seen, excluded.last_seen),
        },
    )


def _batches(records: Iterable[StatementRecord], size: int) -> Iterator[list[dict[str, Any]]]:
    iterator = iter(records)
    while True:
        chunk = list(islice(iterator, size))
        if not chunk:
            return
        # one id twice in one batch would make PostgreSQL refuse the upsert: merge first
        rows: dict[str, dict[str, Any]] = {}
        for record in chunk:
            row = statement_row(record)
            previous = rows.get(row["id"])
            if previous is not None:
                row["first_seen"] = min(row["first_seen"], previous["first_seen"])
                row["last_seen"] = max(row["last_seen"], previous["last_seen"])
            rows[row["id"]] = row
        yield list(rows.values())


COLUMNS = tuple(column.name for column in tables.statements.columns)

# Column names come from the table metadata, never from input: no injection vector.
_SQLITE_UPSERT = (
    f"INSERT INTO statements ({', '.join(COLUMNS)}) VALUES ({', '.join('?' for _ in COLUMNS)}) "  # noqa: S608
    "ON CONFLICT (id) DO UPDATE SET "
    "first_seen = min(statements.first_seen, excluded.first_seen), "
    "last_seen = max(statements.last_seen, excluded.last_seen)"
)
_SQLITE_TIME = "%Y-%m-%d %H:%M:%S.%f"
"""The text form SQLAlchemy's SQLite dialect stores and parses: the fast path must match it."""
_FIRST, _LAST = COLUMNS.index("first_seen"), COLUMNS.index("last_seen")


def _write_sqlite(connection: Connection, records: Iterable[StatementRecord], size: int) -> int:
    """SQLite fast path: plain tuples through the driver's executemany.

    Skips SQLAlchemy's per-value processing, which costs more than the insert
    itself on SQLite; times are written in the same text form SQLAlchemy uses
    (formatted once per distinct instant: a batch shares few instants).
    """
    times: dict[datetime, str] = {}

    def text_of(moment: datetime) -> str:
        found = times.get(moment)
        if found is None:
            found = times[moment] = _utc(moment).strftime(_SQLITE_TIME)
        return found

    written = 0
    iterator = iter(records)
    while chunk := list(islice(iterator, size)):
        rows: dict[str, tuple[Any, ...]] = {}
        for r in chunk:
            first, last = text_of(r.first_seen), text_of(r.last_seen)
            previous = rows.get(r.id)
            if previous is not None:
                first, last = min(first, previous[_FIRST]), max(last, previous[_LAST])
            rows[r.id] = (
                r.id, r.entity_id, r.canonical_id or r.entity_id, r.schema, r.prop, r.prop_type,
                r.value, r.original_value, r.lang, r.dataset, r.origin, 1 if r.external else 0,
                first, last, r.grading_scheme, r.reliability, r.credibility, r.handling,
                r.invalid_reason, 1 if is_restrictive(r.handling) else 0,
            )  # fmt: skip
        connection.exec_driver_sql(_SQLITE_UPSERT, list(rows.values()))
        written += len(rows)
    return written


def write_statements(
    connection: Connection, records: Iterable[StatementRecord], *, batch_size: int = BATCH_SIZE
) -> int:
    """Write ``records`` in the caller's transaction; returns how many distinct ids were written.

    Idempotent: a statement whose id exists already keeps its row and only
    widens ``first_seen``/``last_seen`` to cover both sightings. After the
    commit, subscribers hear ``statements_written`` and ``entity_changed``
    once for the whole transaction.
    """
    if not announcing(connection):
        raise RuntimeError(
            "write_statements needs a connection from portintel.services.events.transaction(ws),"
            " so that subscribers hear of the statements once they are committed"
        )
    origins: set[str] = set()
    entity_ids: set[str] = set()
    pairs: set[tuple[str, str]] = set()  # (canonical id, origin): the summaries to sum again
    searchable: list[tuple[str, str, str]] = []  # names and identifiers get search keys

    def noted(records: Iterable[StatementRecord]) -> Iterator[StatementRecord]:
        for record in records:
            origins.add(record.origin)
            entity_ids.add(record.canonical_id or record.entity_id)
            pairs.add((record.canonical_id or record.entity_id, record.origin))
            if record.prop_type in INDEXED_TYPES:
                searchable.append((record.id, record.prop_type, record.value))
            yield record

    if connection.dialect.name == "sqlite":
        written = _write_sqlite(connection, noted(records), batch_size)
    elif connection.dialect.name == "postgresql":
        written = _write_postgresql(connection, noted(records), batch_size)
    else:
        upsert = _upsert(connection)
        written = 0
        for rows in _batches(noted(records), batch_size):
            connection.execute(upsert, rows)
            written += len(rows)
    write_search_keys(connection, searchable)
    entity_summaries.refresh(connection, pairs)
    if written:
        _announce(connection, origins, entity_ids, written)
    return written


_SQLITE_WIDEN = (
    "UPDATE statements SET first_seen = min(first_seen, ?), last_seen = max(last_seen, ?) "
    "WHERE id = ?"
)
_PG_WIDEN = (
    "UPDATE statements SET first_seen = LEAST(first_seen, %s), "
    "last_seen = GREATEST(last_seen, %s) WHERE id = %s"
)


def widen_statement_spans(
    connection: Connection, spans: Iterable[tuple[StatementRecord, datetime, datetime]]
) -> int:
    """Widen ``first_seen``/``last_seen`` of statements already stored; returns rows asked.

    ``spans`` are (the stored statement, first seen, last seen). The cheap
    half of :func:`write_statements` for a writer that knows the statements
    exist (the vessel registry hears the same vessels every batch): one
    UPDATE by id, no value and no search key rewritten. A sighting that
    widened a statement is announced as :func:`write_statements` announces
    it. An id that is not stored is left alone.
    """
    spans = list(spans)
    return widen_spans_by_id(
        connection,
        [(record.id, _microseconds(first), _microseconds(last)) for record, first, last in spans],
        origins={record.origin for record, _, _ in spans},
        entity_ids={record.canonical_id or record.entity_id for record, _, _ in spans},
    )


_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def _microseconds(moment: datetime) -> int:
    """``moment`` as microseconds since the epoch (UTC; a naive time is taken as UTC)."""
    return (_utc(moment) - _EPOCH) // timedelta(microseconds=1)


def widen_spans_by_id(
    connection: Connection,
    spans: Sequence[tuple[str, int, int]],
    *,
    origins: Iterable[str],
    entity_ids: Iterable[str],
) -> int:
    """:func:`widen_statement_spans` for a writer that keeps ids and times as numbers.

    ``spans`` are (statement id, first seen, last seen) with the times in
    microseconds since the epoch (UTC); ``origins`` and ``entity_ids`` are
    those of the statements, for the announcement. The times become the
    store's text or timestamps in one vectorised step, not one Python
    ``datetime`` each (the vessel registry widens thousands a batch).
    """
    if not announcing(connection):
        raise RuntimeError(
            "widen_statement_spans needs a connection from portintel.services.events"
            ".transaction(ws), so that subscribers hear of the statements once committed"
        )
    if not spans:
        return 0
    ids = [key for key, _, _ in spans]
    firsts, lasts = [first for _, first, _ in spans], [last for _, _, last in spans]
    if connection.dialect.name == "sqlite":
        texts = _sqlite_times(firsts, lasts)
        connection.exec_driver_sql(_SQLITE_WIDEN, list(zip(*texts, ids, strict=True)))
    elif connection.dialect.name == "postgresql":
        moments = _utc_times(firsts, lasts)
        raw = connection.connection.dbapi_connection
        assert raw is not None  # a live connection inside a transaction
        cursor = raw.cursor()
        try:
            cursor.executemany(_PG_WIDEN, list(zip(*moments, ids, strict=True)))
        finally:
            cursor.close()
    else:  # pragma: no cover - only the two supported stores reach here
        raise ConfigurationError(
            f"statements cannot be written to a {connection.dialect.name} database",
            hint="use SQLite or PostgreSQL",
        )
    widened_origins, widened_entities = set(origins), set(entity_ids)
    # the (entity, origin) pairs these statements may belong to: summed again from the store
    entity_summaries.refresh(
        connection,
        ((entity, origin) for entity in widened_entities for origin in widened_origins),
    )
    _announce(connection, widened_origins, widened_entities, len(spans))
    return len(spans)


def _sqlite_times(*columns: list[int]) -> list[list[str]]:
    """Microseconds since the epoch as SQLAlchemy's SQLite text (``_SQLITE_TIME``), vectorised."""
    import polars as pl

    return [
        pl.Series(column, dtype=pl.Int64)
        .cast(pl.Datetime("us"))
        .dt.strftime("%Y-%m-%d %H:%M:%S%.6f")
        .to_list()
        for column in columns
    ]


def _utc_times(*columns: list[int]) -> list[list[datetime]]:
    """Microseconds since the epoch as aware UTC datetimes, vectorised."""
    import polars as pl

    return [
        pl.Series(column, dtype=pl.Int64).cast(pl.Datetime("us", "UTC")).to_list()
        for column in columns
    ]


def _announce(connection: Connection, origins: set[str], entity_ids: set[str], count: int) -> None:
    announce(
        connection,
        "statements_written",
        combine=_combined,
        origins=tuple(sorted(origins)),
        entity_ids=tuple(sorted(entity_ids)),
        count=count,
    )
    announce(
        connection,
        "entity_changed",
        combine=_combined,
        entity_ids=tuple(sorted(entity_ids)),
        change="statements",
    )


def _combined(earlier: dict[str, Any], later: dict[str, Any]) -> dict[str, Any]:
    """Two announcements of one transaction as one: ids united, counts added."""
    merged = dict(earlier)
    for name, value in later.items():
        if isinstance(value, tuple):
            merged[name] = tuple(sorted(set(earlier[name]) | set(value)))
        elif isinstance(value, int):
            merged[name] = earlier[name] + value
        else:
            merged[name] = value
    return merged


_PG_STAGE = "portintel_statements_incoming"
# Names come from the table metadata and a constant: no input reaches this text.
_PG_MERGE = (
    f"INSERT INTO statements ({', '.join(COLUMNS)}) "  # noqa: S608
    f"SELECT {', '.join(COLUMNS)} FROM {_PG_STAGE} "
    "ON CONFLICT (id) DO UPDATE SET "
    "first_seen = LEAST(statements.first_seen, excluded.first_seen), "
    "last_seen = GREATEST(statements.last_seen, excluded.last_seen)"
)


def _write_postgresql(connection: Connection, records: Iterable[StatementRecord], size: int) -> int:
    """PostgreSQL fast path: COPY each batch into a temporary table, then one upsert.

    COPY moves rows several times faster than multi-row INSERTs; the merge
    keeps the same idempotent ON CONFLICT semantics. The staging table lives
    only in this session and is emptied at commit.
    """
    connection.exec_driver_sql(
        f"CREATE TEMPORARY TABLE IF NOT EXISTS {_PG_STAGE} "
        "(LIKE statements INCLUDING DEFAULTS) ON COMMIT DELETE ROWS"
    )
    raw = connection.connection.dbapi_connection
    assert raw is not None  # a live connection inside a transaction
    written = 0
    for rows in _batches(records, size):
        cursor = raw.cursor()
        try:
            with cursor.copy(f"COPY {_PG_STAGE} ({', '.join(COLUMNS)}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(tuple(row[name] for name in COLUMNS))
        finally:
            cursor.close()
        connection.exec_driver_sql(_PG_MERGE)
        connection.exec_driver_sql(f"TRUNCATE {_PG_STAGE}")
        written += len(rows)
    return written
