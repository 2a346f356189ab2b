"""The demo's maritime picture in headless Chromium: its vessels and the smuggling run.

The demo's AIS (``services.training.demo_tracks``, a small fleet over two
days, the smuggling run included) goes through ingest and detection into the
live server's workspace; the map page must draw the vessels on a basemap
(a screenshot that is not blank) and the boat's gap, encounter and loitering
as event markers, with no request leaving 127.0.0.1.
"""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest

from portintel.domain.maritime.schema import POSITIONS
from portintel.services.training.demo_tracks import DemoTracksSummary, build_demo_tracks
from tests.web.test_browser import (  # noqa: F401 (fixtures)
    LiveServer,
    _log_in,
    _page,
    browser,
    live_server,
)
from tests.web.test_maritime_browser import READY, _pixels, _watch_console

pytestmark = pytest.mark.browser

RENDERED = """(layers) => window.portintelMap.map.queryRenderedFeatures({layers: layers})
  .map((f) => ({layer: f.layer.id, count: f.properties.point_count || 1,
                type: f.properties.type || null, mmsi: f.properties.mmsi || null,
                other: f.properties.other_mmsi || null}))"""


@pytest.fixture
def demo(live_server: LiveServer, tmp_path: Path) -> tuple[LiveServer, DemoTracksSummary]:  # noqa: F811
    summary = build_demo_tracks(live_server.workspace, vessels=16, days=2.0)
    return live_server, summary


def _latest_vessels(server: LiveServer) -> int:
    """Vessels heard in the map's default window: the last 24 h of the store."""
    positions = server.workspace.tracks.scan(POSITIONS).select("mmsi", "ts").collect()
    last = positions["ts"].max()
    recent = positions.filter(pl.col("ts") >= pl.lit(last) - pl.duration(hours=24))
    return int(recent["mmsi"].n_unique())


def test_the_map_draws_the_demo_vessels_and_the_smuggling_run(
    browser: object,  # noqa: F811
    demo: tuple[LiveServer, DemoTracksSummary],
) -> None:
    server, summary = demo
    assert {"gap", "encounter", "loitering", "port_visit"} <= set(summary.by_type)
    page = _page(browser, server)
    errors = _watch_console(page)
    _log_in(page, server, "ana")
    page.goto(f"{server.url}/map")
    page.wait_for_selector("#map[data-state=ready]", timeout=READY)
    state = page.evaluate("window.portintelMap.state")
    expected = _latest_vessels(server)
    assert state["errors"] == [] and expected >= 10
    assert state["vessels"] == expected and state["events"] > 0
    drawn = page.evaluate(RENDERED, ["vessels", "vessel-clusters"])
    assert sum(f["count"] for f in drawn) == expected
    pixels = _pixels(page, "#map")
    assert pixels["sea"] and pixels["land"], pixels  # the basemap is drawn
    assert pixels["variance"] > 100 and pixels["colours"] > 20, pixels

    # the boat chosen: its track, and its events as markers once the whole run is in view
    page.goto(f"{server.url}/map?vessel={summary.boat_mmsi}")
    page.wait_for_function("() => window.portintelMap.state.trackPoints > 0", timeout=READY)
    page.wait_for_selector("#map[data-state=ready]", timeout=READY)
    page.evaluate(
        """() => new Promise((done) => {
             const map = window.portintelMap.map;
             map.once("idle", done);
             map.jumpTo({center: [101.6, 9.8], zoom: 5});
           })"""
    )
    markers = [
        f
        for f in page.evaluate(RENDERED, ["events"])
        if summary.boat_mmsi in (f["mmsi"], f["other"])
    ]
    assert {"gap", "encounter", "loitering"} <= {f["type"] for f in markers}, markers
    (meeting,) = [f for f in markers if f["type"] == "encounter"]
    assert {meeting["mmsi"], meeting["other"]} == {summary.boat_mmsi, summary.freighter_mmsi}
    assert page.evaluate(RENDERED, ["track"]), "the boat's track is drawn"
    shot = _pixels(page, "#map")
    assert shot["variance"] > 100 and shot["colours"] > 20, shot

    assert not [e for e in errors if "Content Security Policy" in e or "Refused" in e], errors
    assert server.foreign_requests == []
