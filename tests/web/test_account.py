"""The account page: password change, second factor and the user's own API tokens."""

from __future__ import annotations

import re
from collections.abc import Callable

from fastapi import FastAPI
from fastapi.testclient import TestClient

from portintel.domain.actors import SYSTEM
from portintel.services import admin
from portintel.services.workspace import Workspace
from tests.web.conftest import PASSWORD, Person, log_in

NEW_PASSWORD = "a much longer harbour passphrase"


def test_account_page_shows_the_user(person: Callable[..., Person]) -> None:
    olga = person("olga", "officer")
    page = olga.client.get("/account")
    assert page.status_code == 200
    assert "<code>olga</code>" in page.text


def test_password_change_needs_the_current_password(
    app: FastAPI, person: Callable[..., Person]
) -> None:
    olga = person("olga", "officer")
    wrong = olga.form(
        "/account/password",
        {"current_password": "not my password", "new_password": NEW_PASSWORD},
    )
    assert wrong.status_code == 422
    assert 'role="alert"' in wrong.text
    right = olga.form(
        "/account/password", {"current_password": PASSWORD, "new_password": NEW_PASSWORD}
    )
    assert right.status_code == 200
    assert 'role="status"' in right.text
    assert log_in(app, "olga", NEW_PASSWORD).username == "olga"


def test_tokens_are_shown_once_work_and_can_be_revoked(
    client: TestClient, person: Callable[..., Person]
) -> None:
    olga = person("olga", "officer")
    created = olga.form("/account/tokens", {"name": "laptop script"})
    assert created.status_code == 200
    match = re.search(r'<code id="new-token">([^<]+)</code>', created.text)
    assert match is not None
    token = match[1]
    headers = {"Authorization": f"Bearer {token}"}
    assert client.get("/api/v1/me", headers=headers).status_code == 200
    assert token not in olga.client.get("/account").text
    token_id = olga.api("GET", "/api/v1/tokens", params={"username": "olga"}).json()[0]["id"]
    assert olga.form(f"/account/tokens/{token_id}/revoke").status_code == 303
    assert client.get("/api/v1/me", headers=headers).status_code == 401


def test_setting_up_a_second_factor_shows_the_secret_once(
    person: Callable[..., Person],
) -> None:
    olga = person("olga", "officer")
    page = olga.form("/account/totp")
    assert page.status_code == 200
    assert re.search(r'<code id="totp-secret">[A-Z2-7]{16,}</code>', page.text)
    assert 'id="totp-secret"' not in olga.client.get("/account").text


def test_a_second_factor_is_scanned_from_a_qr_code_and_on_after_its_first_code(
    person: Callable[..., Person], ws: Workspace
) -> None:
    import pyotp

    olga = person("olga", "officer")
    page = olga.form("/account/totp")
    secret = re.search(r'<code id="totp-secret">([A-Z2-7]{16,})</code>', page.text)
    assert secret is not None
    # an inline SVG drawn on the server: no image fetched, no script, no inline style
    svg = re.search(r"<svg [^>]*class=\"qr-code\"[^>]*>.*?</svg>", page.text, re.S)
    assert svg is not None
    assert "<script" not in svg.group(0) and "style=" not in svg.group(0)
    assert "otpauth" not in svg.group(0)
    assert "script-src 'self'" in page.headers["content-security-policy"]
    assert not admin.get_user(ws, SYSTEM, "olga").totp_enabled  # not before its first code
    wrong = olga.form("/account/totp/confirm", {"totp_code": "000000"})
    assert wrong.status_code == 422
    assert "does not match" in wrong.text
    assert 'action="/account/totp/confirm"' in wrong.text  # still waiting: try the next code
    code = pyotp.TOTP(secret.group(1)).at(ws.clock())
    confirmed = olga.form("/account/totp/confirm", {"totp_code": code})
    assert confirmed.status_code == 200, confirmed.text
    assert admin.get_user(ws, SYSTEM, "olga").totp_enabled
    assert "Your second factor is on" in confirmed.text


def test_account_forms_need_the_csrf_token(person: Callable[..., Person]) -> None:
    olga = person("olga", "officer")
    assert olga.client.post("/account/tokens", data={"name": "x"}).status_code == 403
    assert olga.client.post("/account/totp").status_code == 403
