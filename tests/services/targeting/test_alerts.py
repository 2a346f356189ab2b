"""Alerts: raised once per cause (also by jobs running at once), scoped like every read,
acknowledged, assigned and closed with a note, audited."""

from __future__ import annotations

import threading
import uuid
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select

from portintel.adapters.database import tables
from portintel.domain.actors import SYSTEM, Role
from portintel.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from portintel.services import jobs
from portintel.services.targeting import (
    acknowledge_alert,
    add_entry,
    alert_changes,
    assign_alert,
    close_alert,
    count_alerts,
    get_alert,
    latest_alert_change,
    list_alerts,
    raise_for_behaviours,
    raise_for_hits,
    raise_for_scores,
    score_vessels,
    sweep_entries,
)
from portintel.services.targeting.jobs import run_scoring, run_sweep
from portintel.services.workspace import Workspace, open_workspace
from portintel.settings import Settings
from tests.adapters.ais.nmea_samples import T0
from tests.conftest import TickingClock
from tests.services.staff import IMMIGRATION, MARITIME, make_user
from tests.web.maritime_sample import FISHER, FREIGHTER, write_events, write_sample

NOW = T0 + timedelta(days=1)
PLUGIN = "portintel.services.targeting.jobs"


@pytest.fixture
def picture(settings: Settings, tmp_path: Path) -> Iterator[Workspace]:
    ws = open_workspace(
        settings.model_copy(
            update={"plugins": (PLUGIN,), "job_queue_name": f"t-{uuid.uuid4().hex[:12]}"}
        )
    )
    ws.clock = TickingClock(NOW)
    write_sample(ws, tmp_path)
    write_events(ws)
    yield ws
    ws.close()


def alert_rows(ws: Workspace) -> list[tuple[str, str]]:
    with ws.engine.connect() as connection:
        rows = connection.execute(
            select(tables.alerts.c.kind, tables.alerts.c.cause_key).order_by(tables.alerts.c.id)
        ).all()
    return [(row.kind, row.cause_key) for row in rows]


def watch_fisher(ws: Workspace, handling: str = "tlp:GREEN", agency: str = MARITIME) -> str:
    analyst = make_user(ws, f"ana-{uuid.uuid4().hex[:6]}", agency, Role.ANALYST)
    entry = add_entry(
        ws,
        analyst,
        kind="vessel",
        names=["SEA STAR"],
        identifiers=[("mmsi", str(FISHER))],
        reason="carried migrants in March",
        handling=handling,
        expires_at=NOW + timedelta(days=300),
    )
    return entry.id


def test_a_watchlist_hit_raises_one_alert_however_often_it_is_seen(picture: Workspace) -> None:
    entry_id = watch_fisher(picture)
    run_sweep(picture, [entry_id])
    run_sweep(picture, [entry_id])  # the same hit again: recorded once, alerted once
    assert [kind for kind, _ in alert_rows(picture)] == ["watchlist_hit"]
    with picture.engine.connect() as connection:
        keys = connection.execute(select(tables.watch_hits.c.cause_key)).scalars().all()
    assert raise_for_hits(picture, keys) == []  # raising again for the same cause: nothing
    (alert,) = list_alerts(picture, SYSTEM)
    assert alert.title == "Vessel on the watchlist: SEA STAR"
    assert alert.mmsi == FISHER and alert.entry_id == entry_id
    assert "carried migrants in March" in alert.reason
    assert ("watchlist", entry_id) in {(e.kind, e.id) for e in alert.evidence}
    assert any(e.kind == "statement" for e in alert.evidence)
    # the hit enqueued the rescoring of the vessel, and the alert fired alert_raised
    names = {job.name for job in jobs.list_jobs(picture, SYSTEM)}
    assert "targeting.score_vessels" in names


def test_alert_raised_enqueues_the_deliveries_that_are_configured(
    settings: Settings, tmp_path: Path
) -> None:
    ws = open_workspace(
        settings.model_copy(
            update={
                "plugins": (PLUGIN,),
                "job_queue_name": f"t-{uuid.uuid4().hex[:12]}",
                "alert_webhook_url": "http://127.0.0.1:9/hook",
                "alert_smtp_host": "127.0.0.1",
            }
        )
    )
    try:
        ws.clock = TickingClock(NOW)
        write_sample(ws, tmp_path)
        run_sweep(ws, [watch_fisher(ws)])
        (alert,) = list_alerts(ws, SYSTEM)
        queued = [(job.name, job.arguments) for job in jobs.list_jobs(ws, SYSTEM)]
        assert ("targeting.deliver_alert_webhook", {"alert_id": alert.id}) in queued
        assert ("targeting.deliver_alert_email", {"alert_id": alert.id}) in queued
    finally:
        ws.close()


