"""Security findings (#9) through the web: no impersonation; a new password ends sign-ins."""

from __future__ import annotations

from collections.abc import Callable

from fastapi import FastAPI
from fastapi.testclient import TestClient

from tests.web.conftest import PASSWORD, Person, log_in

NEW_PASSWORD = "a much longer harbour passphrase"


def test_an_administrator_cannot_mint_a_token_for_another_user(
    client: TestClient, person: Callable[..., Person]
) -> None:
    person("mali", "source_handler")
    boss = person("boss", "administrator")
    refused = boss.api("POST", "/api/v1/tokens", json={"name": "x", "username": "mali"})
    assert refused.status_code == 422
    assert refused.json()["error"]["field"] == "username"
    assert boss.api("GET", "/api/v1/tokens", params={"username": "mali"}).json() == []
    own = boss.api("POST", "/api/v1/tokens", json={"name": "own script"})
    assert own.status_code == 201
    assert own.json()["username"] == "boss"
    me = client.get("/api/v1/me", headers={"Authorization": f"Bearer {own.json()['token']}"})
    assert me.json()["username"] == "boss"


def test_a_password_change_keeps_this_session_and_ends_the_others(
    app: FastAPI, client: TestClient, person: Callable[..., Person]
) -> None:
    olga = person("olga", "officer")
    elsewhere = log_in(app, "olga")
    token = olga.api("POST", "/api/v1/tokens", json={"name": "script"}).json()["token"]
    changed = olga.form(
        "/account/password", {"current_password": PASSWORD, "new_password": NEW_PASSWORD}
    )
    assert changed.status_code == 200
    assert olga.client.get("/api/v1/me").status_code == 200
    assert elsewhere.client.get("/api/v1/me").status_code == 401
    assert client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"}).status_code == 401
