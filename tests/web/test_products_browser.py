"""A threat assessment in headless Chromium: written, embedded, approved, printed (#16).

An analyst writes a threat assessment from its template, embeds the link
chart of a facilitator (resting on an AMBER report) and the map of
incidents, and chooses GREEN: the page says the handling is raised to AMBER.
A supervisor approves. The PDF carries the AMBER banner on every page
(pdftotext, page by page) and its pages render (pdftoppm).
"""

from __future__ import annotations

import shutil
import subprocess
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import insert, select

from portintel.adapters.database import tables
from portintel.domain.reports import ReportDraft
from portintel.domain.statements import StatementRecord
from portintel.services import admin
from portintel.services.events import transaction
from portintel.services.intake import reports
from portintel.services.intake.statements import write_statements
from tests.web.test_browser import (  # noqa: F401 (fixtures)
    LiveServer,
    _log_in,
    _page,
    browser,
    live_server,
)

pytestmark = pytest.mark.browser
pytest.importorskip("weasyprint")
MARCH = datetime(2026, 3, 4, tzinfo=UTC)


def _seed(server: LiveServer) -> None:
    ws = server.workspace
    with ws.engine.connect() as connection:
        ana_id = connection.execute(
            select(tables.users.c.id).where(tables.users.c.username == "ana")
        ).scalar_one()
    ana = admin.get_actor(ws, ana_id)

    def report(title: str, handling: str) -> str:
        draft = ReportDraft(
            title=title, text="Seen at the pier.", credibility="2", reliability="B",
            handling=handling, extract=False,
        )  # fmt: skip
        return reports.create_report(ws, ana, draft, submit=True)

    amber, green = report("Owner of the boat", "tlp:AMBER"), report("Landing", "tlp:GREEN")

    def fact(entity: str, schema: str, prop: str, kind: str, value: str) -> StatementRecord:
        return StatementRecord(
            entity_id=entity, schema=schema, prop=prop, prop_type=kind, value=value,
            dataset="reports", origin=amber, first_seen=MARCH, last_seen=MARCH,
        )  # fmt: skip

    with transaction(ws) as connection:
        write_statements(
            connection,
            [
                fact("p-sok", "Person", "name", "name", "Sok Chanthy"),
                fact("v-boat", "Vessel", "name", "name", "KM Sinar Jaya"),
                fact("own-1", "Ownership", "owner", "entity", "p-sok"),
                fact("own-1", "Ownership", "asset", "entity", "v-boat"),
            ],
        )
        connection.execute(
            insert(tables.incidents),
            [
                {
                    "id": f"inc-{n}", "report_id": green, "occurred_at": MARCH,
                    "kind": "intercepted", "latitude": 9.9 + n / 10, "longitude": 98.5,
                    "migrants": 30 + n, "minors": 3, "deaths": 0, "missing": 0,
                    "nationalities": {"MM": 30 + n}, "route": "Kawthaung - Ranong",
                    "created_at": MARCH,
                }
                for n in range(3)
            ],
        )  # fmt: skip


def _pdftotext_pages(path: Path) -> list[str]:
    text = subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], check=True, capture_output=True, text=True
    ).stdout
    return [page for page in text.split("\f") if page.strip()]


@pytest.mark.skipif(not shutil.which("pdftotext"), reason="poppler-utils is not installed")
def test_an_analyst_writes_a_threat_assessment_a_supervisor_approves_the_pdf_prints(
    browser: object,  # noqa: F811
    live_server: LiveServer,  # noqa: F811
    tmp_path: Path,
) -> None:
    _seed(live_server)
    page = _page(browser, live_server)
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    _log_in(page, live_server, "ana")
    page.click("nav >> text=Products")
    page.check("input[name=template][value=threat_assessment]")
    page.fill("#p-title", "Smuggling by sea on the Andaman coast")
    page.select_option("#p-handling", "tlp:GREEN")
    page.click("#new-product button[type=submit]")
    page.wait_for_selector("#product-text")
    product_url = page.url

    page.fill(
        "#section-1", "Boats leave Kawthaung weekly.\n\nThe owner of KM Sinar Jaya organises."
    )
    page.fill("#section-2", "The threat grows before the monsoon.")
    page.click("#product-text button[type=submit]")
    page.wait_for_selector("#product-text")
    assert page.input_value("#section-1").startswith("Boats leave Kawthaung")

    page.fill("#c-entity", "p-sok")
    page.select_option("#c-hops", "1")
    page.fill("#c-caption", "The facilitator and his boat")
    page.click("#add-chart button[type=submit]")
    page.wait_for_selector("#product-body figure[data-kind=chart]")
    page.fill("#m-caption", "Landings in March")
    page.click("#add-map button[type=submit]")
    page.wait_for_selector("#product-body figure[data-kind=map]")

    # the chart rests on an AMBER report: the product is raised from GREEN and says why
    assert "TLP:AMBER" in page.inner_text("#handling-banner")
    raised = page.inner_text("#handling-raised")
    assert "TLP:GREEN" in raised and "TLP:AMBER" in raised and "link chart" in raised
    body = page.inner_text("#product-body")
    assert "Sok Chanthy" in body and "KM Sinar Jaya" in body and "Annex: sources" in body
    assert (
        page.eval_on_selector_all("#product-body figure[data-kind=map] circle", "c => c.length")
        >= 3
    )

    page.click("#product-submit button")
    page.wait_for_selector("#product-status")
    assert "Submitted" in page.inner_text("#product-status")

    supervisor = _page(browser, live_server)
    _log_in(supervisor, live_server, "sam")
    supervisor.goto(product_url)
    supervisor.click("#product-approve button")
    supervisor.wait_for_selector("#product-status")
    assert "Approved" in supervisor.inner_text("#product-status")
    assert "approved by Sam" in supervisor.inner_text("#product-status")

    download = supervisor.request.get(product_url + "/pdf")
    assert download.status == 200 and download.headers["content-type"] == "application/pdf"
    pdf = tmp_path / "assessment.pdf"
    pdf.write_bytes(download.body())
    pages = _pdftotext_pages(pdf)
    assert len(pages) >= 3  # cover, the text with its figures, the source annex
    for number, text in enumerate(pages, start=1):
        assert "TLP:AMBER" in text, f"page {number} has no handling banner"
        assert f"page {number} of {len(pages)}" in text
    assert "Smuggling by sea on the Andaman coast" in pages[0]
    words = " ".join(" ".join(pages).split())
    assert "Annex: sources" in words and "Owner of the" in words
    subprocess.run(["pdftoppm", "-r", "40", "-gray", str(pdf), str(tmp_path / "page")], check=True)
    rendered = sorted(tmp_path.glob("page-*.pgm"))
    assert len(rendered) == len(pages)
    for image in rendered:
        data = image.read_bytes()
        pixels = data[data.index(b"\n255\n") + 5 :]
        assert any(value < 128 for value in pixels), image.name  # ink on every page
    assert errors == [] and live_server.foreign_requests == []
