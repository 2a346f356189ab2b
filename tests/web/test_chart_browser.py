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
      type: i % 3 ? "Person" : "Vessel", hop: Math.min(4, Math.floor(Math.log2(i + 1))),
      community: i % 12 });
  }
  for (let i = 0; i < count * 1.5; i += 1) {
    const a = i % count; const b = (a * 7 + 13 + Math.floor(i / count) * 101) % count;
    if (a !== b) edges.push({ id: `e${i}`, source: `n${a}`, target: `n${b}`, kind: "phone",
      label: "Phone", statements: [], reports: [], events: [], grading: null });
  }
  window.portintelDraw({ root: "n0", nodes, edges, brokers: [], truncated: false });
  const cy = window.portintelChart;
  return {
    renderer: document.getElementById("chart").dataset.renderer,
    nodes: cy.nodes().length,
    edges: cy.edges().length,
    layout: document.getElementById("chart-layout").value,
    rootLabel: cy.getElementById("n0").style("label"),
    otherLabel: cy.getElementById("n7").style("label"),
  };
}"""

# what the big chart drew: pixels not transparent on the chart's canvas, and a digest of them
PICTURE = """() => {
  const r = window.portintelChart.renderer();
  const canvas = r.data.canvases[r.NODE];
  const pixels = canvas.getContext("2d").getImageData(0, 0, canvas.width, canvas.height).data;
  let painted = 0;
  let digest = 0;
  for (let i = 3; i < pixels.length; i += 4) {
    if (pixels[i]) painted += 1;
    digest = (digest * 31 + pixels[i - 3] + pixels[i - 1] * 7 + pixels[i]) % 1000000007;
  }
  return { painted, digest, width: canvas.width, height: canvas.height };
}"""

VIEW = "() => { const cy = window.portintelChart; return [cy.pan().x, cy.pan().y, cy.zoom()]; }"

# where a node is on the page, for the mouse
WHERE = """(id) => {
  const box = document.getElementById("chart").getBoundingClientRect();
  const at = window.portintelChart.getElementById(id).renderedPosition();
  return [box.x + at.x, box.y + at.y];
}"""


def _wait(page, script: str) -> None:  # type: ignore[no-untyped-def]
    for _ in range(600):  # wait_for_function evaluates a string, which the CSP forbids
        if page.evaluate(script):
            return
        page.wait_for_timeout(100)
    raise AssertionError(f"never true: {script}")


def test_a_chart_of_5000_nodes_is_drawn_and_pans_zooms_selects_and_pins(
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

    drawn = page.evaluate(BIG, 5000)
    assert drawn["renderer"] == "pixels"
    assert (drawn["nodes"], drawn["edges"]) == (5000, 7499)
    assert drawn["layout"] == "concentric"  # no force-directed layout of thousands of nodes
    assert drawn["rootLabel"] == "Entity 0" and drawn["otherLabel"] == ""
    # the analyst is told that links may be left out while the chart moves
    assert "while it moves, some links may be left out" in page.inner_text("#chart-summary")
    # every link gets drawn once the chart stands still, and the picture is not blank
    _wait(page, "document.getElementById('chart-summary').dataset.links === 'complete'")
    still = page.evaluate(PICTURE)
    assert still["painted"] > still["width"] * still["height"] // 20
    # the whole chart is in view: every node inside the canvas
    inside = page.evaluate(
        "() => { const cy = window.portintelChart; const w = cy.width(); const h = cy.height();"
        " return cy.nodes().every((n) => { const p = n.renderedPosition();"
        " return p.x >= 0 && p.y >= 0 && p.x <= w && p.y <= h; }); }"
    )
    assert inside

    page.locator("#chart").scroll_into_view_if_needed()
    chart = page.locator("#chart").bounding_box()
    assert chart is not None
    # pan: a drag from an empty corner moves the chart, and the picture with it
    before = page.evaluate(VIEW)
    page.mouse.move(chart["x"] + 12, chart["y"] + 12)
    page.mouse.down()
    for step in range(1, 11):
        page.mouse.move(chart["x"] + 12 + 8 * step, chart["y"] + 12 + 5 * step)
    page.mouse.up()
    panned = page.evaluate(VIEW)
    assert panned[0] > before[0] and panned[1] > before[1] and panned[2] == before[2]
    _wait(page, "document.getElementById('chart-summary').dataset.links === 'complete'")
    assert page.evaluate(PICTURE)["digest"] != still["digest"]
    # zoom: the wheel zooms in
    page.mouse.move(chart["x"] + chart["width"] / 2, chart["y"] + chart["height"] / 2)
    for _ in range(3):
        page.mouse.wheel(0, -120)
    _wait(page, f"window.portintelChart.zoom() > {panned[2]}")

    # select: a click on a node chooses it, shows its details and its label
    x, y = page.evaluate(WHERE, "n7")
    page.mouse.click(x, y)
    _wait(page, "window.portintelChart.getElementById('n7').selected()")
    assert "Entity 7" in page.inner_text("#chart-selection")
    assert page.evaluate("window.portintelChart.getElementById('n7').style('label')") == "Entity 7"

    # pin: a pinned node stays where it is when dragged; an unpinned one follows the mouse
    page.click("#chart-selection button:has-text('Pin')")
    assert page.evaluate("window.portintelChart.getElementById('n7').locked()")
    where = page.evaluate("window.portintelChart.getElementById('n7').position()")
    x, y = page.evaluate(WHERE, "n7")
    page.mouse.move(x, y)
    page.mouse.down()
    for step in range(1, 6):
        page.mouse.move(x + 10 * step, y + 10 * step)
    page.mouse.up()
    assert page.evaluate("window.portintelChart.getElementById('n7').position()") == where
    page.click("#chart-selection button:has-text('Unpin')")
    assert not page.evaluate("window.portintelChart.getElementById('n7').locked()")
    page.mouse.move(x, y)
    page.mouse.down()
    for step in range(1, 6):
        page.mouse.move(x + 10 * step, y + 10 * step)
    page.mouse.up()
    moved = page.evaluate("window.portintelChart.getElementById('n7').position()")
    assert moved["x"] > where["x"] and moved["y"] > where["y"]

    # the path between two of the thousands: the lists fill when the analyst reaches for them
    page.focus("#path-target")
    page.select_option("#path-target", "n7")
    assert page.evaluate("document.getElementById('path-source').options.length") == 5000
    page.wait_for_timeout(300)  # a few frames drawn
    assert errors == []
    assert live_server.foreign_requests == []
