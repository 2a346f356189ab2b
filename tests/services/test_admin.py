"""Users, agencies, passwords, lockout, TOTP and API tokens, on both backends."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from datetime import timedelta

import pyotp
import pytest
from sqlalchemy import select

from portintel.adapters.database.tables import agencies, api_tokens, audit_log, users
from portintel.domain.actors import SYSTEM, Actor, Role
from portintel.errors import (
    AuthenticationFailed,
    Conflict,
    InvalidInput,
    NotFound,
    PermissionDenied,
)
from portintel.services import admin, audit
from portintel.services.workspace import Workspace
from tests.conftest import TickingClock

PASSWORD = "correct horse battery"


def _user(ws: Workspace, username: str = "mali", *roles: Role | str) -> admin.UserView:
    admin.ensure_agencies(ws)
    return admin.create_user(
        ws,
        SYSTEM,
        username=username,
        display_name=username.title(),
        agency="Maritime Police",
        roles=roles or (Role.OFFICER,),
        password=PASSWORD,
    )


def _audit(ws: Workspace, action: str) -> list[dict[str, object]]:
    with ws.engine.connect() as connection:
        rows = connection.execute(
            select(audit_log).where(audit_log.c.action == action).order_by(audit_log.c.seq)
        ).all()
    return [{**row._mapping, "detail": json.loads(row.detail)} for row in rows]


def _refused_because(ws: Workspace, call: Callable[[], object]) -> str:
    """Run a sign-in that must be refused; the reason the audit log kept for it.

    Every refusal shows the same message (checked here); only the log tells why.
    """
    with pytest.raises(AuthenticationFailed) as caught:
        call()
    assert caught.value.message == admin.WRONG_CREDENTIALS
    reason = _audit(ws, "login.failure")[-1]["detail"]["reason"]  # type: ignore[index]
    return str(reason)


def _enrol(ws: Workspace, username: str) -> pyotp.TOTP:
    """Set up and confirm a second factor, then let the clock leave the confirming code's steps."""
    enrolment = admin.enable_totp(ws, SYSTEM, username)
    totp = pyotp.TOTP(enrolment.secret.reveal())
    assert isinstance(ws.clock, TickingClock)
    admin.confirm_totp(ws, SYSTEM, username, totp.at(ws.clock.now + timedelta(seconds=1)))
    ws.clock.now += timedelta(minutes=2)
    return totp


def _everything_audited(ws: Workspace) -> str:
    with ws.engine.connect() as connection:
        return " ".join(str(row) for row in connection.execute(select(audit_log)).all())


def test_ensure_agencies_is_idempotent_with_readable_ids(workspace: Workspace) -> None:
    admin.ensure_agencies(workspace)
    admin.ensure_agencies(workspace)
    with workspace.engine.connect() as connection:
        ids = sorted(connection.execute(select(agencies.c.id)).scalars())
    assert ids == [
        "anti-human-trafficking-and-juvenile-protection",
        "immigration",
        "internal-security",
        "maritime-police",
    ]
    assert len(_audit(workspace, "agency.create")) == 4


def test_create_user_hashes_with_argon2id_and_audits_without_secrets(
    workspace: Workspace,
) -> None:
    view = _user(workspace, "Mali", "officer", "source handler")
    assert view.username == "mali"
    assert view.agency_id == "maritime-police"
    assert view.roles == {Role.OFFICER, Role.SOURCE_HANDLER}
    with workspace.engine.connect() as connection:
        stored = connection.execute(select(users.c.password_hash)).scalar_one()
    assert stored.startswith("$argon2id$")
    assert PASSWORD not in stored
    created = _audit(workspace, "user.create")
    assert created[0]["detail"] == {
        "username": "mali",
        "agency": "maritime-police",
        "roles": ["officer", "source_handler"],
    }
    assert PASSWORD not in _everything_audited(workspace)


def test_create_user_rejects_bad_input_with_reasons(workspace: Workspace) -> None:
    _user(workspace, "mali")
    with pytest.raises(InvalidInput, match="at least 12 characters") as short:
        admin.create_user(
            workspace,
            SYSTEM,
            username="nok",
            display_name="Nok",
            agency="immigration",
            roles=["analyst"],
            password="short",
        )
    assert short.value.field == "password"
    with pytest.raises(Conflict, match="already exists"):
        _user(workspace, "MALI")
    with pytest.raises(InvalidInput, match="unknown agency") as agency:
        admin.create_user(
            workspace,
            SYSTEM,
            username="nok",
            display_name="Nok",
            agency="Navy",
            roles=["analyst"],
            password=PASSWORD,
        )
    assert agency.value.hint is not None and "Immigration" in agency.value.hint
    with pytest.raises(InvalidInput, match="unknown role 'chief'"):
        _user(workspace, "nok", "chief")
    with pytest.raises(InvalidInput, match="username"):
        _user(workspace, "no spaces please")