def test_jobs_raising_the_same_cause_at_once_store_one_alert(picture: Workspace) -> None:
    entry_id = watch_fisher(picture)
    keys = sweep_entries(picture, [entry_id])
    assert keys
    barrier = threading.Barrier(4)
    raised: list[list[int]] = []
    errors: list[BaseException] = []

    def job() -> None:
        try:
            barrier.wait()
            raised.append(raise_for_hits(picture, keys))
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=job) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert sorted(len(ids) for ids in raised) == [0, 0, 0, 1]
    assert len(alert_rows(picture)) == 1


def test_a_score_crossing_the_threshold_raises_once_per_crossing(picture: Workspace) -> None:
    summary = score_vessels(picture, [FISHER, FREIGHTER], now=NOW)
    assert summary.new_causes
    with picture.engine.connect() as connection:
        weights = dict(
            connection.execute(
                select(tables.risk_reasons.c.mmsi, func.sum(tables.risk_reasons.c.weight))
                .where(tables.risk_reasons.c.voyage_id == "")
                .group_by(tables.risk_reasons.c.mmsi)
            ).all()
        )
    # above every score: nothing crosses it
    assert raise_for_scores(picture, summary.new_causes, max(weights.values()) + 1) == []
    threshold = min(weights.values())
    raised = raise_for_scores(picture, summary.new_causes, threshold)
    assert raised
    alerts = list_alerts(picture, SYSTEM)
    vessel_alerts = [a for a in alerts if a.kind == "score" and "vessel risk" in a.title]
    assert {a.mmsi for a in vessel_alerts} == {FISHER, FREIGHTER}
    for alert in vessel_alerts:
        assert alert.score == pytest.approx(sum(r.weight for r in alert.reasons))
        assert alert.score is not None and alert.score >= threshold
        assert any(e.kind == "event" and e.id == "ev-encounter" for e in alert.evidence)
    # the same new causes again (a job retried): the same keys, nothing new
    assert raise_for_scores(picture, summary.new_causes, threshold) == []
    # a rescore that finds the same reasons has no new cause: no alert
    again = score_vessels(picture, [FISHER, FREIGHTER], now=NOW + timedelta(hours=1))
    assert again.new_causes == ()
    assert raise_for_scores(picture, again.new_causes, threshold) == []
    assert len(alert_rows(picture)) == len(raised)


def test_the_scoring_job_raises_score_alerts_at_the_configured_threshold(
    settings: Settings, tmp_path: Path
) -> None:
    ws = open_workspace(
        settings.model_copy(
            update={
                "plugins": (PLUGIN,),
                "job_queue_name": f"t-{uuid.uuid4().hex[:12]}",
                "alert_score_threshold": 1.0,
            }
        )
    )
    try:
        ws.clock = TickingClock(NOW)
        write_sample(ws, tmp_path)
        write_events(ws)
        run_scoring(ws, event_ids=["ev-encounter"])
        kinds = {a.kind for a in list_alerts(ws, SYSTEM)}
        assert kinds == {"score"}  # no vessel is watched: no behaviour alert
        count = len(alert_rows(ws))
        run_scoring(ws, event_ids=["ev-encounter"])
        assert len(alert_rows(ws)) == count
    finally:
        ws.close()


def test_a_listed_behaviour_of_a_watched_vessel_raises_an_alert(picture: Workspace) -> None:
    assert raise_for_behaviours(picture, ["ev-encounter"], ("encounter",)) == []  # unwatched
    entry_id = watch_fisher(picture)
    sweep_entries(picture, [entry_id])
    assert raise_for_behaviours(picture, ["ev-encounter"], ("gap",)) == []  # not listed
    (alert_id,) = raise_for_behaviours(picture, ["ev-encounter", "ev-visit"], ("encounter",))
    alert = get_alert(picture, SYSTEM, alert_id)
    assert alert.kind == "behaviour" and alert.event_id == "ev-encounter"
    assert alert.title.startswith("Encounter at sea: ")
    assert {("event", "ev-encounter"), ("watchlist", entry_id)} <= {
        (e.kind, e.id) for e in alert.evidence
    }
    assert raise_for_behaviours(picture, ["ev-encounter"], ("encounter",)) == []


def test_an_alert_about_restricted_intelligence_reaches_only_those_who_may_read_it(
    picture: Workspace,
) -> None:
    entry_id = watch_fisher(picture, handling="tlp:AMBER+STRICT", agency=MARITIME)
    run_sweep(picture, [entry_id])
    colleague = make_user(picture, "col", MARITIME, Role.OFFICER)
    outsider = make_user(picture, "out", IMMIGRATION, Role.ANALYST)
    supervisor = make_user(picture, "sup", IMMIGRATION, Role.SUPERVISOR)
    admin = make_user(picture, "adm", MARITIME, Role.ADMINISTRATOR)
    (alert,) = list_alerts(picture, colleague)
    assert list_alerts(picture, outsider) == [] and count_alerts(picture, outsider) == 0
    with pytest.raises(NotFound):
        get_alert(picture, outsider, alert.id)
    assert [a.id for a in list_alerts(picture, supervisor)] == [alert.id]
    with pytest.raises(PermissionDenied):
        list_alerts(picture, admin)
    # it cannot be handed to someone who may not read it
    with pytest.raises(InvalidInput, match="may not read"):
        assign_alert(picture, colleague, alert.id, "out")
    with pytest.raises(NotFound):
        acknowledge_alert(picture, outsider, alert.id)


