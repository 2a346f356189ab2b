"""Products embed timelines and saved charts, read in the author's scope (#16).

A timeline of an entity or of a saved chart's entities (swim lanes, the
dated facts numbered and listed), and a saved chart drawn as its analyst
laid it out (positions, pinned, hidden, groups). Both keep their sources and
strictest handling; a saved chart the author may no longer open says so.
The PDF of a product with both prints its banner on every page and its
pictures render.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import insert

from portintel.adapters.database import tables
from portintel.domain.actors import Actor, Role
from portintel.domain.analysis.products import ItemKind, ItemSpec
from portintel.domain.analysis.saved import Group, Layout, Position
from portintel.domain.reports import ReportDraft
from portintel.domain.statements import StatementRecord
from portintel.errors import InvalidInput, NotFound
from portintel.services import analysis
from portintel.services.analysis.product_items import SAVED_GONE, render_item
from portintel.services.events import transaction
from portintel.services.intake import reports
from portintel.services.intake.statements import write_statements
from portintel.services.workspace import Workspace
from tests.services.staff import IMMIGRATION, make_user

pytest.importorskip("weasyprint")
POPPLER = shutil.which("pdftotext") and shutil.which("pdftoppm")
MARCH = datetime(2026, 3, 4, tzinfo=UTC)
APRIL = datetime(2026, 4, 9, tzinfo=UTC)


def _report(ws: Workspace, author: Actor, title: str, handling: str) -> str:
    draft = ReportDraft(
        title=title, text="Boat landed at night.", credibility="2", reliability="B",
        handling=handling, extract=False, occurred_at=MARCH,
    )  # fmt: skip
    return reports.create_report(ws, author, draft, submit=True)


def _statement(entity: str, schema: str, prop: str, kind: str, value: str, origin: str):  # type: ignore[no-untyped-def]
    return StatementRecord(
        entity_id=entity, schema=schema, prop=prop, prop_type=kind, value=value,
        dataset="reports", origin=origin, first_seen=MARCH, last_seen=MARCH,
    )  # fmt: skip


@pytest.fixture
def world(workspace: Workspace) -> dict:
    analyst = make_user(workspace, "ana", IMMIGRATION, Role.ANALYST)
    colleague = make_user(workspace, "bea", IMMIGRATION, Role.ANALYST)
    supervisor = make_user(workspace, "sam", IMMIGRATION, Role.SUPERVISOR)
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
                _statement("p-kim", "Person", "name", "name", "Kim Dara", amber),
                _statement("fam-1", "Family", "person", "entity", "p-sok", amber),
                _statement("fam-1", "Family", "relative", "entity", "p-kim", amber),
            ],
        )
        connection.execute(
            insert(tables.incidents).values(
                id="inc-1", report_id=green, occurred_at=APRIL, kind="intercepted",
                latitude=9.96, longitude=98.6, migrants=40, minors=6, deaths=0, missing=0,
                nationalities={"MM": 40}, route="Kawthaung - Ranong", created_at=MARCH,
                vessel_entity_id="v-boat", place="off Ranong",
            )
        )  # fmt: skip
    return {
        "analyst": analyst, "colleague": colleague, "supervisor": supervisor,
        "amber": amber, "green": green,
    }  # fmt: skip


def _save(ws: Workspace, owner: Actor, layout: Layout, **sharing: object) -> str:
    draft = analysis.ChartDraft(
        name="Sok's network", root="p-sok", handling="tlp:AMBER", layout=layout,
        options=analysis.ChartOptions(hops=1), **sharing,  # type: ignore[arg-type]
    )  # fmt: skip
    return analysis.save_chart(ws, owner, draft).id


LAYOUT = Layout(
    positions={"p-sok": Position(0, 0), "v-boat": Position(400, 0), "p-kim": Position(200, 300)},
    pinned=("v-boat",),
    hidden=("p-kim",),
    groups=(Group("The boat crew", ("p-sok", "v-boat")),),
)


def _cx(svg: str, label: str) -> float:
    """The x of the dot drawn just before a node's label."""
    dot = r'<circle cx="([\d.]+)"[^>]*r="7"[^<]*<title>[^<]*</title></circle><text[^>]*>'
    found = re.search(dot + re.escape(label), svg)
    assert found, label
    return float(found.group(1))


def test_a_timeline_of_an_entity_keeps_its_facts_sources_and_handling(
    workspace: Workspace, world: dict
) -> None:
    analyst = world["analyst"]
    item = render_item(workspace, analyst, ItemSpec(ItemKind.TIMELINE, "The boat", "v-boat"))
    assert item.found and item.handling == "tlp:AMBER"  # the boat's name rests on AMBER
    assert set(item.sources) == {world["amber"], world["green"]}
    assert item.table[0] == ("No.", "Date", "Entity", "Kind", "What")
    facts = {row[4] for row in item.table[1:]}
    assert "Intercepted: 40 migrants, off Ranong (6 minors)" in facts
    assert "Owner of the boat" in facts
    assert all(row[2] == "KM Sinar Jaya" for row in item.table[1:])
    assert "<svg" in item.svg and "KM Sinar Jaya" in item.svg and "Incident" in item.svg
    # a window leaves out what is outside it
    march = ItemSpec(ItemKind.TIMELINE, "", "v-boat", since="2026-03-01", until="2026-03-31")
    assert "Intercepted" not in repr(render_item(workspace, analyst, march).table)
    with pytest.raises(InvalidInput):
        ItemSpec(ItemKind.TIMELINE, "", "v-boat", chart_id="chart-1").check()
    with pytest.raises(InvalidInput):
        ItemSpec(ItemKind.TIMELINE, "").check()


