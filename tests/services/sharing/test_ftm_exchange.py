"""FtM JSON between two portintel nodes: the same package as STIX, signed, imported at B.

Node A approves one dissemination for B; the package is made as STIX and as
FtM JSON from one selection. The FtM document holds exactly what the STIX
bundle holds; B verifies and imports it with provenance, handling and
grading; the STIX package of the same dissemination then brings no report or
fact twice; a tampered document or one signed by an unknown key is
quarantined and nothing of it is imported.
"""

from __future__ import annotations

import json
from collections import Counter

from sqlalchemy import func, select

from portintel.adapters.database import tables
from portintel.adapters.vocabularies import (
    load_grading_schemes,
    load_handling,
    load_stix_vocabulary,
)
from portintel.domain.actors import SYSTEM
from portintel.domain.reports import FactDraft
from portintel.domain.sharing.stix import BundleReader
from portintel.services import sharing
from portintel.services.workspace import Workspace
from tests.services.sharing.two_nodes import A_NODE, B_NODE, file_evaluated, link, staff
from tests.services.sharing.two_nodes import node_b as node_b

READER = BundleReader(load_stix_vocabulary(), load_grading_schemes(), load_handling(), "admiralty")


def _package(a: Workspace) -> tuple[str, str, str]:
    """(package id, STIX package file, FtM package file) of one approved dissemination."""
    people = staff(a, "a")
    sent = [
        file_evaluated(
            a, people, "Boat loading at night", "uk-3x5x2:P",
            facts=(FactDraft("boat", "Vessel", "name", "Sea Star"),
                   FactDraft("boat", "Vessel", "imoNumber", "9074729"),
                   FactDraft("boss", "Person", "name", "Sok Dara"),
                   FactDraft("boat", "Vessel", "notes", "the master looks scared")),
        ),
        file_evaluated(
            a, people, "Fees paid in cash", "uk-3x5x2:C", conditions="not to immigration",
            scheme="uk-3x5x2", reliability="2", credibility="B",
            facts=(FactDraft("broker", "Person", "name", "Chan Vuthy"),),
        ),
        file_evaluated(a, people, "Departure planned for Friday", "europol:H2",
                       scheme="europol", reliability="B", credibility="3"),
        file_evaluated(a, people, "Informant meeting", "europol:H3"),  # not agreed
    ]  # fmt: skip
    request = sharing.request_dissemination(a, people.analyst, B_NODE, sent)
    package = sharing.approve_dissemination(a, people.supervisor, request)
    return (
        package,
        sharing.package_file(a, people.supervisor, package),
        sharing.package_ftm_file(a, people.analyst, package),
    )


def test_the_ftm_package_holds_exactly_what_the_stix_package_holds(
    workspace: Workspace, node_b: Workspace
) -> None:
    a = workspace
    link(a, node_b)
    package, stix_file, ftm_file = _package(a)
    stix = READER.read(json.loads(stix_file)["bundle"])
    ftm = json.loads(ftm_file)
    document = ftm["document"]
    assert ftm["format"] == "portintel-ftm-package/1" and ftm["package"] == package
    assert document["node"] == A_NODE
    assert B_NODE not in ftm_file  # a package names no recipient
    assert {r["id"] for r in document["reports"]} == {r.sender_id for r in stix.reports}
    assert 0 < len(document["reports"]) < 4
    for report in stix.reports:
        item = next(r for r in document["reports"] if r["id"] == report.sender_id)
        assert item["handling"]["code"] == str(report.handling.code)
        assert item["handling"]["conditions"] == report.handling.code.conditions
        assert item["grading"]["scheme"] == report.grading.original.scheme
        assert (item["title"], item["text"]) == (report.title, report.text)
    assert Counter((s["prop"], s["value"]) for s in document["statements"]) == Counter(
        (s.prop, s.value) for s in stix.statements
    )
    assert "the master looks scared" not in ftm_file and "Informant" not in ftm_file
    assert all(s["dataset"] == A_NODE for s in document["statements"])
    with a.engine.connect() as connection:
        action = (
            connection.execute(
                select(tables.audit_log.c.detail).where(
                    tables.audit_log.c.action == "share.exported"
                )
            )
            .scalars()
            .all()
        )
    assert any("ftm" in str(detail) for detail in action)


