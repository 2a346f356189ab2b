"""Dissemination through the real services: requested, approved by another, sent as the dry run."""

from __future__ import annotations

import json
import re

import pytest
from sqlalchemy import select
from stix2validator import validate_parsed_json

from portintel.adapters.database import tables
from portintel.adapters.node_keys import NodeKeys
from portintel.adapters.vocabularies import (
    load_grading_schemes,
    load_handling,
    load_stix_vocabulary,
)
from portintel.domain.actors import SYSTEM, Role
from portintel.domain.sharing.stix import BundleReader
from portintel.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from portintel.services import sharing
from portintel.services.intake import reports
from portintel.services.workspace import Workspace
from tests.domain.sharing.stix.conftest import STRICT
from tests.services.sharing.test_preview import INFORMANT, _file
from tests.services.staff import IMMIGRATION, make_user


def _partners(ws: Workspace) -> None:
    sharing.init_node(ws, SYSTEM)
    for name, country in (("KH-CAU", "KH"), ("ID-PIU-BLW", "ID")):
        sharing.add_partner(ws, SYSTEM, name=name, kind="PIU", country=country)
        sharing.add_agreement(
            ws,
            SYSTEM,
            name,
            handling_codes=["uk-3x5x2:P"],
            tlp_levels=["GREEN"],
            categories=["reports", "entities"],
        )


def strict_problems(bundle: object) -> list[str]:
    result = validate_parsed_json(bundle, STRICT)
    results = result if isinstance(result, list) else [result]
    return [str(m) for item in results for m in (*item.errors, *item.warnings)]


def test_an_approved_dissemination_sends_the_dry_run_signed(workspace: Workspace) -> None:
    filed = _file(workspace)
    _partners(workspace)
    analyst = make_user(workspace, "ana", IMMIGRATION, Role.ANALYST)
    boss = make_user(workspace, "bea", IMMIGRATION, Role.SUPERVISOR)
    selected = [filed["shared"], filed["pending"]]
    dry_run = sharing.preview_share(workspace, analyst, "KH-CAU", selected)

    dissemination = sharing.request_dissemination(workspace, analyst, "KH-CAU", selected)
    assert sharing.get_dissemination(workspace, analyst, dissemination).package is None
    with pytest.raises(PermissionDenied):
        sharing.approve_dissemination(workspace, analyst, dissemination)
    package_id = sharing.approve_dissemination(workspace, boss, dissemination)
    with pytest.raises(Conflict):
        sharing.approve_dissemination(workspace, boss, dissemination)

    view = sharing.get_dissemination(workspace, boss, dissemination)
    assert view.status is sharing.DisseminationStatus.APPROVED
    assert view.requested_by == "ana" and view.approved_by == "bea"
    assert view.reports == tuple(sorted(selected))
    assert view.package is not None and view.package.id == package_id
    assert view.package.reports == tuple(i.id for i in dry_run.reports if i.allowed)
    assert view.package.statements == sum(i.allowed for i in dry_run.statements)

    # the report is disseminated by the approval, and names its recipient
    assert reports.get_report(workspace, boss, filed["shared"]).status == "disseminated"
    assert reports.get_report(workspace, boss, filed["pending"]).status == "submitted"
    recipients = sharing.report_recipients(workspace, boss, filed["shared"])
    assert [(r.partner, r.package_id) for r in recipients] == [("KH-CAU", package_id)]

    # the file: strict-valid STIX, signed by this node, naming no one and nothing internal
    document = sharing.package_file(workspace, boss, package_id)
    bundle = json.loads(document)["bundle"]
    assert strict_problems(bundle) == []
    assert sharing.verify_package(workspace, document).signer == "this node"
    for secret in (INFORMANT, "KH-CAU", "ID-PIU-BLW", "ana", "bea", "oscar", "FALCON"):
        # as a word: a short name may occur by chance inside a hex id or the base64 signature
        word = re.compile(rf"(?<![A-Za-z0-9+/=]){re.escape(secret)}(?![A-Za-z0-9+/=])")
        assert not word.search(document), secret
    received = BundleReader(
        load_stix_vocabulary(), load_grading_schemes(), load_handling(), "admiralty"
    ).read(bundle)
    assert [r.title for r in received.reports] == ["Boat loading at night"]
    assert {(s.prop, s.value) for s in received.statements} == {("name", "Sea Star")}

    # acknowledgement and feedback, audited
    sharing.acknowledge_package(workspace, analyst, package_id)
    with pytest.raises(Conflict):
        sharing.acknowledge_package(workspace, analyst, package_id)
    sharing.record_feedback(workspace, analyst, package_id, "used in operation TIDE")
    package = sharing.get_dissemination(workspace, analyst, dissemination).package
    assert package is not None and package.acknowledged_at is not None
    assert [text for _, text in package.feedback] == ["used in operation TIDE"]
    with workspace.engine.connect() as connection:
        actions = set(connection.execute(select(tables.audit_log.c.action)).scalars())
    assert {
        "share.requested",
        "share.approved",
        "report.disseminate",
        "share.exported",
        "share.acknowledged",
        "share.feedback",
    } <= actions