def test_acknowledge_assign_and_close_with_a_note_are_audited(picture: Workspace) -> None:
    run_sweep(picture, [watch_fisher(picture)])
    officer = make_user(picture, "off", MARITIME, Role.OFFICER)
    analyst = make_user(picture, "lea", MARITIME, Role.ANALYST)
    (alert,) = list_alerts(picture, officer, status="open")
    acknowledged = acknowledge_alert(picture, officer, alert.id)
    assert acknowledged.status == "acknowledged" and acknowledged.acknowledged_by == officer.user_id
    assert acknowledge_alert(picture, officer, alert.id).updated_at == acknowledged.updated_at
    assigned = assign_alert(picture, officer, alert.id, "LEA")
    assert assigned.assigned_to == analyst.user_id and assigned.assigned_name == "Lea"
    assert [a.id for a in list_alerts(picture, analyst, mine=True)] == [alert.id]
    assert list_alerts(picture, officer, mine=True) == []
    with pytest.raises(InvalidInput, match="no active user"):
        assign_alert(picture, officer, alert.id, "nobody")
    with pytest.raises(InvalidInput, match="say what was done"):
        close_alert(picture, analyst, alert.id, "   ")
    closed = close_alert(picture, analyst, alert.id, "Boarded at Koh Rong; nothing found.")
    assert (closed.status, closed.close_note) == ("closed", "Boarded at Koh Rong; nothing found.")
    assert list_alerts(picture, analyst, status="open") == []
    assert [a.id for a in list_alerts(picture, analyst, status="closed")] == [alert.id]
    with pytest.raises(Conflict):
        close_alert(picture, analyst, alert.id, "again")
    with pytest.raises(Conflict):
        acknowledge_alert(picture, analyst, alert.id)
    with picture.engine.connect() as connection:
        actions = (
            connection.execute(
                select(tables.audit_log.c.action)
                .where(tables.audit_log.c.object_id == str(alert.id))
                .order_by(tables.audit_log.c.seq)
            )
            .scalars()
            .all()
        )
    assert actions == ["alert.acknowledge", "alert.assign", "alert.close"]


def test_the_stream_reads_alerts_after_the_last_one_seen(picture: Workspace) -> None:
    run_sweep(picture, [watch_fisher(picture)])
    officer = make_user(picture, "off", MARITIME, Role.OFFICER)
    first = list_alerts(picture, officer)[0]
    assert list_alerts(picture, officer, after_id=first.id) == []
    assert [a.id for a in list_alerts(picture, officer, after_id=first.id - 1)] == [first.id]


def test_each_change_is_logged_in_order_and_read_through_the_readers_scope(
    picture: Workspace,
) -> None:
    run_sweep(picture, [watch_fisher(picture, handling="tlp:AMBER+STRICT", agency=MARITIME)])
    officer = make_user(picture, "off", MARITIME, Role.OFFICER)
    analyst = make_user(picture, "lea", MARITIME, Role.ANALYST)
    outsider = make_user(picture, "out", IMMIGRATION, Role.ANALYST)
    (alert,) = list_alerts(picture, officer)
    before = latest_alert_change(picture)
    assert alert_changes(picture, officer, after=before) == []
    acknowledge_alert(picture, officer, alert.id)
    acknowledge_alert(picture, officer, alert.id)  # nothing changes: nothing logged
    assign_alert(picture, officer, alert.id, "lea")
    close_alert(picture, analyst, alert.id, "Boarded; nothing found.")
    changes = alert_changes(picture, analyst, after=before)
    assert [view.id for _, view in changes] == [alert.id] * 3
    numbers = [number for number, _ in changes]
    assert numbers == sorted(numbers) and numbers[-1] == latest_alert_change(picture)
    # each comes with the alert as it is now
    assert {(view.status, view.assigned_name) for _, view in changes} == {("closed", "Lea")}
    assert [n for n, _ in alert_changes(picture, analyst, after=numbers[0])] == numbers[1:]
    # restricted: another agency's analyst hears of no change either
    assert alert_changes(picture, outsider, after=before) == []
    with pytest.raises(PermissionDenied):
        alert_changes(picture, make_user(picture, "adm", MARITIME, Role.ADMINISTRATOR), after=0)
