"""The timeline in headless Chromium, offline: the demo's smuggling boat goes dark, meets, lands.

The demo's AIS (a small fleet over two days, the smuggling run included)
goes through ingest and detection into the live server's workspace; the
boat's timeline (from its entity, the one AIS statements are written on)
must list and draw the gap, the encounter with the freighter and the stay
off the landing beach, each linked to its evidence on the vessel page.
"""

from __future__ import annotations

import pytest

from portintel.domain.actors import SYSTEM
from portintel.services import maritime
from portintel.services.training.demo_tracks import DemoTracksSummary, build_demo_tracks
from tests.web.test_browser import (  # noqa: F401 (fixtures)
    LiveServer,
    _log_in,
    _page,
    browser,
    live_server,
)
from tests.web.test_chart_browser import READY, _watch_console

pytestmark = pytest.mark.browser


@pytest.fixture
def demo(live_server: LiveServer) -> tuple[LiveServer, DemoTracksSummary]:  # noqa: F811
    return live_server, build_demo_tracks(live_server.workspace, vessels=16, days=2.0)


def test_the_boat_s_timeline_shows_the_gap_the_encounter_and_the_landing(
    browser: object,  # noqa: F811
    demo: tuple[LiveServer, DemoTracksSummary],
) -> None:
    server, summary = demo
    boat = maritime.find_vessel(server.workspace, SYSTEM, str(summary.boat_mmsi))
    page = _page(browser, server)
    errors = _watch_console(page)
    _log_in(page, server, "ana")
    page.goto(f"{server.url}/vessels/{summary.boat_mmsi}")
    page.click("#intelligence-timeline-link")
    page.wait_for_selector("#timeline-chart[data-state=ready]", timeout=READY)
    assert page.url.endswith(f"/entities/{boat.entity_id}/timeline")
    rows = page.eval_on_selector_all(
        "#timeline-items tbody tr", "(rows) => rows.map((r) => r.dataset.label)"
    )
    assert any(label.startswith("AIS gap") for label in rows), rows
    assert f"Encounter at sea with MMSI {summary.freighter_mmsi}" in rows, rows
    assert "Loitering in Landing beaches north of Pak Phanang" in rows, rows
    assert "Area entry: Landing beaches north of Pak Phanang" in rows, rows
    # every fact is drawn as a bar on the boat's lane, in time order with the list
    assert page.evaluate("document.querySelectorAll('#timeline-chart .bar').length") == len(rows)
    assert page.evaluate("window.portintelTimelineState") == {
        "items": len(rows), "lanes": 1, "errors": [],
    }  # fmt: skip
    gap, meeting, landing = (
        rows.index(next(r for r in rows if r.startswith("AIS gap"))),
        rows.index(f"Encounter at sea with MMSI {summary.freighter_mmsi}"),
        rows.index("Loitering in Landing beaches north of Pak Phanang"),
    )
    assert gap < meeting < landing

    # choosing the encounter's bar names it and links to its evidence on the vessel page
    page.click(f"#timeline-chart .bar[data-id=item-{meeting + 1}]")
    selected = page.inner_text("#timeline-selection")
    assert "Encounter at sea" in selected
    link = page.get_attribute("#timeline-selection a", "href")
    assert link is not None and link.startswith(f"/vessels/{summary.boat_mmsi}#event-")
    assert page.get_attribute(f"#item-{meeting + 1}", "class") == "selected"

    # zoom and the whole period again
    whole = page.get_attribute("#timeline-chart", "data-from")
    page.click("#timeline-zoom-in")
    assert page.get_attribute("#timeline-chart", "data-from") != whole
    page.click("#timeline-reset")
    assert page.get_attribute("#timeline-chart", "data-from") == whole

    page.goto(f"{server.url}{link}")  # the evidence: the event on the vessel page
    assert page.locator(link[link.index("#") :]).count() == 1
    assert errors == []
    assert server.foreign_requests == []
