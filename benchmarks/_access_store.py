"""Stores for the access benchmark: build once into a cached SQLite file, open working copies.

The SQLite file under ``benchmarks/data/`` (git ignores it) is keyed by
sizes, seed and the schema's fingerprint, so a rerun at the same size and
schema starts at once and a schema change rebuilds. It is built in bulk:
secondary indexes dropped, rows inserted with SQLAlchemy Core executemany
in big batches, indexes created again, ``ANALYZE``. Reads write audit
entries, so every run works on a copy. PostgreSQL is loaded from the same
file with COPY into a schema of its own (then vacuumed and analysed, as
autovacuum leaves a store in use), dropped afterwards: both backends hold
the same rows.
"""

from __future__ import annotations

import shutil
import tempfile
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any
from urllib.parse import quote

from _access_data import (
    BUILD_VERSION,
    EXTERNAL_SHARE,
    OFFICER_READER,
    SUPERVISOR_READER,
    ReportMaker,
    Staff,
    StoreShape,
    agency_row,
    detect_shape,
    external_statements,
    reader_id,
    releasable_rows,
    report_row,
    schema_key,
    source_row,
    staff_of,
    statement_db_row,
    user_role_rows,
    user_row,
)
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, insert, select, text

from portintel.adapters.database import create_database_engine, entity_summaries, tables
from portintel.adapters.database.engine import MIGRATIONS_DIR
from portintel.adapters.database.fulltext import fill_report_words
from portintel.adapters.database.search import fill_search_keys
from portintel.adapters.passwords import Secret, hash_password
from portintel.scenario import SOURCES, iter_report_batches
from portintel.scenario.generator import PERIOD_START
from portintel.services.workspace import open_workspace
from portintel.settings import Settings

BATCH = 20_000
BIG_TABLES = ("reports", "report_releasable_to", "statements")

Progress = Callable[[str], None]


@dataclass(frozen=True, slots=True)
class BuiltStore:
    """A cached store and who reads it."""

    path: Path
    reports: int
    statements: int
    supervisor_id: str
    officer_id: str


def cache_path(cache_dir: Path, reports: int, statements: int, seed: int) -> Path:
    name = f"access_scale-{reports}r-{statements}s-seed{seed}-v{BUILD_VERSION}-{schema_key()}"
    return cache_dir / f"{name}.sqlite"


def ensure_store(
    cache_dir: Path,
    reports: int,
    statements: int,
    *,
    seed: int = 7,
    progress: Progress | None = None,
) -> BuiltStore:
    """The cached SQLite store of this size, seed and schema, built first when missing."""
    path = cache_path(cache_dir, reports, statements, seed)
    if not path.exists():
        cache_dir.mkdir(parents=True, exist_ok=True)
        building = path.with_name(f"{path.stem}.building-{uuid.uuid4().hex[:6]}.sqlite")
        older = _older_store(cache_dir, reports, statements, seed)
        try:
            if older is not None:
                _upgrade_copy(older, building, progress)
            else:
                build_sqlite(building, reports, statements, seed=seed, progress=progress)
            building.rename(path)
        finally:
            for leftover in cache_dir.glob(building.name + "*"):
                leftover.unlink()
    engine = create_database_engine(f"sqlite:///{path}")
    with engine.connect() as connection:
        stored_reports = connection.execute(text("SELECT count(*) FROM reports")).scalar_one()
        stored = connection.execute(text("SELECT count(*) FROM statements")).scalar_one()
    engine.dispose()
    return BuiltStore(
        path, stored_reports, stored, reader_id(*SUPERVISOR_READER), reader_id(*OFFICER_READER)
    )


def _older_store(cache_dir: Path, reports: int, statements: int, seed: int) -> Path | None:
    """A cached store of these rows built at an earlier schema, if one is there: the same
    sizes, seed and builder, whose migrations are all in this tree's history."""
    prefix = f"access_scale-{reports}r-{statements}s-seed{seed}-v{BUILD_VERSION}-"
    known = {
        revision.revision for revision in ScriptDirectory(str(MIGRATIONS_DIR)).walk_revisions()
    }
    for candidate in sorted(cache_dir.glob(f"{prefix}*.sqlite"), key=lambda p: p.stat().st_mtime):
        if ".building-" in candidate.name:
            continue
        engine = create_database_engine(f"sqlite:///{candidate}")
        try:
            with engine.connect() as connection:
                version = connection.execute(text("SELECT version_num FROM alembic_version"))
                if version.scalar_one() in known:
                    return candidate
        finally:
            engine.dispose()
    return None