def test_b_imports_the_ftm_package_with_provenance_and_the_stix_one_adds_nothing(
    workspace: Workspace, node_b: Workspace
) -> None:
    a, b = workspace, node_b
    link(a, b)
    _, stix_file, ftm_file = _package(a)
    people = staff(b, "b")
    receipt = sharing.import_ftm_package(b, people.analyst, A_NODE, ftm_file, filename="p.json")
    assert receipt.package_signature == "valid" and receipt.quarantined == 0
    assert receipt.imported > 0
    with b.engine.connect() as connection:
        received = connection.execute(
            select(tables.reports).where(tables.reports.c.origin_node == A_NODE)
        ).all()
        statements = connection.execute(select(tables.statements)).all()
    by_title = {row.title: row for row in received}
    assert set(by_title) == {
        "Boat loading at night", "Fees paid in cash", "Departure planned for Friday",
    }  # fmt: skip
    h2 = by_title["Departure planned for Friday"]
    assert (h2.handling, h2.grading_scheme, h2.reliability, h2.credibility) == (
        "europol:H2", "europol", "B", "3",
    )  # fmt: skip
    assert by_title["Fees paid in cash"].handling_conditions == "not to immigration"
    assert all(row.status == "submitted" and row.author_id == people.analyst.user_id
               for row in received)  # fmt: skip
    assert {row.dataset for row in statements} == {A_NODE}
    assert {row.origin for row in statements} <= set(row.id for row in received)
    assert {(row.prop, row.value) for row in statements} >= {
        ("name", "Sea Star"), ("name", "Chan Vuthy"), ("name", "Sok Dara"),
    }  # fmt: skip
    assert any(row.prop == "imoNumber" for row in statements)
    inbox = sharing.read_inbox(b, people.supervisor)
    assert {r.title for r in inbox.reports} == set(by_title)

    again = sharing.import_ftm_package(b, people.analyst, A_NODE, ftm_file)
    assert (again.imported, again.quarantined) == (0, 0) and again.unchanged > 0
    # the same dissemination as STIX: the same reports and facts, nothing twice
    stix = sharing.import_package(b, people.analyst, A_NODE, stix_file)
    assert stix.quarantined == 0
    assert not [
        item for item in stix.items
        if item.outcome is sharing.Outcome.IMPORTED and item.report_id is not None
    ]  # fmt: skip
    with b.engine.connect() as connection:
        reports_after = connection.execute(
            select(func.count()).select_from(tables.reports)
        ).scalar_one()
        facts_after = connection.execute(
            select(func.count()).select_from(tables.statements)
        ).scalar_one()
    assert (reports_after, facts_after) == (len(received), len(statements))


def test_a_tampered_or_unknown_ftm_package_is_quarantined_and_nothing_imported(
    workspace: Workspace, node_b: Workspace
) -> None:
    a, b = workspace, node_b
    link(a, b)
    _, _, ftm_file = _package(a)
    people = staff(b, "b")
    altered = json.loads(ftm_file)
    altered["document"]["reports"][0]["title"] = "Nothing to see"
    tampered = sharing.import_ftm_package(b, people.analyst, A_NODE, json.dumps(altered))
    assert tampered.imported == 0 and tampered.quarantined == 1
    assert "altered or damaged" in (tampered.items[0].reason or "")
    sharing.add_partner(b, SYSTEM, name="TH-PIU-RNG", kind="PIU", country="TH")
    unknown = sharing.import_ftm_package(b, people.analyst, "TH-PIU-RNG", ftm_file)
    assert unknown.imported == 0 and "unknown key" in (unknown.items[0].reason or "")
    with b.engine.connect() as connection:
        assert connection.execute(select(func.count()).select_from(tables.reports)).scalar() == 0
        assert connection.execute(select(func.count()).select_from(tables.statements)).scalar() == 0
