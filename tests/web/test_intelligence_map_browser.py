"""The map of intelligence in headless Chromium, offline, on the demo's reports and incidents.

The demo (``portintel demo``'s reports and incidents, a smaller run of it) is
built into a fresh workspace, then served; the demo analyst's map must draw
exactly the incidents whose report they may read (counted here through the
report service, not the map's), the departure points, landing sites, routes
and heat map on request, narrow them to a period, and offer the export links
of what is shown.
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from urllib.parse import parse_qs, urlparse

import pytest
import uvicorn
from sqlalchemy import select

from portintel.adapters.database import tables
from portintel.errors import NotFound, PermissionDenied
from portintel.services import admin
from portintel.services.intake import reports
from portintel.services.training.demo import build_demo, demo_accounts
from portintel.services.workspace import open_workspace
from portintel.settings import Settings
from portintel.web.application import create_app
from tests.web.test_browser import LiveServer, _page, browser  # noqa: F401 (fixtures)
from tests.web.test_chart_browser import READY, _watch_console

pytestmark = pytest.mark.browser
DEMO_REPORTS = 80
ANALYST = next(a for a in demo_accounts() if a.username == "demo-analyst")
RENDERED = "(layers) => window.portintelMap.map.queryRenderedFeatures({layers: layers}).length"


@pytest.fixture
def demo_server(settings: Settings) -> Iterator[LiveServer]:
    built = open_workspace(settings)
    build_demo(built, reports=DEMO_REPORTS)
    built.close()
    app = create_app(settings)
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", lifespan="on"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("the test server did not start")
        time.sleep(0.05)
    yield LiveServer(url=f"http://127.0.0.1:{sock.getsockname()[1]}", workspace=app.state.workspace)
    server.should_exit = True
    thread.join(timeout=10)
    sock.close()


def _readable_incidents(server: LiveServer) -> list[tuple[str, str]]:
    """(incident, month) of the incidents with a position whose report the analyst may read,
    asked of the report service one report at a time."""
    ws = server.workspace
    actor = admin.authenticate_password(ws, ANALYST.username, ANALYST.password)
    i = tables.incidents.c
    with ws.engine.connect() as connection:
        rows = connection.execute(
            select(i.id, i.report_id, i.occurred_at).where(i.latitude.is_not(None))
        ).all()
    readable = []
    for row in rows:
        try:
            reports.get_report(ws, actor, row.report_id)
        except (NotFound, PermissionDenied):
            continue
        readable.append((row.id, row.occurred_at.strftime("%Y-%m")))
    return readable


def _wait(page, script: str) -> None:  # type: ignore[no-untyped-def]
    for _ in range(600):  # wait_for_function evaluates a string, which the CSP forbids
        if page.evaluate(script):
            return
        page.wait_for_timeout(100)
    raise AssertionError(f"never true: {script}")


def test_the_incident_layer_shows_the_demo_s_incidents_the_reader_may_see(
    browser: object,  # noqa: F811
    demo_server: LiveServer,
) -> None:
    server = demo_server
    expected = _readable_incidents(server)
    with server.workspace.engine.connect() as connection:
        every = connection.execute(select(tables.incidents.c.id)).all()
    assert 0 < len(expected) < len(every)  # some incidents are outside the analyst's scope

    page = _page(browser, server)
    errors = _watch_console(page)
    page.goto(f"{server.url}/login")
    page.fill("#username", ANALYST.username)
    page.fill("#password", ANALYST.password)
    page.click("button[type=submit]")
    page.wait_for_url(f"{server.url}/")
    page.goto(f"{server.url}/map")
    page.wait_for_selector("#map[data-state=ready]", timeout=READY)
    page.wait_for_selector("#intel-layers[data-state=ready]", timeout=READY)
    state = page.evaluate("window.portintelMap.intel.state")
    assert state["errors"] == [], state["errors"]
    assert state["counts"]["incidents"] == len(expected)
    assert page.inner_text("#count-intel-incidents") == str(len(expected))

    # drawn: every readable incident is a rendered marker once the map shows them all
    page.evaluate("window.portintelMap.intel.fitTo('incidents')")
    _wait(page, f"({RENDERED})(['intel-incidents']) === {len(expected)}")
    assert page.evaluate(RENDERED, ["intel-landings"]) > 0
    assert page.evaluate(RENDERED, ["intel-routes"]) == 0  # off until chosen

    # more layers on request: routes, departures, the heat map
    page.check("#intel-layers input[value=routes]")
    page.check("#intel-layers input[value=departures]")
    page.check("#intel-layers input[value=heat]")
    page.wait_for_selector("#intel-layers[data-state=ready]", timeout=READY)
    _wait(page, f"({RENDERED})(['intel-routes']) > 0")
    assert page.evaluate(RENDERED, ["intel-departures"]) > 0
    assert (
        page.evaluate("window.portintelMap.map.getLayoutProperty('intel-heat', 'visibility')")
        == "visible"
    )

    # a month narrows the incidents to its dates
    month = max({m for _, m in expected}, key=lambda m: sum(1 for _, n in expected if n == m))
    in_month = sum(1 for _, m in expected if m == month)
    page.select_option("#intel-period", month)
    _wait(page, f"window.portintelMap.intel.state.counts.incidents === {in_month}")
    assert page.inner_text("#count-intel-incidents") == str(in_month)
    link = page.get_attribute("#intel-export-kml", "href")
    assert link is not None
    asked = parse_qs(urlparse(link).query)
    assert asked["format"] == ["kml"] and asked["period"] == [month]
    assert "routes" in asked["layer"] and "incidents" in asked["layer"]

    assert errors == []
    assert server.foreign_requests == []
