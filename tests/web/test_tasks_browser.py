"""In headless Chromium: a supervisor tasks an officer, who answers with a new report; overdue."""

from __future__ import annotations

from datetime import timedelta

import pytest

from portintel.domain.actors import SYSTEM
from portintel.services import admin, tasking
from tests.web.test_browser import (  # noqa: F401 (fixtures)
    LiveServer,
    _log_in,
    _page,
    browser,
    live_server,
)

pytestmark = pytest.mark.browser


def test_a_supervisor_tasks_the_officer_answers_with_a_new_report_and_it_is_closed(
    browser: object,  # noqa: F811
    live_server: LiveServer,  # noqa: F811
) -> None:
    boss = _page(browser, live_server)
    _log_in(boss, live_server, "sam")
    boss.goto(f"{live_server.url}/tasks/new")
    boss.check("input[name=kind][value=rfi]")
    boss.fill("#f-title", "Who crews the Mekong Star?")
    boss.fill("#f-question", "Names and nationalities of the crew seen since March.")
    boss.select_option("#f-assignee", "user:olga")
    boss.select_option("#f-priority", "high")
    boss.select_option("#f-answer_handling", "uk-3x5x2:P")
    boss.click("form.panel button[type=submit]")
    boss.wait_for_url(f"{live_server.url}/tasks/T-*")
    task_url = boss.url
    assert "Open" in boss.inner_text("#task-status")

    officer = _page(browser, live_server)
    _log_in(officer, live_server, "olga")
    officer.click("#home-tasks a[href^='/tasks/T-']")
    officer.wait_for_url(task_url)
    officer.click("#answer-new")
    officer.wait_for_url(f"{live_server.url}/reports/new?task=*")
    assert officer.input_value("#f-title") == "Who crews the Mekong Star?"
    officer.fill("#f-title", "Crew of the Mekong Star")
    officer.fill("#f-text", "Captain and two deckhands, Cambodian.")
    officer.select_option("#f-reliability", "B")
    officer.select_option("#f-credibility", "2")
    officer.click("button[value=submit]")
    officer.wait_for_url(task_url)
    assert "Answered" in officer.inner_text("#task-status")
    assert "Crew of the Mekong Star" in officer.inner_text("#task-answers")

    boss.goto(task_url)
    assert "Crew of the Mekong Star" in boss.inner_text("#task-answers")
    boss.fill("#note-close", "Enough for the boarding.")
    boss.click("#step-close button")
    boss.wait_for_load_state()
    assert "Closed" in boss.inner_text("#task-status")
    assert "Enough for the boarding." in boss.inner_text("#task-history")
    assert live_server.foreign_requests == []


def test_an_overdue_task_shows_on_the_supervisor_s_home(
    browser: object,  # noqa: F811
    live_server: LiveServer,  # noqa: F811
) -> None:
    ws = live_server.workspace
    sam = admin.get_actor(ws, admin.get_user(ws, SYSTEM, "sam").id)
    task_id = tasking.issue_task(
        ws,
        sam,
        tasking.TaskDraft(
            title="Manifest of the Sea Falcon",
            question="Who boarded at the old pier?",
            deadline=ws.clock() + timedelta(minutes=1),
            answer_handling="uk-3x5x2:P",
            assignee_agency_id="immigration",
        ),
    )
    real_clock = ws.clock
    ws.clock = lambda: real_clock() + timedelta(hours=1)
    try:
        page = _page(browser, live_server)
        _log_in(page, live_server, "sam")
        panel = page.locator("#home-overdue")
        assert panel.get_attribute("data-count") == "1"
        assert "Manifest of the Sea Falcon" in panel.inner_text()
        assert "Overdue" in panel.inner_text()
        panel.locator(f"a[href='/tasks/{task_id}']").click()
        page.wait_for_url(f"{live_server.url}/tasks/{task_id}")
        assert "Overdue" in page.inner_text("#task-status")
    finally:
        ws.clock = real_clock
    assert live_server.foreign_requests == []
