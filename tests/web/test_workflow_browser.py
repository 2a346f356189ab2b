"""The report workflow in headless Chromium: return with a reason, notification, resubmission,
assignment, approval and a comment thread (issue #15)."""

from __future__ import annotations

import pytest

from tests.web.test_browser import LiveServer, _log_in, _page, browser, live_server

pytestmark = pytest.mark.browser

__all__ = ["browser", "live_server"]  # fixtures


def test_officer_resubmits_a_returned_report_supervisor_assigns_and_approves(
    browser: object, live_server: LiveServer
) -> None:
    officer = _page(browser, live_server)
    _log_in(officer, live_server, "olga")
    officer.goto(f"{live_server.url}/reports/new")
    officer.fill("#f-title", "Trawler loading people at the old pier")
    officer.fill("#f-text", "About 40 people boarded a trawler at night.")
    officer.select_option("#f-reliability", "B")
    officer.select_option("#f-credibility", "2")
    officer.select_option("#f-handling", "uk-3x5x2:P")
    officer.click("button[value=save]")
    officer.wait_for_url(f"{live_server.url}/reports/R*")
    report_url = officer.url
    assert "draft" in officer.inner_text("main")
    officer.click("#step-submit")
    officer.wait_for_url(report_url)
    assert "submitted" in officer.inner_text("main")

    supervisor = _page(browser, live_server)
    _log_in(supervisor, live_server, "sam")
    supervisor.goto(report_url)
    supervisor.fill("#return-note", "Name the trawler & its <pier>.")
    supervisor.click("#step-return")
    supervisor.wait_for_url(f"{live_server.url}/reports?status=submitted")

    # the officer's bell counts the notice; it leads to the report and its reason
    officer.goto(f"{live_server.url}/")
    assert officer.inner_text("#bell-count") == "1"
    officer.click("#bell")
    officer.wait_for_url(f"{live_server.url}/notifications")
    row = officer.locator("#notifications tr.unread")
    assert "Report returned" in row.inner_text()
    assert "Name the trawler & its <pier>." in row.inner_text()  # shown as text
    row.locator("a").first.click()
    officer.wait_for_url(report_url)
    assert "Name the trawler & its <pier>." in officer.inner_text("#returned-notice")
    officer.fill("#comment-body", "The trawler is the SEA FALCON, pier 3.")
    officer.click("#comment-add")
    officer.wait_for_url(f"{report_url}#comments")
    officer.click("#step-submit")
    officer.wait_for_url(report_url)
    officer.goto(f"{live_server.url}/notifications")
    officer.click("#read-all")
    officer.wait_for_url(f"{live_server.url}/notifications")
    assert officer.locator("#bell-count").count() == 0

    # the supervisor assigns it to the analyst, who sees it under "assigned to me"
    supervisor.goto(report_url)
    assert "The trawler is the SEA FALCON, pier 3." in supervisor.inner_text("#comment-thread")
    supervisor.select_option("#assign-to", label="Ana")
    supervisor.fill("#assign-deadline", "2030-01-01T12:00")
    supervisor.click("#assign")
    supervisor.wait_for_url(f"{report_url}#assignment")
    assert "Assigned to Ana by Sam" in supervisor.inner_text("#assigned-to")

    analyst = _page(browser, live_server)
    _log_in(analyst, live_server, "ana")
    analyst.goto(f"{live_server.url}/reports?assigned=me")
    assert "Trawler loading people at the old pier" in analyst.inner_text("main")
    analyst.goto(f"{live_server.url}/notifications")
    assert "Sam asks you to evaluate" in analyst.inner_text("#notifications")
    analyst.goto(report_url)
    analyst.fill("#comment-body", "Matches the AIS track.")
    analyst.click("#comment-add")
    analyst.wait_for_url(f"{report_url}#comments")

    supervisor.goto(report_url)
    supervisor.fill("#e-note", "Approved.")
    supervisor.click("#evaluate")
    supervisor.wait_for_url(report_url)
    assert "evaluated" in supervisor.inner_text("main")
    thread = supervisor.inner_text("#comment-thread")
    assert "Olga" in thread and "Ana" in thread and "Matches the AIS track." in thread

    for page in (officer, supervisor, analyst):
        assert page.dialogs == []
    assert live_server.foreign_requests == []
