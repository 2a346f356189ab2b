"""Hooks: each fires once per committed change, after the commit, never for a rolled-back one."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from portintel.adapters.database import tables
from portintel.domain.actors import Actor, Role
from portintel.domain.reports import FactDraft, ReportAction, ReportDraft
from portintel.domain.statements import StatementRecord
from portintel.errors import Conflict, PermissionDenied
from portintel.services.events import HOOK_NAMES, announce, hookimpl, transaction
from portintel.services.intake.reports import (
    apply_transition,
    create_report,
    evaluate_report,
    submit_report,
)
from portintel.services.intake.statements import write_statements
from portintel.services.maritime.ingest import ingest_paths
from portintel.services.workspace import Workspace
from tests.adapters.ais.nmea_samples import SEA, position, static
from tests.services.staff import IMMIGRATION, MARITIME, make_user


class Recorder:
    """Subscribes to every hook; remembers each call and whether its change was committed."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, dict[str, Any]]] = []
        self.in_transaction: list[bool] = []

    def _note(self, hook: str, workspace: Workspace, **arguments: Any) -> None:
        self.calls.append((hook, arguments))

    def of(self, hook: str) -> list[dict[str, Any]]:
        return [arguments for name, arguments in self.calls if name == hook]

    @hookimpl
    def report_submitted(self, workspace: Workspace, report_id: str, actor_id: str) -> None:
        # a subscriber sees the committed state from a fresh connection
        with workspace.engine.connect() as connection:
            status = connection.execute(
                select(tables.reports.c.status).where(tables.reports.c.id == report_id)
            ).scalar_one()
        self._note("report_submitted", workspace, report_id=report_id, status=status)

    @hookimpl
    def report_evaluated(
        self, workspace: Workspace, report_id: str, changes: dict[str, Any]
    ) -> None:
        self._note("report_evaluated", workspace, report_id=report_id, changes=changes)

    @hookimpl
    def statements_written(
        self,
        workspace: Workspace,
        origins: tuple[str, ...],
        entity_ids: tuple[str, ...],
        count: int,
    ) -> None:
        with workspace.engine.connect() as connection:
            stored = connection.execute(
                select(func.count())
                .select_from(tables.statements)
                .where(tables.statements.c.origin.in_(origins))
            ).scalar_one()
        self._note(
            "statements_written",
            workspace,
            origins=origins,
            entity_ids=entity_ids,
            count=count,
            stored=stored,
        )

    @hookimpl
    def entity_changed(
        self, workspace: Workspace, entity_ids: tuple[str, ...], change: str
    ) -> None:
        self._note("entity_changed", workspace, entity_ids=entity_ids, change=change)

    @hookimpl
    def positions_accepted(
        self, workspace: Workspace, source: str, positions: int, mmsis: tuple[int, ...]
    ) -> None:
        self._note("positions_accepted", workspace, source=source, positions=positions, mmsis=mmsis)


@pytest.fixture
def recorder(workspace: Workspace) -> Iterator[Recorder]:
    recording = Recorder()
    workspace.hooks.register(recording)
    yield recording
    workspace.hooks.unregister(recording)


@pytest.fixture
def people(workspace: Workspace) -> dict[str, Actor]:
    return {
        "officer": make_user(workspace, "officer", IMMIGRATION, Role.OFFICER),
        "supervisor": make_user(workspace, "supervisor", MARITIME, Role.SUPERVISOR),
    }


def _draft(**changes: object) -> ReportDraft:
    base: dict[str, object] = {
        "title": "Boat loading people",
        "text": "Boat KOH RONG STAR took on 30 people at night.",
        "reliability": "B",
        "credibility": "2",
        "handling": "uk-3x5x2:P",
        "occurred_at": datetime(2026, 2, 27, 22, 0, tzinfo=UTC),
        "facts": (FactDraft("boat", "Vessel", "name", "KOH RONG STAR"),),
    }
    base.update(changes)
    return ReportDraft(**base)  # type: ignore[arg-type]


def test_every_hook_the_docs_promise_is_declared() -> None:
    assert set(HOOK_NAMES) == {
        "report_submitted",
        "report_evaluated",
        "statements_written",
        "entity_changed",
        "positions_accepted",
        "behaviour_events_detected",
        "alert_raised",
        "task_changed",
    }


def test_filing_a_draft_announces_its_statements_once_after_commit(
    workspace: Workspace, people: dict[str, Actor], recorder: Recorder
) -> None:
    report_id = create_report(workspace, people["officer"], _draft())
    (written,) = recorder.of("statements_written")
    assert written["origins"] == (report_id,)
    assert written["count"] == written["stored"] == 1  # committed before the subscriber ran
    (changed,) = recorder.of("entity_changed")
    assert changed["change"] == "statements"
    assert changed["entity_ids"] == written["entity_ids"] and len(changed["entity_ids"]) == 1
    assert recorder.of("report_submitted") == []  # a draft is not submitted


def test_submit_and_evaluate_fire_once_each_with_the_committed_state(
    workspace: Workspace, people: dict[str, Actor], recorder: Recorder
) -> None:
    report_id = create_report(workspace, people["officer"], _draft())
    submit_report(workspace, people["officer"], report_id)
    assert recorder.of("report_submitted") == [{"report_id": report_id, "status": "submitted"}]
    evaluate_report(workspace, people["supervisor"], report_id, credibility="3")
    assert recorder.of("report_evaluated") == [
        {"report_id": report_id, "changes": {"credibility": "3"}}
    ]
    assert len(recorder.of("report_submitted")) == 1


