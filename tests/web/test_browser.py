"""Journeys in headless Chromium (Debian's) against a real uvicorn server on loopback.

Every request the browser makes that is not to the loopback server is
aborted and recorded; each test asserts none was attempted (offline proof).
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import uvicorn

from portintel.domain.actors import SYSTEM
from portintel.services import admin
from portintel.services.workspace import Workspace
from portintel.settings import Settings
from portintel.web import create_app
from tests.web.conftest import PASSWORD
from tests.web.test_reports import XSS

playwright_api = pytest.importorskip("playwright.sync_api")

pytestmark = pytest.mark.browser

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]


@dataclass
class LiveServer:
    url: str
    workspace: Workspace
    foreign_requests: list[str] = field(default_factory=list)


@pytest.fixture
def live_server(settings: Settings) -> Iterator[LiveServer]:
    app = create_app(settings)
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", lifespan="on"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("the test server did not start")
        time.sleep(0.05)
    workspace: Workspace = app.state.workspace
    admin.ensure_agencies(workspace)
    for username, roles in (
        ("olga", ["officer"]),
        ("sam", ["supervisor"]),
        ("ana", ["analyst"]),
    ):
        admin.create_user(
            workspace,
            SYSTEM,
            username=username,
            display_name=username.title(),
            agency="immigration",
            roles=roles,
            password=PASSWORD,
        )
    yield LiveServer(url=f"http://127.0.0.1:{port}", workspace=workspace)
    server.should_exit = True
    thread.join(timeout=10)
    sock.close()


@pytest.fixture
def browser() -> Iterator[object]:
    if not Path(CHROMIUM).exists():
        pytest.skip("Debian chromium is not installed (.ci/run installs it)")
    with playwright_api.sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield instance
        instance.close()


def _page(browser: object, server: LiveServer):  # type: ignore[no-untyped-def]
    """A fresh browser context whose non-loopback requests are aborted and recorded."""
    context = browser.new_context()  # type: ignore[attr-defined]

    def guard(route, request) -> None:  # type: ignore[no-untyped-def]
        if request.url.startswith(server.url + "/") or request.url == server.url:
            route.continue_()
        else:
            server.foreign_requests.append(request.url)
            route.abort()

    context.route("**/*", guard)
    page = context.new_page()
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    page.dialogs = dialogs
    return page


def _log_in(page, server: LiveServer, username: str) -> None:  # type: ignore[no-untyped-def]
    page.goto(f"{server.url}/login")
    page.fill("#username", username)
    page.fill("#password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{server.url}/")


def test_every_page_loads_offline_with_its_styles_and_script(
    browser: object, live_server: LiveServer
) -> None:
    page = _page(browser, live_server)
    page.goto(f"{live_server.url}/login")
    # the stylesheet applied: the masthead has its dark background
    background = page.eval_on_selector(".masthead", "e => getComputedStyle(e).backgroundColor")
    assert background == "rgb(16, 40, 63)"
    _log_in(page, live_server, "olga")
    for path in ("/", "/reports", "/reports/new", "/entities", "/search?q=x"):
        response = page.goto(f"{live_server.url}{path}")
        assert response is not None and response.status == 200, path
        assert page.evaluate("document.documentElement.classList.contains('js')"), path
    assert live_server.foreign_requests == []


def test_grading_definitions_and_conditions_field(browser: object, live_server: LiveServer) -> None:
    page = _page(browser, live_server)
    _log_in(page, live_server, "olga")
    page.goto(f"{live_server.url}/reports/new")
    page.select_option("#f-reliability", "B")
    assert "Minor doubt" in page.inner_text("#def-reliability")
    page.select_option("#f-handling", "uk-3x5x2:C")
    assert page.is_visible("#f-handling-conditions")
    page.select_option("#f-handling", "uk-3x5x2:P")
    assert not page.is_visible("#f-handling-conditions")
    assert live_server.foreign_requests == []


def test_script_in_a_report_is_shown_as_text_and_runs_nothing(
    browser: object, live_server: LiveServer
) -> None:
    page = _page(browser, live_server)
    _log_in(page, live_server, "olga")
    page.goto(f"{live_server.url}/reports/new")
    page.fill("#f-title", XSS)
    page.fill("#f-text", XSS)
    page.select_option("#f-reliability", "C")
    page.select_option("#f-credibility", "3")
    page.click("button[value=save]")
    page.wait_for_url(f"{live_server.url}/reports/R*")
    assert page.inner_text("#report-text") == XSS
    assert page.inner_text("h1") == XSS
    page.goto(f"{live_server.url}/reports")
    page.goto(f"{live_server.url}/")
    page.wait_for_timeout(300)  # give a would-be onerror handler its chance to fire
    assert page.dialogs == []
    assert live_server.foreign_requests == []


def test_officer_files_supervisor_evaluates_analyst_sees_provenance(
    browser: object, live_server: LiveServer, tmp_path: Path
) -> None:
    photo = tmp_path / "boarding-photo.txt"
    photo.write_bytes(b"photo of the SEA FALCON at pier 3")

    officer = _page(browser, live_server)
    _log_in(officer, live_server, "olga")
    officer.goto(f"{live_server.url}/reports/new")
    officer.fill("#f-title", "SEA FALCON loading people at night")
    officer.fill("#f-text", "About 40 people boarded the trawler SEA FALCON at the old pier.")
    officer.select_option("#f-reliability", "B")
    officer.select_option("#f-credibility", "2")
    officer.select_option("#f-handling", "uk-3x5x2:P")
    officer.fill("#f-vname", "SEA FALCON")
    officer.fill("#f-imo", "IMO9074729")
    officer.set_input_files("#f-file", str(photo))
    officer.click("button[value=submit]")
    officer.wait_for_url(f"{live_server.url}/reports/R*")
    report_url = officer.url
    report_id = report_url.rsplit("/", 1)[-1]
    assert "boarding-photo.txt" in officer.inner_text("main")
    assert "submitted" in officer.inner_text("main")

    supervisor = _page(browser, live_server)
    _log_in(supervisor, live_server, "sam")
    assert "SEA FALCON loading people" in supervisor.inner_text("main")  # awaiting evaluation
    supervisor.goto(report_url)
    supervisor.select_option("#f-credibility", "2")
    supervisor.fill("#e-note", "Matches the harbour master's log.")
    supervisor.click("#evaluate")
    supervisor.wait_for_url(report_url)
    assert "evaluated" in supervisor.inner_text("main")

    analyst = _page(browser, live_server)
    _log_in(analyst, live_server, "ana")
    analyst.goto(f"{live_server.url}/search?q=9074729")
    analyst.click("table a:has-text('SEA FALCON')")
    analyst.wait_for_url(f"{live_server.url}/entities/*")
    # the profile: the value with its support and grading, the report that states it
    value = analyst.locator("tbody[data-prop=imoNumber] tr[data-value=IMO9074729]")
    assert "B2" in value.inner_text() and value.locator("td.support").inner_text() == "1"
    assert analyst.locator(f"#reports a[href='/reports/{report_id}']").count() == 1
    # one click away: the statement with its report, grading and handling
    value.locator("a").first.click()
    analyst.wait_for_url(f"{live_server.url}/entities/*/statements*")
    row = analyst.locator("tr[data-prop=imoNumber]")
    assert "IMO9074729" in row.inner_text()
    assert row.locator(f"a[href='/reports/{report_id}']").count() == 1
    assert "B2" in row.inner_text()
    assert "uk-3x5x2:P" in row.inner_text()

    for page in (officer, supervisor, analyst):
        assert page.dialogs == []
    assert live_server.foreign_requests == []


def test_the_offline_guard_catches_a_foreign_request(
    browser: object, live_server: LiveServer
) -> None:
    page = _page(browser, live_server)
    with pytest.raises(playwright_api.Error):
        page.goto("http://example.org/font.woff2")
    assert live_server.foreign_requests == ["http://example.org/font.woff2"]