def test_a_second_recipient_is_not_named_to_the_first(workspace: Workspace) -> None:
    filed = _file(workspace)
    _partners(workspace)
    analyst = make_user(workspace, "ana", IMMIGRATION, Role.ANALYST)
    boss = make_user(workspace, "bea", IMMIGRATION, Role.SUPERVISOR)
    packages = []
    for partner in ("KH-CAU", "ID-PIU-BLW"):
        request = sharing.request_dissemination(workspace, analyst, partner, [filed["shared"]])
        packages.append(sharing.approve_dissemination(workspace, boss, request))
    names = [r.partner for r in sharing.report_recipients(workspace, boss, filed["shared"])]
    assert sorted(names) == ["ID-PIU-BLW", "KH-CAU"]
    first, second = (sharing.package_file(workspace, boss, p) for p in packages)
    ids = [{o["id"] for o in json.loads(d)["bundle"]["objects"]} for d in (first, second)]
    assert ids[0] == ids[1]  # the same intelligence; only the version may differ
    assert "ID-PIU-BLW" not in first and "KH-CAU" not in second


def test_nothing_allowed_is_refused_and_so_is_a_reader_without_intelligence(
    workspace: Workspace,
) -> None:
    filed = _file(workspace)
    _partners(workspace)
    analyst = make_user(workspace, "ana", IMMIGRATION, Role.ANALYST)
    with pytest.raises(InvalidInput, match="nothing of this may go"):
        sharing.request_dissemination(workspace, analyst, "KH-CAU", [filed["pending"]])
    with pytest.raises(InvalidInput, match="at least one report"):
        sharing.request_dissemination(workspace, analyst, "KH-CAU", [])
    admin = make_user(workspace, "ada", IMMIGRATION, Role.ADMINISTRATOR)
    with pytest.raises(PermissionDenied):
        sharing.request_dissemination(workspace, admin, "KH-CAU", [filed["shared"]])
    request = sharing.request_dissemination(workspace, analyst, "KH-CAU", [filed["shared"]])
    with pytest.raises(PermissionDenied, match="supervisor"):
        sharing.approve_dissemination(workspace, analyst, request)
    # another analyst does not see it; a supervisor does
    other = make_user(workspace, "ali", IMMIGRATION, Role.ANALYST)
    assert sharing.list_disseminations(workspace, other) == []
    with pytest.raises(NotFound):
        sharing.get_dissemination(workspace, other, request)
    boss = make_user(workspace, "bea", IMMIGRATION, Role.SUPERVISOR)
    assert [d.id for d in sharing.list_disseminations(workspace, boss)] == [request]
    package = sharing.approve_dissemination(workspace, boss, request)
    with pytest.raises(NotFound):
        sharing.record_feedback(workspace, other, package, "used")


def _tamper(document: str) -> str:
    data = json.loads(document)
    report = next(o for o in data["bundle"]["objects"] if o["type"] == "report")
    report["name"] = "Boat loading at noon"
    return json.dumps(data)


def test_a_tampered_package_or_an_unknown_key_is_refused(
    workspace: Workspace, tmp_path: object
) -> None:
    filed = _file(workspace)
    _partners(workspace)
    analyst = make_user(workspace, "ana", IMMIGRATION, Role.ANALYST)
    boss = make_user(workspace, "bea", IMMIGRATION, Role.SUPERVISOR)
    request = sharing.request_dissemination(workspace, analyst, "KH-CAU", [filed["shared"]])
    document = sharing.package_file(
        workspace, boss, sharing.approve_dissemination(workspace, boss, request)
    )
    with pytest.raises(InvalidInput, match="altered or damaged"):
        sharing.verify_package(workspace, _tamper(document))
    # signed by a key nobody registered
    stranger = NodeKeys(workspace.settings.data_dir / "stranger")
    stranger.create()
    data = json.loads(document)
    from portintel.domain.sharing.stix import bundle_text

    fingerprint, signature = stranger.sign(bundle_text(data["bundle"]).encode("utf-8"))
    import base64

    data["signature"] = {
        "algorithm": "ed25519",
        "fingerprint": fingerprint,
        "value": base64.b64encode(signature).decode("ascii"),
    }
    with pytest.raises(InvalidInput, match="unknown key"):
        sharing.verify_package(workspace, json.dumps(data))
    with pytest.raises(InvalidInput, match="not JSON"):
        sharing.verify_package(workspace, "{broken")
    # after rotation the old key still verifies what it signed
    sharing.rotate_node_key(workspace, SYSTEM)
    assert sharing.verify_package(workspace, document).signer == "this node"
