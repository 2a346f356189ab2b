"""The dry run through the real services: what goes, what stays and why, and nothing else."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from portintel.adapters.database import tables
from portintel.domain.actors import SYSTEM, Role
from portintel.domain.reports import FactDraft, ReportDraft
from portintel.errors import NotFound, PermissionDenied
from portintel.services import sharing
from portintel.services.intake import reports, sources
from portintel.services.workspace import Workspace
from tests.services.staff import IMMIGRATION, MARITIME, make_user

INFORMANT = "Informant real name zq4711"


def _file(ws: Workspace) -> dict[str, str]:
    officer = make_user(ws, "oscar", IMMIGRATION, Role.OFFICER)
    handler = make_user(ws, "hana", IMMIGRATION, Role.SOURCE_HANDLER)
    supervisor = make_user(ws, "sam", IMMIGRATION, Role.SUPERVISOR)
    source = sources.create_source(
        ws, handler, kind="informant", reference="FALCON", reliability="B",
        protected_identity=INFORMANT,
    )  # fmt: skip
    facts = (
        FactDraft("boat", "Vessel", "name", "Sea Star"),
        FactDraft("boat", "Vessel", "notes", "handler thinks the master is scared"),
    )
    shared = reports.create_report(
        ws,
        officer,
        ReportDraft(
            title="Boat loading at night",
            text="A boat loads people at the pier.",
            credibility="2",
            handling="uk-3x5x2:P",
            source_id=source,
            facts=facts,
            extract=False,
        ),
        submit=True,
    )
    reports.evaluate_report(ws, supervisor, shared)
    pending = reports.create_report(
        ws,
        officer,
        ReportDraft(
            title="Rumour of a departure",
            text="Someone said a boat leaves soon.",
            credibility="3",
            reliability="C",
            handling="uk-3x5x2:C",
            handling_conditions="not to immigration authorities of the destination",
            extract=False,
        ),
        submit=True,
    )
    return {"shared": shared, "pending": pending, "supervisor": supervisor.user_id}


def test_the_dry_run_says_what_goes_and_why_the_rest_stays(workspace: Workspace) -> None:
    filed = _file(workspace)
    sharing.add_partner(workspace, SYSTEM, name="KH-CAU", kind="CAU", country="KH")
    sharing.add_agreement(
        workspace,
        SYSTEM,
        "KH-CAU",
        handling_codes=["uk-3x5x2:P"],
        tlp_levels=["GREEN"],
        categories=["reports", "entities"],
    )
    preview = sharing.preview_share(
        workspace, SYSTEM, "KH-CAU", [filed["shared"], filed["pending"]]
    )
    by_id = {item.id: item for item in preview.reports}
    assert by_id[filed["shared"]].allowed
    pending = by_id[filed["pending"]]
    assert not pending.allowed
    assert {reason.code for reason in pending.reasons} == {"status", "handling", "tlp"}
    statements = {item.label.split(": ", 1)[1]: item for item in preview.statements}
    assert statements["name = Sea Star"].allowed
    assert [r.code for r in statements["notes = handler thinks the master is scared"].reasons] == [
        "never"
    ]
    assert all(item.agrees for item in preview.items)
    assert {field for field, _ in preview.sanitised} >= {"source", "author", "recipients"}
    assert INFORMANT not in repr(preview)
    assert "oscar" not in repr(preview).lower()
    with workspace.engine.connect() as connection:
        actions = list(connection.execute(select(tables.audit_log.c.action)).scalars())
    assert actions[-1] == "share.preview"


def test_without_an_agreement_nothing_goes(workspace: Workspace) -> None:
    filed = _file(workspace)
    sharing.add_partner(workspace, SYSTEM, name="TH-PIU-RNG", kind="PIU", country="TH")
    preview = sharing.preview_share(workspace, SYSTEM, "TH-PIU-RNG", [filed["shared"]])
    assert preview.agreement_id is None
    assert preview.items and not any(item.allowed for item in preview.items)
    assert all(
        [reason.code for reason in item.reasons] == ["no-agreement"] for item in preview.items
    )


def test_the_dry_run_lists_only_what_its_reader_may_read(workspace: Workspace) -> None:
    filed = _file(workspace)
    sharing.add_partner(workspace, SYSTEM, name="KH-CAU", kind="CAU", country="KH")
    stranger = make_user(workspace, "mia", MARITIME, Role.OFFICER)
    with pytest.raises(NotFound):
        sharing.preview_share(workspace, stranger, "KH-CAU", [filed["shared"]])
    assert sharing.preview_share(workspace, stranger, "KH-CAU").reports == ()
    admin = make_user(workspace, "ada", IMMIGRATION, Role.ADMINISTRATOR)
    with pytest.raises(PermissionDenied):
        sharing.preview_share(workspace, admin, "KH-CAU")
    with pytest.raises(NotFound):
        sharing.preview_share(workspace, SYSTEM, "NO-SUCH-NODE")


def test_a_partner_never_learns_of_other_partners_or_their_agreements(
    workspace: Workspace,
) -> None:
    filed = _file(workspace)
    for name in ("KH-CAU", "ID-PIU-BLW"):
        sharing.add_partner(workspace, SYSTEM, name=name, kind="PIU", country=name[:2])
    other = sharing.add_agreement(
        workspace,
        SYSTEM,
        "ID-PIU-BLW",
        handling_codes=["uk-3x5x2:P"],
        tlp_levels=["GREEN"],
        categories=["reports"],
    )
    preview = sharing.preview_share(workspace, SYSTEM, "KH-CAU", [filed["shared"]])
    text = repr(preview)
    assert "ID-PIU-BLW" not in text and other.id not in text
    assert preview.agreement_id is None