def _upgrade_copy(older: Path, target: Path, progress: Progress | None) -> None:
    """A copy of ``older`` brought to this schema by the migrations, as a node upgrading
    is (their backfills fill what the new tables derive from the rows), then analysed."""
    if progress:
        progress(f"upgrading a copy of {older.name} by the migrations")
    shutil.copyfile(older, target)
    with tempfile.TemporaryDirectory(prefix="portintel-access-") as directory:
        settings = Settings(data_dir=Path(directory), database_url=f"sqlite:///{target}")
        ws = open_workspace(settings)  # migrates
        try:
            with ws.engine.connect() as connection:
                connection.exec_driver_sql("ANALYZE")
                connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
        finally:
            ws.close()


def _insert(
    connection: Connection, shape: StoreShape, table: str, rows: list[dict[str, Any]]
) -> None:
    if rows:
        connection.execute(
            insert(tables.metadata.tables[table]), [shape.fit(table, row) for row in rows]
        )


def insert_unit(connection: Connection, shape: StoreShape, settings: Settings) -> list[Staff]:
    """Agencies, users (with their roles) and sources; returns the staff."""
    now = PERIOD_START - timedelta(days=7)
    staff = staff_of(settings.agencies)
    password_hash = hash_password(Secret("benchmark-only-password-2026"))
    # as in the demo, one source handler of the last agency registered every source
    handler = next(p for p in reversed(staff) if p.role == "source_handler")
    _insert(connection, shape, "agencies", [agency_row(a, now) for a in settings.agencies])
    _insert(connection, shape, "users", [user_row(p, password_hash, now) for p in staff])
    if shape.has("user_roles"):
        _insert(connection, shape, "user_roles", [r for p in staff for r in user_role_rows(p)])
    _insert(connection, shape, "sources", [source_row(s, handler, now) for s in SOURCES])
    return staff


def build_sqlite(
    path: Path, reports: int, statements: int, *, seed: int, progress: Progress | None = None
) -> None:
    """Build the store into ``path``: migrated schema, then every table in big batches."""
    settings = Settings(data_dir=path.parent, database_url=f"sqlite:///{path}")
    ws = open_workspace(settings)
    shape = detect_shape(ws.engine)
    with ws.engine.begin() as connection:
        staff = insert_unit(connection, shape, settings)
    from_reports = statements - round(statements * EXTERNAL_SHARE)
    maker = ReportMaker(seed, settings, staff)
    written = done = 0
    with ws.engine.begin() as connection:
        connection.exec_driver_sql("PRAGMA synchronous=OFF")
        saved = _drop_sqlite_indexes(connection)
        for batch in iter_report_batches(seed, reports, batch_size=2_000):
            report_rows: list[dict[str, Any]] = []
            releasable: list[dict[str, Any]] = []
            statement_rows: dict[str, dict[str, Any]] = {}
            for report in batch:
                index = int(report.key.rsplit("-", 1)[1]) - 1
                budget = round(from_reports * (index + 1) / reports) - written
                made = maker.make(report, max(budget - len(statement_rows), 1))
                report_rows.append(report_row(report, made.filing))
                releasable.extend(releasable_rows(report.key, made.filing.releasable_to))
                for record in made.statements:
                    statement_rows[record.id] = statement_db_row(record)
            _insert(connection, shape, "reports", report_rows)
            if shape.has("report_releasable_to"):
                _insert(connection, shape, "report_releasable_to", releasable)
            _insert(connection, shape, "statements", list(statement_rows.values()))
            written += len(statement_rows)
            done += len(batch)
            if progress:
                progress(f"{done:,} reports, {written:,} statements")
        records = external_statements(seed, statements - written, settings)
        for start in range(0, len(records), BATCH):
            chunk = {r.id: statement_db_row(r) for r in records[start : start + BATCH]}
            _insert(connection, shape, "statements", list(chunk.values()))
        if progress:
            progress(f"{done:,} reports, {written + len(records):,} statements; indexing")
        for sql in saved:
            connection.exec_driver_sql(sql)
        if shape.has("search_keys"):  # what write_statements would have written (#12)
            fill_search_keys(connection)
        if shape.has("report_words"):  # what filing would have written (#12)
            fill_report_words(connection)
        if shape.has("entity_summaries"):  # what write_statements would have kept (#8)
            entity_summaries.fill(connection)
    with ws.engine.connect() as connection:
        connection.exec_driver_sql("ANALYZE")
        connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    ws.close()


