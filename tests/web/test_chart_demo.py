"""The demo's link-chart journey in headless Chromium (#16).

The demo (240 reports and the AIS of its smuggling run) is built into the
node before the server starts. The scenario's boat that goes dark is the
first wooden fishing boat of the cast with a transmitter
(:func:`portintel.services.training.demo_tracks.smuggling_cast`); its
registered owner, a boat owner of the facilitator network, is the
facilitator: boardings read the owner from the boat's papers. The demo
analyst opens the facilitator's profile, draws the link chart two steps
out, finds the path to the boat, sees the boat highlighted as the broker
(the owners and the freighter it met at sea reach each other only through
it), saves the chart and opens it again from the saved-charts page.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select

from portintel.adapters.database import tables
from portintel.adapters.vocabularies import load_handling
from portintel.errors import InvalidInput
from portintel.scenario import scenario_cast
from portintel.services import admin
from portintel.services.analysis import ChartOptions, handling_floor, neighbourhood
from portintel.services.training.demo import build_demo
from portintel.services.training.demo_tracks import build_demo_tracks, smuggling_cast
from portintel.services.workspace import Workspace, open_workspace
from portintel.settings import Settings
from tests.web.test_browser import (  # noqa: F401 (fixtures)
    LiveServer,
    _page,
    browser,
    live_server,
)
from tests.web.test_chart_browser import _watch_console
from tests.web.test_statistics_browser import _demo_log_in, _id

pytestmark = pytest.mark.browser
READY = 60_000
SEED, REPORTS = 7, 240


@pytest.fixture
def settings(tmp_path: Path, database_url: str) -> Settings:
    """The node's settings, with the demo and its AIS built into the store before the start."""
    chosen = Settings(data_dir=tmp_path / "data", database_url=database_url, secure_cookies=False)
    ws = open_workspace(chosen)
    try:
        build_demo(ws, seed=SEED, reports=REPORTS)
        build_demo_tracks(ws, seed=SEED, reports=REPORTS, vessels=16, days=2.0)
    finally:
        ws.close()
    return chosen


def _facilitator_name() -> str:
    """The registered owner of the boat that goes dark, as the boat's papers name him."""
    boat, _, _ = smuggling_cast(SEED, REPORTS)
    cast = scenario_cast(SEED, REPORTS)
    persons = {p.key: p for p in cast.persons}
    (owner,) = [
        persons[r.subject]
        for r in cast.relations
        if r.schema == "Ownership" and r.target == boat.key and r.subject in persons
    ]
    assert owner.role == "boat_owner"
    return owner.name.canonical.upper()


def _facilitator_id(ws: Workspace, name: str) -> str:
    """An entity of the store named ``name`` that owns something (the first by id)."""
    s = tables.statements.c
    owners = select(s.value).where(s.schema == "Ownership", s.prop == "owner")
    with ws.engine.connect() as connection:
        found = connection.execute(
            select(s.canonical_id)
            .where(s.prop == "name", s.value == name, s.entity_id.in_(owners))
            .order_by(s.canonical_id)
        ).scalars()
        return next(iter(found))


def _takes_conditions(code: str) -> bool:
    """Whether a handling code needs the originator's conditions (3x5x2 C)."""
    vocabularies = load_handling()
    try:
        vocabularies.parse(code)
    except InvalidInput:
        return True
    return False


def test_the_analyst_charts_the_facilitator_finds_the_dark_boat_and_saves_the_chart(
    browser: object,  # noqa: F811
    live_server: LiveServer,  # noqa: F811
) -> None:
    ws = live_server.workspace
    boat_name = smuggling_cast(SEED, REPORTS)[0].name
    name = _facilitator_name()
    facilitator = _facilitator_id(ws, name)
    analyst = admin.get_actor(ws, _id(ws, "demo-analyst"))
    floor = handling_floor(ws, analyst, neighbourhood(ws, analyst, facilitator, ChartOptions()))

    page = _page(browser, live_server)
    errors = _watch_console(page)
    _demo_log_in(page, live_server, "demo-analyst")
    page.goto(f"{live_server.url}/entities/{facilitator}")
    assert name in page.inner_text("h1")
    page.click("#chart-link")
    page.wait_for_selector("#chart[data-state=ready]", timeout=READY)
    assert page.input_value("#chart-options select[name=hops]") == "2"

    # the boat is in the chart, one step from its owner, with the freighter it met at sea
    boats = page.evaluate(
        "(name) => window.portintelChart.nodes('[kind]')"
        ".filter((n) => n.data('label') === name).map((n) => n.id())",
        boat_name,
    )
    assert len(boats) == 1, boats
    (boat,) = boats
    met = page.evaluate(
        "(id) => window.portintelChart.getElementById(id).connectedEdges()"
        ".filter((e) => e.data('label') === 'met at sea').length",
        boat,
    )
    assert met >= 1

    # the path finder: from the facilitator to the boat that goes dark
    page.select_option("#path-source", facilitator)
    page.select_option("#path-target", boat)
    page.click("#chart-path button[type=submit]")
    page.wait_for_selector("#shortest-path", timeout=READY)
    assert page.inner_text("#shortest-path") == f"{name} → {boat_name}"
    assert page.evaluate("window.portintelChart.$('.path').length") == 3  # 2 nodes, 1 link

    # the broker: the boat, between its owners' records and the freighter
    page.check("#chart-brokers")
    assert boat_name in page.inner_text("#chart-broker-list")
    assert page.evaluate(
        "(id) => window.portintelChart.getElementById(id).hasClass('broker')", boat
    )

    # saved as a named chart, handled at least as what it shows
    page.fill("#save-name", "Dark boat and its owner")
    page.fill("#save-notes", "The boat went dark for 17 hours before meeting the freighter.")
    page.select_option("#save-handling", floor or "tlp:AMBER")
    if floor and _takes_conditions(floor):  # 3x5x2 C: shared only with its stated conditions
        page.fill("#save-conditions", "PIU and CAU staff only; no onward release")
    page.click("#chart-save button[value=new]")
    page.wait_for_url(f"{live_server.url}/charts/chart-*", timeout=READY)

    # and opened again from the saved-charts page
    page.goto(f"{live_server.url}/charts")
    page.click("#my-charts a:has-text('Dark boat and its owner')")
    page.wait_for_url(f"{live_server.url}/charts/chart-*")
    page.wait_for_selector("#chart[data-state=ready]", timeout=READY)
    assert "Dark boat and its owner" in page.inner_text("h1")
    assert "17 hours" in page.inner_text("#saved-notes")
    drawn = page.evaluate("window.portintelChart.nodes('[kind]').map((n) => n.id())")
    assert facilitator in drawn and boat in drawn
    assert errors == []
    assert live_server.foreign_requests == []
