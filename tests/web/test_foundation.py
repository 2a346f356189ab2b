"""The application factory, health check, OpenAPI, static assets and security headers."""

from __future__ import annotations

import re
from pathlib import Path

from fastapi.testclient import TestClient

from portintel.adapters.database import create_database_engine
from portintel.adapters.database.probe import SqlStoreProbe
from portintel.services.workspace import Workspace
from portintel.web.security_headers import CONTENT_SECURITY_POLICY

STATIC = Path(__file__).parents[2] / "src" / "portintel" / "web" / "static"
TEMPLATES = STATIC.parent / "templates"


def test_healthz_answers_without_login(client: TestClient) -> None:
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok"}


def test_openapi_schema_is_under_api_v1(client: TestClient) -> None:
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    schema = response.json()
    assert schema["openapi"].startswith("3.")
    assert all(path.startswith("/api/v1/") for path in schema["paths"])
    assert "/api/v1/me" in schema["paths"]


def test_no_documentation_ui_that_would_need_a_cdn(client: TestClient) -> None:
    assert client.get("/docs").status_code in {303, 404}
    assert client.get("/redoc").status_code in {303, 404}


def test_security_headers_on_pages_api_static_and_errors(client: TestClient) -> None:
    for path in ["/healthz", "/login", "/static/style.css", "/api/v1/me", "/api/v1/nothing"]:
        headers = client.get(path).headers
        assert headers["content-security-policy"] == CONTENT_SECURITY_POLICY, path
        assert headers["x-frame-options"] == "DENY", path
        assert headers["x-content-type-options"] == "nosniff", path
        assert headers["referrer-policy"] == "no-referrer", path


def test_static_assets_are_served_from_the_package(client: TestClient) -> None:
    css = client.get("/static/style.css")
    assert css.status_code == 200
    assert css.headers["content-type"].startswith("text/css")
    script = client.get("/static/app.js")
    assert script.status_code == 200
    assert "javascript" in script.headers["content-type"]


def test_assets_reference_nothing_outside_the_node() -> None:
    pattern = re.compile(r"(https?:)?//[a-z0-9.-]+\.[a-z]{2,}", re.IGNORECASE)
    # the SVG namespace is a name, never fetched: in markup and as createElementNS's argument
    namespaces = ('xmlns="http://www.w3.org/2000/svg"', '"http://www.w3.org/2000/svg"')
    vendor = STATIC / "vendor"  # third-party files: test_vendor_manifest.py reviews their URLs
    for path in [*STATIC.rglob("*"), *TEMPLATES.rglob("*.html")]:
        if path.is_file() and vendor not in path.parents:
            text = path.read_text(encoding="utf-8")
            for namespace in namespaces:
                text = text.replace(namespace, "")
            urls = {match.group(0) for match in pattern.finditer(text)}
            assert not urls, f"{path.name} refers to {urls}"


def test_templates_have_no_inline_script_or_event_handler() -> None:
    inline_script = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.IGNORECASE)
    handler = re.compile(r"\son[a-z]+\s*=", re.IGNORECASE)
    inline_style = re.compile(r"\sstyle\s*=|<style", re.IGNORECASE)
    for path in TEMPLATES.rglob("*.html"):
        text = path.read_text(encoding="utf-8")
        assert not inline_script.search(text), path.name
        assert not handler.search(text), path.name
        assert not inline_style.search(text), path.name


def test_pages_redirect_to_login_when_nobody_is_logged_in(client: TestClient) -> None:
    response = client.get("/?tab=drafts")
    assert response.status_code == 303
    assert response.headers["location"] == "/login?next=/%3Ftab%3Ddrafts"


def test_api_refuses_anonymous_callers_with_json(client: TestClient) -> None:
    response = client.get("/api/v1/me")
    assert response.status_code == 401
    assert response.headers["www-authenticate"] == "Bearer"
    body = response.json()
    assert body["error"]["code"] == "authentication_failed"
    assert "bearer" in body["error"]["hint"].lower()


def test_unknown_api_path_is_a_json_404(client: TestClient) -> None:
    response = client.get("/api/v1/nothing")
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"


def test_healthz_is_503_when_the_store_does_not_answer(client: TestClient, ws: Workspace) -> None:
    unreachable = "postgresql://piu@127.0.0.1:1/piu?connect_timeout=2"
    engine = create_database_engine(unreachable)
    probe, ws.store_probe = ws.store_probe, SqlStoreProbe(engine, unreachable)
    try:
        response = client.get("/healthz")
    finally:
        ws.store_probe = probe
        engine.dispose()
    assert response.status_code == 503
    assert response.json() == {"status": "unavailable", "database": "unreachable"}
