"""The inbox in headless Chromium: a supervisor finds what a partner sent, offline.

The live server's node (KH-PIU-SHV) receives a signed package from a second
node (KH-CAU, its own data directory and database); one object was altered
on the way. Every request the browser makes off loopback is aborted and
recorded, and none may be attempted.
"""

from __future__ import annotations

import json

import pytest

from portintel.domain.actors import Role
from portintel.services import sharing
from portintel.services.workspace import Workspace
from tests.services.sharing.two_nodes import disseminate, file_evaluated, link, node_b, staff
from tests.services.staff import IMMIGRATION, make_user
from tests.web.test_browser import LiveServer, _log_in, _page, browser, live_server
from tests.web.test_reports import XSS

__all__ = ["browser", "live_server", "node_b"]

pytestmark = pytest.mark.browser


def test_a_supervisor_reads_the_inbox_and_opens_a_received_report(
    browser: object, live_server: LiveServer, node_b: Workspace
) -> None:
    ws = live_server.workspace
    link(node_b, ws)
    people = staff(node_b, "s")
    sent = file_evaluated(node_b, people, XSS, "uk-3x5x2:P")
    other = file_evaluated(node_b, people, "Departure planned", "uk-3x5x2:P")
    document, _ = disseminate(node_b, people, [sent, other], to=ws.settings.node_code)
    data = json.loads(document)
    altered = next(o for o in data["bundle"]["objects"] if o.get("name") == "Departure planned")
    altered["name"] = "Departure cancelled"
    importer = make_user(ws, "imra", IMMIGRATION, Role.ANALYST)
    sharing.import_package(ws, importer, node_b.settings.node_code, json.dumps(data))

    page = _page(browser, live_server)
    _log_in(page, live_server, "sam")
    page.click("nav >> text=Inbox")
    page.wait_for_url(f"{live_server.url}/inbox")
    table = page.inner_text("main table")
    assert "KH-CAU" in table and "Waiting for evaluation" in table
    assert "does not match the object" in page.inner_text("main")
    assert "Departure cancelled" not in page.content()
    page.click(f"main table >> text={XSS}")
    page.wait_for_url(f"{live_server.url}/reports/RX-*")
    assert page.inner_text("h1") == XSS
    page.wait_for_timeout(300)  # a would-be onerror handler gets its chance to fire
    assert page.dialogs == []
    assert live_server.foreign_requests == []
