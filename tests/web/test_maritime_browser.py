"""The map and the vessel page in headless Chromium (software WebGL), offline.

The server is the real app on loopback (``test_browser.live_server``); every
request that is not to it is aborted and recorded, and each test asserts
none was attempted. "Not blank" is measured on a screenshot of the map,
decoded in the page itself (no imaging library needed).
"""

from __future__ import annotations

import base64
import json
from pathlib import Path

import numpy as np
import polars as pl
import pytest

from portintel.domain.maritime.schema import POSITIONS
from tests.adapters.ais.nmea_samples import T0
from tests.web.maritime_sample import FISHER, FREIGHTER, write_events, write_sample
from tests.web.test_browser import (  # noqa: F401 (fixtures)
    LiveServer,
    _log_in,
    _page,
    browser,
    live_server,
)

pytestmark = pytest.mark.browser

READY = 60_000  # ms: software GL on a shared 2-core machine
ZONES = json.dumps(
    {
        "type": "FeatureCollection",
        "features": [
            {"type": "Feature", "properties": {"name": "Territorial sea"},
             "geometry": {"type": "Polygon",
                          "coordinates": [[[103, 10], [103.4, 10], [103.4, 10.4], [103, 10]]]}},
            {"type": "Feature", "properties": {"name": "A point"},
             "geometry": {"type": "Point", "coordinates": [103, 10]}},
        ],
    }
).encode()  # fmt: skip

PIXELS = """async (data) => {
  const image = new Image();
  image.src = "data:image/png;base64," + data;
  await image.decode();
  const canvas = document.createElement("canvas");
  canvas.width = image.width; canvas.height = image.height;
  const context = canvas.getContext("2d");
  context.drawImage(image, 0, 0);
  const pixels = context.getImageData(0, 0, image.width, image.height).data;
  const colours = new Map();
  let sum = 0, squares = 0;
  for (let i = 0; i < pixels.length; i += 4) {
    const grey = 0.299 * pixels[i] + 0.587 * pixels[i + 1] + 0.114 * pixels[i + 2];
    sum += grey; squares += grey * grey;
    const key = (pixels[i] << 16) | (pixels[i + 1] << 8) | pixels[i + 2];
    colours.set(key, (colours.get(key) || 0) + 1);
  }
  const n = pixels.length / 4, mean = sum / n;
  const has = (r, g, b) => colours.has((r << 16) | (g << 8) | b);
  return { variance: squares / n - mean * mean, colours: colours.size,
           sea: has(207, 227, 238), land: has(241, 239, 230) };
}"""


def _pixels(page, selector: str) -> dict:  # type: ignore[no-untyped-def, type-arg]
    shot = page.locator(selector).screenshot()
    return page.evaluate(PIXELS, base64.b64encode(shot).decode())  # type: ignore[no-any-return]


def _watch_console(page) -> list[str]:  # type: ignore[no-untyped-def]
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    return errors


@pytest.fixture
def picture(live_server: LiveServer, tmp_path: Path) -> LiveServer:  # noqa: F811
    write_sample(live_server.workspace, tmp_path)
    write_events(live_server.workspace)
    return live_server


