"""The link chart in headless Chromium, offline: draw, inspect, expand, find a path, brokers."""

from __future__ import annotations

import pytest

from portintel.services.events import transaction
from portintel.services.intake import write_statements
from tests.services.analysis.test_charts import NETWORK
from tests.web.test_browser import (  # noqa: F401 (fixtures)
    LiveServer,
    _log_in,
    _page,
    browser,
    live_server,
)

pytestmark = pytest.mark.browser
READY = 60_000


def _watch_console(page) -> list[str]:  # type: ignore[no-untyped-def]
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    return errors


def test_an_analyst_draws_a_chart_finds_the_path_to_the_boat_and_sees_the_broker(
    browser: object,  # noqa: F811
    live_server: LiveServer,  # noqa: F811
) -> None:
    with transaction(live_server.workspace) as connection:
        write_statements(connection, NETWORK)
    page = _page(browser, live_server)
    errors = _watch_console(page)
    _log_in(page, live_server, "ana")
    page.goto(f"{live_server.url}/entities/p-sok/chart")
    page.wait_for_selector("#chart[data-state=ready]", timeout=READY)
    drawn = page.evaluate("window.portintelChart.nodes('[kind]').map((n) => n.id()).sort()")
    assert drawn == sorted(["p-sok", "phone:+85512345678", "p-dara", "p-vib", "v-boat"])
    assert "zq-secret" not in page.content()
    assert "5 nodes" in page.inner_text("#chart-summary")
    # the canvas is not blank: Cytoscape drew into it
    assert page.evaluate("document.querySelectorAll('#chart canvas').length") >= 1

    # a link's evidence: choose the ownership edge
    page.evaluate(
        "window.portintelChart.edges().filter((e) => e.data('label') === 'owns').emit('tap')"
    )
    details = page.inner_text("#chart-selection")
    assert "owns" in details and "Dara Sok → KM Sinar Jaya" in details

    # expand from the boat: the twin that shares its IMO number is one step further
    page.evaluate("window.portintelChart.getElementById('v-boat').emit('tap')")
    page.click("#chart-selection button:has-text('Expand from here')")
    twin = "window.portintelChart.getElementById('identifier:IMO9074729').nonempty()"
    for _ in range(600):  # wait_for_function evaluates a string, which the CSP forbids
        if page.evaluate(twin):
            break
        page.wait_for_timeout(100)
    assert page.evaluate(twin)

    # the path from the recruiter to the boat goes through the shared phone and the family
    page.select_option("#path-source", "p-vib")
    page.select_option("#path-target", "v-boat")
    page.click("#chart-path button[type=submit]")
    page.wait_for_selector("#shortest-path", timeout=READY)
    assert page.inner_text("#shortest-path") == (
        "Chhim Vibol → +85512345678 → Sok Chanthy → Dara Sok → KM Sinar Jaya"
    )
    highlighted = page.evaluate("window.portintelChart.$('.path').length")
    assert highlighted == 9  # 5 nodes and 4 links

    # brokers: Sok, between the recruiter and the family, is one of them
    page.check("#chart-brokers")
    assert "Sok Chanthy" in page.inner_text("#chart-broker-list")
    page.check("#chart-group")
    assert page.evaluate("window.portintelChart.nodes(':parent').length") >= 1

    # layouts run without errors
    for layout in ("concentric", "breadthfirst", "circle", "grid", "cose"):
        page.select_option("#chart-layout", layout)
    assert errors == []
    assert live_server.foreign_requests == []


def test_a_chart_of_an_entity_the_reader_cannot_see_is_not_found(
    browser: object,  # noqa: F811
    live_server: LiveServer,  # noqa: F811
) -> None:
    with transaction(live_server.workspace) as connection:
        write_statements(connection, NETWORK)
    page = _page(browser, live_server)
    _log_in(page, live_server, "ana")
    answer = page.goto(f"{live_server.url}/entities/p-hidden/chart")
    assert answer is not None and answer.status == 404


BIG = """(count) => {
  const nodes = [];
  const edges = [];
  for (let i = 0; i < count; i += 1) {
    nodes.push({ id: `n${i}`, label: `Entity ${i}`, kind: "entity",
      type: i % 3 ? "Person" : "Vessel", hop: i ? 1 + (i % 2) : 0, community: i % 5 });
  }
  for (let i = 1; i < count; i += 1) {
    edges.push({ id: `e${i}`, source: `n${Math.floor(i / 2)}`, target: `n${i}`, kind: "phone",
      label: "Phone", statements: [], reports: [], events: [], grading: null });
  }
  window.portintelDraw({ root: "n0", nodes, edges, brokers: [], truncated: false });
  const cy = window.portintelChart;
  const before = cy.zoom();
  cy.zoom({ level: before * 1.5, renderedPosition: { x: 200, y: 200 } });
  cy.panBy({ x: 40, y: 20 });
  return {
    renderer: document.getElementById("chart").dataset.renderer,
    webgl: Boolean(cy.renderer().webgl),
    nodes: cy.nodes().length,
    layout: document.getElementById("chart-layout").value,
    rootLabel: cy.getElementById("n0").style("label"),
    otherLabel: cy.getElementById("n7").style("label"),
    zoomed: cy.zoom() > before,
  };
}"""


def test_a_chart_of_thousands_of_nodes_is_drawn_with_webgl_without_errors(
    browser: object,  # noqa: F811
    live_server: LiveServer,  # noqa: F811
) -> None:
    with transaction(live_server.workspace) as connection:
        write_statements(connection, NETWORK)
    page = _page(browser, live_server)
    errors = _watch_console(page)
    _log_in(page, live_server, "ana")
    page.goto(f"{live_server.url}/entities/p-sok/chart")
    page.wait_for_selector("#chart[data-state=ready]", timeout=READY)
    assert page.get_attribute("#chart", "data-renderer") == "canvas"  # small: the usual canvas

    drawn = page.evaluate(BIG, 1500)
    assert drawn["renderer"] == "webgl" and drawn["webgl"]
    assert drawn["nodes"] == 1500
    assert drawn["layout"] == "concentric"  # no force-directed layout of thousands of nodes
    assert drawn["rootLabel"] == "Entity 0" and drawn["otherLabel"] == ""
    assert drawn["zoomed"]
    # choosing a node shows its label and its details, as on a small chart
    page.evaluate("window.portintelChart.getElementById('n7').select().emit('tap')")
    assert page.evaluate("window.portintelChart.getElementById('n7').style('label')") == "Entity 7"
    assert "Entity 7" in page.inner_text("#chart-selection")
    page.wait_for_timeout(300)  # a few frames drawn
    assert errors == []  # WebGL needs no change to the content security policy
    assert live_server.foreign_requests == []