def test_only_administrators_manage_users(workspace: Workspace) -> None:
    officer = admin.get_actor(workspace, _user(workspace, "mali").id)
    with pytest.raises(PermissionDenied, match="administrators"):
        admin.create_user(
            workspace,
            officer,
            username="nok",
            display_name="Nok",
            agency="immigration",
            roles=["administrator"],
            password=PASSWORD,
        )
    with pytest.raises(PermissionDenied):
        admin.list_users(workspace, officer)
    boss = admin.get_actor(workspace, _user(workspace, "boss", Role.ADMINISTRATOR).id)
    assert [view.username for view in admin.list_users(workspace, boss)] == ["boss", "mali"]


def test_password_sign_in_returns_the_actor_and_is_audited(workspace: Workspace) -> None:
    view = _user(workspace, "mali", Role.ANALYST)
    actor = admin.authenticate_password(workspace, " Mali ", PASSWORD)
    assert actor == Actor(view.id, "mali", "maritime-police", frozenset({Role.ANALYST}))
    assert admin.get_user(workspace, actor, "mali").last_login_at is not None
    assert _audit(workspace, "login.success")[0]["actor"] == "mali"


def test_wrong_password_and_unknown_user_fail_alike(workspace: Workspace) -> None:
    _user(workspace)
    with pytest.raises(AuthenticationFailed) as wrong:
        admin.authenticate_password(workspace, "mali", "not the password")
    with pytest.raises(AuthenticationFailed) as unknown:
        admin.authenticate_password(workspace, "nobody", PASSWORD)
    assert wrong.value.message == unknown.value.message
    reasons = [entry["detail"]["reason"] for entry in _audit(workspace, "login.failure")]  # type: ignore[index]
    assert reasons == ["wrong password", "unknown user"]
    assert "not the password" not in _everything_audited(workspace)


def test_five_failures_lock_the_account_for_fifteen_minutes(workspace: Workspace) -> None:
    _user(workspace)

    def wrong() -> object:
        return admin.authenticate_password(workspace, "mali", "wrong password!")

    def right() -> object:
        return admin.authenticate_password(workspace, "mali", PASSWORD)

    for _ in range(5):
        assert _refused_because(workspace, wrong) == "wrong password"
    assert _refused_because(workspace, right) == "account locked"
    assert len(_audit(workspace, "login.lockout")) == 1
    assert isinstance(workspace.clock, TickingClock)
    workspace.clock.now += timedelta(minutes=14)
    assert _refused_because(workspace, right) == "account locked"
    workspace.clock.now += timedelta(minutes=1)
    assert admin.authenticate_password(workspace, "mali", PASSWORD).username == "mali"


def test_lockout_numbers_come_from_settings(workspace: Workspace) -> None:
    workspace.settings = workspace.settings.model_copy(
        update={"login_max_failures": 2, "login_lockout_minutes": 1}
    )
    _user(workspace)
    for _ in range(2):
        with pytest.raises(AuthenticationFailed) as caught:
            admin.authenticate_password(workspace, "mali", "wrong password!")
    assert caught.value.hint and "after 2 failed sign-ins" in caught.value.hint
    assert "locked for 1 minutes" in caught.value.hint
    assert _audit(workspace, "login.lockout")
    assert isinstance(workspace.clock, TickingClock)
    workspace.clock.now += timedelta(minutes=1)
    assert admin.authenticate_password(workspace, "mali", PASSWORD).username == "mali"


def test_success_resets_the_failure_count(workspace: Workspace) -> None:
    _user(workspace)
    for _ in range(3):
        with pytest.raises(AuthenticationFailed):
            admin.authenticate_password(workspace, "mali", "wrong password!")
    admin.authenticate_password(workspace, "mali", PASSWORD)
    for _ in range(4):
        with pytest.raises(AuthenticationFailed):
            admin.authenticate_password(workspace, "mali", "wrong password!")
    assert not _audit(workspace, "login.lockout")


