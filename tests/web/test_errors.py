"""One table maps each error to an HTTP status; every row is tested, JSON and HTML apart."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from pydantic import BaseModel
from sqlalchemy import event

from portintel.errors import (
    AuthenticationFailed,
    ConfigurationError,
    Conflict,
    ImportRowError,
    InvalidInput,
    NotFound,
    PeerRefused,
    PermissionDenied,
    PortintelError,
    RateLimited,
    StorageFull,
    UpstreamFailure,
)
from portintel.services.workspace import Workspace
from portintel.web.error_responses import STATUS_BY_ERROR, status_for
from tests.web.conftest import Person

CASES: list[tuple[PortintelError, int]] = [
    (InvalidInput("reliability Q is not a code", field="reliability", hint="use A-F"), 422),
    (ImportRowError("IMO check digit wrong", line=7, field="imo"), 422),
    (NotFound("no report R-1"), 404),
    (PermissionDenied("only supervisors evaluate"), 403),
    (AuthenticationFailed("wrong username or password"), 401),
    (RateLimited("too many failed tokens", retry_after_seconds=30), 429),
    (Conflict("report is already evaluated"), 409),
    (UpstreamFailure("database unreachable"), 503),
    (PeerRefused("the TAXII server of the partner refused the credential (HTTP 401)"), 502),
    (StorageFull("the disk of the database is full"), 503),
    (ConfigurationError("grading.yaml is broken"), 500),
    (PortintelError("something else"), 500),
]


class Payload(BaseModel):
    title: str
    count: int


def _raising_app(app: FastAPI) -> FastAPI:
    """Routes that raise the error named in the path, on the API and on a page."""
    by_name = {type(error).__name__: error for error, _ in CASES}

    @app.get("/api/v1/test-raise/{name}")
    def api_raise(name: str) -> None:
        raise by_name[name]

    @app.get("/test-raise/{name}")
    def page_raise(name: str) -> None:
        raise by_name[name]

    @app.post("/api/v1/test-validate")
    def api_validate(payload: Payload) -> dict[str, str]:
        return {"title": payload.title}

    @app.get("/api/v1/test-crash")
    def api_crash() -> None:
        raise RuntimeError("secret internals")

    return app


@pytest.fixture
def raising_client(app: FastAPI) -> TestClient:
    with TestClient(
        _raising_app(app), follow_redirects=False, raise_server_exceptions=False
    ) as client:
        yield client  # type: ignore[misc]


def test_every_error_class_has_a_row() -> None:
    assert set(STATUS_BY_ERROR) == {type(error) for error, _ in CASES}


@pytest.mark.parametrize(("error", "status"), CASES, ids=lambda c: type(c).__name__)
def test_status_table(error: PortintelError, status: int) -> None:
    assert status_for(error) == status


def test_a_new_subclass_inherits_its_parents_status() -> None:
    class StaleVersion(Conflict):
        pass

    assert status_for(StaleVersion("stale")) == 409


@pytest.mark.parametrize(("error", "status"), CASES, ids=lambda c: type(c).__name__)
def test_api_errors_are_json(
    raising_client: TestClient, error: PortintelError, status: int
) -> None:
    response = raising_client.get(f"/api/v1/test-raise/{type(error).__name__}")
    assert response.status_code == status
    assert response.headers["content-type"] == "application/json"
    body = response.json()["error"]
    assert body["code"] == error.code
    assert body["message"] == error.message
    assert body["field"] == getattr(error, "field", None)
    assert body["hint"] == error.hint


@pytest.mark.parametrize(("error", "status"), CASES, ids=lambda c: type(c).__name__)
def test_page_errors_are_friendly_pages(
    raising_client: TestClient, error: PortintelError, status: int
) -> None:
    response = raising_client.get(f"/test-raise/{type(error).__name__}")
    if status == 401:
        assert response.status_code == 303
        assert response.headers["location"].startswith("/login?next=")
        return
    assert response.status_code == status
    assert response.headers["content-type"].startswith("text/html")
    assert error.message in response.text
    assert "<!doctype html>" in response.text.lower()


def test_validation_errors_name_the_field(raising_client: TestClient) -> None:
    # bodies are read only from callers that present credentials (web/request_limits.py)
    response = raising_client.post(
        "/api/v1/test-validate",
        json={"title": "x", "count": "many"},
        headers={"Authorization": "Bearer unchecked-by-this-route"},
    )
    assert response.status_code == 422
    body = response.json()["error"]
    assert body["code"] == "invalid_input"
    assert body["field"] == "count"
    assert "count" in body["message"]


def test_unexpected_errors_do_not_leak_internals(raising_client: TestClient) -> None:
    response = raising_client.get("/api/v1/test-crash")
    assert response.status_code == 500
    assert response.json()["error"]["code"] == "internal_error"
    assert "secret internals" not in response.text


def test_rate_limited_answers_say_when_to_retry(raising_client: TestClient) -> None:
    for path in ("/api/v1/test-raise/RateLimited", "/test-raise/RateLimited"):
        response = raising_client.get(path)
        assert response.status_code == 429
        assert response.headers["retry-after"] == "30"


def test_a_full_sqlite_disk_is_a_clear_503_on_the_api_and_the_pages(
    person: Callable[..., Person], ws: Workspace
) -> None:
    """SQLITE_FULL, from a page limit as a full disk would give it: what to do, not a 500."""
    if ws.engine.dialect.name != "sqlite":
        pytest.skip("PostgreSQL's full disk is its server's; SQLite's is the node's own")
    officer = person("olga", "officer")
    with ws.engine.connect() as connection:
        pages = connection.exec_driver_sql("PRAGMA page_count").scalar_one()

    def cap(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.execute(f"PRAGMA max_page_count = {int(pages)}")

    event.listen(ws.engine, "connect", cap)
    ws.engine.dispose()  # every connection from now on is capped
    report = {
        "title": "Trawler at the old pier",
        "text": "x" * 200_000,  # more pages than are left
        "reliability": "B",
        "credibility": "2",
        "handling": "uk-3x5x2:P",
    }
    api = officer.api("POST", "/api/v1/reports", json=report)
    assert api.status_code == 503, api.text
    error = api.json()["error"]
    assert error["code"] == "storage_full"
    assert "disk is full" in error["message"] and "free space" in error["hint"]
    page = officer.form("/reports", {**report, "action": "save"})
    assert page.status_code == 503
    assert "disk is full" in page.text and "free space" in page.text
    event.remove(ws.engine, "connect", cap)
    ws.engine.dispose()
    assert officer.api("POST", "/api/v1/reports", json=report).status_code == 201
