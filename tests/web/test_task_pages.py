"""Tasks on pages and the API: issue, see on home, answer with a new report, close; home by role."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import timedelta

import pytest

from portintel.services.workspace import Workspace
from tests.web.conftest import Person

XSS = "<script>alert(1)</script>"


@pytest.fixture
def team(person: Callable[..., Person]) -> dict[str, Person]:
    return {
        "officer": person("olga", "officer"),
        "supervisor": person("sam", "supervisor"),
        "outsider": person("mick", "officer", agency="maritime-police"),
        "admin": person("ada", "administrator"),
    }


def _issue(supervisor: Person, **changes: str) -> str:
    form = {
        "kind": "rfi",
        "title": "Crew of the Mekong Star",
        "question": "Who crewed her since March?",
        "priority": "high",
        "deadline": "",
        "answer_handling": "uk-3x5x2:P",
        "handling_conditions": "",
        "assignee": "user:olga",
        **changes,
    }
    response = supervisor.form("/tasks", form)
    assert response.status_code == 303, response.text
    return response.headers["location"].rsplit("/", 1)[1]


def test_a_task_is_issued_answered_with_a_new_report_and_closed(team: dict[str, Person]) -> None:
    sam, olga, mick = team["supervisor"], team["officer"], team["outsider"]
    task_id = _issue(sam, title=f"Crew {XSS}")
    home = olga.client.get("/").text
    assert 'id="home-tasks"' in home and f'href="/tasks/{task_id}"' in home
    assert XSS not in home and "&lt;script&gt;" in home
    assert f"/tasks/{task_id}" not in mick.client.get("/").text
    assert mick.client.get(f"/tasks/{task_id}").status_code == 404

    form = olga.client.get(f"/reports/new?task={task_id}")
    assert form.status_code == 200
    assert f'name="answers_task" value="{task_id}"' in form.text
    assert 'value="save"' not in form.text  # an answer is handed in, not kept as a draft
    filed = olga.form(
        "/reports",
        {
            "answers_task": task_id,
            "title": "Crew seen on the Mekong Star",
            "text": "Three crew, one captain.",
            "reliability": "B",
            "credibility": "2",
            "handling": "uk-3x5x2:P",
            "action": "save",
        },
    )
    assert filed.status_code == 303 and filed.headers["location"] == f"/tasks/{task_id}"
    page = sam.client.get(f"/tasks/{task_id}").text
    assert 'id="task-status">Answered' in page and "Crew seen on the Mekong Star" in page

    refused = sam.form(f"/tasks/{task_id}/close", {"note": "  "})
    assert refused.status_code == 422 and 'id="step-error"' in refused.text
    closed = sam.form(f"/tasks/{task_id}/close", {"note": "Enough, thanks."})
    assert closed.status_code == 303
    task = sam.api("GET", f"/api/v1/tasks/{task_id}").json()
    assert task["status"] == "closed" and task["answers"] == 1
    assert [e["step"] for e in task["events"]] == ["issue", "answer", "close"]
    assert 'id="home-tasks"' in olga.client.get("/").text
    assert f'href="/tasks/{task_id}"' not in olga.client.get("/").text  # closed: not to do


def test_the_task_form_keeps_what_was_typed(team: dict[str, Person]) -> None:
    sam = team["supervisor"]
    refused = sam.form(
        "/tasks",
        {
            "kind": "task",
            "title": "Watch the old pier",
            "question": "Who loads at night?",
            "priority": "immediate",
            "deadline": "2001-01-01T00:00",
            "answer_handling": "uk-3x5x2:P",
            "assignee": "agency:maritime-police",
        },
    )
    assert refused.status_code == 422
    assert "the deadline is already past" in refused.text
    assert 'value="Watch the old pier"' in refused.text
    assert "Who loads at night?</textarea>" in refused.text
    assert 'value="agency:maritime-police" selected' in refused.text
    assert 'value="immediate" selected' in refused.text
    assert (
        team["officer"].form("/tasks", {"title": "x", "assignee": "user:olga"}).status_code == 403
    )
    denied = team["officer"].api(
        "POST",
        "/api/v1/tasks",
        json={
            "title": "x",
            "question": "y",
            "answer_handling": "uk-3x5x2:P",
            "assignee_username": "olga",
        },
    )
    assert denied.status_code == 403


def test_an_overdue_task_shows_on_the_supervisor_s_home_and_lists_sort_and_count(
    team: dict[str, Person], ws: Workspace
) -> None:
    sam = team["supervisor"]
    soon = (ws.clock() + timedelta(minutes=2)).strftime("%Y-%m-%dT%H:%M")
    late = _issue(sam, title="Late answer", deadline=soon)
    _issue(sam, title="Another", assignee="agency:maritime-police")
    ws.clock.now += timedelta(hours=3)  # type: ignore[attr-defined]
    home = sam.client.get("/").text
    panel = re.search(r'id="home-overdue" [^>]*data-count="(\d+)"', home)
    assert panel is not None and panel[1] == "1"
    assert f'href="/tasks/{late}"' in home and "Overdue" in home
    listed = sam.client.get("/tasks", params={"overdue": "true", "sort": "title"}).text
    assert "1 task" in listed and "Late answer" in listed and "Another" not in listed
    page = sam.api("GET", "/api/v1/tasks", params={"sort": "title"}).json()
    assert page["total"] == 2 and [t["title"] for t in page["tasks"]] == ["Another", "Late answer"]
    # the officer's own count equals what she can open
    olga = team["officer"].api("GET", "/api/v1/tasks").json()
    assert olga["total"] == 1 and olga["tasks"][0]["id"] == late


def test_home_panels_follow_the_roles(team: dict[str, Person]) -> None:
    admin_home = team["admin"].client.get("/").text
    for key in ("users", "sign-ins", "jobs"):
        assert f'id="home-{key}"' in admin_home
    assert 'id="home-drafts"' not in admin_home  # administrators read no intelligence
    supervisor_home = team["supervisor"].client.get("/").text
    order = [
        supervisor_home.index(f'id="home-{key}"')
        for key in ("awaiting", "overdue", "disseminations", "tasks", "drafts")
    ]
    assert order == sorted(order)
    assert 'id="home-users"' not in supervisor_home
