"""Risk scores stored with their reasons, recomputed for the vessels a change touched,
read within each reader's scope (the score a reader sees is the sum of the reasons they see)."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select

from portintel.adapters.database import tables
from portintel.domain.actors import SYSTEM, Role
from portintel.domain.reports import FactDraft, ReportDraft
from portintel.errors import NotFound, PermissionDenied
from portintel.services import jobs
from portintel.services.intake.reports import create_report
from portintel.services.maritime import find_vessel
from portintel.services.targeting import (
    add_entry,
    list_risk,
    rescore_all,
    score_vessels,
    sweep_entries,
    vessel_risk,
)
from portintel.services.targeting.jobs import run_matching, run_scoring
from portintel.services.workspace import Workspace, open_workspace
from portintel.settings import Settings
from tests.adapters.ais.nmea_samples import T0
from tests.conftest import TickingClock
from tests.services.staff import IMMIGRATION, MARITIME, make_user
from tests.web.maritime_sample import FISHER, FREIGHTER, TANKER, write_events, write_sample

NOW = T0 + timedelta(days=1)


PLUGIN = "portintel.services.targeting.jobs"


@pytest.fixture
def picture(settings: Settings, tmp_path: Path) -> Iterator[Workspace]:
    """The sample picture, on a node that runs the targeting plugin (on its own queue)."""
    ws = open_workspace(
        settings.model_copy(
            update={"plugins": (PLUGIN,), "job_queue_name": f"t-{uuid.uuid4().hex[:12]}"}
        )
    )
    ws.clock = TickingClock()
    write_sample(ws, tmp_path)
    write_events(ws)
    yield ws
    ws.close()


def reasons_of(ws: Workspace, actor: object, mmsi: int) -> dict[str, float]:
    risk = vessel_risk(ws, actor, mmsi)  # type: ignore[arg-type]
    assert risk.vessel is not None
    return {r.indicator_id: r.weight for r in risk.vessel.reasons}


def test_an_encounter_scores_both_vessels_with_the_event_as_evidence(picture: Workspace) -> None:
    summary = score_vessels(picture, [FISHER, FREIGHTER, TANKER], now=NOW)
    assert summary.vessels == 3
    analyst = make_user(picture, "ana", MARITIME, Role.ANALYST)
    for mmsi in (FISHER, FREIGHTER):
        risk = vessel_risk(picture, analyst, mmsi)
        assert risk.vessel is not None
        reason = next(r for r in risk.vessel.reasons if r.indicator_id == "encounter_at_sea")
        assert [(e.kind, e.id) for e in reason.evidence] == [("event", "ev-encounter")]
        assert risk.score == sum(r.weight for r in risk.vessel.reasons)
    assert reasons_of(picture, analyst, TANKER) == {}
    # the fisher left port (Koh Rong) after the encounter and is still at sea: one voyage,
    # scored with what happened in the days before it left
    (voyage,) = vessel_risk(picture, analyst, FISHER).voyages
    assert (voyage.from_port, voyage.to_port, voyage.arrived_at) == ("Koh Rong", None, None)
    assert "encounter_at_sea" in {r.indicator_id for r in voyage.reasons}
    assert voyage.score == sum(r.weight for r in voyage.reasons)
    ranked = list_risk(picture, analyst)
    assert [line.mmsi for line in ranked][:2] == sorted([FISHER, FREIGHTER])
    assert ranked[-1].mmsi == TANKER and ranked[-1].score == 0


def test_a_rescore_keeps_when_each_cause_first_fired(picture: Workspace) -> None:
    first = score_vessels(picture, [FISHER], now=NOW)
    assert first.new_causes
    with picture.engine.connect() as connection:
        fired = dict(
            connection.execute(
                select(tables.risk_reasons.c.cause_key, tables.risk_reasons.c.fired_at)
            ).all()
        )
    again = score_vessels(picture, [FISHER], now=NOW + timedelta(hours=1))
    assert again.new_causes == ()
    with picture.engine.connect() as connection:
        after = dict(
            connection.execute(
                select(tables.risk_reasons.c.cause_key, tables.risk_reasons.c.fired_at)
            ).all()
        )
    assert after == fired


def file_about_fisher(ws: Workspace, author: object, handling: str) -> str:
    fisher = find_vessel(ws, SYSTEM, str(FISHER)).entity_id
    draft = ReportDraft(
        title="Boat owner known to smugglers",
        text="The owner of SEA STAR organises crossings.",
        reliability="A",
        credibility="2",
        handling=handling,
        facts=(
            FactDraft(f"entity:{fisher}", "Vessel", "notes", "Owner organises crossings"),
            FactDraft("boss", "Person", "name", "Sok Chanthy"),
            FactDraft("own", "Ownership", "owner", "boss"),
            FactDraft("own", "Ownership", "asset", f"entity:{fisher}"),
        ),
    )
    return create_report(ws, author, draft, submit=True)  # type: ignore[arg-type]


def test_reasons_a_reader_may_not_read_are_absent_and_not_counted(picture: Workspace) -> None:
    analyst = make_user(picture, "ana", MARITIME, Role.ANALYST)
    officer = make_user(picture, "off", IMMIGRATION, Role.OFFICER)
    colleague = make_user(picture, "col", MARITIME, Role.OFFICER)
    report_id = file_about_fisher(picture, analyst, "tlp:AMBER")
    entry = add_entry(
        picture,
        analyst,
        kind="person",
        names=["CHANTHY SOK"],
        reason="organiser of crossings",
        handling="tlp:AMBER",
        expires_at=NOW + timedelta(days=300),
    )
    assert sweep_entries(picture, [entry.id])  # the owner is hit by name
    score_vessels(picture, [FISHER], now=NOW)

    seen = reasons_of(picture, colleague, FISHER)
    assert {"encounter_at_sea", "recent_graded_intelligence", "linked_to_watchlist"} <= set(seen)
    graded = next(
        r
        for r in vessel_risk(picture, colleague, FISHER).vessel.reasons  # type: ignore[union-attr]
        if r.indicator_id == "recent_graded_intelligence"
    )
    assert [(e.kind, e.id) for e in graded.evidence] == [("report", report_id)]
    # another agency's officer may read neither the report nor its links: only the encounter
    hidden = reasons_of(picture, officer, FISHER)
    assert set(hidden) == {"encounter_at_sea"}
    assert vessel_risk(picture, officer, FISHER).score == hidden["encounter_at_sea"]
    (line,) = list_risk(picture, officer, mmsi=FISHER)
    assert line.score == hidden["encounter_at_sea"] and line.reasons == 1
    (full,) = list_risk(picture, analyst, mmsi=FISHER)
    assert full.score == sum(reasons_of(picture, analyst, FISHER).values())


def test_jobs_rescore_only_the_vessels_a_change_touched(picture: Workspace) -> None:
    analyst = make_user(picture, "ana", MARITIME, Role.ANALYST)
    # the AIS static data ingested enqueued its watchlist matching, found by "ais"
    queued = [(job.name, job.arguments) for job in jobs.list_jobs(picture, SYSTEM)]
    assert any(
        name == "targeting.match_watchlists" and args.get("found_by") == "ais"
        for name, args in queued
    )
    run_scoring(picture, event_ids=["ev-encounter"])
    with picture.engine.connect() as connection:
        scored = connection.execute(select(tables.risk_subjects.c.mmsi).distinct()).scalars().all()
    assert sorted(scored) == sorted([FISHER, FREIGHTER])  # not the tanker
    add_entry(
        picture,
        analyst,
        kind="person",
        names=["Sok Chanthy"],
        reason="organiser",
        handling="tlp:GREEN",
    )
    report_id = file_about_fisher(picture, analyst, "tlp:GREEN")
    # filing the report enqueued the matching of its entities and their rescoring
    queued = [(job.name, job.arguments) for job in jobs.list_jobs(picture, SYSTEM)]
    assert any(
        name == "targeting.match_watchlists" and args.get("found_by") == "report"
        for name, args in queued
    )
    assert any(name == "targeting.score_vessels" and "entity_ids" in args for name, args in queued)
    with picture.engine.connect() as connection:
        owner = connection.execute(
            select(tables.statements.c.entity_id).where(
                tables.statements.c.origin == report_id, tables.statements.c.schema == "Person"
            )
        ).scalar_one()
    run_matching(picture, [owner], found_by="report", origin=report_id)
    with picture.engine.connect() as connection:
        hits = connection.execute(select(tables.watch_hits)).all()
    assert [(h.entity_id, h.found_by, h.origin) for h in hits] == [(owner, "report", report_id)]
    # matching again records nothing new: one hit per cause
    run_matching(picture, [owner], found_by="report", origin=report_id)
    with picture.engine.connect() as connection:
        assert (
            connection.execute(select(func.count()).select_from(tables.watch_hits)).scalar_one()
            == 1
        )
    run_scoring(picture, entity_ids=[owner])  # the owner's boat, two steps away
    assert "linked_to_watchlist" in reasons_of(picture, analyst, FISHER)


def test_a_full_rescore_is_for_administrators_and_supervisors(picture: Workspace) -> None:
    officer = make_user(picture, "off", IMMIGRATION, Role.OFFICER)
    with pytest.raises(PermissionDenied):
        rescore_all(picture, officer)
    admin = make_user(picture, "adm", IMMIGRATION, Role.ADMINISTRATOR)
    progress: list[tuple[int, int]] = []
    total = rescore_all(
        picture, admin, progress=lambda done, all_: progress.append((done, all_)), now=NOW
    )
    assert total.vessels == 3 and progress[-1] == (3, 3)
    with pytest.raises(NotFound):
        vessel_risk(picture, officer, 999_999_999)
    # administrators read no intelligence, scores included
    with pytest.raises(PermissionDenied):
        vessel_risk(picture, admin, FISHER)
