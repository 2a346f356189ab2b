"""``portintel init`` and ``portintel user``, run in process against both backends."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from portintel.cli.app import app
from portintel.domain.actors import SYSTEM
from portintel.errors import AuthenticationFailed, InvalidInput
from portintel.services import admin
from portintel.services.workspace import open_workspace
from portintel.settings import load_settings

PASSWORD = "a long enough password"


@pytest.fixture
def data_dir(tmp_path: Path, database_url: str, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("PORTINTEL_DATABASE_URL", database_url)
    return tmp_path / "node"


def _run(data_dir: Path, *args: str, stdin: str | None = None) -> Result:
    return CliRunner().invoke(app, ["--data-dir", str(data_dir), *args], input=stdin)


def _init(data_dir: Path) -> Result:
    return _run(
        data_dir,
        "init",
        "--username",
        "admin",
        "--agency",
        "Immigration",
        "--password-stdin",
        stdin=PASSWORD + "\n",
    )


def test_init_creates_the_node_and_first_administrator(data_dir: Path) -> None:
    result = _init(data_dir)
    assert result.exit_code == 0, result.output
    assert "Administrator admin created in agency immigration" in result.stdout
    assert "Agencies created" in result.stdout
    assert data_dir.is_dir()
    ws = open_workspace(load_settings(data_dir))
    try:
        actor = admin.authenticate_password(ws, "admin", PASSWORD)
        assert actor.agency_id == "immigration"
    finally:
        ws.close()
    assert PASSWORD not in result.output


def test_init_again_is_safe_and_says_what_it_did(data_dir: Path) -> None:
    assert _init(data_dir).exit_code == 0
    again = _run(data_dir, "init")
    assert again.exit_code == 0, again.output
    assert "Agencies: all 4 present" in again.stdout
    assert "no administrator created" in again.stdout


def test_init_without_a_password_or_terminal_explains_what_to_do(data_dir: Path) -> None:
    result = _run(data_dir, "init", "--username", "admin", "--agency", "Immigration")
    assert result.exit_code == 1
    assert isinstance(result.exception, InvalidInput)
    assert result.exception.hint is not None and "--password-stdin" in result.exception.hint
    missing = _run(data_dir, "init", "--password-stdin", stdin=PASSWORD + "\n")
    assert isinstance(missing.exception, InvalidInput)
    assert "--username and --agency" in missing.exception.message


def test_user_add_list_passwd_disable(data_dir: Path) -> None:
    assert _init(data_dir).exit_code == 0
    added = _run(
        data_dir,
        "user",
        "add",
        "mali",
        "--name",
        "Mali Chan",
        "--agency",
        "Maritime Police",
        "--role",
        "officer",
        "--role",
        "source-handler",
        "--password-stdin",
        stdin=PASSWORD + "\n",
    )
    assert added.exit_code == 0, added.output
    assert "User mali (officer, source_handler) created" in added.stdout
    listed = _run(data_dir, "user", "list")
    assert listed.exit_code == 0
    assert "mali" in listed.stdout and "admin" in listed.stdout

    short = _run(data_dir, "user", "passwd", "mali", "--password-stdin", stdin="tiny\n")
    assert isinstance(short.exception, InvalidInput)
    assert "at least 12 characters" in short.exception.message
    new_password = "another long passphrase"
    changed = _run(
        data_dir, "user", "passwd", "mali", "--password-stdin", stdin=new_password + "\n"
    )
    assert changed.exit_code == 0, changed.output
    assert _run(data_dir, "user", "disable", "mali").exit_code == 0

    ws = open_workspace(load_settings(data_dir))
    try:
        with pytest.raises(AuthenticationFailed):
            admin.authenticate_password(ws, "mali", new_password)
        view = admin.list_users(ws, SYSTEM)[1]
        assert (view.username, view.active) == ("mali", False)
    finally:
        ws.close()


def test_token_is_printed_once_and_can_be_revoked(data_dir: Path) -> None:
    assert _init(data_dir).exit_code == 0
    issued = _run(data_dir, "user", "token", "admin", "--name", "script")
    assert issued.exit_code == 0, issued.output
    token = issued.stdout.strip()
    assert len(token) >= 43 and "\n" not in token
    token_id = issued.stderr.split()[1]
    assert token_id.startswith("T-")
    ws = open_workspace(load_settings(data_dir))
    try:
        assert admin.authenticate_token(ws, token).username == "admin"
        listed = _run(data_dir, "user", "tokens", "admin")
        assert token_id in listed.stdout and token not in listed.stdout
        assert _run(data_dir, "user", "revoke-token", token_id).exit_code == 0
        with pytest.raises(AuthenticationFailed):
            admin.authenticate_token(ws, token)
        audit_text = _run(data_dir, "audit", "list", "--limit", "100").output
        assert token not in audit_text
    finally:
        ws.close()


def test_totp_is_set_up_then_confirmed_with_a_first_code(data_dir: Path) -> None:
    import pyotp

    assert _init(data_dir).exit_code == 0
    started = _run(data_dir, "user", "totp", "admin")
    assert started.exit_code == 0, started.output
    uri = started.stdout.strip().splitlines()[-1]
    assert uri.startswith("otpauth://totp/") and "--confirm CODE" in started.output
    wrong = _run(data_dir, "user", "totp", "admin", "--confirm", "000000")
    assert isinstance(wrong.exception, InvalidInput) and wrong.exception.field == "totp_code"
    code = pyotp.parse_uri(uri).now()
    confirmed = _run(data_dir, "user", "totp", "admin", "--confirm", code)
    assert confirmed.exit_code == 0, confirmed.output
    ws = open_workspace(load_settings(data_dir))
    try:
        assert admin.get_user(ws, SYSTEM, "admin").totp_enabled
    finally:
        ws.close()