def test_unknown_users_and_locked_or_second_factor_accounts_answer_alike(
    workspace: Workspace,
) -> None:
    """No username oracle: an unknown name never locks and never asks for a code."""
    _user(workspace, "mali")
    _user(workspace, "sok")
    _enrol(workspace, "sok")
    refusals = []
    for username, password in (
        [("nobody", "wrong password!")] * 6
        + [("mali", "wrong password!")] * 6
        + [("sok", PASSWORD), ("nobody", PASSWORD)]
    ):
        with pytest.raises(AuthenticationFailed) as caught:
            admin.authenticate_password(workspace, username, password)
        refusals.append((type(caught.value), caught.value.message, caught.value.hint))
    assert len(set(refusals)) == 1
    reasons = [entry["detail"]["reason"] for entry in _audit(workspace, "login.failure")]  # type: ignore[index]
    assert reasons[6:12] == ["wrong password"] * 5 + ["account locked"]
    assert reasons[12:] == ["one-time code missing", "unknown user"]


def test_a_missing_code_is_a_step_towards_the_lockout(workspace: Workspace) -> None:
    """Alternating "no code" and "wrong code" must not guess codes for ever."""
    _user(workspace)
    _enrol(workspace, "mali")
    for attempt in range(6):
        code = None if attempt % 2 == 0 else "000000"
        with pytest.raises(AuthenticationFailed):
            admin.authenticate_password(workspace, "mali", PASSWORD, totp_code=code)
    reasons = [entry["detail"]["reason"] for entry in _audit(workspace, "login.failure")]  # type: ignore[index]
    assert reasons[-1] == "account locked"
    assert len(_audit(workspace, "login.lockout")) == 1


def test_a_second_factor_is_on_only_once_a_first_code_confirms_it(workspace: Workspace) -> None:
    _user(workspace)
    enrolment = admin.enable_totp(workspace, SYSTEM, "mali")
    assert enrolment.uri.startswith("otpauth://totp/")
    assert enrolment.secret.reveal() not in repr(enrolment)
    view = admin.get_user(workspace, SYSTEM, "mali")
    assert (view.totp_enabled, view.totp_pending) == (False, True)
    assert admin.authenticate_password(workspace, "mali", PASSWORD).username == "mali"
    with pytest.raises(InvalidInput) as wrong:
        admin.confirm_totp(workspace, SYSTEM, "mali", "000000")
    assert wrong.value.field == "totp_code"
    assert not admin.get_user(workspace, SYSTEM, "mali").totp_enabled
    totp = pyotp.TOTP(enrolment.secret.reveal())
    assert isinstance(workspace.clock, TickingClock)
    code = totp.at(workspace.clock.now + timedelta(seconds=1))
    admin.confirm_totp(workspace, SYSTEM, "mali", code)
    view = admin.get_user(workspace, SYSTEM, "mali")
    assert (view.totp_enabled, view.totp_pending) == (True, False)
    assert [entry["action"] for entry in _audit(workspace, "user.totp_enable")] == [
        "user.totp_enable"
    ]
    # the confirming code is spent, and a second confirmation has nothing to confirm
    assert _refused_because(
        workspace, lambda: admin.authenticate_password(workspace, "mali", PASSWORD, totp_code=code)
    ) in ("one-time code used before", "wrong one-time code")
    with pytest.raises(Conflict):
        admin.confirm_totp(workspace, SYSTEM, "mali", code)
    officer = admin.get_actor(workspace, _user(workspace, "sok", Role.OFFICER).id)
    with pytest.raises(PermissionDenied):
        admin.confirm_totp(workspace, officer, "mali", code)


def test_totp_second_factor(workspace: Workspace) -> None:
    _user(workspace)
    totp = _enrol(workspace, "mali")
    assert isinstance(workspace.clock, TickingClock)
    clock = workspace.clock
    assert _refused_because(
        workspace, lambda: admin.authenticate_password(workspace, "mali", PASSWORD)
    ) == ("one-time code missing")
    later = totp.at(clock.now + timedelta(minutes=5))
    assert _refused_because(
        workspace,
        lambda: admin.authenticate_password(workspace, "mali", PASSWORD, totp_code=later),
    ) == ("wrong one-time code")
    previous_step = totp.at(clock.now + timedelta(seconds=1) - timedelta(seconds=30))
    actor = admin.authenticate_password(workspace, "mali", PASSWORD, totp_code=previous_step)
    assert actor.username == "mali"
    assert _audit(workspace, "login.success")[-1]["detail"] == {"method": "password+totp"}
    assert _refused_because(
        workspace,
        lambda: admin.authenticate_password(workspace, "mali", PASSWORD, totp_code=previous_step),
    ) == ("one-time code used before")
    current = totp.at(clock.now + timedelta(seconds=1))
    if current != previous_step:  # the clock has moved into the next step: a fresh code
        assert admin.authenticate_password(workspace, "mali", PASSWORD, totp_code=current)
    admin.disable_totp(workspace, SYSTEM, "mali")
    assert admin.authenticate_password(workspace, "mali", PASSWORD).username == "mali"