def test_the_map_renders_vessels_events_tracks_and_saves_an_area(
    browser: object,  # noqa: F811
    picture: LiveServer,
) -> None:
    page = _page(browser, picture)
    errors = _watch_console(page)
    _log_in(page, picture, "ana")
    page.goto(f"{picture.url}/map")
    page.wait_for_selector("#map[data-state=ready]", timeout=READY)
    state = page.evaluate("window.portintelMap.state")
    assert state["vessels"] == 3 and state["events"] == 2 and state["errors"] == []
    # the three vessels are drawn, as points or inside clusters
    drawn = page.evaluate(
        """() => window.portintelMap.map
             .queryRenderedFeatures({layers: ["vessels", "vessel-clusters"]})
             .reduce((n, f) => n + (f.properties.point_count || 1), 0)"""
    )
    assert drawn == 3
    assert (
        page.evaluate("window.portintelMap.map.queryRenderedFeatures({layers: ['events']}).length")
        == 2
    )
    pixels = _pixels(page, "#map")
    assert pixels["sea"] and pixels["land"], pixels  # the basemap is drawn
    assert pixels["variance"] > 100 and pixels["colours"] > 20, pixels

    # an event's popup links to its details and evidence on the vessel page
    point = page.evaluate(
        """async () => { const m = window.portintelMap.map;
                   const f = m.queryRenderedFeatures({layers: ['events']})
                              .find((e) => e.properties.type === 'encounter');
                   const at = f.geometry.coordinates;
                   m.jumpTo({center: at, zoom: 10});  // apart from the port visit nearby
                   await new Promise((done) => m.once('idle', done));
                   const p = m.project(at); return [p.x, p.y]; }"""
    )
    box = page.locator("#map canvas").bounding_box()
    assert box is not None
    page.mouse.click(box["x"] + point[0], box["y"] + point[1])
    link = page.wait_for_selector(".map-popup a.event-link", timeout=READY)
    assert link.get_attribute("href") == f"/vessels/{FISHER}#event-ev-encounter"
    page.click(".maplibregl-popup-close-button")

    # choose a vessel: its track is drawn for the window
    page.fill("#f-vessel", str(FISHER))
    page.click("#map-filters button[type=submit]")
    page.wait_for_function("() => window.portintelMap.state.trackPoints > 0", timeout=READY)
    page.wait_for_selector("#map[data-state=ready]", timeout=READY)
    assert "60 fixes" in page.inner_text("#count-track")
    assert (
        page.evaluate("window.portintelMap.map.queryRenderedFeatures({layers: ['track']}).length")
        >= 1
    )

    # filters by event type and by time narrow the events drawn
    page.select_option("#f-type", "port_visit")
    page.click("#map-filters button[type=submit]")
    page.wait_for_function("() => window.portintelMap.state.events === 1", timeout=READY)
    page.fill("#f-vessel", "")
    page.select_option("#f-type", "")
    page.fill("#f-since", "2026-03-01T12:00")  # the encounter ended at 11:00
    page.fill("#f-until", "2026-03-01T16:00")
    page.click("#map-filters button[type=submit]")
    page.wait_for_function(
        "() => window.portintelMap.state.trackPoints === 0"
        " && window.portintelMap.state.eventTypes.join() === 'port_visit'",
        timeout=READY,
    )
    page.wait_for_selector("#map[data-state=ready]", timeout=READY)

    # draw a triangle and save it
    page.fill("#area-name", "Landing beach")
    page.click("#area-draw")
    box = page.locator("#map canvas").bounding_box()
    assert box is not None
    for dx, dy in ((0.3, 0.3), (0.6, 0.3), (0.45, 0.6)):
        page.mouse.click(box["x"] + box["width"] * dx, box["y"] + box["height"] * dy)
    page.click("#area-save")
    page.wait_for_function("() => window.portintelMap.state.areas === 1", timeout=READY)
    assert "Landing beach" in page.inner_text("#area-message")
    (area,) = _areas(picture)
    assert area["name"] == "Landing beach" and len(area["geometry"]["coordinates"][0]) == 4

    # import areas from a file with the side panel's upload: the good one goes in
    page.set_input_files("#areas-file", files=[{
        "name": "zones.geojson", "mimeType": "application/geo+json", "buffer": ZONES,
    }])  # fmt: skip
    page.click("#areas-import button[type=submit]")
    page.wait_for_selector("#import-result")
    assert "zones.geojson: 1 areas imported, 1 features refused." in page.inner_text(
        "#import-result"
    )
    assert "geometry is 'Point'" in page.inner_text("#import-refused")
    assert "Territorial sea" in page.inner_text("#areas")

    assert not [e for e in errors if "Content Security Policy" in e or "Refused" in e], errors
    assert picture.foreign_requests == []


def _areas(server: LiveServer) -> list[dict]:  # type: ignore[type-arg]
    from portintel.domain.actors import SYSTEM
    from portintel.services import maritime

    return [
        {"name": a.name, "geometry": a.geometry}
        for a in maritime.list_areas(server.workspace, SYSTEM)
    ]


