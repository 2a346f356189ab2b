"""Products: a threat assessment with a chart, a map and statistics; handling; approval; PDF."""

from __future__ import annotations

import shutil
import subprocess
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import insert, select

from portintel.adapters.database import tables
from portintel.domain.actors import Actor, Role
from portintel.domain.analysis.products import ItemKind, ItemSpec, ProductStatus
from portintel.domain.reports import ReportDraft
from portintel.domain.statements import StatementRecord
from portintel.errors import Conflict, NotFound, PermissionDenied
from portintel.services import analysis
from portintel.services.events import transaction
from portintel.services.intake import reports
from portintel.services.intake.statements import write_statements
from portintel.services.workspace import Workspace
from tests.services.staff import IMMIGRATION, MARITIME, make_user

pytest.importorskip("weasyprint")
POPPLER = shutil.which("pdftotext") and shutil.which("pdftoppm")
MARCH = datetime(2026, 3, 4, tzinfo=UTC)


def _report(ws: Workspace, author: Actor, title: str, handling: str) -> str:
    draft = ReportDraft(
        title=title, text="Boat landed at night.", credibility="2", reliability="B",
        handling=handling, extract=False,
    )  # fmt: skip
    return reports.create_report(ws, author, draft, submit=True)


def _statement(entity: str, schema: str, prop: str, kind: str, value: str, origin: str):  # type: ignore[no-untyped-def]
    return StatementRecord(
        entity_id=entity, schema=schema, prop=prop, prop_type=kind, value=value,
        dataset="reports", origin=origin, first_seen=MARCH, last_seen=MARCH,
    )  # fmt: skip


@pytest.fixture
def world(workspace: Workspace) -> dict[str, object]:
    analyst = make_user(workspace, "ana", IMMIGRATION, Role.ANALYST)
    supervisor = make_user(workspace, "sam", IMMIGRATION, Role.SUPERVISOR)
    outsider = make_user(workspace, "otto", MARITIME, Role.ANALYST)
    amber = _report(workspace, analyst, "Owner of the boat", "tlp:AMBER")
    green = _report(workspace, analyst, "Landing at Ranong", "tlp:GREEN")
    with transaction(workspace) as connection:
        write_statements(
            connection,
            [
                _statement("p-sok", "Person", "name", "name", "Sok Chanthy", amber),
                _statement("v-boat", "Vessel", "name", "name", "KM Sinar Jaya", amber),
                _statement("own-1", "Ownership", "owner", "entity", "p-sok", amber),
                _statement("own-1", "Ownership", "asset", "entity", "v-boat", amber),
            ],
        )
        connection.execute(
            insert(tables.incidents).values(
                id="inc-1", report_id=green, occurred_at=MARCH, kind="intercepted",
                latitude=9.96, longitude=98.6, migrants=40, minors=6, deaths=0, missing=0,
                nationalities={"MM": 40}, route="Kawthaung - Ranong", created_at=MARCH,
            )
        )  # fmt: skip
    return {"analyst": analyst, "supervisor": supervisor, "outsider": outsider,
            "amber": amber, "green": green}  # fmt: skip


def _assessment(ws: Workspace, analyst: Actor) -> str:
    product = analysis.create_product(
        ws, analyst, "threat_assessment", "Smuggling by sea, Andaman coast", "tlp:GREEN"
    )
    analysis.update_product(
        ws, analyst, product, title="Smuggling by sea, Andaman coast", handling="tlp:GREEN",
        texts=["Boats leave Kawthaung weekly.", "The threat grows.", "Ranong.", "Up.", "Patrol."],
    )  # fmt: skip
    analysis.add_item(ws, analyst, product, ItemSpec(ItemKind.CHART, "The owner", "p-sok", 1))
    analysis.add_item(ws, analyst, product, ItemSpec(ItemKind.MAP, "Landings in March"))
    analysis.add_item(ws, analyst, product, ItemSpec(ItemKind.STATISTICS, "By month"))
    return product


def test_the_handling_is_raised_to_the_strictest_embedded_and_says_why(
    workspace: Workspace, world: dict
) -> None:
    product = _assessment(workspace, world["analyst"])
    view = analysis.get_product(workspace, world["analyst"], product)
    assert view.chosen_handling == "tlp:GREEN" and view.handling == "tlp:AMBER"
    assert view.raised and "figure 1 (link chart)" in view.raised
    assert "Sok Chanthy" in view.body and "KM Sinar Jaya" in view.body
    assert world["amber"] in view.body and world["green"] in view.body  # the source annex
    assert "Computed within the scope of" in view.body
    assert "<svg" in view.body and "Kawthaung - Ranong" in view.body


