"""The workspace: settings, relational store and files of one node, opened once."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import cached_property
from threading import Lock
from typing import TYPE_CHECKING

from sqlalchemy import Engine

from portintel.adapters.database import create_database_engine, migrate
from portintel.errors import ConfigurationError
from portintel.services.events import HookRegistry
from portintel.settings import Settings

if TYPE_CHECKING:
    from portintel.services.jobs.queue import JobQueue


def utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass
class Workspace:
    """Everything a service needs, built once per process and passed in.

    ``clock`` is injectable so tests and the demo generator are deterministic.
    ``hooks`` are the subscribers told of committed changes; ``jobs`` the
    durable queue, built on first use (a read-only process never opens it).
    """

    settings: Settings
    engine: Engine
    clock: Callable[[], datetime] = field(default=utc_now)
    hooks: HookRegistry = field(default_factory=HookRegistry)

    _jobs_lock: Lock = field(default_factory=Lock, repr=False, compare=False)

    @cached_property
    def jobs(self) -> JobQueue:
        from portintel.services.jobs.queue import JobQueue

        with self._jobs_lock:  # request threads may enqueue at once: build one queue
            if "jobs" not in self.__dict__:
                self.__dict__["jobs"] = JobQueue(self)
            queue: JobQueue = self.__dict__["jobs"]
            return queue

    def close(self) -> None:
        if "jobs" in self.__dict__:
            self.jobs.close()
        self.engine.dispose()


def open_workspace(settings: Settings, *, migrate_schema: bool = True) -> Workspace:
    """Open (and by default migrate) the stores named by ``settings``."""
    try:
        settings.data_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ConfigurationError(
            f"cannot use {settings.data_dir} as the data directory: {exc.strerror or exc}",
            hint="give --data-dir (or PORTINTEL_DATA_DIR) a directory you can write to",
        ) from exc
    engine = create_database_engine(settings.effective_database_url)
    if migrate_schema:
        migrate(engine)
    return Workspace(settings=settings, engine=engine, hooks=HookRegistry(settings.plugins))