def test_the_vessel_page_shows_identity_history_track_and_timeline(
    browser: object,  # noqa: F811
    picture: LiveServer,
) -> None:
    page = _page(browser, picture)
    errors = _watch_console(page)
    _log_in(page, picture, "olga")
    page.goto(f"{picture.url}/vessels/{FISHER}#event-ev-visit")
    page.wait_for_selector("#event-ev-visit[open]")  # a link to one event opens it
    names = page.locator("#identity tr[data-prop=name] td:first-of-type").all_inner_texts()
    assert names == ["SEA STAR", "OCEAN STAR"]  # in the order they were first heard
    assert "AIS (rx-test)" in page.inner_text("#identity")
    events = page.inner_text("#events")
    assert "Encounter at sea" in events and str(FREIGHTER) in events

    # the timeline: identity lanes above event lanes, one bar per value and per event
    page.wait_for_selector("#timeline-chart[data-state=ready]", timeout=READY)
    state = page.evaluate("window.portintelVesselMap.state")
    assert state["lanes"][:2] == ["Name", "Call sign"], state
    assert {"Encounter at sea", "Port visit"} <= set(state["lanes"]), state
    bars = page.locator("#timeline-chart rect.bar")
    assert bars.count() == state["bars"] and state["bars"] >= 4
    named = page.evaluate(
        "[...document.querySelectorAll('#timeline-chart rect.bar')]"
        ".map((bar) => bar.getAttribute('aria-label'))"
    )
    assert any(t.startswith("Name: SEA STAR (AIS (rx-test))") for t in named), named
    assert any(t.startswith("Name: OCEAN STAR") for t in named), named
    # an event bar spans its start to its end: the 3 h encounter is wider than a point
    encounter = page.locator("#timeline-chart rect.bar[data-id=event-ev-encounter]")
    assert float(encounter.get_attribute("width") or 0) > 20
    assert encounter.get_attribute("fill") == "#a1124b"
    pixels = _pixels(page, "#timeline-chart")
    assert pixels["variance"] > 100 and pixels["colours"] > 10, pixels

    # zoom: the buttons and the wheel narrow the window the axis shows
    def span() -> float:
        return page.evaluate(
            """() => { const c = document.getElementById("timeline-chart");
                       return Date.parse(c.dataset.to) - Date.parse(c.dataset.from); }"""
        )  # type: ignore[no-any-return]

    whole = span()
    page.click("#timeline-zoom-in")
    assert abs(span() - whole / 2) < 1_000
    page.click("#timeline-reset")
    assert span() == whole
    box = page.locator("#timeline-chart svg").bounding_box()
    assert box is not None
    page.mouse.move(box["x"] + box["width"] * 0.6, box["y"] + box["height"] / 2)
    page.mouse.wheel(0, -300)
    narrower = (
        "(whole) => { const c = document.getElementById('timeline-chart');"
        " return Date.parse(c.dataset.to) - Date.parse(c.dataset.from) < whole; }"
    )
    page.wait_for_function(narrower, arg=whole)
    page.click("#timeline-reset")

    # choosing a bar opens the event's details and evidence, and shows them on the map
    page.wait_for_selector("#vessel-map[data-state=ready]", timeout=READY)
    assert page.evaluate("window.portintelVesselMap.state.trackPoints") == 60
    encounter.click()
    page.wait_for_selector("#event-ev-encounter[open]")
    details = page.inner_text("#event-ev-encounter")
    assert "Distance (m)" in details and "320" in details
    assert "Evidence" in details and "2026-03-01 08:00" in details
    assert page.evaluate("window.portintelVesselMap.state.selected") == "event-ev-encounter"
    assert page.evaluate("window.portintelVesselMap.state.evidencePoints") == 5
    assert "selected" in (encounter.get_attribute("class") or "")
    # opening another event in the list selects its bar as well
    page.click("#event-ev-visit summary")
    page.wait_for_function(
        "() => document.querySelector('#timeline-chart rect.bar[data-id=event-ev-visit].selected')"
    )
    pixels = _pixels(page, "#vessel-map")
    assert pixels["variance"] > 100 and pixels["colours"] > 20, pixels
    assert page.evaluate("window.portintelVesselMap.state.errors") == []
    assert not [e for e in errors if "Content Security Policy" in e or "Refused" in e], errors
    assert errors == [], errors
    assert picture.foreign_requests == []


def test_five_thousand_vessels_are_drawn_clustered(
    browser: object,  # noqa: F811
    live_server: LiveServer,  # noqa: F811
) -> None:
    """The size the issue names: 5,000 vessels, each with a day of positions at one
    per hour, written straight into the track store; every vessel is accounted for
    in the rendered clusters and points (no timing here: see benchmarks/map_layers.py)."""
    vessels, hours = 5_000, 24
    mmsi = np.repeat(np.arange(vessels, dtype=np.int64) + 533_000_000, hours)
    hour = np.tile(np.arange(hours), vessels)
    rng = np.random.default_rng(5)
    start = int(T0.timestamp() * 1_000_000)
    frame = pl.DataFrame(
        {
            "mmsi": mmsi,
            "ts": pl.Series(start + hour * 3_600_000_000).cast(pl.Datetime("us", "UTC")),
            "lat": np.repeat(rng.uniform(6.5, 11.5, vessels), hours) + hour * 0.01,
            "lon": np.repeat(rng.uniform(99.0, 102.5, vessels), hours),
            "msg_type": np.full(vessels * hours, 1, dtype=np.int8),
            "source": ["many"] * (vessels * hours),
            "line": hour,
        }
    )
    live_server.workspace.tracks.write(POSITIONS, frame)  # type: ignore[attr-defined]
    page = _page(browser, live_server)
    _log_in(page, live_server, "ana")
    page.goto(f"{live_server.url}/map")
    page.wait_for_selector("#map[data-state=ready]", timeout=READY)
    assert page.evaluate("window.portintelMap.state.vessels") == vessels
    drawn = page.evaluate(
        """() => window.portintelMap.map
             .queryRenderedFeatures({layers: ["vessels", "vessel-clusters"]})
             .reduce((n, f) => n + (f.properties.point_count || 1), 0)"""
    )
    clusters = page.evaluate(
        "window.portintelMap.map.queryRenderedFeatures({layers: ['vessel-clusters']}).length"
    )
    assert drawn == vessels and 0 < clusters < vessels / 10
    assert live_server.foreign_requests == []
