"""Headless Chromium: an officer works the suggestions panel of their report (accept with an
edit, reject), offline, and the accepted name becomes an entity of the report."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.web.test_browser import LiveServer, _log_in, _page, browser, live_server

pytestmark = pytest.mark.browser
__all__ = ["browser", "live_server"]  # fixtures, imported to be found by pytest

TEXT = (
    "Boarded MV KOH RONG STAR (IMO 9074729) off Koh Rong. Master Mr Sok Chanthy, "
    "phone 012 345 678. Stern shows IMO 9074728."
)


def test_officer_accepts_an_edited_name_and_rejects_a_place(
    browser: object, live_server: LiveServer
) -> None:
    officer = _page(browser, live_server)
    _log_in(officer, live_server, "olga")
    officer.goto(f"{live_server.url}/reports/new")
    officer.fill("#f-title", "Boarding at Koh Rong")
    officer.fill("#f-text", TEXT)
    officer.select_option("#f-reliability", "B")
    officer.select_option("#f-credibility", "2")
    officer.select_option("#f-handling", "uk-3x5x2:P")
    officer.click("button[value=save]")
    officer.wait_for_url(f"{live_server.url}/reports/R*")
    report_url = officer.url

    panel = officer.locator("section:has(#suggestions-title)")
    assert "IMO check digit is 8, expected 9" in panel.inner_text()
    # filing extracted the valid IMO already: shown as stated, nothing to decide
    imo_row = panel.locator("tr[data-kind=imo]", has_text="IMO9074729")
    assert "Stated by the report" in imo_row.inner_text()

    name_row = panel.locator("tr[data-kind=person_name]")
    name_row.locator("input[name=value]").fill("Sokh Chanthy")
    name_row.locator("button.accept").click()
    officer.wait_for_url(f"{report_url}*")
    assert "Accepted" in panel.locator("tr[data-kind=person_name]").inner_text()
    assert officer.locator("a", has_text="Sokh Chanthy").count() == 1  # a new entity

    panel.locator("tr[data-kind=place]", has_text="Koh Rong").locator("button.reject").click()
    officer.wait_for_url(f"{report_url}*")
    assert panel.locator("tr[data-kind=place]").count() == 0
    shot = os.environ.get("PORTINTEL_SCREENSHOT_DIR")
    if shot:
        officer.screenshot(path=str(Path(shot) / "suggestions-panel.png"), full_page=True)
    assert live_server.foreign_requests == []