def _drop_sqlite_indexes(connection: Connection) -> list[str]:
    """Drop the secondary indexes of the big tables; returns the SQL that makes them again."""
    names = ", ".join(f"'{name}'" for name in BIG_TABLES)
    found = connection.exec_driver_sql(
        "SELECT name, sql FROM sqlite_master WHERE type = 'index' "
        f"AND tbl_name IN ({names}) AND sql IS NOT NULL"
    ).all()
    for name, _sql in found:
        connection.exec_driver_sql(f'DROP INDEX "{name}"')
    return [sql for _name, sql in found]


def _drop_postgresql_indexes(connection: Connection) -> list[str]:
    found = connection.exec_driver_sql(
        "SELECT i.indexname, i.indexdef FROM pg_indexes i "
        "WHERE i.schemaname = current_schema() AND i.tablename IN "
        f"({', '.join(repr(name) for name in BIG_TABLES)}) "
        "AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conname = i.indexname)"
    ).all()
    for name, _sql in found:
        connection.exec_driver_sql(f'DROP INDEX "{name}"')
    return [sql for _name, sql in found]


@contextmanager
def sqlite_copy(store: BuiltStore) -> Iterator[str]:
    """A working copy of the cached store (reads append audit entries), removed after."""
    with tempfile.TemporaryDirectory(prefix="portintel-access-") as directory:
        target = Path(directory) / "portintel.sqlite"
        shutil.copyfile(store.path, target)
        yield f"sqlite:///{target}"


@contextmanager
def postgresql_copy(
    store: BuiltStore, server_url: str, progress: Progress | None = None
) -> Iterator[str]:
    """The cached store loaded into a new schema of ``server_url``, dropped after use."""
    schema = f"bench_access_{uuid.uuid4().hex[:10]}"
    admin = create_database_engine(server_url)
    with admin.begin() as connection:
        connection.exec_driver_sql(f'CREATE SCHEMA "{schema}"')
    separator = "&" if "?" in server_url else "?"
    url = f"{server_url}{separator}options={quote(f'-csearch_path={schema}')}"
    try:
        with tempfile.TemporaryDirectory(prefix="portintel-access-") as directory:
            ws = open_workspace(Settings(data_dir=Path(directory), database_url=url))
            try:
                _copy_rows(store, ws.engine, progress)
            finally:
                ws.close()
        yield url
    finally:
        with admin.begin() as connection:
            connection.exec_driver_sql(f'DROP SCHEMA "{schema}" CASCADE')
        admin.dispose()


def _copy_rows(store: BuiltStore, target: Any, progress: Progress | None) -> None:
    source = create_database_engine(f"sqlite:///{store.path}")
    have, want = detect_shape(source), detect_shape(target)
    try:
        with source.connect() as reading, target.begin() as writing:
            writing.exec_driver_sql("SET LOCAL TIME ZONE 'UTC'")  # SQLite gives naive UTC times
            saved = _drop_postgresql_indexes(writing)
            raw = writing.connection.dbapi_connection
            assert raw is not None
            for table in tables.metadata.sorted_tables:
                if not (have.has(table.name) and want.has(table.name)):
                    continue
                names = [c.name for c in table.columns if c.name in have.columns[table.name]]
                names = [name for name in names if name in want.columns[table.name]]
                rows = reading.execute(
                    select(*(table.c[name] for name in names)).execution_options(yield_per=BATCH)
                )
                quoted = ", ".join(f'"{name}"' for name in names)
                cursor = raw.cursor()
                try:
                    with cursor.copy(f'COPY "{table.name}" ({quoted}) FROM STDIN') as copy:
                        for row in rows:
                            copy.write_row(tuple(row))
                finally:
                    cursor.close()
                if progress and table.name in BIG_TABLES:
                    progress(f"PostgreSQL: {table.name} copied")
            for sql in saved:
                writing.exec_driver_sql(sql)
        with target.connect() as connection:
            # VACUUM as well as ANALYZE: a store in use has been through autovacuum, whose
            # visibility map lets index-only scans skip the table; rows fresh from COPY
            # have none, and every "index-only" read would visit the heap as well
            autocommit = connection.execution_options(isolation_level="AUTOCOMMIT")
            for table in tables.metadata.sorted_tables:
                if want.has(table.name):
                    autocommit.exec_driver_sql(f'VACUUM (ANALYZE) "{table.name}"')
    finally:
        source.dispose()
