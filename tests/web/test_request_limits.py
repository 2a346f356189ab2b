"""Request bodies are limited and checked before anything reads them (#9).

Raw ASGI calls show what the application never did (read the body); the
test client shows the house error shape and the upload limit per backend.
The memory figure of a 300 MB body is in ``test_request_limits_server.py``.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterator

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import select
from starlette.types import Message

from portintel.adapters.database.tables import audit_log
from portintel.services.workspace import Workspace
from portintel.settings import Settings
from portintel.web import create_app
from tests.web.conftest import Person

MIB = 1024 * 1024


@pytest.fixture
def settings(settings: Settings) -> Settings:
    """Small limits, so the tests send little: 1 MiB bodies, 3 MiB uploads."""
    return settings.model_copy(
        update={"max_body_mb": 1, "max_upload_mb": 3, "attachment_max_bytes": 2 * MIB + MIB // 2}
    )


class Unread:
    """An ASGI ``receive`` that records whether the application asked for the body."""

    def __init__(self, *, never_arrives: bool = False) -> None:
        self.called = False
        self.never_arrives = never_arrives

    async def __call__(self) -> Message:
        self.called = True
        if self.never_arrives:
            await asyncio.Event().wait()
        return {"type": "http.request", "body": b"{}", "more_body": False}


def call(
    app: FastAPI, method: str, path: str, headers: dict[str, str], receive: Unread
) -> tuple[int, dict[str, str], bytes]:
    """Call the ASGI app once; the response's status, headers and body."""
    sent: list[Message] = []

    async def send(message: Message) -> None:
        sent.append(message)

    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": method,
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "query_string": b"",
        "root_path": "",
        "headers": [(k.lower().encode(), v.encode()) for k, v in headers.items()],
        "client": ("127.0.0.1", 5000),
        "server": ("testserver", 80),
    }
    asyncio.run(app(scope, receive, send))
    start = next(message for message in sent if message["type"] == "http.response.start")
    body = b"".join(m.get("body", b"") for m in sent if m["type"] == "http.response.body")
    response_headers = {k.decode(): v.decode() for k, v in start["headers"]}
    return start["status"], response_headers, body


def test_a_declared_oversized_body_is_refused_unread(settings: Settings) -> None:
    app = create_app(settings)
    receive = Unread()
    status, headers, body = call(
        app, "POST", "/api/v1/reports", {"content-length": str(300 * MIB)}, receive
    )
    assert status == 413
    assert not receive.called
    assert headers["content-type"] == "application/json"
    assert b'"code":"too_large"' in body and b"1 MiB" in body
    assert "content-security-policy" in headers  # still inside the security headers


def test_an_anonymous_body_is_refused_before_it_is_read(settings: Settings) -> None:
    app = create_app(settings)
    receive = Unread()
    api = call(app, "POST", "/api/v1/reports", {"content-length": "2"}, receive)
    assert api[0] == 401 and b'"code":"authentication_failed"' in api[2]
    page = call(app, "POST", "/reports", {"content-length": "2"}, receive)
    assert page[0] == 303 and page[1]["location"].startswith("/login")
    assert not receive.called


def test_a_body_that_never_arrives_times_out(settings: Settings) -> None:
    app = create_app(settings.model_copy(update={"body_timeout_seconds": 0.05}))
    receive = Unread(never_arrives=True)
    headers = {"content-length": "100", "authorization": "Bearer whatever"}
    status, _, body = call(app, "POST", "/api/v1/reports", headers, receive)
    assert status == 408
    assert receive.called
    assert b'"code":"timeout"' in body


def _chunks(total: int, size: int = 64 * 1024) -> Iterator[bytes]:
    sent = 0
    while sent < total:
        yield b" " * min(size, total - sent)
        sent += size


def test_a_chunked_body_is_counted_and_stopped_before_authentication(
    client: TestClient, ws: Workspace
) -> None:
    response = client.post(
        "/api/v1/reports",
        content=_chunks(3 * MIB),
        headers={"Authorization": "Bearer made-up", "Content-Type": "application/json"},
    )
    assert response.status_code == 413
    assert response.json()["error"]["code"] == "too_large"
    with ws.engine.connect() as connection:  # the token was never even looked up
        assert (
            connection.execute(select(audit_log.c.action)).scalars().all().count("login.failure")
            == 0
        )


def test_uploads_have_their_own_limit(client: TestClient, person: Callable[..., Person]) -> None:
    officer = person("olga", "officer")
    report = {
        "title": "Boarding",
        "text": "Boarded a trawler.",
        "reliability": "B",
        "credibility": "2",
        "handling": "uk-3x5x2:P",
    }
    filed = officer.api("POST", "/api/v1/reports", json=report)
    assert filed.status_code == 201, filed.text
    path = f"/api/v1/reports/{filed.json()['id']}/attachments"
    two_mib = officer.api("POST", path, files={"file": ("crew.bin", b"x" * 2 * MIB)})
    assert two_mib.status_code == 201, two_mib.text  # over max_body_mb, under max_upload_mb
    four_mib = officer.api("POST", path, files={"file": ("crew.bin", b"x" * 4 * MIB)})
    assert four_mib.status_code == 413
    assert four_mib.json()["error"]["code"] == "too_large"
    padded = {**report, "text": "x" * 2 * MIB}
    assert officer.api("POST", "/api/v1/reports", json=padded).status_code == 413
