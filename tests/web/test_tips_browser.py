"""A public tip sent from the tip page in Khmer (headless Chromium), then triaged by an officer.

The page's own script does the proof of work at the node's real difficulty;
the vendored Noto faces must load and draw the Khmer and Burmese text.
"""

from __future__ import annotations

import re
import socket
import threading
import time
from collections.abc import Iterator

import pytest
import uvicorn

from portintel.domain.actors import SYSTEM
from portintel.services import admin
from portintel.settings import Settings
from portintel.web import create_app
from tests.web.conftest import PASSWORD
from tests.web.test_browser import CHROMIUM, CHROMIUM_ARGS, LiveServer, _log_in, _page

playwright_api = pytest.importorskip("playwright.sync_api")

pytestmark = pytest.mark.browser

TIP = "ទូកមួយចេញពីកោះរ៉ុង ម៉ោង ២ យប់ មានមនុស្សប្រហែល ៤០ នាក់ <b>not bold</b>"


@pytest.fixture
def tip_server(settings: Settings) -> Iterator[LiveServer]:
    app = create_app(settings)  # the default proof of work: what a phone would do
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", lifespan="on"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 60
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("the test server did not start")
        time.sleep(0.05)
    workspace = app.state.workspace
    admin.ensure_agencies(workspace)
    admin.create_user(
        workspace,
        SYSTEM,
        username="olga",
        display_name="Olga",
        agency="immigration",
        roles=["officer"],
        password=PASSWORD,
    )
    yield LiveServer(url=f"http://127.0.0.1:{port}", workspace=workspace)
    server.should_exit = True
    thread.join(timeout=10)
    sock.close()


@pytest.fixture
def browser() -> Iterator[object]:
    from pathlib import Path

    if not Path(CHROMIUM).exists():
        pytest.skip("Debian chromium is not installed (.ci/run installs it)")
    with playwright_api.sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield instance
        instance.close()


GLYPHS = """async ([family, text]) => {
  await document.fonts.ready;
  await document.fonts.load(`16px "${family}"`, text);
  const canvas = document.createElement("canvas").getContext("2d");
  canvas.font = `16px "${family}", monospace`;
  const drawn = canvas.measureText(text).width;
  canvas.font = "16px monospace";
  return {loaded: document.fonts.check(`16px "${family}"`, text), width: drawn,
          fallback: canvas.measureText(text).width};
}"""


def test_a_tip_sent_in_khmer_is_triaged_into_a_report(browser, tip_server: LiveServer) -> None:  # type: ignore[no-untyped-def]
    stranger = _page(browser, tip_server)
    stranger.goto(f"{tip_server.url}/tip?lang=km")
    assert stranger.get_attribute("html", "lang") == "km"
    for family, text in (("Noto Sans Khmer", "រាយការណ៍"), ("Noto Sans Myanmar", "မြန်မာ")):
        measured = stranger.evaluate(GLYPHS, [family, text])
        assert measured["loaded"], family  # the vendored face, from /static
        assert measured["width"] > 0 and measured["width"] != measured["fallback"], measured
    # the script took over the check: the sum is hidden, the work is done in the page
    stranger.wait_for_selector("form[data-tip-form][data-solved='true']", timeout=60_000)
    assert stranger.is_hidden("[data-sum-check]")
    assert re.fullmatch(r"\d+", stranger.input_value("input[name=counter]"))
    stranger.fill("#tip-text", TIP)
    stranger.click("button[type=submit]")
    stranger.wait_for_selector("[data-tip-sent]")
    assert "សូមអរគុណ" in stranger.inner_text("h1")
    assert stranger.context.cookies() == []  # the tip page never set one

    officer = _page(browser, tip_server)
    _log_in(officer, tip_server, "olga")
    officer.click("nav >> text=Tips")
    officer.wait_for_selector("#new-tips-count")
    assert "1 new tip waits for triage" in officer.inner_text("#new-tips-count")
    officer.click("#tip-table tbody a")
    officer.wait_for_selector("#tip-text")
    assert officer.inner_text("#tip-text") == TIP  # shown as the text it is, never as HTML
    assert officer.locator("#tip-text b").count() == 0
    officer.fill("#t-title", "Boat leaving Koh Rong at 2 a.m.")
    officer.click("#tip-report-form button[type=submit]")
    officer.wait_for_url(re.compile(r".*/reports/R-[0-9]+-[0-9a-f]+$"))
    assert "Public tip page" in officer.inner_text("main")
    assert TIP in officer.inner_text("#report-text")
    assert tip_server.foreign_requests == []
