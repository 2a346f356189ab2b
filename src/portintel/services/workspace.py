"""The workspace: settings, relational store and files of one node, opened once.

It is also where the ports (:mod:`portintel.ports`) meet their adapters:
:func:`open_workspace` plugs the node's adapters in; a test may build a
``Workspace`` with fakes instead.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime

from sqlalchemy import Engine

from portintel import ports
from portintel.adapters.database import create_database_engine, migrate
from portintel.adapters.database.engine import sqlite_file
from portintel.adapters.database.probe import SqlStoreProbe
from portintel.adapters.database.sessions import SqlSessionStore
from portintel.adapters.files import AttachmentStore
from portintel.adapters.files.node_key import node_key_path
from portintel.adapters.files.permissions import private_directory, private_file, tighten_files
from portintel.adapters.lazy_tracks import LazyTrackStore
from portintel.adapters.passwords import Argon2PasswordHasher
from portintel.adapters.vocabularies import load_workflow
from portintel.domain.workflow import Workflow, shipped_workflow
from portintel.errors import ConfigurationError
from portintel.services.events import HookRegistry
from portintel.settings import SETTINGS_FILE, Settings


def utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass
class Workspace:
    """Everything a service needs, built once per process and passed in.

    ``clock`` is injectable so tests and the demo generator are deterministic.
    ``hooks`` are the subscribers told of committed changes; the durable job
    queue is built on first use (:func:`portintel.services.jobs.queue_of`), so a
    read-only process never opens it.
    """

    settings: Settings
    engine: Engine
    sessions: ports.SessionStore
    store_probe: ports.StoreProbe
    passwords: ports.PasswordHasher
    attachments: ports.AttachmentStore
    tracks: ports.TrackReader
    clock: Callable[[], datetime] = field(default=utc_now)
    hooks: HookRegistry = field(default_factory=HookRegistry)
    workflow: Workflow = field(default_factory=shipped_workflow)
    """The node's workflow of reports (``workflow_file``, else the shipped one)."""

    closers: list[Callable[[], None]] = field(default_factory=list, repr=False)
    """Run by :meth:`close`: resources a capability opened lazily (the job queue)."""

    def close(self) -> None:
        for closer in reversed(self.closers):
            closer()
        self.closers.clear()
        self.engine.dispose()


def open_workspace(
    settings: Settings, *, migrate_schema: bool = True, read_only: bool = False
) -> Workspace:
    """Open (and by default migrate) the stores named by ``settings``.

    ``read_only`` opens an existing store for reading only and never migrates
    it (``portintel audit verify`` on a copy of the data directory).
    """
    if read_only:
        return _plugged(
            settings, create_database_engine(settings.effective_database_url, read_only=True)
        )
    database_file = sqlite_file(settings.effective_database_url)
    try:
        private_directory(settings.data_dir)
        if database_file is not None:
            private_directory(database_file.parent)
            private_file(database_file)
    except OSError as exc:
        raise ConfigurationError(
            f"cannot use {settings.data_dir} as the data directory: {exc.strerror or exc}",
            hint="give --data-dir (or PORTINTEL_DATA_DIR) a directory you can write to",
        ) from exc
    engine = create_database_engine(settings.effective_database_url)
    if migrate_schema:
        migrate(engine)
    tighten_files(
        path
        for path in (
            database_file,
            settings.job_queue_path,
            node_key_path(settings.data_dir),
            settings.data_dir / SETTINGS_FILE,
        )
        if path is not None
    )
    return _plugged(settings, engine)


def _plugged(settings: Settings, engine: Engine) -> Workspace:
    """The workspace with the node's adapters plugged into its ports."""
    return Workspace(
        settings=settings,
        engine=engine,
        sessions=SqlSessionStore(engine),
        store_probe=SqlStoreProbe(engine, settings.effective_database_url),
        passwords=Argon2PasswordHasher(),
        attachments=AttachmentStore(settings.attachments_dir, settings.attachment_max_bytes),
        tracks=LazyTrackStore(settings.tracks_dir),  # Polars only once a track is read
        hooks=HookRegistry(settings.plugins),
        workflow=load_workflow(settings.workflow_file),
    )
