"""Fixtures of the web tests: the real app from create_app, in process, per backend.

People are made through ``services.admin`` exactly as an administrator
would; logging in goes through the login page like a browser does.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from portintel.domain.actors import SYSTEM
from portintel.services import admin
from portintel.services.workspace import Workspace
from portintel.settings import Settings
from portintel.web import create_app
from tests.conftest import TickingClock

PASSWORD = "correct horse battery staple"
HIDDEN = re.compile(r'name="(?P<name>login_token|csrf_token)" value="(?P<value>[^"]+)"')


@dataclass
class Person:
    """A logged-in browser: its own client (cookie jar) and the session's CSRF token."""

    username: str
    client: TestClient
    csrf_token: str

    def form(self, path: str, data: dict[str, object] | None = None, **kwargs: object):  # type: ignore[no-untyped-def]
        """POST a form the way the page would: with the hidden CSRF field."""
        return self.client.post(
            path, data={**(data or {}), "csrf_token": self.csrf_token}, **kwargs
        )  # type: ignore[arg-type]

    def api(self, method: str, path: str, **kwargs: object):  # type: ignore[no-untyped-def]
        """Call the API with the session cookie and the CSRF header."""
        headers = {"X-CSRF-Token": self.csrf_token}
        return self.client.request(method, path, headers=headers, **kwargs)  # type: ignore[arg-type]


@pytest.fixture
def app(settings: Settings) -> FastAPI:
    return create_app(settings)


def _client(app: FastAPI) -> TestClient:
    return TestClient(app, base_url="http://testserver", follow_redirects=False)


@pytest.fixture
def client(app: FastAPI) -> Iterator[TestClient]:
    """A client over the ASGI app; entering it runs the lifespan (opens the workspace)."""
    with _client(app) as test_client:
        app.state.workspace.clock = TickingClock()
        admin.ensure_agencies(app.state.workspace)
        yield test_client


@pytest.fixture
def ws(app: FastAPI, client: TestClient) -> Workspace:
    """The workspace the running app opened."""
    workspace: Workspace = app.state.workspace
    return workspace


def make_user(ws: Workspace, username: str, *roles: str, agency: str = "immigration") -> str:
    view = admin.create_user(
        ws,
        SYSTEM,
        username=username,
        display_name=username.title(),
        agency=agency,
        roles=roles,
        password=PASSWORD,
    )
    return view.id


def login_page_token(client: TestClient) -> str:
    page = client.get("/login")
    assert page.status_code == 200
    match = HIDDEN.search(page.text)
    assert match is not None and match["name"] == "login_token"
    return match["value"]


def log_in(app: FastAPI, username: str, password: str = PASSWORD) -> Person:
    """A fresh browser that logs in through the login page."""
    browser = _client(app)
    token = login_page_token(browser)
    response = browser.post(
        "/login",
        data={"username": username, "password": password, "login_token": token, "next": "/"},
    )
    assert response.status_code == 303, response.text
    me = browser.get("/api/v1/me")
    assert me.status_code == 200
    return Person(username=username, client=browser, csrf_token=me.json()["csrf_token"])


@pytest.fixture
def person(app: FastAPI, ws: Workspace) -> Callable[..., Person]:
    """``person("olga", "officer")``: create the user and log them in."""

    def make(username: str, *roles: str, agency: str = "immigration") -> Person:
        make_user(ws, username, *roles, agency=agency)
        return log_in(app, username)

    return make
