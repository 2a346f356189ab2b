"""Serve the web application with uvicorn (used by ``portintel serve`` and ``portintel demo``)."""

from __future__ import annotations

import contextlib
import json
import os
import tempfile
from pathlib import Path

import uvicorn

from portintel.errors import InvalidInput
from portintel.services.workspace import open_workspace
from portintel.settings import Settings

SETTINGS_FILE_ENV = "PORTINTEL_WEB_SETTINGS_FILE"
"""Names the file the parent wrote the settings to (the path only, never a setting)."""


def app_from_environment() -> object:
    """Factory for worker processes: rebuild the settings the parent wrote to a file.

    With ``workers > 1`` uvicorn imports the app in each worker, so the
    settings cannot travel as a live object. They travel as a JSON file in
    the data directory, mode 0600, that the parent deletes when the server
    stops; the environment carries only its path. Why not the environment
    itself: the settings hold the database URL with its password, and a
    process's environment is readable in ``/proc`` and inherited by every
    child it starts.
    """
    from portintel.web.application import create_app

    path = Path(os.environ[SETTINGS_FILE_ENV])
    settings = Settings(**json.loads(path.read_text(encoding="utf-8")))
    return create_app(settings)


def serve(
    settings: Settings, *, host: str = "127.0.0.1", port: int = 8000, workers: int = 1
) -> None:
    """Run the web application until interrupted (blocking)."""
    if not 0 <= port <= 65535:
        raise InvalidInput(f"port {port} is out of range", field="port", hint="use 1-65535")
    if workers < 1:
        raise InvalidInput(f"workers must be at least 1, not {workers}", field="workers")
    if workers == 1:
        from portintel.web.application import create_app

        uvicorn.run(
            create_app(settings), host=host, port=port, proxy_headers=False, log_level="info"
        )
        return
    # migrate once here, so workers never race each other over the schema
    open_workspace(settings).close()
    settings_file = write_settings_file(settings)
    os.environ[SETTINGS_FILE_ENV] = str(settings_file)
    try:
        uvicorn.run(
            "portintel.web.server:app_from_environment",
            factory=True,
            host=host,
            port=port,
            workers=workers,
            # a worker imports the whole package before it answers: give it time
            timeout_worker_healthcheck=60,
            proxy_headers=False,
            log_level="info",
        )
    finally:
        os.environ.pop(SETTINGS_FILE_ENV, None)
        with contextlib.suppress(FileNotFoundError):
            settings_file.unlink()


def write_settings_file(settings: Settings) -> Path:
    """The settings as JSON in a new file of the data directory, readable by its owner only.

    ``mkstemp`` creates the file with mode 0600 before anything is written to it.
    """
    settings.data_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
    handle, name = tempfile.mkstemp(
        dir=settings.data_dir, prefix=".serve-settings-", suffix=".json"
    )
    with os.fdopen(handle, "w", encoding="utf-8") as file:
        file.write(json.dumps(settings.model_dump(mode="json")))
    return Path(name)
