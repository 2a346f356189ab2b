"""The product editor embeds a timeline and a saved chart, in headless Chromium (#16).

An analyst who saved a chart of a facilitator (with a group, a pinned boat
and a hidden relative) writes a target profile: she embeds the boat's
timeline by the entity's id, then the saved chart chosen by its name. The
page shows the timeline's lane and its facts, the chart as laid out (the
group boxed, the boat ringed, the hidden relative absent), and the product
raised to the AMBER its items rest on. A timeline asked of both an entity
and a chart is refused, the form keeping what was typed.
"""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import insert, select

from portintel.adapters.database import tables
from portintel.domain.analysis.saved import Group, Layout, Position
from portintel.domain.reports import ReportDraft
from portintel.domain.statements import StatementRecord
from portintel.services import admin, analysis
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
MARCH = datetime(2026, 3, 4, tzinfo=UTC)
APRIL = datetime(2026, 4, 9, tzinfo=UTC)


def _seed(server: LiveServer) -> str:
    """The facts, an incident of the boat, and ana's saved chart; returns the chart's id."""
    ws = server.workspace
    with ws.engine.connect() as connection:
        ana_id = connection.execute(
            select(tables.users.c.id).where(tables.users.c.username == "ana")
        ).scalar_one()
    ana = admin.get_actor(ws, ana_id)

    def report(title: str, handling: str) -> str:
        draft = ReportDraft(
            title=title, text="Seen at the pier.", credibility="2", reliability="B",
            handling=handling, extract=False, occurred_at=MARCH,
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
                fact("p-kim", "Person", "name", "name", "Kim Dara"),
                fact("fam-1", "Family", "person", "entity", "p-sok"),
                fact("fam-1", "Family", "relative", "entity", "p-kim"),
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
    layout = Layout(
        positions={"p-sok": Position(0, 0), "v-boat": Position(400, 0)},
        pinned=("v-boat",),
        hidden=("p-kim",),
        groups=(Group("The boat crew", ("p-sok", "v-boat")),),
    )
    draft = analysis.ChartDraft(
        name="Sok's network", root="p-sok", handling="tlp:AMBER", layout=layout,
        options=analysis.ChartOptions(hops=1),
    )  # fmt: skip
    return analysis.save_chart(ws, ana, draft).id


def test_an_analyst_embeds_a_timeline_and_a_saved_chart_in_a_product(
    browser: object,  # noqa: F811
    live_server: LiveServer,  # noqa: F811
) -> None:
    chart_id = _seed(live_server)
    page = _page(browser, live_server)
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    _log_in(page, live_server, "ana")
    page.click("nav >> text=Products")
    page.check("input[name=template][value=target_profile]")
    page.fill("#p-title", "The owner of KM Sinar Jaya")
    page.select_option("#p-handling", "tlp:GREEN")
    page.click("#new-product button[type=submit]")
    page.wait_for_selector("#add-timeline")

    # the saved chart is offered by its name and owner, not by its id
    offered = page.eval_on_selector_all("#sc-chart option", "os => os.map(o => o.textContent)")
    assert any(text.startswith("Sok's network (Ana") for text in offered), offered
    assert not any(chart_id in text for text in offered)

    # both an entity and a chart: refused, and the form keeps what was typed
    page.fill("#t-entity", "v-boat")
    page.select_option("#t-chart", chart_id)
    page.fill("#t-caption", "The boat's spring")
    page.click("#add-timeline button[type=submit]")
    page.wait_for_selector("#form-error")
    assert "one entity or of a saved chart" in page.inner_text("#form-error")
    assert page.input_value("#t-entity") == "v-boat"
    assert page.input_value("#t-caption") == "The boat's spring"

    page.select_option("#t-chart", "")
    page.click("#add-timeline button[type=submit]")
    page.wait_for_selector("#product-body figure[data-kind=timeline]")
    timeline = page.inner_text("#product-body figure[data-kind=timeline]")
    assert "KM Sinar Jaya" in timeline and "Intercepted: 40 migrants" in timeline
    assert "Owner of the boat" in timeline and "The boat's spring" in timeline

    page.select_option("#sc-chart", label=next(t for t in offered if t.startswith("Sok's")))
    page.fill("#sc-caption", "His network as laid out")
    page.click("#add-saved-chart button[type=submit]")
    page.wait_for_selector("#product-body figure[data-kind=saved_chart]")
    figure = "#product-body figure[data-kind=saved_chart]"
    drawn = page.inner_text(figure)
    assert "Sok Chanthy" in drawn and "KM Sinar Jaya" in drawn and "The boat crew" in drawn
    assert "Kim Dara" not in drawn  # hidden on the saved chart
    assert page.eval_on_selector_all(f"{figure} circle.pinned", "c => c.length") == 1

    items = page.inner_text("#items ol")
    assert "Timeline: The boat's spring" in items and "Saved chart: His network" in items
    # both rest on an AMBER report: the product is raised from GREEN and says why
    assert "TLP:AMBER" in page.inner_text("#handling-banner")
    raised = page.inner_text("#handling-raised")
    assert "timeline" in raised and "saved chart" in raised
    assert errors == [] and live_server.foreign_requests == []
