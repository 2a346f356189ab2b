"""The demo's pre-arrival list in headless Chromium: the smuggling boat tops it.

The demo's AIS (a small fleet over two days with the smuggling run) goes
through ingest, detection and scoring as ``portintel demo`` does; the boat,
on its way back to Koh Kong after meeting the freighter and lingering off the
landing beach, must top Koh Kong's list with the reasons that explain why,
and the list must update itself (no reload) while keeping the scroll and the
options chosen.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from portintel.services.training.demo_tracks import DemoTracksSummary, build_demo_tracks
from tests.web.test_browser import (  # noqa: F401 (fixtures)
    LiveServer,
    _log_in,
    _page,
    browser,
    live_server,
)

pytestmark = pytest.mark.browser
KOH_KONG = "KH-KKG"


@pytest.fixture
def demo(live_server: LiveServer, tmp_path: Path) -> tuple[LiveServer, DemoTracksSummary]:  # noqa: F811
    summary = build_demo_tracks(live_server.workspace, vessels=16, days=2.0)
    return live_server, summary


def test_the_smuggling_boat_tops_the_list_of_its_port_and_the_list_updates_itself(
    browser: object,  # noqa: F811
    demo: tuple[LiveServer, DemoTracksSummary],
) -> None:
    server, summary = demo
    assert summary.scored > 0
    page = _page(browser, server)
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    _log_in(page, server, "olga")
    page.click("nav >> text=Arrivals")
    # the page and its script loaded before choosing: a change submits the form only once
    # the script listens (on a loaded machine the choice could otherwise come first)
    page.wait_for_url("**/prearrival", wait_until="load")
    page.select_option("#prearrival-port", KOH_KONG)
    page.wait_for_url(f"**/prearrival?port={KOH_KONG}**")
    page.check("input[name=hours][value='72']")
    page.wait_for_url("**hours=72**")
    rows = page.locator("#prearrival-table tbody tr")
    first = rows.first
    assert first.get_attribute("data-mmsi") == str(summary.boat_mmsi)
    assert summary.boat_name in first.inner_text()
    reasons = first.locator("li[data-indicator]").evaluate_all(
        "items => items.map((li) => li.dataset.indicator)"
    )
    assert {"encounter_at_sea", "loitering_off_landing_site"} <= set(reasons)
    text = first.inner_text()
    assert (
        "Met another vessel at sea" in text
        and "Lingered at slow speed off a known landing site" in text
    )
    scores = [float(s) for s in rows.evaluate_all("trs => trs.map((tr) => tr.dataset.score)")]
    assert scores[0] == max(scores) and scores.count(scores[0]) == 1  # strictly the top
    assert first.locator("a[href^='/vessels/']").first.get_attribute("href") == (
        f"/vessels/{summary.boat_mmsi}"
    )
    # the picture ended months ago: the page says predictions start from its last position
    assert page.locator("#prearrival-behind").count() == 1

    # it updates itself without a reload, keeping the scroll and the options
    page.goto(page.url + "&every=1")
    page.evaluate("window.portintelNotReloaded = true; window.scrollTo(0, 40)")
    page.wait_for_function(
        "() => Number(document.getElementById('prearrival').dataset.refreshes) >= 2", timeout=15_000
    )
    assert page.evaluate("window.portintelNotReloaded") is True
    assert page.locator("#prearrival-port").input_value() == KOH_KONG
    assert page.locator("input[name=hours][value='72']").is_checked()
    assert page.locator("#prearrival-table tbody tr").first.get_attribute("data-mmsi") == str(
        summary.boat_mmsi
    )
    assert page.evaluate("document.getElementById('prearrival').dataset.state") == "ready"
    assert errors == [] and server.foreign_requests == []