def test_create_submitted_fires_submission_and_statements_together(
    workspace: Workspace, people: dict[str, Actor], recorder: Recorder
) -> None:
    report_id = create_report(workspace, people["officer"], _draft(), submit=True)
    assert [hook for hook, _ in recorder.calls] == [
        "statements_written",
        "entity_changed",
        "report_submitted",
    ]
    assert recorder.of("report_submitted")[0]["report_id"] == report_id


def test_a_refused_change_fires_nothing(
    workspace: Workspace, people: dict[str, Actor], recorder: Recorder
) -> None:
    report_id = create_report(workspace, people["officer"], _draft(), submit=True)
    recorder.calls.clear()
    with pytest.raises(Conflict):
        submit_report(workspace, people["officer"], report_id)  # submitted already
    with pytest.raises(PermissionDenied):
        evaluate_report(workspace, people["officer"], report_id)  # officers do not evaluate
    assert recorder.calls == []


@pytest.mark.parametrize("action", [ReportAction.SUBMIT, ReportAction.EVALUATE])
def test_a_transition_rolled_back_after_it_was_announced_fires_nothing(
    workspace: Workspace, people: dict[str, Actor], recorder: Recorder, action: ReportAction
) -> None:
    submitting = action is ReportAction.SUBMIT
    report_id = create_report(workspace, people["officer"], _draft(), submit=not submitting)
    recorder.calls.clear()
    actor = people["officer"] if submitting else people["supervisor"]
    with pytest.raises(RuntimeError, match="after the transition"), transaction(workspace) as c:
        apply_transition(c, actor, report_id, action, now=workspace.clock(), note=None)
        raise RuntimeError("something after the transition failed")
    assert recorder.calls == []
    with workspace.engine.connect() as connection:
        status = connection.execute(
            select(tables.reports.c.status).where(tables.reports.c.id == report_id)
        ).scalar_one()
    assert status == ("draft" if submitting else "submitted")


def test_a_rolled_back_transaction_fires_nothing_and_a_committed_one_fires_once(
    workspace: Workspace, recorder: Recorder
) -> None:
    seen = datetime(2026, 3, 1, tzinfo=UTC)

    def record(value: str) -> StatementRecord:
        return StatementRecord(
            entity_id="person-1",
            schema="Person",
            prop="name",
            prop_type="name",
            value=value,
            dataset="test",
            origin="R-1",
            first_seen=seen,
            last_seen=seen,
        )

    with pytest.raises(RuntimeError, match="later step failed"), transaction(workspace) as c:
        write_statements(c, [record("ALI")])
        raise RuntimeError("a later step failed")
    assert recorder.calls == []
    with workspace.engine.connect() as connection:
        assert connection.execute(select(func.count()).select_from(tables.statements)).scalar() == 0
    # two writes in one transaction are one announcement
    with transaction(workspace) as connection:
        write_statements(connection, [record("ALI")])
        write_statements(connection, [record("ALI BABA")])
    (written,) = recorder.of("statements_written")
    assert written["count"] == written["stored"] == 2
    assert len(recorder.of("entity_changed")) == 1


def test_a_connection_that_cannot_announce_is_refused_before_writing(
    workspace: Workspace,
) -> None:
    with pytest.raises(RuntimeError, match="transaction"), workspace.engine.begin() as c:
        write_statements(c, [])
    with transaction(workspace) as connection:
        with pytest.raises(ValueError, match="not a portintel hook"):
            announce(connection, "report_deleted", report_id="R-1")
        with pytest.raises(TypeError, match="takes"):
            announce(connection, "alert_raised", alert_id="A-1")


def test_a_failing_subscriber_is_logged_and_neither_the_writer_nor_the_others_suffer(
    workspace: Workspace,
    people: dict[str, Actor],
    recorder: Recorder,
    caplog: pytest.LogCaptureFixture,
) -> None:
    class Broken:
        @hookimpl
        def report_submitted(self, report_id: str) -> None:
            raise RuntimeError(f"cannot handle {report_id}")

    workspace.hooks.register(Broken(), name="broken-plugin")
    with caplog.at_level(logging.ERROR, logger="portintel.events"):
        report_id = create_report(workspace, people["officer"], _draft(), submit=True)
    assert recorder.of("report_submitted")[0]["report_id"] == report_id
    assert "broken-plugin" in caplog.text and "report_submitted" in caplog.text
    assert f"cannot handle {report_id}" in caplog.text


def test_ais_ingest_announces_each_accepted_batch_once(
    workspace: Workspace, recorder: Recorder, tmp_path: Path
) -> None:
    lat, lon = SEA
    lines = [
        position(533000001, lat, lon),
        position(533000002, lat + 0.01, lon, seconds=10),
        *static(533000001, "SEA STAR", 9074729, seconds=20),
    ]
    path = tmp_path / "feed.nmea"
    path.write_text("\n".join(lines) + "\n", encoding="ascii")
    ingest_paths(workspace, [path], source="receiver-1")
    accepted = recorder.of("positions_accepted")
    assert accepted == [{"source": "receiver-1", "positions": 2, "mmsis": (533000001, 533000002)}]
    (written,) = recorder.of("statements_written")
    assert written["origins"] == ("ais:receiver-1",)
    recorder.calls.clear()
    ingest_paths(workspace, [path], source="receiver-1")  # already ingested: nothing new
    assert recorder.of("positions_accepted") == []
