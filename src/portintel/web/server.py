"""Serve the web application with uvicorn (used by ``portintel serve`` and ``portintel demo``)."""

from __future__ import annotations

import json
import os

import uvicorn

from portintel.errors import InvalidInput
from portintel.services.workspace import open_workspace
from portintel.settings import Settings

SETTINGS_ENV = "PORTINTEL_WEB_SETTINGS_JSON"


def app_from_environment() -> object:
    """Factory for worker processes: rebuild the settings the parent serialised.

    With ``workers > 1`` uvicorn imports the app in each worker, so the
    settings travel as JSON in the environment instead of a live object.
    """
    from portintel.web.application import create_app

    settings = Settings(**json.loads(os.environ[SETTINGS_ENV]))
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
    os.environ[SETTINGS_ENV] = _settings_json(settings)
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


def _settings_json(settings: Settings) -> str:
    data = settings.model_dump(mode="json")
    data["secret_key"] = settings.secret_key.get_secret_value()
    return json.dumps(data)
