"""Receiving through the real services: node A sends a package, node B verifies and imports."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import func, select

from portintel.adapters.database import tables
from portintel.adapters.node_keys import NodeKeys
from portintel.adapters.vocabularies import load_stix_vocabulary
from portintel.domain.actors import SYSTEM, Role
from portintel.domain.reports import FactDraft
from portintel.domain.sharing.stix.identifiers import parse_timestamp, timestamp
from portintel.domain.sharing.stix.signatures import sign_object
from portintel.errors import InvalidInput, PermissionDenied
from portintel.services import sharing
from portintel.services.intake import reports
from portintel.services.sharing.receiving import local_report_id
from portintel.services.workspace import Workspace
from tests.services.sharing.two_nodes import (
    A_NODE,
    file_evaluated,
    link,
    node_b,
    staff,
)
from tests.services.sharing.two_nodes import disseminate as send
from tests.services.staff import IMMIGRATION, MARITIME, make_user

__all__ = ["node_b"]  # the fixture, imported for the tests below

SIGNATURE = load_stix_vocabulary().extension("signature").id


def _mixed(a: Workspace) -> tuple[dict[str, str], Any]:
    people = staff(a, "a")
    filed = {
        "open": file_evaluated(
            a, people, "Boat loading at night", "uk-3x5x2:P",
            facts=(FactDraft("boat", "Vessel", "name", "Sea Star"),
                   FactDraft("boat", "Vessel", "notes", "the master looks scared"),
                   FactDraft("boss", "Person", "name", "Sok Dara")),
        ),
        "conditions": file_evaluated(
            a, people, "Fees paid in cash", "uk-3x5x2:C",
            conditions="not to immigration authorities of the destination",
            scheme="uk-3x5x2", reliability="2", credibility="B",
            facts=(FactDraft("broker", "Person", "name", "Chan Vuthy"),),
        ),
        "h2": file_evaluated(
            a, people, "Departure planned for Friday", "europol:H2",
            scheme="europol", reliability="B", credibility="3",
            facts=(FactDraft("ship", "Vessel", "name", "Ocean Pearl"),),
        ),
        "red": file_evaluated(a, people, "Informant meeting", "tlp:RED"),
        "pending": file_evaluated(a, people, "Unchecked rumour", "uk-3x5x2:P", evaluate=False),
    }  # fmt: skip
    document, dry_run = send(a, people, list(filed.values()))
    return filed, (document, dry_run)


def _b_reports(b: Workspace) -> list[Any]:
    with b.engine.connect() as connection:
        return connection.execute(select(tables.reports).order_by(tables.reports.c.title)).all()


def _b_statements(b: Workspace) -> set[tuple[str, str, str, str]]:
    with b.engine.connect() as connection:
        rows = connection.execute(select(tables.statements)).all()
    return {(row.prop, row.value, row.dataset, row.origin) for row in rows}


def test_a_package_from_a_arrives_at_b_with_provenance_handling_and_grading(
    workspace: Workspace, node_b: Workspace
) -> None:
    a, b = workspace, node_b
    link(a, b)
    filed, (document, dry_run) = _mixed(a)
    allowed = {item.id for item in dry_run.reports if item.allowed}
    assert allowed == {filed["open"], filed["conditions"], filed["h2"]}

    people = staff(b, "b")
    receipt = sharing.import_package(b, people.analyst, A_NODE, document, filename="p.json")
    assert receipt.quarantined == 0, [i.reason for i in receipt.items]
    assert receipt.package_signature == "valid"

    received = {row.title: row for row in _b_reports(b)}
    assert set(received) == {"Boat loading at night", "Fees paid in cash",
                             "Departure planned for Friday"}  # fmt: skip
    for row in received.values():
        assert row.status == "submitted"  # an analyst evaluates it like any other report
        assert row.origin_node == A_NODE
        assert row.author_id == people.analyst.user_id and row.agency_id == IMMIGRATION
    conditions = received["Fees paid in cash"]
    assert (conditions.handling, conditions.handling_conditions) == (
        "uk-3x5x2:C", "not to immigration authorities of the destination",
    )  # fmt: skip
    assert conditions.restrictive and conditions.tlp == "AMBER+STRICT"
    assert (conditions.grading_scheme, conditions.reliability, conditions.credibility) == (
        "uk-3x5x2", "2", "B",
    )  # fmt: skip
    h2 = received["Departure planned for Friday"]
    assert (h2.handling, h2.grading_scheme, h2.reliability, h2.credibility) == (
        "europol:H2", "europol", "B", "3",
    )  # fmt: skip

    # statements: exactly the dry run's allowed facts, dataset = A, origin = the received report
    sent = {item.label.split(": ", 1)[1] for item in dry_run.statements if item.allowed}
    stored = _b_statements(b)
    assert {f"{prop} = {value}" for prop, value, _, _ in stored} == sent
    assert "notes = the master looks scared" not in sent
    by_title = {row.title: row.id for row in received.values()}
    assert ("name", "Sea Star", A_NODE, by_title["Boat loading at night"]) in stored
    assert ("name", "Ocean Pearl", A_NODE, by_title["Departure planned for Friday"]) in stored

    # the inbox: the sender's grade and this node's reading of it
    inbox = sharing.read_inbox(b, people.supervisor)
    assert inbox.total == 3 and inbox.quarantined_total == 0
    shown = {item.title: item for item in inbox.reports}
    europol = shown["Departure planned for Friday"]
    assert europol.partner == A_NODE and europol.grading.scheme == "europol"
    assert europol.mapped is not None and europol.mapped.scheme == "admiralty"
    assert europol.sender_report == filed["h2"]


def test_re_importing_the_same_package_changes_nothing(
    workspace: Workspace, node_b: Workspace
) -> None:
    a, b = workspace, node_b
    link(a, b)
    _, (document, _) = _mixed(a)
    people = staff(b, "b")
    first = sharing.import_package(b, people.analyst, A_NODE, document)
    before = (_b_reports(b), _b_statements(b))
    again = sharing.import_package(b, people.analyst, A_NODE, document)
    assert again.items == () and again.unchanged == len(first.items) + first.unchanged
    assert (_b_reports(b), _b_statements(b)) == before
    with b.engine.connect() as connection:
        kept = connection.execute(
            select(func.count()).select_from(tables.received_objects)
        ).scalar_one()
    assert kept == len(first.items)


def test_objects_one_page_at_a_time_in_any_order_end_as_one_package(
    workspace: Workspace, node_b: Workspace
) -> None:
    a, b = workspace, node_b
    link(a, b)
    _, (document, _) = _mixed(a)
    objects = json.loads(document)["bundle"]["objects"]
    people = staff(b, "b")
    # a TAXII client pages; the entities come before their reports here
    for page in range(len(objects) - 1, -1, -3):
        sharing.receive_objects(b, people.analyst, A_NODE, objects[max(0, page - 2) : page + 1])
    paged = (_b_reports(b), _b_statements(b))
    with b.engine.connect() as connection:
        waiting = connection.execute(
            select(func.count())
            .select_from(tables.received_objects)
            .where(tables.received_objects.c.outcome == "waiting")
        ).scalar_one()
    assert waiting == 0
    assert len(paged[0]) == 3
    assert {prop for prop, *_ in paged[1]} == {"name"}
    assert all(origin.startswith("RX-") for *_, origin in paged[1])


def test_a_tampered_object_and_an_unknown_key_are_quarantined_with_the_reason(
    workspace: Workspace, node_b: Workspace
) -> None:
    a, b = workspace, node_b
    link(a, b)
    _, (document, _) = _mixed(a)
    data = json.loads(document)
    report = next(o for o in data["bundle"]["objects"] if "loading" in str(o.get("name")))
    report["name"] = "Boat loading at noon"
    stranger = NodeKeys(a.settings.data_dir / "stranger")
    stranger.create()
    entities = [o for o in data["bundle"]["objects"] if o["type"] == "x-portintel-vessel"]
    forged = sign_object(entities[0], SIGNATURE, stranger.sign)
    unsigned = {k: v for k, v in entities[1].items() if k != "extensions"}
    data["bundle"]["objects"] = [
        o for o in data["bundle"]["objects"] if o["id"] not in {e["id"] for e in entities}
    ] + [forged, unsigned]
    people = staff(b, "b")
    receipt = sharing.import_package(b, people.analyst, A_NODE, json.dumps(data))
    assert receipt.package_signature is not None and "altered" in receipt.package_signature
    reasons = {
        item.stix_id: item.reason for item in receipt.items if item.outcome.value == "quarantined"
    }
    assert set(reasons) == {report["id"], forged["id"], unsigned["id"]}
    assert "altered or damaged" in str(reasons[report["id"]])
    assert "unknown key" in str(reasons[forged["id"]])
    assert "not signed" in str(reasons[unsigned["id"]])
    titles = [row.title for row in _b_reports(b)]
    assert "Boat loading at noon" not in titles and "Boat loading at night" not in titles
    assert {"Sea Star", "Ocean Pearl"}.isdisjoint({v for _, v, *_ in _b_statements(b)})
    # the inbox names them to supervisors, counts them to analysts
    inbox = sharing.read_inbox(b, people.supervisor)
    assert {q.stix_id: q.reason for q in inbox.quarantined} == reasons
    assert sharing.read_inbox(b, people.analyst).quarantined == ()
    assert sharing.read_inbox(b, people.analyst).quarantined_total == 3


def _next_version(obj: dict[str, Any], signer: NodeKeys, **changes: object) -> dict[str, Any]:
    later = timestamp(parse_timestamp(str(obj["modified"])) + timedelta(hours=1))
    return sign_object(obj | {"modified": later} | changes, SIGNATURE, signer.sign)


def test_a_newer_version_replaces_and_a_revocation_withdraws(
    workspace: Workspace, node_b: Workspace
) -> None:
    a, b = workspace, node_b
    link(a, b)
    filed, (document, _) = _mixed(a)
    objects = json.loads(document)["bundle"]["objects"]
    people = staff(b, "b")
    sharing.import_package(b, people.analyst, A_NODE, document)
    signer = NodeKeys(a.settings.data_dir)
    report = next(o for o in objects if o["type"] == "report" and "loading" in o["name"])
    local = local_report_id(sharing.get_partner(b, SYSTEM, A_NODE).id, report["id"])

    newer = _next_version(report, signer, name="Boat loading at dawn")
    receipt = sharing.receive_objects(b, people.analyst, A_NODE, [newer])
    assert [i.outcome.value for i in receipt.items] == ["imported"]
    assert reports.get_report(b, people.supervisor, local).title == "Boat loading at dawn"
    # the older version again: nothing changes
    assert sharing.receive_objects(b, people.analyst, A_NODE, [report]).unchanged == 1
    assert reports.get_report(b, people.supervisor, local).title == "Boat loading at dawn"

    revoked = _next_version(newer, signer, revoked=True)
    receipt = sharing.receive_objects(b, people.analyst, A_NODE, [revoked])
    assert [i.outcome.value for i in receipt.items] == ["withdrawn"]
    assert reports.get_report(b, people.supervisor, local).status == "archived"
    assert not any(origin == local for *_, origin in _b_statements(b))

    vessel = next(o for o in objects if o["type"] == "x-portintel-vessel" and "Ocean" in o["name"])
    sharing.receive_objects(
        b, people.analyst, A_NODE, [_next_version(vessel, signer, revoked=True)]
    )
    assert "Ocean Pearl" not in {v for _, v, *_ in _b_statements(b)}
    assert filed  # the reports A filed stay A's


def test_after_the_partner_rotates_its_key_old_objects_still_verify(
    workspace: Workspace, node_b: Workspace
) -> None:
    a, b = workspace, node_b
    link(a, b)
    _, (document, _) = _mixed(a)
    new_key = sharing.rotate_node_key(a, SYSTEM).current
    assert new_key is not None
    sharing.replace_partner_key(b, SYSTEM, A_NODE, new_key.public_key)
    people = staff(b, "b")
    receipt = sharing.import_package(b, people.analyst, A_NODE, document)
    assert receipt.quarantined == 0 and len(_b_reports(b)) == 3
    with pytest.raises(PermissionDenied):
        sharing.replace_partner_key(b, people.analyst, A_NODE, new_key.public_key)


def test_a_received_h2_report_does_not_go_onwards(workspace: Workspace, node_b: Workspace) -> None:
    a, b = workspace, node_b
    link(a, b)
    filed, (document, _) = _mixed(a)
    people = staff(b, "b")
    sharing.import_package(b, people.analyst, A_NODE, document)
    sharing.add_partner(b, SYSTEM, name="TH-PIU-RNG", kind="PIU", country="TH")
    sharing.add_agreement(
        b, SYSTEM, "TH-PIU-RNG",
        handling_codes=["europol:H2", "uk-3x5x2:P", "uk-3x5x2:C"],
        tlp_levels=["GREEN", "AMBER+STRICT"], categories=["reports", "entities"],
    )  # fmt: skip
    partner_id = sharing.get_partner(b, SYSTEM, A_NODE).id
    objects = json.loads(document)["bundle"]["objects"]
    ids = {
        o["name"]: local_report_id(partner_id, o["id"]) for o in objects if o["type"] == "report"
    }
    for local in ids.values():
        reports.evaluate_report(b, people.supervisor, local)
    preview = sharing.preview_share(b, people.analyst, "TH-PIU-RNG", sorted(ids.values()))
    decided = {item.id: {r.code for r in item.reasons} for item in preview.reports}
    assert decided[ids["Departure planned for Friday"]] == {"received"}
    assert decided[ids["Fees paid in cash"]] == {"received"}
    assert decided[ids["Boat loading at night"]] == set()
    assert filed


def test_who_may_import_and_bad_files(workspace: Workspace, node_b: Workspace) -> None:
    a, b = workspace, node_b
    link(a, b)
    officer = make_user(b, "bo", MARITIME, Role.OFFICER)
    with pytest.raises(PermissionDenied):
        sharing.import_package(b, officer, A_NODE, "{}")
    analyst = make_user(b, "ba", IMMIGRATION, Role.ANALYST)
    with pytest.raises(InvalidInput, match="not JSON"):
        sharing.import_package(b, analyst, A_NODE, "{broken", filename="x.json")
    with pytest.raises(InvalidInput, match="no STIX bundle"):
        sharing.import_package(b, analyst, A_NODE, json.dumps({"format": "x"}))
    receipt = sharing.receive_objects(b, analyst, A_NODE, ["not an object", {"id": 3}])
    assert [i.outcome.value for i in receipt.items] == ["quarantined", "quarantined"]
    assert "not a STIX object" in str(receipt.items[0].reason)


def test_what_an_unregistered_key_signed_goes_in_once_the_key_is_registered(
    workspace: Workspace, node_b: Workspace
) -> None:
    a, b = workspace, node_b
    link(a, b)
    _, (document, _) = _mixed(a)
    # B still holds A's key from before A rotated: A's new objects are of an unknown key
    old = sharing.node_identity(a).current
    assert old is not None
    new_key = sharing.rotate_node_key(a, SYSTEM).current
    assert new_key is not None
    data = json.loads(document)
    signer = NodeKeys(a.settings.data_dir)
    data["bundle"]["objects"] = [
        sign_object(o, SIGNATURE, signer.sign) if SIGNATURE in o.get("extensions", {}) else o
        for o in data["bundle"]["objects"]
    ]
    people = staff(b, "b")
    first = sharing.import_package(b, people.analyst, A_NODE, json.dumps(data))
    assert first.imported == 0 and first.quarantined > 0
    assert all(
        "unknown key" in str(i.reason) for i in first.items if i.reason and "key" in i.reason
    )
    again = sharing.import_package(b, people.analyst, A_NODE, json.dumps(data))
    assert again.items == ()  # the same reason still holds: nothing new
    sharing.replace_partner_key(b, SYSTEM, A_NODE, new_key.public_key)
    released = sharing.import_package(b, people.analyst, A_NODE, json.dumps(data))
    assert released.quarantined == 0 and len(_b_reports(b)) == 3
    assert sharing.read_inbox(b, people.supervisor).quarantined_total == 0
    assert old.fingerprint != new_key.fingerprint
