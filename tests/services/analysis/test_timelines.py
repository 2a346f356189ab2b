"""Timelines from the store: reports, incidents, identity changes and phones, in scope only."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import insert, select

from portintel.adapters.database import tables
from portintel.domain.actors import Actor, Role
from portintel.domain.analysis.timeline import ItemKind
from portintel.domain.reports import FactDraft, ReportDraft
from portintel.domain.statements import StatementRecord
from portintel.errors import InvalidInput, NotFound
from portintel.services.analysis import (
    ChartOptions,
    TimelineWindow,
    case_timeline,
    chart_timeline,
    entity_timeline,
    timeline,
)
from portintel.services.events import transaction
from portintel.services.intake import reports
from portintel.services.intake.statements import write_statements
from portintel.services.workspace import Workspace
from tests.services.staff import IMMIGRATION, SECURITY, make_user

SEEN = datetime(2026, 2, 1, tzinfo=UTC)


def _registry(entity: str, schema: str, prop: str, prop_type: str, value: str) -> StatementRecord:
    return StatementRecord(
        entity_id=entity, schema=schema, prop=prop, prop_type=prop_type, value=value,
        dataset="registry", origin="registry:test", first_seen=SEEN, last_seen=SEEN,
    )  # fmt: skip


def _report(
    ws: Workspace, author: Actor, boss: Actor, title: str, handling: str, when: datetime,
    facts: tuple[FactDraft, ...],
) -> str:  # fmt: skip
    report_id = reports.create_report(
        ws, author,
        ReportDraft(title=title, text=f"{title}.", reliability="B", credibility="2",
                    handling=handling, occurred_at=when, facts=facts, extract=False),
        submit=True,
    )  # fmt: skip
    reports.evaluate_report(ws, boss, report_id)
    return report_id


def _incident(ws: Workspace, key: str, report_id: str, vessel: str | None, when: datetime) -> None:
    with ws.engine.begin() as connection:
        connection.execute(
            insert(tables.incidents).values(
                id=key, report_id=report_id, occurred_at=when, place="12 NM west of Koh Rong",
                latitude=10.72, longitude=103.05, kind="intercepted", vessel_entity_id=vessel,
                migrants=51, minors=4, deaths=0, missing=0, nationalities={"KH": 51},
                route="Sihanoukville - Songkhla", departure="Sihanoukville",
                destination="Songkhla", fee_usd=450, created_at=when,
            )
        )  # fmt: skip


@pytest.fixture
def world(workspace: Workspace) -> dict[str, str]:
    with transaction(workspace) as connection:
        write_statements(
            connection,
            [
                _registry("v-boat", "Vessel", "name", "name", "SINAR JAYA"),
                _registry("v-boat", "Vessel", "mmsi", "identifier", "525000111"),
                _registry("p-sok", "Person", "name", "name", "Sok Chanthy"),
            ],
        )
    oscar = make_user(workspace, "oscar", IMMIGRATION, Role.OFFICER)
    boss = make_user(workspace, "sam", IMMIGRATION, Role.SUPERVISOR)
    spy = make_user(workspace, "sec", SECURITY, Role.OFFICER)
    spyboss = make_user(workspace, "secboss", SECURITY, Role.SUPERVISOR)
    renamed = _report(
        workspace, oscar, boss, "Boat renamed at the pier", "uk-3x5x2:P",
        datetime(2026, 3, 2, tzinfo=UTC),
        (FactDraft("entity:v-boat", "Vessel", "name", "LAUT BIRU"),
         FactDraft("entity:p-sok", "Person", "phone", "+85512345678")),
    )  # fmt: skip
    secret = _report(
        workspace, spy, spyboss, "zq-secret sighting", "tlp:RED",
        datetime(2026, 3, 5, tzinfo=UTC),
        (FactDraft("entity:v-boat", "Vessel", "callSign", "ZQSECRET"),),
    )  # fmt: skip
    _incident(workspace, "inc-open", renamed, "v-boat", datetime(2026, 3, 3, tzinfo=UTC))
    _incident(workspace, "inc-secret", secret, "v-boat", datetime(2026, 3, 6, tzinfo=UTC))
    return {"renamed": renamed, "secret": secret}


def test_an_entity_timeline_holds_its_dated_facts_with_their_evidence(
    workspace: Workspace, world: dict[str, str]
) -> None:
    ana = make_user(workspace, "ana", IMMIGRATION, Role.ANALYST)
    found = entity_timeline(workspace, ana, "v-boat")
    assert [(lane.id, lane.label) for lane in found.lanes] == [("v-boat", "SINAR JAYA")]
    by_kind = {(i.kind, i.label): i for i in found.items}
    report = by_kind[(ItemKind.REPORT, "Boat renamed at the pier")]
    assert report.evidence_id == world["renamed"] and report.link == f"/reports/{world['renamed']}"
    assert (ItemKind.IDENTITY, "Name: SINAR JAYA → LAUT BIRU") in by_kind
    incident = by_kind[(ItemKind.INCIDENT, "Intercepted: 51 migrants, 12 NM west of Koh Rong")]
    assert incident.evidence_id == "inc-open" and incident.detail == "4 minors"
    # the secret report, its statement and its incident are absent, not greyed
    assert "zq" not in repr(found).lower() and "inc-secret" not in repr(found)
    with workspace.engine.connect() as connection:
        entry = connection.execute(
            select(tables.audit_log.c.action, tables.audit_log.c.object_id)
            .order_by(tables.audit_log.c.seq.desc())
            .limit(1)
        ).one()
    assert tuple(entry) == ("timeline.read", "v-boat")


def test_the_author_agency_sees_its_own_secret_facts(
    workspace: Workspace, world: dict[str, str]
) -> None:
    spy = make_user(workspace, "sec2", SECURITY, Role.ANALYST)
    found = timeline(workspace, spy, ["v-boat"])
    assert "inc-secret" in {i.evidence_id for i in found.items}


def test_lanes_follow_the_order_given_and_an_unseen_entity_has_none(
    workspace: Workspace, world: dict[str, str]
) -> None:
    ana = make_user(workspace, "ana", IMMIGRATION, Role.ANALYST)
    found = timeline(workspace, ana, ["p-sok", "nobody-knows", "v-boat"])
    assert [lane.id for lane in found.lanes] == ["p-sok", "v-boat"]
    phone = next(i for i in found.items if i.kind is ItemKind.PHONE)
    assert (phone.lane, phone.label) == ("p-sok", "Phone +85512345678")
    with pytest.raises(NotFound):
        timeline(workspace, ana, ["nobody-knows"])
    with pytest.raises(InvalidInput):
        timeline(workspace, ana, [])


def test_the_window_keeps_what_overlaps_it(workspace: Workspace, world: dict[str, str]) -> None:
    ana = make_user(workspace, "ana", IMMIGRATION, Role.ANALYST)
    window = TimelineWindow(since=datetime(2026, 3, 2, 12, tzinfo=UTC))
    found = entity_timeline(workspace, ana, "v-boat", window)
    assert [i.kind for i in found.items] == [ItemKind.INCIDENT]
    with pytest.raises(InvalidInput):
        entity_timeline(
            workspace, ana, "v-boat", TimelineWindow(SEEN, datetime(2020, 1, 1, tzinfo=UTC))
        )


def test_a_case_and_a_chart_give_the_timelines_of_their_entities(
    workspace: Workspace, world: dict[str, str]
) -> None:
    ana = make_user(workspace, "ana", IMMIGRATION, Role.ANALYST)
    case = case_timeline(workspace, ana, [world["renamed"], world["secret"]])
    assert sorted(lane.id for lane in case.lanes) == ["p-sok", "v-boat"]
    with pytest.raises(NotFound):
        case_timeline(workspace, ana, [world["secret"]])  # no entity of it may be read
    chart = chart_timeline(workspace, ana, "p-sok", ChartOptions(hops=1))
    assert [lane.id for lane in chart.lanes] == ["p-sok"]
