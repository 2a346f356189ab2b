"""Findings of the security review (#9) on sign-in and credentials, on both backends.

- an administrator cannot mint a token for another user (impersonation);
- a password change ends the user's other sessions and revokes their tokens;
- the lockout holds under parallel guesses: at most ``login_max_failures``
  passwords are checked, counted through a wrapper around the verifier.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlalchemy import select

from portintel.adapters.database.tables import api_tokens, audit_log, web_sessions
from portintel.adapters.passwords import Secret
from portintel.domain.actors import SYSTEM, Actor, Role
from portintel.errors import AuthenticationFailed, PermissionDenied
from portintel.services import admin
from portintel.services.workspace import Workspace

PASSWORD = "correct horse battery"
NEW_PASSWORD = "a brand new passphrase"


def _actor(ws: Workspace, username: str, *roles: Role) -> Actor:
    admin.ensure_agencies(ws)
    view = admin.create_user(
        ws,
        SYSTEM,
        username=username,
        display_name=username.title(),
        agency="Maritime Police",
        roles=roles or (Role.OFFICER,),
        password=PASSWORD,
    )
    return admin.get_actor(ws, view.id)


def _session(ws: Workspace, user_id: str, id_hash: str) -> None:
    now = ws.clock()
    with ws.engine.begin() as connection:
        connection.execute(
            web_sessions.insert().values(
                id_hash=id_hash,
                user_id=user_id,
                csrf_token="csrf",
                created_at=now,
                expires_at=now.replace(year=now.year + 1),
                second_factor_done=False,
            )
        )


def _live_sessions(ws: Workspace, user_id: str) -> set[str]:
    with ws.engine.connect() as connection:
        return set(
            connection.execute(
                select(web_sessions.c.id_hash)
                .where(web_sessions.c.user_id == user_id)
                .where(web_sessions.c.revoked_at.is_(None))
            ).scalars()
        )


# --- 1. no token for another user ----------------------------------------------------


def test_an_administrator_cannot_issue_a_token_for_another_user(workspace: Workspace) -> None:
    _actor(workspace, "mali", Role.SOURCE_HANDLER)
    boss = _actor(workspace, "boss", Role.ADMINISTRATOR)
    with pytest.raises(PermissionDenied, match="owner only"):
        admin.issue_token(workspace, boss, "mali", "impersonation")
    with pytest.raises(PermissionDenied):
        admin.create_token(workspace, boss, "MALI ", "impersonation")
    with workspace.engine.connect() as connection:
        assert connection.execute(select(api_tokens)).all() == []
    own = admin.issue_token(workspace, boss, "boss", "own script")
    assert admin.authenticate_token(workspace, own.secret).username == "boss"


def test_the_console_may_issue_a_token_for_a_named_user(workspace: Workspace) -> None:
    """The CLI acts as SYSTEM (an operator at the node's console): the one exception."""
    _actor(workspace, "mali")
    console = Actor(user_id=SYSTEM.user_id, username="cli:root", agency_id="", roles=SYSTEM.roles)
    issued = admin.issue_token(workspace, console, "mali", "importer")
    assert admin.authenticate_token(workspace, issued.secret).username == "mali"
    with workspace.engine.connect() as connection:
        row = connection.execute(
            select(audit_log).where(audit_log.c.action == "token.create")
        ).one()
    assert row.actor == "cli:root"
    assert json.loads(row.detail)["user"] == "mali"


# --- 5. a new password ends the other sign-ins ---------------------------------------


def test_changing_ones_password_ends_other_sessions_and_tokens(workspace: Workspace) -> None:
    mali = _actor(workspace, "mali")
    other_user = _actor(workspace, "nok")
    _session(workspace, mali.user_id, "this-browser")
    _session(workspace, mali.user_id, "stolen-cookie")
    _session(workspace, other_user.user_id, "nok-browser")
    token = admin.create_token(workspace, mali, "mali", "laptop")
    nok_token = admin.create_token(workspace, other_user, "nok", "laptop")

    admin.set_password(
        workspace,
        mali,
        "mali",
        NEW_PASSWORD,
        current_password=PASSWORD,
        keep_session="this-browser",
    )

    assert _live_sessions(workspace, mali.user_id) == {"this-browser"}
    with pytest.raises(AuthenticationFailed, match="revoked"):
        admin.authenticate_token(workspace, token)
    assert _live_sessions(workspace, other_user.user_id) == {"nok-browser"}
    assert admin.authenticate_token(workspace, nok_token).username == "nok"
    with workspace.engine.connect() as connection:
        detail = connection.execute(
            select(audit_log.c.detail).where(audit_log.c.action == "user.password")
        ).scalar_one()
    assert json.loads(detail) == {"by": "self", "sessions_ended": 1, "tokens_revoked": 1}


def test_an_administrator_reset_ends_every_session_and_token(workspace: Workspace) -> None:
    mali = _actor(workspace, "mali")
    boss = _actor(workspace, "boss", Role.ADMINISTRATOR)
    _session(workspace, mali.user_id, "mali-browser")
    _session(workspace, boss.user_id, "boss-browser")
    token = admin.create_token(workspace, mali, "mali", "laptop")

    # keep_session names the administrator's own session: it is not the user's to keep
    admin.set_password(workspace, boss, "mali", NEW_PASSWORD, keep_session="mali-browser")

    assert _live_sessions(workspace, mali.user_id) == set()
    assert _live_sessions(workspace, boss.user_id) == {"boss-browser"}
    with pytest.raises(AuthenticationFailed):
        admin.authenticate_token(workspace, token)
    assert admin.authenticate_password(workspace, "mali", NEW_PASSWORD).username == "mali"


# --- 6. the lockout cannot be raced --------------------------------------------------


def _counting_verifier(workspace: Workspace, monkeypatch: pytest.MonkeyPatch) -> Callable[[], int]:
    """Wrap the verifier sign-in uses (the workspace's password port); return a reader
    of how often it ran."""
    real = workspace.passwords.verify
    calls = 0
    lock = threading.Lock()

    def counted(password_hash: str, password: Secret) -> bool:
        nonlocal calls
        with lock:
            calls += 1
        return real(password_hash, password)

    monkeypatch.setattr(workspace.passwords, "verify", counted)
    return lambda: calls


def test_parallel_wrong_passwords_check_at_most_the_limit(
    workspace: Workspace, monkeypatch: pytest.MonkeyPatch
) -> None:
    _actor(workspace, "mali")
    limit = workspace.settings.login_max_failures
    checks = _counting_verifier(workspace, monkeypatch)

    def guess(number: int) -> str:
        try:
            admin.authenticate_password(workspace, "mali", f"wrong guess {number}")
        except AuthenticationFailed as exc:
            return exc.message
        return "signed in"

    with ThreadPoolExecutor(max_workers=8) as pool:
        outcomes = list(pool.map(guess, range(40)))

    assert "signed in" not in outcomes
    assert checks() <= limit
    assert set(outcomes) == {admin.WRONG_CREDENTIALS}
    with workspace.engine.connect() as connection:
        reasons = [
            json.loads(row.detail)["reason"]
            for row in connection.execute(
                select(audit_log).where(audit_log.c.action == "login.failure")
            )
        ]
    assert reasons.count("account locked") >= 40 - limit
    with pytest.raises(AuthenticationFailed):
        admin.authenticate_password(workspace, "mali", PASSWORD)
    assert checks() <= limit  # the right password was not even checked
    with workspace.engine.connect() as connection:
        lockouts = connection.execute(
            select(audit_log).where(audit_log.c.action == "login.lockout")
        ).all()
    assert len(lockouts) == 1


def test_after_the_limit_the_right_password_is_not_checked(
    workspace: Workspace, monkeypatch: pytest.MonkeyPatch
) -> None:
    _actor(workspace, "mali")
    checks = _counting_verifier(workspace, monkeypatch)
    for number in range(workspace.settings.login_max_failures):
        with pytest.raises(AuthenticationFailed):
            admin.authenticate_password(workspace, "mali", f"wrong guess {number}")
    with pytest.raises(AuthenticationFailed):
        admin.authenticate_password(workspace, "mali", PASSWORD)
    assert checks() == workspace.settings.login_max_failures
