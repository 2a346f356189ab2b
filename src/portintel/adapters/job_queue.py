"""The durable job queue's storage: huey on SQLite, Redis or PostgreSQL, chosen by URL.

``job_queue_url`` unset means the embedded default, a SQLite file in the
data directory (the demo and one analyst); ``redis://`` or
``postgresql://`` name a unit's shared server. Only construction lives
here: what a job is and how it is recorded belongs to
:mod:`portintel.services.jobs`. Huey keeps no results (a job reports
through the relational ``jobs`` table); messages are pickled, so a queue
must only be reachable by the node's own processes.
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit

from huey import Huey, PostgresHuey, RedisHuey, SqliteHuey
from huey.exceptions import ConfigurationError as HueyConfigurationError

from portintel.errors import ConfigurationError

SCHEMES = ("sqlite", "redis", "rediss", "postgresql", "postgres")


def build_huey(url: str | None, name: str, default_path: Path) -> Huey:
    """The huey instance for ``url`` (``None``: SQLite at ``default_path``)."""
    if url is None:
        return _sqlite(name, default_path)
    scheme = urlsplit(url).scheme.split("+", 1)[0]
    if scheme not in SCHEMES:
        raise ConfigurationError(
            f"job_queue_url {url!r} names no supported queue store",
            hint="leave it unset (SQLite in the data directory), or give "
            "redis://HOST:PORT/DB or postgresql://USER@HOST/DB",
        )
    try:
        if scheme == "sqlite":
            path = url.removeprefix("sqlite:///")
            return _sqlite(name, Path(path) if path else default_path)
        if scheme.startswith("redis"):
            # huey's own polling backs off to max_delay; BRPOP wakes a worker at once
            return RedisHuey(name, url=url, results=False, blocking=True, read_timeout=1)
        dsn = url.replace("postgresql+psycopg://", "postgresql://", 1)
        return PostgresHuey(name, dsn=dsn, results=False)
    except HueyConfigurationError as exc:
        raise ConfigurationError(f"job queue at {url!r}: {exc}") from exc


def _sqlite(name: str, path: Path) -> Huey:
    path.parent.mkdir(parents=True, exist_ok=True)
    return SqliteHuey(name, filename=str(path), results=False, timeout=30)
