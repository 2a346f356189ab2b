"""The durable job queue's storage: huey on SQLite, Redis or PostgreSQL, chosen by URL.

``job_queue_url`` unset means the embedded default, a SQLite file in the
data directory (the demo and one analyst); ``redis://`` or
``postgresql://`` name a unit's shared server. Only construction lives
here (and the consumer huey runs): what a job is and how it is recorded belongs to
:mod:`portintel.services.jobs`. Huey keeps no results (a job reports
through the relational ``jobs`` table); messages are pickled, so a queue
must only be reachable by the node's own processes.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from huey import Huey, PostgresHuey, RedisHuey, SqliteHuey
from huey.api import Task, TaskWrapper
from huey.consumer import Consumer
from huey.exceptions import ConfigurationError as HueyConfigurationError
from huey.utils import normalize_time

from portintel.adapters.files.permissions import private_directory, private_file
from portintel.errors import ConfigurationError

__all__ = ["Huey", "QueueConsumer", "Task", "TaskWrapper", "build_huey", "normalize_time"]

SCHEMES = ("sqlite", "redis", "rediss", "postgresql", "postgres")


class QueueConsumer(Consumer):  # type: ignore[misc]
    """Huey's consumer, which installs signal handlers only when it owns the process
    (``portintel worker``); inside the demo or a test they belong to someone else."""

    def __init__(self, *args: Any, own_signals: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._own_signals = own_signals

    def _set_signal_handlers(self) -> None:
        if self._own_signals:
            super()._set_signal_handlers()

    def start(self) -> None:
        """Start, with the signal handlers in place before the first worker runs.

        Huey sets them last, after starting its workers: a Ctrl-C in between
        (a job already finished on a loaded machine) met Python's default
        handler, and the worker died with status 130 instead of stopping.
        """
        self._set_signal_handlers()
        super().start()


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
    # the queue's payloads name reports and users: 0600, like the database
    private_directory(path.parent)
    private_file(path)
    return SqliteHuey(name, filename=str(path), results=False, timeout=30)
