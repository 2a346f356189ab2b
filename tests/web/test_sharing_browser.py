"""The sharing journey in headless Chromium, on loopback only.

An administrator registers a partner and its agreement; an analyst picks a
report from its page, reads the dry run (what goes, what is withheld and
why, in labels) and requests; a supervisor approves after confirming, then
records the partner's acknowledgement and feedback; the report names its
recipient. No request leaves 127.0.0.1.
"""

from __future__ import annotations

import pytest

from portintel.domain.actors import SYSTEM
from portintel.services import admin, sharing
from tests.web.test_browser import CHROMIUM, LiveServer, _log_in, browser, live_server
from tests.web.test_sharing_pages import _evaluated

playwright_api = pytest.importorskip("playwright.sync_api")

pytestmark = pytest.mark.browser

__all__ = ["CHROMIUM", "browser", "live_server"]  # fixtures used by the tests below


def _page(browser: object, server: LiveServer):  # type: ignore[no-untyped-def]
    """A fresh context; foreign requests aborted and recorded; confirmations accepted."""
    context = browser.new_context()  # type: ignore[attr-defined]

    def guard(route, request) -> None:  # type: ignore[no-untyped-def]
        if request.url.startswith(server.url + "/") or request.url == server.url:
            route.continue_()
        else:
            server.foreign_requests.append(request.url)
            route.abort()

    context.route("**/*", guard)
    page = context.new_page()
    confirmations: list[str] = []
    page.on("dialog", lambda dialog: (confirmations.append(dialog.message), dialog.accept()))
    page.confirmations = confirmations
    return page


def test_share_a_report_from_dry_run_to_feedback(browser: object, live_server: LiveServer) -> None:
    ws = live_server.workspace
    sharing.init_node(ws, SYSTEM)
    shared = _evaluated(ws, "Boat loading at night", "uk-3x5x2:P")
    admin.create_user(
        ws, SYSTEM, username="adam", display_name="Adam", agency="immigration",
        roles=["administrator"], password="correct horse battery staple",
    )  # fmt: skip

    page = _page(browser, live_server)
    _log_in(page, live_server, "adam")
    page.click("nav >> text=Partners")
    page.fill("#p-name", "KH-CAU")
    page.select_option("#p-kind", "CAU")
    page.fill("#p-country", "KH")
    page.fill("#p-credential", "secret-zq42")
    page.click("#new-partner button[type=submit]")
    page.wait_for_url(f"{live_server.url}/sharing/partners/KH-CAU")
    assert page.inner_text("#credential-state") == "set (never shown)"
    assert "secret-zq42" not in page.content()
    page.check("input[name=handling][value='uk-3x5x2:P']")
    page.check("input[name=tlp][value='GREEN']")
    page.check("input[name=categories][value='reports']")
    page.check("input[name=categories][value='entities']")
    page.click("#new-agreement button[type=submit]")
    assert page.inner_text("#agreement-state") == "In force"
    page.context.close()

    page = _page(browser, live_server)
    _log_in(page, live_server, "ana")
    page.goto(f"{live_server.url}/reports/{shared}")
    page.click("#share-report")
    page.check("input[name=partner][value='KH-CAU']")
    page.fill("#s-note", "for operation TIDE")
    page.click("#dry-run")
    section = page.locator("section.preview[data-partner='KH-CAU']")
    assert "1 of 1 reports and 1 of 1 facts would go." in section.inner_text()
    assert section.locator(f"tr[data-report='{shared}'] .verdict").inner_text() == "Goes"
    assert "Lawful sharing permitted (UK 3x5x2 handling)" in section.inner_text()
    assert page.input_value("#r-note") == "for operation TIDE"  # what was typed is kept
    page.click("#request-button")
    assert page.inner_text("#status") == "Awaiting approval"
    assert page.locator("#approve").count() == 0  # not by the requester
    dissemination_url = page.url
    page.context.close()

    page = _page(browser, live_server)
    _log_in(page, live_server, "sam")
    page.click("nav >> text=Sharing")
    page.click("#pending a")
    assert page.url == dissemination_url
    page.click("#approve")
    page.wait_for_selector("#acknowledged")
    assert page.confirmations and "cannot be called back" in page.confirmations[0]
    assert page.inner_text("#status") == "Approved and sent"
    assert page.inner_text("#carries") == "1 report(s) and 1 fact(s)"
    page.fill("#f-text", "used in operation TIDE")
    page.click("#record-feedback")
    assert "used in operation TIDE" in page.inner_text("#feedback-list")
    page.click("#acknowledge")
    page.wait_for_selector("#acknowledge", state="detached")
    assert "not yet" not in page.inner_text("#acknowledged")
    page.goto(f"{live_server.url}/reports/{shared}")
    assert "KH-CAU" in page.inner_text("#recipients")
    assert live_server.foreign_requests == []