def test_submit_approve_freezes_and_only_readers_of_the_handling_see_it(
    workspace: Workspace, world: dict
) -> None:
    analyst, supervisor, outsider = world["analyst"], world["supervisor"], world["outsider"]
    product = _assessment(workspace, analyst)
    with pytest.raises(NotFound):  # a draft: its author only
        analysis.get_product(workspace, supervisor, product)
    analysis.submit_product(workspace, analyst, product)
    with pytest.raises(Conflict):
        analysis.add_item(workspace, analyst, product, ItemSpec(ItemKind.MAP, "more"))
    with pytest.raises(PermissionDenied):
        analysis.approve_product(workspace, analyst, product)
    with pytest.raises(NotFound):  # nothing the author may read: refused, not drawn empty
        draft = analysis.create_product(workspace, analyst, "target_profile", "T", "tlp:GREEN")
        analysis.add_item(workspace, analyst, draft, ItemSpec(ItemKind.CHART, "", "nobody", 1))
    analysis.approve_product(workspace, supervisor, product)
    view = analysis.get_product(workspace, analyst, product)
    assert view.status is ProductStatus.APPROVED and view.approved_by == "Sam"
    # AMBER is not restrictive: another agency's analyst reads the approved product
    assert analysis.get_product(workspace, outsider, product).handling == "tlp:AMBER"
    assert [p.id for p in analysis.list_products(workspace, outsider)] == [product]
    with workspace.engine.connect() as connection:
        actions = set(
            connection.execute(
                select(tables.audit_log.c.action).where(tables.audit_log.c.object_id == product)
            ).scalars()
        )
    assert {"product.created", "product.submitted", "product.approved"} <= actions


def test_a_restrictive_product_stays_in_its_agency(workspace: Workspace, world: dict) -> None:
    analyst, supervisor, outsider = world["analyst"], world["supervisor"], world["outsider"]
    product = analysis.create_product(workspace, analyst, "intelligence_bulletin", "B", "tlp:RED")
    analysis.submit_product(workspace, analyst, product)
    analysis.approve_product(workspace, supervisor, product)
    with pytest.raises(NotFound):
        analysis.get_product(workspace, outsider, product)
    assert analysis.list_products(workspace, outsider) == []


@pytest.mark.skipif(not POPPLER, reason="poppler-utils is not installed")
def test_the_pdf_has_the_banner_on_every_page_and_renders(
    workspace: Workspace, world: dict, tmp_path: Path
) -> None:
    product = _assessment(workspace, world["analyst"])
    analysis.submit_product(workspace, world["analyst"], product)
    analysis.approve_product(workspace, world["supervisor"], product)
    name, pdf = analysis.product_pdf(workspace, world["analyst"], product)
    assert name.endswith(".pdf")
    path = tmp_path / name
    path.write_bytes(pdf)
    pages = subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], check=True, capture_output=True, text=True
    ).stdout.split("\f")
    pages = [page for page in pages if page.strip()]
    assert len(pages) >= 3  # cover, body, annex
    for number, page in enumerate(pages, start=1):
        assert "TLP:AMBER" in page, number
        assert f"page {number} of {len(pages)}" in page
    assert "Smuggling by sea" in pages[0] and "Annex: sources" in "".join(pages)
    subprocess.run(["pdftoppm", "-r", "30", "-png", str(path), str(tmp_path / "p")], check=True)
    assert len(list(tmp_path.glob("p-*.png"))) == len(pages)


def test_labels_in_the_drawings_are_escaped(workspace: Workspace, world: dict) -> None:
    hostile = "<img src=x onerror=alert(1)>"
    with transaction(workspace) as connection:
        write_statements(
            connection, [_statement("p-sok", "Person", "alias", "name", hostile, world["amber"])]
        )
        connection.execute(
            insert(tables.incidents).values(
                id="inc-2", report_id=world["green"], occurred_at=MARCH, kind="intercepted",
                latitude=9.9, longitude=98.5, migrants=3, minors=0, deaths=0, missing=0,
                nationalities={}, route=hostile, created_at=MARCH,
            )
        )  # fmt: skip
    product = _assessment(workspace, world["analyst"])
    body = analysis.get_product(workspace, world["analyst"], product).body
    assert hostile not in body and "&lt;img src=x onerror=alert(1)&gt;" in body