def test_api_tokens_are_shown_once_stored_hashed_and_revocable(workspace: Workspace) -> None:
    view = _user(workspace)
    owner = admin.get_actor(workspace, view.id)
    issued = admin.issue_token(workspace, owner, "mali", "laptop")
    token = issued.secret.reveal()
    assert len(token) >= 43
    assert token not in repr(issued)
    with workspace.engine.connect() as connection:
        stored = connection.execute(select(api_tokens)).one()
    assert stored.token_hash == hashlib.sha256(token.encode()).hexdigest()
    assert stored.last_used_at is None
    assert admin.authenticate_token(workspace, token) == owner
    assert admin.list_tokens(workspace, owner, "mali")[0].last_used_at is not None
    assert token not in _everything_audited(workspace)

    other = admin.get_actor(workspace, _user(workspace, "nok").id)
    with pytest.raises(NotFound):
        admin.revoke_token(workspace, other, issued.id)
    admin.revoke_token(workspace, owner, issued.id)
    with pytest.raises(Conflict, match="already revoked"):
        admin.revoke_token(workspace, owner, issued.id)
    with pytest.raises(AuthenticationFailed, match="revoked"):
        admin.authenticate_token(workspace, token)
    with pytest.raises(AuthenticationFailed):
        admin.authenticate_token(workspace, "made-up-token")
    reasons = [entry["detail"]["reason"] for entry in _audit(workspace, "login.failure")]  # type: ignore[index]
    assert reasons == ["revoked token", "unknown token"]


def test_create_token_returns_text_and_only_admins_issue_for_others(
    workspace: Workspace,
) -> None:
    _user(workspace)
    nok = admin.get_actor(workspace, _user(workspace, "nok").id)
    with pytest.raises(PermissionDenied):
        admin.create_token(workspace, nok, "mali", "script")
    token = admin.create_token(workspace, SYSTEM, "mali", "script")
    assert admin.authenticate_token(workspace, token).username == "mali"


def test_disabled_users_lose_sessions_tokens_and_passwords(workspace: Workspace) -> None:
    view = _user(workspace)
    token = admin.create_token(workspace, SYSTEM, "mali", "script")
    admin.deactivate_user(workspace, SYSTEM, "mali")
    with pytest.raises(AuthenticationFailed, match="disabled"):
        admin.get_actor(workspace, view.id)
    with pytest.raises(AuthenticationFailed):
        admin.authenticate_token(workspace, token)
    assert _refused_because(
        workspace, lambda: admin.authenticate_password(workspace, "mali", PASSWORD)
    ) == ("account disabled")
    with pytest.raises(NotFound):
        admin.get_actor(workspace, "U-missing")


def test_the_last_administrator_cannot_be_disabled(workspace: Workspace) -> None:
    _user(workspace, "boss", Role.ADMINISTRATOR)
    with pytest.raises(Conflict, match="last active administrator"):
        admin.deactivate_user(workspace, SYSTEM, "boss")
    _user(workspace, "deputy", Role.ADMINISTRATOR)
    assert admin.deactivate_user(workspace, SYSTEM, "boss").active is False


def test_set_password_needs_the_current_one_for_oneself(workspace: Workspace) -> None:
    view = _user(workspace)
    me = admin.get_actor(workspace, view.id)
    new = "a much better passphrase"
    with pytest.raises(AuthenticationFailed, match="current password"):
        admin.set_password(workspace, me, "mali", new, current_password="guess guess guess")
    with pytest.raises(InvalidInput, match="12 characters"):
        admin.set_password(workspace, me, "mali", "tiny", current_password=PASSWORD)
    admin.set_password(workspace, me, "mali", new, current_password=PASSWORD)
    assert admin.authenticate_password(workspace, "mali", new).username == "mali"
    nok = admin.get_actor(workspace, _user(workspace, "nok").id)
    with pytest.raises(PermissionDenied):
        admin.set_password(workspace, nok, "mali", PASSWORD)


def test_administrator_reset_lifts_a_lockout(workspace: Workspace) -> None:
    _user(workspace)
    for _ in range(5):
        with pytest.raises(AuthenticationFailed):
            admin.authenticate_password(workspace, "mali", "wrong password!")
    admin.set_password(workspace, SYSTEM, "mali", "a fresh passphrase")
    assert admin.authenticate_password(workspace, "mali", "a fresh passphrase").username == "mali"
    assert audit.verify(workspace).ok
