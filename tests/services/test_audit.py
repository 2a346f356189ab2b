"""The audit log on both backends: appends, linear chain under concurrency, tampering."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import Connection, delete, select, update

from portintel.adapters.database.tables import audit_log
from portintel.domain.actors import SYSTEM, Actor, Role
from portintel.domain.audit import StoredEntry
from portintel.errors import InvalidInput, PermissionDenied
from portintel.services import audit
from portintel.services.audit import log as audit_log_module
from portintel.services.workspace import Workspace

T0 = datetime(2026, 3, 1, 8, 0, tzinfo=UTC)
ANALYST = Actor("U-an", "anna", "immigration", frozenset({Role.ANALYST}))
SUPERVISOR = Actor("U-su", "sam", "immigration", frozenset({Role.SUPERVISOR}))


def _append(ws: Workspace, count: int, *, actor: Actor = SYSTEM) -> None:
    for index in range(count):
        with ws.engine.begin() as connection:
            audit.record(
                connection,
                actor,
                "report.read",
                object_type="report",
                object_id=f"R-{index}",
                detail={"index": index, "why": "test"},
                at=T0 + timedelta(seconds=index),
            )


def _rows(ws: Workspace) -> list[dict[str, object]]:
    with ws.engine.connect() as connection:
        return [dict(row._mapping) for row in connection.execute(select(audit_log).order_by("seq"))]


def test_record_appends_linked_entries(workspace: Workspace) -> None:
    _append(workspace, 3)
    rows = _rows(workspace)
    assert [row["seq"] for row in rows] == [1, 2, 3]
    assert rows[0]["prev_hash"] == "0" * 64
    assert rows[1]["prev_hash"] == rows[0]["hash"]
    assert rows[2]["prev_hash"] == rows[1]["hash"]
    assert json.loads(str(rows[2]["detail"])) == {"index": 2, "why": "test"}
    result = audit.verify(workspace)
    assert result == audit.AuditVerification(ok=True, checked=3, first_bad_seq=None, reason=None)


def test_record_is_part_of_the_callers_transaction(workspace: Workspace) -> None:
    _append(workspace, 1)
    with pytest.raises(RuntimeError), workspace.engine.begin() as connection:
        audit.record(connection, SYSTEM, "report.create", at=T0)
        raise RuntimeError("the caller's work failed")
    assert [row["seq"] for row in _rows(workspace)] == [1]
    assert audit.verify(workspace).ok


def test_record_refuses_secrets_naive_time_and_empty_action(workspace: Workspace) -> None:
    with workspace.engine.begin() as connection:
        with pytest.raises(InvalidInput, match="password"):
            audit.record(connection, SYSTEM, "user.create", detail={"password": "x"}, at=T0)
        with pytest.raises(InvalidInput, match="timezone"):
            audit.record(connection, SYSTEM, "user.create", at=datetime(2026, 1, 1))
        with pytest.raises(InvalidInput, match="action"):
            audit.record(connection, SYSTEM, "", at=T0)
    assert _rows(workspace) == []


def test_two_threads_keep_the_chain_linear(workspace: Workspace) -> None:
    errors: list[BaseException] = []

    def writer(name: str) -> None:
        actor = Actor(f"U-{name}", name, "immigration", frozenset({Role.OFFICER}))
        try:
            for index in range(100):
                with workspace.engine.begin() as connection:
                    audit.record(
                        connection,
                        actor,
                        "search",
                        detail={"n": index},
                        at=T0 + timedelta(milliseconds=index),
                    )
        except BaseException as exc:  # surfaced in the main thread below
            errors.append(exc)

    threads = [threading.Thread(target=writer, args=(name,)) for name in ("one", "two")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    rows = _rows(workspace)
    assert [row["seq"] for row in rows] == list(range(1, 201))
    assert sum(1 for row in rows if row["actor"] == "one") == 100
    assert len({row["prev_hash"] for row in rows}) == 200
    result = audit.verify(workspace)
    assert result.ok, result.reason
    assert result.checked == 200


def test_edited_detail_is_named_altered(workspace: Workspace) -> None:
    _append(workspace, 5)
    with workspace.engine.begin() as connection:
        connection.execute(
            update(audit_log).where(audit_log.c.seq == 3).values(detail='{"index": 99}')
        )
    result = audit.verify(workspace)
    assert (result.ok, result.first_bad_seq) == (False, 3)
    assert result.reason is not None and result.reason.startswith("altered")


def test_deleted_middle_row_is_named_removed(workspace: Workspace) -> None:
    _append(workspace, 5)
    with workspace.engine.begin() as connection:
        connection.execute(delete(audit_log).where(audit_log.c.seq == 3))
    result = audit.verify(workspace)
    assert (result.ok, result.first_bad_seq) == (False, 3)
    assert result.reason is not None and result.reason.startswith("removed")


def test_deleted_last_row_is_caught_by_the_anchor(workspace: Workspace) -> None:
    _append(workspace, 5)
    with workspace.engine.begin() as connection:
        connection.execute(delete(audit_log).where(audit_log.c.seq == 5))
    result = audit.verify(workspace)
    assert (result.ok, result.first_bad_seq) == (False, 5)
    assert result.reason is not None and result.reason.startswith("removed")


_CONTENT = ("at", "actor", "action", "object_type", "object_id", "detail")


@pytest.mark.parametrize(
    "columns",
    [_CONTENT, (*_CONTENT, "prev_hash", "hash")],
    ids=["content-only", "whole-rows"],
)
def test_swapped_rows_are_named_reordered(workspace: Workspace, columns: tuple[str, ...]) -> None:
    _append(workspace, 6)
    rows = {int(str(row["seq"])): row for row in _rows(workspace)}
    with workspace.engine.begin() as connection:
        # hash is unique: park row 5's hash before moving row 3's into place
        connection.execute(update(audit_log).where(audit_log.c.seq == 5).values(hash="x" * 64))
        for target, source in ((3, 5), (5, 3)):
            connection.execute(
                update(audit_log)
                .where(audit_log.c.seq == target)
                .values({name: rows[source][name] for name in columns})
            )
        if "hash" not in columns:
            connection.execute(
                update(audit_log).where(audit_log.c.seq == 5).values(hash=rows[5]["hash"])
            )
    result = audit.verify(workspace)
    assert (result.ok, result.first_bad_seq) == (False, 3)
    assert result.reason is not None and result.reason.startswith("reordered")


def test_list_entries_filters_and_is_itself_recorded(workspace: Workspace) -> None:
    _append(workspace, 3, actor=ANALYST)
    with workspace.engine.begin() as connection:
        audit.record(connection, SYSTEM, "login.success", at=T0 + timedelta(hours=1))
    entries = audit.list_entries(workspace, SUPERVISOR, audit.AuditFilters(actor="anna", limit=2))
    assert [entry.seq for entry in entries] == [3, 2]
    assert entries[0].detail == {"index": 2, "why": "test"}
    assert entries[0].at == T0 + timedelta(seconds=2)
    logins = audit.list_entries(workspace, SUPERVISOR, audit.AuditFilters(action="login.*"))
    assert [entry.action for entry in logins] == ["login.success"]
    recent = audit.list_entries(
        workspace, SUPERVISOR, audit.AuditFilters(since=T0 + timedelta(minutes=30))
    )
    assert [entry.action for entry in recent] == ["login.success"]
    reads = audit.list_entries(workspace, SUPERVISOR, audit.AuditFilters(actor="sam"))
    assert [entry.action for entry in reads] == ["audit.list"] * 3
    assert reads[-1].detail == {"actor": "anna", "limit": 2}
    assert audit.verify(workspace).checked == 8


def test_list_entries_is_refused_to_analysts(workspace: Workspace) -> None:
    with pytest.raises(PermissionDenied, match="supervisors and administrators"):
        audit.list_entries(workspace, ANALYST, audit.AuditFilters())


def test_verify_reads_one_snapshot_while_others_append(
    workspace: Workspace, monkeypatch: pytest.MonkeyPatch
) -> None:
    _append(workspace, 3)
    walk = audit_log_module._stored_entries

    def walk_while_appending(connection: Connection) -> Iterator[StoredEntry]:
        for index, entry in enumerate(walk(connection)):
            if index == 0:
                _append(workspace, 1)  # another writer commits mid-walk
            yield entry

    monkeypatch.setattr(audit_log_module, "_stored_entries", walk_while_appending)
    during = audit.verify(workspace)
    assert (during.ok, during.checked) == (True, 3), during.reason
    monkeypatch.undo()
    assert (audit.verify(workspace).ok, audit.verify(workspace).checked) == (True, 4)
