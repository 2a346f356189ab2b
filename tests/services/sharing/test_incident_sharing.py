"""Incidents travel with their report: in the dry run, the package (strict STIX) and MISP."""

from __future__ import annotations

import json
from datetime import UTC, datetime

from sqlalchemy import insert, select

from portintel.adapters.database import tables
from portintel.adapters.vocabularies import load_stix_vocabulary
from portintel.domain.actors import SYSTEM, Role
from portintel.domain.reports import ReportDraft
from portintel.services import sharing
from portintel.services.intake import reports
from portintel.services.workspace import Workspace
from tests.services.sharing.test_dissemination import strict_problems
from tests.services.staff import IMMIGRATION, make_user


def _report_with_incident(ws: Workspace, handling: str = "uk-3x5x2:P") -> tuple[str, str]:
    officer = make_user(ws, "oscar", IMMIGRATION, Role.OFFICER)
    boss = make_user(ws, "sam", IMMIGRATION, Role.SUPERVISOR)
    report_id = reports.create_report(
        ws,
        officer,
        ReportDraft(
            title="Interception off Koh Rong",
            text="A boat with 31 people was stopped.",
            reliability="B",
            credibility="2",
            handling=handling,
            extract=False,
        ),
        submit=True,
    )
    reports.evaluate_report(ws, boss, report_id)
    incident_id = "inc-koh-rong-1"
    with ws.engine.begin() as connection:
        connection.execute(
            insert(tables.incidents).values(
                id=incident_id,
                report_id=report_id,
                occurred_at=datetime(2026, 2, 27, 23, 0, tzinfo=UTC),
                place="Koh Rong",
                latitude=10.7,
                longitude=103.2,
                kind="intercepted",
                migrants=31,
                minors=4,
                deaths=0,
                missing=0,
                nationalities={"mm": 20, "bd": 11},
                route="Kampot - Thailand",
                fee_usd=2000,
                created_at=datetime(2026, 2, 28, 8, 0, tzinfo=UTC),
            )
        )
    return report_id, incident_id


def _agreement(ws: Workspace, *categories: str) -> None:
    sharing.add_agreement(
        ws, SYSTEM, "KH-CAU", handling_codes=["uk-3x5x2:P"], tlp_levels=["GREEN"],
        categories=categories,
    )  # fmt: skip


def test_an_incident_goes_when_the_agreement_covers_incidents_and_its_report_may_go(
    workspace: Workspace,
) -> None:
    report_id, incident_id = _report_with_incident(workspace)
    sharing.init_node(workspace, SYSTEM)
    sharing.add_partner(workspace, SYSTEM, name="KH-CAU", kind="CAU", country="KH")
    analyst = make_user(workspace, "ana", IMMIGRATION, Role.ANALYST)
    boss = make_user(workspace, "bea", IMMIGRATION, Role.SUPERVISOR)

    _agreement(workspace, "reports")
    withheld = sharing.preview_share(workspace, analyst, "KH-CAU", [report_id])
    [item] = withheld.incidents
    assert item.id == incident_id and not item.allowed and item.agrees
    assert [reason.code for reason in item.reasons] == ["category"]

    _agreement(workspace, "reports", "incidents")
    dry_run = sharing.preview_share(workspace, analyst, "KH-CAU", [report_id])
    [item] = dry_run.incidents
    assert item.allowed and item.agrees and item.label == "intercepted 2026-02-27: 31 migrants"

    dissemination = sharing.request_dissemination(workspace, analyst, "KH-CAU", [report_id])
    package_id = sharing.approve_dissemination(workspace, boss, dissemination)
    package = sharing.get_package(workspace, boss, package_id)
    assert package.incidents == 1
    with workspace.engine.connect() as connection:
        kinds = set(
            connection.execute(
                select(tables.package_items.c.kind, tables.package_items.c.item_id).where(
                    tables.package_items.c.package_id == package_id
                )
            ).all()
        )
    assert ("incident", incident_id) in kinds
    bundle = json.loads(sharing.package_file(workspace, boss, package_id))["bundle"]
    assert strict_problems(bundle) == []
    [incident] = [obj for obj in bundle["objects"] if obj["type"] == "incident"]
    assert incident["name"] == "Intercepted 2026-02-27: 31 migrants"
    assert any(
        obj["type"] == "relationship" and obj["relationship_type"] == "derived-from"
        and obj["source_ref"] == incident["id"]
        for obj in bundle["objects"]
    )  # fmt: skip
    event = json.loads(sharing.package_misp_event(workspace, boss, package_id))["Event"]
    [misp_incident] = [obj for obj in event["Object"] if obj["name"] == "incident"]
    values = {a["object_relation"]: a["value"] for a in misp_incident["Attribute"]}
    assert values["incident_type"] == "intercepted"
    assert "31 migrants, 4 minors" in values["description"]


