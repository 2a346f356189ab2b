"""Who reads the log sees what they may; reads of the source register and refused reads
leave a trace, and a flood of refused reads does not flood the log."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from portintel.adapters.database.tables import audit_denials, audit_log
from portintel.domain.actors import Actor, Role
from portintel.domain.reports import ReportDraft
from portintel.errors import NotFound, PermissionDenied
from portintel.services import audit
from portintel.services.collation.entities import get_entity
from portintel.services.intake.reports import create_report, get_report
from portintel.services.intake.sources import create_source, get_source, list_sources
from portintel.services.workspace import Workspace
from tests.services.staff import IMMIGRATION, MARITIME, make_user

T0 = datetime(2026, 3, 1, 8, 0, 5, tzinfo=UTC)
PASSPORT_ENTITY = "passport-K1234567"


class StoppedClock:
    """A clock that moves only when told: refusals are counted per minute."""

    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


def _entries(ws: Workspace) -> list[tuple[str, str, str | None, str | None]]:
    """The log but for what setting up the staff wrote."""
    with ws.engine.connect() as connection:
        rows = connection.execute(
            select(audit_log).where(audit_log.c.actor != "system").order_by(audit_log.c.seq)
        ).all()
    return [(row.actor, row.action, row.object_type, row.object_id) for row in rows]


def _denials(ws: Workspace) -> list[audit.AuditEntryView]:
    entries = audit.list_entries(
        ws, make_or_get_supervisor(ws), audit.AuditFilters(action="access.*")
    )
    return sorted(entries, key=lambda entry: entry.seq)


def make_or_get_supervisor(ws: Workspace) -> Actor:
    return Actor("U-sup", "sup", IMMIGRATION, frozenset({Role.SUPERVISOR}))


def test_listing_the_source_register_is_audited(workspace: Workspace) -> None:
    handler = make_user(workspace, "handler", IMMIGRATION, Role.SOURCE_HANDLER)
    create_source(
        workspace,
        handler,
        kind="informant",
        reference="NIGHT-HERON",
        reliability="B",
        protected_identity="Chan Sopheak",
    )
    list_sources(workspace, handler)
    assert _entries(workspace)[-1] == ("handler", "source.list", "source", None)
    (entry,) = audit.list_entries(
        workspace, make_or_get_supervisor(workspace), audit.AuditFilters(action="source.list")
    )
    assert entry.detail == {"shown": 1, "identities_shown": True}
    assert audit.verify(workspace).ok


def test_a_refused_read_is_recorded_whether_the_object_exists_or_not(
    workspace: Workspace,
) -> None:
    officer = make_user(workspace, "officer", IMMIGRATION, Role.OFFICER)
    analyst = make_user(workspace, "analyst", MARITIME, Role.ANALYST)
    draft = ReportDraft(
        title="t", text="Observation.", reliability="B", credibility="2", handling="tlp:GREEN"
    )
    hidden = create_report(workspace, officer, draft)  # a draft: its author's alone
    workspace.clock = clock = StoppedClock(T0)
    with pytest.raises(NotFound):
        get_report(workspace, analyst, hidden)
    clock.now += timedelta(minutes=1)
    with pytest.raises(NotFound):
        get_report(workspace, analyst, "R-20260301-00000000")
    first, second = _denials(workspace)
    assert (first.actor, first.action, first.object_type, first.object_id) == (
        "analyst",
        "access.denied",
        "report",
        hidden,
    )
    assert (second.object_id, second.detail) == ("R-20260301-00000000", first.detail)


@pytest.mark.parametrize(
    "read, object_type, object_id",
    [
        (lambda ws, actor: get_entity(ws, actor, PASSPORT_ENTITY), "entity", PASSPORT_ENTITY),
        (lambda ws, actor: get_source(ws, actor, "S-0000000000"), "source", "S-0000000000"),
        (lambda ws, actor: list_sources(ws, actor), "source", None),
        (lambda ws, actor: audit.list_entries(ws, actor, audit.AuditFilters()), "audit", None),
    ],
    ids=["entity", "source", "source register", "audit log"],
)
def test_each_refused_read_leaves_a_trace(
    workspace: Workspace,
    read: Callable[[Workspace, Actor], object],
    object_type: str,
    object_id: str | None,
) -> None:
    analyst = make_user(workspace, "analyst", MARITIME, Role.ANALYST)
    with pytest.raises((NotFound, PermissionDenied)):
        read(workspace, analyst)
    assert _entries(workspace) == [("analyst", "access.denied", object_type, object_id)]
    assert audit.verify(workspace).ok


def test_a_flood_of_refusals_costs_two_entries_a_minute(workspace: Workspace) -> None:
    analyst = make_user(workspace, "analyst", MARITIME, Role.ANALYST)
    workspace.clock = clock = StoppedClock(T0)
    probes = [f"R-20260301-{index:08x}" for index in range(240)]
    for index, report_id in enumerate(probes):
        clock.now = T0 + timedelta(seconds=index // 5)  # 240 probes within 48 seconds
        with pytest.raises(NotFound):
            get_report(workspace, analyst, report_id)
    assert _entries(workspace) == [("analyst", "access.denied", "report", probes[0])]
    clock.now = T0 + timedelta(minutes=1)
    with pytest.raises(NotFound):
        get_report(workspace, analyst, "R-next-minute")  # summarises the minute before
    assert _entries(workspace) == [
        ("analyst", "access.denied", "report", probes[0]),
        ("analyst", "access.denied.repeated", "report", None),
        ("analyst", "access.denied", "report", "R-next-minute"),
    ]
    _, repeated, _ = _denials(workspace)
    assert repeated.detail == {
        "count": 239,
        "from": "2026-03-01T08:00:00.000000Z",
        "until": "2026-03-01T08:01:00.000000Z",
        "last": "2026-03-01T08:00:52.000000Z",
        "sample": probes[:10],
    }
    assert audit.verify(workspace).ok


def test_refusals_wait_in_the_database_until_a_read_of_the_log_summarises_them(
    workspace: Workspace,
) -> None:
    analyst = make_user(workspace, "analyst", MARITIME, Role.ANALYST)
    officer = make_user(workspace, "officer", IMMIGRATION, Role.OFFICER)
    workspace.clock = clock = StoppedClock(T0)
    for actor in (analyst, analyst, analyst, officer, officer):
        with pytest.raises(NotFound):
            get_entity(workspace, actor, PASSPORT_ENTITY)
    with workspace.engine.connect() as connection:
        waiting = connection.execute(
            select(audit_denials.c.actor, audit_denials.c.refused).order_by("actor")
        ).all()
    assert [tuple(row) for row in waiting] == [("analyst", 3), ("officer", 2)]
    assert len(_denials(workspace)) == 2  # the minute is not over: only the first of each
    clock.now += timedelta(minutes=1)
    summaries = [entry for entry in _denials(workspace) if entry.action.endswith("repeated")]
    assert [(entry.actor, entry.detail["count"]) for entry in summaries if entry.detail] == [
        ("analyst", 2),
        ("officer", 1),
    ]
    with workspace.engine.connect() as connection:
        assert connection.execute(select(audit_denials)).first() is None


def _log_a_search_and_an_entity_read(ws: Workspace) -> None:
    analyst = Actor("U-an", "anna", IMMIGRATION, frozenset({Role.ANALYST}))
    with ws.engine.begin() as connection:
        audit.record(
            connection,
            analyst,
            "search",
            object_type="entity",
            detail={"query": "K1234567", "results": 1},
            at=T0,
        )
        audit.record(
            connection,
            analyst,
            "entity.read",
            object_type="entity",
            object_id=PASSPORT_ENTITY,
            at=T0,
        )
        audit.record(
            connection, analyst, "report.read", object_type="report", object_id="R-1", at=T0
        )


def test_administrators_see_who_and_when_but_not_what(workspace: Workspace) -> None:
    _log_a_search_and_an_entity_read(workspace)
    administrator = Actor("U-ad", "ada", IMMIGRATION, frozenset({Role.ADMINISTRATOR}))
    search, entity, report = sorted(
        audit.list_entries(workspace, administrator, audit.AuditFilters(actor="anna")),
        key=lambda entry: entry.seq,
    )
    assert [(entry.actor, entry.action, entry.at) for entry in (search, entity, report)] == [
        ("anna", "search", T0),
        ("anna", "entity.read", T0),
        ("anna", "report.read", T0),
    ]
    assert all(entry.detail is None and entry.detail_withheld for entry in (search, entity))
    assert all(entry.hash is None for entry in (search, entity, report))
    assert (entity.object_type, entity.object_id, entity.object_id_withheld) == (
        "entity",
        None,
        True,
    )
    assert (report.object_id, report.object_id_withheld) == ("R-1", False)
    assert "K1234567" not in repr([search, entity, report])


def test_administrators_cannot_confirm_an_entity_id_by_filtering(workspace: Workspace) -> None:
    _log_a_search_and_an_entity_read(workspace)
    administrator = Actor("U-ad", "ada", IMMIGRATION, frozenset({Role.ADMINISTRATOR}))
    guess = audit.AuditFilters(object_id=PASSPORT_ENTITY)
    assert audit.list_entries(workspace, administrator, guess) == []
    supervisor = make_or_get_supervisor(workspace)
    (found,) = audit.list_entries(workspace, supervisor, guess)
    assert (found.object_id, found.detail, found.hash is not None) == (PASSPORT_ENTITY, {}, True)
    (report,) = audit.list_entries(workspace, administrator, audit.AuditFilters(object_id="R-1"))
    assert report.action == "report.read"


def test_supervisors_see_the_detail(workspace: Workspace) -> None:
    _log_a_search_and_an_entity_read(workspace)
    entries = audit.list_entries(
        workspace, make_or_get_supervisor(workspace), audit.AuditFilters(action="search")
    )
    assert [(entry.detail, entry.detail_withheld) for entry in entries] == [
        ({"query": "K1234567", "results": 1}, False)
    ]
