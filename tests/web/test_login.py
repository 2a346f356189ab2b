"""Login, sessions, CSRF, lockout, bearer tokens and their revocation."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import timedelta

from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import select

from portintel.adapters.database.tables import web_sessions
from portintel.domain.actors import SYSTEM
from portintel.services import admin, audit
from portintel.services.workspace import Workspace
from portintel.web.authentication import SESSION_COOKIE
from tests.web.conftest import PASSWORD, Person, log_in, login_page_token, make_user


def _login_error(page: str) -> str:
    """The error a login page shows (message and hint), without the rest of the form."""
    match = re.search(r'<div class="login-error"[^>]*>(.*?)</div>', page, re.S)
    assert match is not None, page
    return match.group(1)


def _post_login(client: TestClient, username: str, password: str, **extra: str):  # type: ignore[no-untyped-def]
    token = login_page_token(client)
    data = {"username": username, "password": password, "login_token": token, **extra}
    return client.post("/login", data=data)


def test_login_sets_a_strict_httponly_cookie_and_stores_only_its_hash(
    client: TestClient, ws: Workspace
) -> None:
    make_user(ws, "olga", "officer")
    response = _post_login(client, "olga", PASSWORD, next="/reports")
    assert response.status_code == 303
    assert response.headers["location"] == "/reports"
    cookie = next(
        value
        for value in response.headers.get_list("set-cookie")
        if value.startswith(SESSION_COOKIE)
    )
    assert "HttpOnly" in cookie
    assert "SameSite=strict" in cookie or "SameSite=Strict" in cookie
    raw_id = client.cookies[SESSION_COOKIE]
    with ws.engine.connect() as connection:
        stored = connection.execute(select(web_sessions.c.id_hash)).scalars().all()
    assert stored == [admin.hash_session_id(raw_id)]
    assert raw_id not in stored


def test_secure_cookie_when_settings_ask_for_it(settings, tmp_path) -> None:  # type: ignore[no-untyped-def]
    from portintel.web import create_app

    app = create_app(settings.model_copy(update={"secure_cookies": True}))
    with TestClient(app, base_url="https://testserver", follow_redirects=False) as browser:
        admin.ensure_agencies(app.state.workspace)
        make_user(app.state.workspace, "olga", "officer")
        response = _post_login(browser, "olga", PASSWORD)
        cookie = next(
            v for v in response.headers.get_list("set-cookie") if v.startswith(SESSION_COOKIE)
        )
        assert "Secure" in cookie


def test_open_redirects_are_refused(client: TestClient, ws: Workspace) -> None:
    make_user(ws, "olga", "officer")
    response = _post_login(client, "olga", PASSWORD, next="//evil.example/x")
    assert response.headers["location"] == "/"


def test_wrong_password_shows_the_form_again(client: TestClient, ws: Workspace) -> None:
    make_user(ws, "olga", "officer")
    response = _post_login(client, "olga", "not the password at all")
    assert response.status_code == 401
    assert 'id="login-error"' in response.text
    assert SESSION_COOKIE not in client.cookies


def test_login_form_without_its_token_is_refused(client: TestClient, ws: Workspace) -> None:
    make_user(ws, "olga", "officer")
    response = client.post("/login", data={"username": "olga", "password": PASSWORD})
    assert response.status_code == 403
    assert SESSION_COOKIE not in client.cookies


def test_lockout_after_repeated_failures(app: FastAPI, client: TestClient, ws: Workspace) -> None:
    make_user(ws, "olga", "officer")
    for _ in range(ws.settings.login_max_failures):
        assert _post_login(client, "olga", "wrong password!!").status_code == 401
    locked = _post_login(client, "olga", PASSWORD)
    assert locked.status_code == 401
    assert _login_error(locked.text) == _login_error(_post_login(client, "nobody", PASSWORD).text)
    admin.unlock_user(ws, SYSTEM, "olga")
    assert _post_login(client, "olga", PASSWORD).status_code == 303


def test_second_factor_is_asked_for_and_checked(client: TestClient, ws: Workspace) -> None:
    import pyotp

    make_user(ws, "olga", "officer")
    enrolment = admin.enable_totp(ws, SYSTEM, "olga")
    totp = pyotp.TOTP(enrolment.secret.reveal())
    admin.confirm_totp(ws, SYSTEM, "olga", totp.at(ws.clock() - timedelta(seconds=30)))
    without = _post_login(client, "olga", PASSWORD)
    assert without.status_code == 401
    assert "one-time code" in without.text
    # the same answer as a name that does not exist: the prompt tells no one who is enrolled
    assert _login_error(without.text) == _login_error(_post_login(client, "nobody", "x").text)
    code = totp.at(ws.clock())
    with_code = _post_login(client, "olga", PASSWORD, totp_code=code)
    assert with_code.status_code == 303
    raw_id = client.cookies[SESSION_COOKIE]
    with ws.engine.connect() as connection:
        done = connection.execute(
            select(web_sessions.c.second_factor_done).where(
                web_sessions.c.id_hash == admin.hash_session_id(raw_id)
            )
        ).scalar_one()
    assert done is True


def test_logout_revokes_the_session(person: Callable[..., Person], ws: Workspace) -> None:
    olga = person("olga", "officer")
    stolen_cookie = olga.client.cookies[SESSION_COOKIE]
    response = olga.form("/logout")
    assert response.status_code == 303
    olga.client.cookies.set(SESSION_COOKIE, stolen_cookie)
    assert olga.client.get("/api/v1/me").status_code == 401
    assert olga.client.get("/").status_code == 303
    entries = audit.list_entries(ws, SYSTEM, audit.AuditFilters(action="logout"))
    assert [entry.actor for entry in entries] == ["olga"]


def test_logout_without_csrf_token_is_refused(person: Callable[..., Person]) -> None:
    olga = person("olga", "officer")
    response = olga.client.post("/logout", data={"csrf_token": "forged"})
    assert response.status_code == 403
    assert olga.client.get("/api/v1/me").status_code == 200


def test_cookie_api_calls_that_change_state_need_the_csrf_header(
    person: Callable[..., Person],
) -> None:
    alice = person("alice", "administrator")
    body = {"name": "importer"}
    refused = alice.client.post("/api/v1/tokens", json=body)
    assert refused.status_code == 403
    assert refused.json()["error"]["code"] == "permission_denied"
    wrong = alice.client.post("/api/v1/tokens", json=body, headers={"X-CSRF-Token": "nope"})
    assert wrong.status_code == 403
    assert alice.api("POST", "/api/v1/tokens", json=body).status_code == 201


def test_bearer_tokens_need_no_csrf_and_stop_working_when_revoked(
    client: TestClient, ws: Workspace
) -> None:
    make_user(ws, "scripter", "analyst")
    issued = admin.issue_token(ws, SYSTEM, "scripter", "nightly import")
    headers = {"Authorization": f"Bearer {issued.secret.reveal()}"}
    me = client.get("/api/v1/me", headers=headers)
    assert me.status_code == 200
    assert me.json()["username"] == "scripter"
    assert me.json()["authenticated_by"] == "token"
    revoked = client.post(f"/api/v1/tokens/{issued.id}/revoke", headers=headers)
    assert revoked.status_code == 204
    after = client.get("/api/v1/me", headers=headers)
    assert after.status_code == 401
    assert after.json()["error"]["code"] == "authentication_failed"


def test_a_bearer_token_does_not_open_pages(client: TestClient, ws: Workspace) -> None:
    make_user(ws, "scripter", "analyst")
    token = admin.create_token(ws, SYSTEM, "scripter", "t")
    response = client.get("/", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 303


def test_disabled_accounts_lose_their_sessions(
    app: FastAPI, ws: Workspace, person: Callable[..., Person]
) -> None:
    make_user(ws, "root", "administrator")
    olga = person("olga", "officer")
    admin.deactivate_user(ws, SYSTEM, "olga")
    assert olga.client.get("/api/v1/me").status_code == 401
    assert log_in is not None  # the helper is shared with other tests