def test_an_incident_of_a_withheld_report_stays(workspace: Workspace) -> None:
    report_id, _ = _report_with_incident(workspace, handling="europol:H2")
    sharing.add_partner(workspace, SYSTEM, name="KH-CAU", kind="CAU", country="KH")
    _agreement(workspace, "reports", "incidents")
    analyst = make_user(workspace, "ana", IMMIGRATION, Role.ANALYST)
    [item] = sharing.preview_share(workspace, analyst, "KH-CAU", [report_id]).incidents
    assert not item.allowed and item.agrees
    assert {reason.code for reason in item.reasons} == {"handling", "tlp"}


def test_statistics_count_incidents_without_naming_anyone_or_anywhere(
    workspace: Workspace,
) -> None:
    report_id, incident_id = _report_with_incident(workspace)
    sharing.init_node(workspace, SYSTEM)
    sharing.add_partner(workspace, SYSTEM, name="KH-CAU", kind="CAU", country="KH")
    analyst = make_user(workspace, "ana", IMMIGRATION, Role.ANALYST)
    boss = make_user(workspace, "bea", IMMIGRATION, Role.SUPERVISOR)

    _agreement(workspace, "reports", "incidents")
    [withheld] = sharing.preview_share(workspace, analyst, "KH-CAU", [report_id]).statistics
    assert not withheld.allowed and withheld.agrees
    assert [reason.code for reason in withheld.reasons] == ["category"]

    _agreement(workspace, "reports", "statistics")  # statistics, not the incidents themselves
    dry_run = sharing.preview_share(workspace, analyst, "KH-CAU", [report_id])
    [incident] = dry_run.incidents
    [statistics] = dry_run.statistics
    assert not incident.allowed and statistics.allowed and statistics.agrees
    assert statistics.counted == (incident_id,)

    dissemination = sharing.request_dissemination(workspace, analyst, "KH-CAU", [report_id])
    package_id = sharing.approve_dissemination(workspace, boss, dissemination)
    assert sharing.get_package(workspace, boss, package_id).statistics
    bundle = json.loads(sharing.package_file(workspace, boss, package_id))["bundle"]
    assert strict_problems(bundle) == []
    assert not [obj for obj in bundle["objects"] if obj["type"] == "incident"]
    [note] = [obj for obj in bundle["objects"] if obj["type"] == "note"]
    # one boat's counts are withheld as small (issue #16): 1 incident shows as "<3"
    assert note["abstract"] == "Non-nominal statistics: fewer than 3 incidents, 2026-02 to 2026-02"
    assert note["content"].splitlines() == [
        "month\tkind\tincidents\tmigrants\tminors\tdeaths\tmissing",
        "2026-02\tintercepted\t<3\t31\t4\t0\t0",
    ]
    for nominal in ("Koh Rong", "Kampot", "mm", "2000"):
        assert nominal not in note["content"] + note["abstract"]
    tlp_green = load_stix_vocabulary().tlp["GREEN"].id  # the report's, the only one counted
    assert note["object_marking_refs"] == [tlp_green]
