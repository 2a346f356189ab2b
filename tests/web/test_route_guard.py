"""Every route but /healthz, /login and the schema needs a login; found by walking the app."""

from __future__ import annotations

import os
import re
import stat
from collections.abc import Callable
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient

from portintel.errors import InvalidInput
from portintel.settings import Settings
from portintel.web.api import routers as api_routers
from portintel.web.application import API_PREFIX
from portintel.web.routes import routers as page_routers
from portintel.web.server import serve
from tests.web.conftest import Person

OPEN = {"/healthz", "/login"}


def _concrete(path: str) -> str:
    return re.sub(r"\{[^}]+\}", "X-1", path)


def _api_routes() -> list[APIRoute]:
    return [r for router in api_routers() for r in router.routes if isinstance(r, APIRoute)]


def _routes(app: FastAPI) -> list[tuple[str, str]]:
    """(method, concrete path) of every route the app mounts from the web package."""
    found = []
    pages = [r for router in page_routers() for r in router.routes if isinstance(r, APIRoute)]
    candidates = [(API_PREFIX + r.path, r) for r in _api_routes()] + [(r.path, r) for r in pages]
    for path, route in candidates:
        if path not in OPEN:
            for method in sorted(route.methods):
                found.append((method, _concrete(path)))
    return found


def test_there_are_routes_to_check(app: FastAPI) -> None:
    assert len(_routes(app)) > 30


def test_every_route_refuses_anonymous_callers(app: FastAPI, client: TestClient) -> None:
    for method, path in _routes(app):
        response = client.request(method, path)
        if path.startswith("/api/"):
            assert response.status_code == 401, (method, path, response.status_code)
            assert response.json()["error"]["code"] == "authentication_failed"
        else:
            assert response.status_code == 303, (method, path, response.status_code)
            assert response.headers["location"].startswith("/login")


def test_every_api_route_is_in_the_openapi_schema(app: FastAPI, client: TestClient) -> None:
    documented = client.get("/api/v1/openapi.json").json()["paths"]
    for route in _api_routes():
        path = API_PREFIX + route.path
        assert path in documented, path
        for method in route.methods:
            assert method.lower() in documented[path], (method, path)


def test_page_routes_are_not_in_the_api_schema(client: TestClient) -> None:
    documented = client.get("/api/v1/openapi.json").json()["paths"]
    assert not [path for path in documented if not path.startswith("/api/v1/")]


def test_tokens_of_the_caller_are_listed_without_their_secret(
    person: Callable[..., Person],
) -> None:
    olga = person("olga", "officer")
    issued = olga.api("POST", "/api/v1/tokens", json={"name": "laptop"}).json()
    listed = olga.api("GET", "/api/v1/tokens", params={"username": "olga"}).json()
    assert [token["name"] for token in listed] == ["laptop"]
    assert issued["token"] not in str(listed)
    assert olga.api("GET", "/api/v1/tokens").status_code == 403  # everyone's: administrators
    other = olga.api("POST", "/api/v1/tokens", json={"name": "x", "username": "root"})
    assert other.status_code == 422  # no owner field: a token is for its caller only
    assert other.json()["error"]["field"] == "username"


@pytest.mark.parametrize(("port", "workers", "field"), [(70000, 1, "port"), (8000, 0, "workers")])
def test_serve_refuses_bad_arguments(
    settings: Settings, port: int, workers: int, field: str
) -> None:
    with pytest.raises(InvalidInput) as caught:
        serve(settings, port=port, workers=workers)
    assert caught.value.field == field


def test_workers_get_the_settings_from_a_private_file_not_the_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``serve --workers 2``: the database password never enters the environment."""
    from portintel.web import server

    settings = Settings(
        data_dir=tmp_path / "data",
        database_url=f"sqlite:///{tmp_path / 'data' / 'portintel.sqlite'}?password=hunter2",
        secure_cookies=False,
    )
    seen: dict[str, object] = {}

    def run(target: str, **options: object) -> None:
        seen["environment"] = dict(os.environ)
        path = Path(os.environ[server.SETTINGS_FILE_ENV])
        seen["path"] = path
        seen["mode"] = stat.S_IMODE(path.stat().st_mode)
        seen["parent"] = path.parent
        app = server.app_from_environment()
        seen["settings"] = app.state.settings  # type: ignore[attr-defined]
        seen["options"] = options

    monkeypatch.setattr(server.uvicorn, "run", run)
    monkeypatch.setattr(server, "open_workspace", lambda _settings: _Closable())
    server.serve(settings, workers=2)
    assert not any("hunter2" in value for value in seen["environment"].values())  # type: ignore[attr-defined]
    assert seen["mode"] == 0o600
    assert seen["parent"] == settings.data_dir
    assert seen["settings"] == settings
    assert seen["options"]["workers"] == 2  # type: ignore[index]
    assert not Path(seen["path"]).exists()  # type: ignore[arg-type]
    assert server.SETTINGS_FILE_ENV not in os.environ


class _Closable:
    def close(self) -> None:
        pass
