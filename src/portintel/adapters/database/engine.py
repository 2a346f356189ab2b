"""Engine creation and schema migration for the relational store."""

from __future__ import annotations

import ast
import re
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.engine import ExceptionContext
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from portintel.errors import StorageFull, UpstreamFailure

if TYPE_CHECKING:
    from alembic.config import Config

MIGRATIONS_DIR = Path(__file__).parent / "migrations"


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.close()


SQLITE_FULL = 13
"""SQLite's result code for "database or disk is full" (its low byte, extended codes aside)."""


POSTGRESQL_DISK_FULL = "53100"
"""PostgreSQL's SQLSTATE ``disk_full`` ("could not extend file ...: No space left on device")."""


def _translate_full_disk(context: ExceptionContext) -> None:
    """A full disk, at a statement or a commit, as :class:`StorageFull` with what to do.

    SQLite says SQLITE_FULL; PostgreSQL says SQLSTATE 53100 (its server's disk).
    Why: it surfaced as an unexpected error (a 500 and a reset connection)
    though the server is fine and the cure is known: free disk space.
    """
    original = context.original_exception
    code = getattr(original, "sqlite_errorcode", None)
    full = code is not None and code & 0xFF == SQLITE_FULL
    full = full or getattr(original, "sqlstate", None) == POSTGRESQL_DISK_FULL
    if full:
        raise StorageFull(
            "the database's disk is full: nothing was saved",
            hint="an administrator must free space on the disk of the data directory "
            "(or move it to a larger one); then send it again",
        ) from context.original_exception


def _sqlite_read_only_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.close()


def _postgresql_session(dbapi_connection: Any, _record: Any) -> None:
    """Plan for small indexed reads over data in memory or on SSD (benchmarks/access_scale).

    No parallel workers: starting them cost about 10 ms a query, more than the
    work they share. Random page reads priced as SSD's (1.1, not the spinning
    disk's 4): otherwise a reader who may read few reports got a hash join over
    every report instead of a few index probes (218 against 59 ms for a search).
    """
    cursor = dbapi_connection.cursor()
    cursor.execute("SET SESSION max_parallel_workers_per_gather = 0")
    cursor.execute("SET SESSION random_page_cost = 1.1")
    cursor.close()
    dbapi_connection.commit()


def create_database_engine(url: str, *, read_only: bool = False) -> Engine:
    """An engine for ``url``; SQLite gets WAL mode and foreign keys, PostgreSQL sessions
    settings for small indexed reads (no parallel workers, SSD page costs).

    The parent directory of a SQLite file is created when missing. With
    ``read_only`` nothing is created or changed: a SQLite file is opened with
    ``mode=ro`` (and as immutable when it has no write-ahead log beside it, so
    a copy on read-only media opens too); PostgreSQL sessions default to
    read-only transactions.
    """
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url.removeprefix("postgresql://")
    kwargs: dict[str, Any] = {"future": True}
    if url.startswith("sqlite"):
        path = url.split("///", 1)[-1]
        kwargs["connect_args"] = {"check_same_thread": False, "timeout": 30}
        if read_only:
            url = _read_only_sqlite_url(path)
        elif path and path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
    else:
        kwargs["pool_pre_ping"] = True
        if read_only:
            kwargs["execution_options"] = {"postgresql_readonly": True}
    try:
        engine = create_engine(url, **kwargs)
    except (SQLAlchemyError, ImportError, ValueError) as exc:
        raise UpstreamFailure(
            f"cannot open the database {engine_label(url)}: {exc}",
            hint="check PORTINTEL_DATABASE_URL",
        ) from exc
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _sqlite_read_only_pragmas if read_only else _sqlite_pragmas)
        event.listen(engine, "handle_error", _translate_full_disk)
    elif engine.dialect.name == "postgresql":
        event.listen(engine, "connect", _postgresql_session)
        event.listen(engine, "handle_error", _translate_full_disk)
    return engine


def sqlite_file(url: str) -> Path | None:
    """The file of a SQLite ``url``; None for PostgreSQL, memory and ``file:`` URIs."""
    if not url.startswith("sqlite"):
        return None
    path = url.split("///", 1)[-1].split("?", 1)[0]
    if not path or path == ":memory:" or path.startswith("file:"):
        return None
    return Path(path)


def _read_only_sqlite_url(path: str) -> str:
    """A ``file:`` URI that opens ``path`` without writing to it or beside it."""
    if not path or path == ":memory:" or path.startswith("file:"):
        raise UpstreamFailure(f"cannot open {path or 'an in-memory database'} read-only")
    file = Path(path).resolve()
    if not file.exists():
        raise UpstreamFailure(
            f"no database at {file}", hint="check --data-dir (or PORTINTEL_DATABASE_URL)"
        )
    # Without a WAL file every committed page is in the main file; "immutable"
    # then lets SQLite skip the locks and shared-memory file it would create.
    wal = file.with_name(file.name + "-wal")
    flags = "mode=ro" if wal.exists() else "mode=ro&immutable=1"
    return f"sqlite:///file:{quote(str(file))}?{flags}&uri=true"


def engine_label(url: str) -> str:
    """The URL without its password, safe to print and log."""
    if "@" in url and "://" in url:
        scheme, rest = url.split("://", 1)
        credentials, host = rest.rsplit("@", 1)
        user = credentials.split(":", 1)[0]
        return f"{scheme}://{user}:***@{host}"
    return url


def alembic_config(engine: Engine) -> Config:
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.attributes["engine"] = engine
    return config


_REVISION = re.compile(r"^(revision|down_revision)\b[^=\n]*=\s*(.+?)\s*$", re.MULTILINE)


def script_heads() -> frozenset[str]:
    """The head revisions of the migration scripts, read as text: the revisions no other
    script names as its ``down_revision``."""
    revisions: set[str] = set()
    downs: set[str] = set()
    for path in (MIGRATIONS_DIR / "versions").glob("*.py"):
        found = dict(_REVISION.findall(path.read_text(encoding="utf-8")))
        if "revision" not in found:
            continue
        revisions.add(str(ast.literal_eval(found["revision"])))
        down = ast.literal_eval(found.get("down_revision", "None"))
        downs.update((down,) if isinstance(down, str) else tuple(down or ()))
    return frozenset(revisions - downs)


def _at_head(engine: Engine) -> bool:
    """Whether the database's schema is the scripts' head already (one query, no alembic)."""
    try:
        with engine.connect() as connection:
            stored = set(
                connection.execute(text("SELECT version_num FROM alembic_version")).scalars()
            )
    except SQLAlchemyError:
        return False  # a new database: no version table yet
    return bool(stored) and stored == script_heads()


def migrate(engine: Engine, revision: str = "head") -> None:
    """Bring the schema up to ``revision`` (idempotent). A database at the head already is
    left alone without importing alembic (a quarter of a second of every command's start)."""
    try:
        if revision == "head" and _at_head(engine):
            return
        from alembic import command

        command.upgrade(alembic_config(engine), revision)
    except SQLAlchemyError as exc:
        raise UpstreamFailure(
            f"migrating {engine_label(str(engine.url))} failed: {exc}",
            hint="check that the database is reachable and writable",
        ) from exc


def session_factory(engine: Engine) -> Callable[[], Session]:
    """Sessions bound to ``engine``; callers use ``with factory.begin() as s``."""
    return sessionmaker(engine, expire_on_commit=False)
