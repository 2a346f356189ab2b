"""Browser sessions: the SessionStore port, its SQL adapter and the session service.

The port's contract runs against an in-memory fake and the SQL adapter on
every backend, so the fake used to test the service is held to the same
behaviour as the real store. The service tests then run over both.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from portintel.adapters.database.sessions import SqlSessionStore
from portintel.domain.actors import SYSTEM
from portintel.errors import AuthenticationFailed
from portintel.ports import SessionRecord, SessionStore
from portintel.services import admin, audit
from portintel.services.workspace import Workspace

PASSWORD = "correct horse battery staple"
T0 = datetime(2026, 3, 1, 8, 0, tzinfo=UTC)


class InMemorySessionStore:
    """A SessionStore in a dict; counts lookups so a test can see what reached the store."""

    def __init__(self) -> None:
        self.sessions: dict[str, SessionRecord] = {}
        self.lookups = 0

    def add(self, session: SessionRecord) -> None:
        assert session.id_hash not in self.sessions
        self.sessions[session.id_hash] = session

    def get(self, id_hash: str) -> SessionRecord | None:
        self.lookups += 1
        return self.sessions.get(id_hash)

    def revoke(self, id_hash: str, at: datetime) -> bool:
        found = self.sessions.get(id_hash)
        if found is None or found.revoked_at is not None:
            return False
        self.sessions[id_hash] = replace(found, revoked_at=at)
        return True

    def revoke_user(self, user_id: str, at: datetime) -> int:
        live = [
            key
            for key, session in self.sessions.items()
            if session.user_id == user_id and session.revoked_at is None
        ]
        for key in live:
            self.sessions[key] = replace(self.sessions[key], revoked_at=at)
        return len(live)


def _user(ws: Workspace, username: str) -> str:
    admin.ensure_agencies(ws)
    view = admin.create_user(
        ws,
        SYSTEM,
        username=username,
        display_name=username.title(),
        agency="immigration",
        roles=["officer"],
        password=PASSWORD,
    )
    return view.id


def _record(user_id: str, id_hash: str, *, created: datetime = T0) -> SessionRecord:
    return SessionRecord(
        id_hash=id_hash,
        user_id=user_id,
        csrf_token=f"csrf-{id_hash[:8]}",
        created_at=created,
        expires_at=created + timedelta(hours=12),
        second_factor_done=False,
    )


@pytest.fixture(params=["memory", "sql"])
def store_kind(request: pytest.FixtureRequest) -> str:
    kind: str = request.param
    return kind


@pytest.fixture
def ws(workspace: Workspace, store_kind: str) -> Workspace:
    """The test workspace with its session store: the fake or the SQL adapter."""
    if store_kind == "memory":
        return replace(workspace, sessions=InMemorySessionStore())
    assert isinstance(workspace.sessions, SqlSessionStore)
    return workspace


# --- the port's contract ---------------------------------------------------------------


def test_the_workspace_plugs_the_sql_adapter_into_the_port(workspace: Workspace) -> None:
    store: SessionStore = workspace.sessions
    assert isinstance(store, SqlSessionStore)


def test_a_stored_session_comes_back_equal_with_aware_times(ws: Workspace) -> None:
    olga = _user(ws, "olga")
    record = _record(olga, "a" * 64)
    ws.sessions.add(record)
    found = ws.sessions.get("a" * 64)
    assert found == record
    assert found is not None and found.created_at.tzinfo is not None
    assert ws.sessions.get("b" * 64) is None


def test_revoke_ends_a_live_session_once(ws: Workspace) -> None:
    olga = _user(ws, "olga")
    ws.sessions.add(_record(olga, "a" * 64))
    at = T0 + timedelta(minutes=5)
    assert ws.sessions.revoke("a" * 64, at) is True
    assert ws.sessions.revoke("a" * 64, at + timedelta(minutes=1)) is False
    assert ws.sessions.revoke("c" * 64, at) is False
    found = ws.sessions.get("a" * 64)
    assert found is not None and found.revoked_at == at


def test_revoke_user_ends_only_that_users_live_sessions(ws: Workspace) -> None:
    olga, ivan = _user(ws, "olga"), _user(ws, "ivan")
    for id_hash, user in (("1" * 64, olga), ("2" * 64, olga), ("3" * 64, olga), ("4" * 64, ivan)):
        ws.sessions.add(_record(user, id_hash))
    ws.sessions.revoke("3" * 64, T0)
    assert ws.sessions.revoke_user(olga, T0 + timedelta(hours=1)) == 2
    assert ws.sessions.revoke_user(olga, T0 + timedelta(hours=2)) == 0
    revoked = {key: ws.sessions.get(key) for key in ("1" * 64, "2" * 64, "3" * 64, "4" * 64)}
    assert {key: found.revoked_at for key, found in revoked.items() if found} == {
        "1" * 64: T0 + timedelta(hours=1),
        "2" * 64: T0 + timedelta(hours=1),
        "3" * 64: T0,
        "4" * 64: None,
    }


# --- the service over the port -----------------------------------------------------------


def test_start_session_stores_only_the_hash_of_the_id(ws: Workspace) -> None:
    olga = _user(ws, "olga")
    session_id, record = admin.start_session(ws, olga, second_factor_done=True)
    raw = session_id.reveal()
    assert raw not in repr(session_id)
    assert record.id_hash == admin.hash_session_id(raw) != raw
    assert ws.sessions.get(record.id_hash) == record
    assert ws.sessions.get(raw) is None
    assert record.csrf_token and record.csrf_token != raw
    assert record.second_factor_done is True
    assert record.expires_at - record.created_at == admin.SESSION_LIFETIME


def test_find_session_knows_only_live_sessions(ws: Workspace) -> None:
    olga = _user(ws, "olga")
    live_id, live = admin.start_session(ws, olga, second_factor_done=False)
    revoked_id, _ = admin.start_session(ws, olga, second_factor_done=False)
    ws.sessions.revoke(admin.hash_session_id(revoked_id.reveal()), ws.clock())
    assert admin.find_session(ws, live_id.reveal()) == live
    assert admin.find_session(ws, revoked_id.reveal()) is None
    assert admin.find_session(ws, "not-a-session") is None
    assert admin.find_session(ws, "") is None


def test_an_overlong_cookie_never_reaches_the_store(workspace: Workspace) -> None:
    store = InMemorySessionStore()
    ws = replace(workspace, sessions=store)
    assert admin.find_session(ws, "x" * 129) is None
    assert store.lookups == 0
    assert admin.find_session(ws, "x" * 128) is None
    assert store.lookups == 1


def test_a_session_expires_after_its_lifetime(ws: Workspace) -> None:
    olga = _user(ws, "olga")
    now = [T0]
    clocked = replace(ws, clock=lambda: now[0])
    session_id, _ = admin.start_session(clocked, olga, second_factor_done=False)
    now[0] = T0 + admin.SESSION_LIFETIME - timedelta(seconds=1)
    assert admin.find_session(clocked, session_id.reveal()) is not None
    now[0] = T0 + admin.SESSION_LIFETIME
    assert admin.find_session(clocked, session_id.reveal()) is None


def test_sign_in_opens_a_session_only_for_the_right_password(ws: Workspace) -> None:
    olga = _user(ws, "olga")
    with pytest.raises(AuthenticationFailed):
        admin.sign_in(ws, "olga", "wrong password entirely")
    assert admin.revoke_user_sessions(ws, olga) == 0  # nothing was opened
    signed_in = admin.sign_in(ws, "olga", PASSWORD)
    assert signed_in.actor.user_id == olga
    assert signed_in.session.second_factor_done is False
    assert admin.find_session(ws, signed_in.session_id.reveal()) == signed_in.session


def test_sign_out_revokes_the_session_and_records_it(ws: Workspace) -> None:
    _user(ws, "olga")
    signed_in = admin.sign_in(ws, "olga", PASSWORD)
    admin.sign_out(ws, signed_in.actor, signed_in.session_id.reveal())
    assert admin.find_session(ws, signed_in.session_id.reveal()) is None
    entries = audit.list_entries(ws, SYSTEM, audit.AuditFilters(action="logout"))
    assert [entry.actor for entry in entries] == ["olga"]


def test_sign_out_without_a_session_still_records_the_logout(ws: Workspace) -> None:
    _user(ws, "olga")
    actor = admin.get_actor(ws, admin.get_user(ws, SYSTEM, "olga").id)
    admin.sign_out(ws, actor, "")
    entries = audit.list_entries(ws, SYSTEM, audit.AuditFilters(action="logout"))
    assert [entry.actor for entry in entries] == ["olga"]


def test_revoke_user_sessions_ends_every_session_of_one_user(ws: Workspace) -> None:
    olga, ivan = _user(ws, "olga"), _user(ws, "ivan")

    def opened(user: str) -> str:
        return admin.start_session(ws, user, second_factor_done=False)[0].reveal()

    olga_ids, ivan_id = [opened(olga), opened(olga)], opened(ivan)
    assert admin.revoke_user_sessions(ws, olga) == 2
    assert [admin.find_session(ws, raw) for raw in olga_ids] == [None, None]
    assert admin.find_session(ws, ivan_id) is not None