def test_a_timeline_of_a_saved_chart_has_a_lane_per_entity_not_hidden(
    workspace: Workspace, world: dict
) -> None:
    analyst = world["analyst"]
    chart = _save(workspace, analyst, LAYOUT)
    product = analysis.create_product(workspace, analyst, "network_profile", "Net", "tlp:GREEN")
    analysis.add_item(workspace, analyst, product, ItemSpec(ItemKind.TIMELINE, "", chart_id=chart))
    view = analysis.get_product(workspace, analyst, product)
    assert view.handling == "tlp:AMBER" and "figure 1 (timeline)" in (view.raised or "")
    figure = view.body[view.body.index('data-kind="timeline"') :]
    assert "Sok Chanthy" in figure and "KM Sinar Jaya" in figure
    assert "Kim Dara" not in figure  # hidden on the saved chart: no lane
    assert "2 entities" in figure and "Sok&#39;s network" in figure


def test_a_saved_chart_is_drawn_as_laid_out_and_keeps_its_handling(
    workspace: Workspace, world: dict
) -> None:
    analyst = world["analyst"]
    chart = _save(workspace, analyst, LAYOUT)
    item = render_item(workspace, analyst, ItemSpec(ItemKind.SAVED_CHART, "", chart_id=chart))
    assert item.found and item.handling == "tlp:AMBER" and world["amber"] in item.sources
    assert _cx(item.svg, "Sok Chanthy") < _cx(item.svg, "KM Sinar Jaya")
    assert 'class="pinned"' in item.svg and "The boat crew" in item.svg
    assert "Kim Dara" not in item.svg and "1 hidden by the analyst" in item.note
    mirrored = Layout(
        positions={"p-sok": Position(400, 0), "v-boat": Position(0, 0)}, hidden=("p-kim",)
    )
    other = _save(workspace, analyst, mirrored)
    svg = render_item(workspace, analyst, ItemSpec(ItemKind.SAVED_CHART, "", chart_id=other)).svg
    assert _cx(svg, "Sok Chanthy") > _cx(svg, "KM Sinar Jaya")
    assert 'class="pinned"' not in svg


def test_a_saved_chart_no_longer_shared_says_so_instead_of_drawing(
    workspace: Workspace, world: dict
) -> None:
    analyst, colleague = world["analyst"], world["colleague"]
    chart = _save(workspace, analyst, LAYOUT, shared_with=["bea"])
    product = analysis.create_product(workspace, colleague, "target_profile", "Sok", "tlp:AMBER")
    spec = ItemSpec(ItemKind.SAVED_CHART, "Network", chart_id=chart)
    analysis.add_item(workspace, colleague, product, spec)
    analysis.add_item(
        workspace, colleague, product, ItemSpec(ItemKind.TIMELINE, "", chart_id=chart)
    )
    assert "Sok Chanthy" in analysis.get_product(workspace, colleague, product).body
    analysis.update_chart(workspace, analyst, chart, analysis.ChartDraft(shared_with=[]))
    body = analysis.get_product(workspace, colleague, product).body
    assert body.count("item-not-drawn") == 2 and "no longer one the author may open" in body
    assert "Sok Chanthy" not in body and "KM Sinar Jaya" not in body
    with pytest.raises(NotFound, match="saved chart"):  # refused now, not embedded empty
        analysis.add_item(workspace, colleague, product, spec)
    assert SAVED_GONE.split(":")[0] in body


@pytest.mark.skipif(not POPPLER, reason="poppler-utils is not installed")
def test_the_pdf_prints_a_timeline_and_a_saved_chart_under_the_banner(
    workspace: Workspace, world: dict, tmp_path: Path
) -> None:
    analyst, supervisor = world["analyst"], world["supervisor"]
    chart = _save(workspace, analyst, LAYOUT)
    product = analysis.create_product(
        workspace, analyst, "target_profile", "The owner of KM Sinar Jaya", "tlp:GREEN"
    )
    analysis.add_item(
        workspace, analyst, product, ItemSpec(ItemKind.TIMELINE, "The boat's year", "v-boat")
    )
    analysis.add_item(
        workspace, analyst, product, ItemSpec(ItemKind.SAVED_CHART, "As laid out", chart_id=chart)
    )
    raised = analysis.get_product(workspace, analyst, product).raised or ""
    assert "figure 1 (timeline), figure 2 (saved chart) rest on" in raised
    analysis.submit_product(workspace, analyst, product)
    analysis.approve_product(workspace, supervisor, product)
    name, pdf = analysis.product_pdf(workspace, analyst, product)
    path = tmp_path / name
    path.write_bytes(pdf)
    text = subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], check=True, capture_output=True, text=True
    ).stdout
    pages = [page for page in text.split("\f") if page.strip()]
    assert len(pages) >= 3
    for number, page in enumerate(pages, start=1):
        assert "TLP:AMBER" in page, number
        assert f"page {number} of {len(pages)}" in page
    words = " ".join(text.split())
    assert "Figure 1. Timeline: The boat's year" in words
    assert "Figure 2. Saved chart: As laid out" in words
    assert "Intercepted: 40 migrants" in words and "The boat crew" in words
    assert "Sok Chanthy" in words and "Kim Dara" not in words
    subprocess.run(["pdftoppm", "-r", "40", "-gray", str(path), str(tmp_path / "p")], check=True)
    rendered = sorted(tmp_path.glob("p-*.pgm"))
    assert len(rendered) == len(pages)
    for image in rendered:
        data = image.read_bytes()
        pixels = data[data.index(b"\n255\n") + 5 :]
        assert any(value < 128 for value in pixels), image.name
