"""Comments, assignment and notifications on pages and on the API (issue #15)."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from tests.web.conftest import Person

XSS = "<script>alert(1)</script><img src=x onerror=alert(2)>"
REPORT = {
    "title": "Trawler seen loading passengers at night",
    "text": "Around 40 people boarded the trawler SEA FALCON at the old pier.",
    "reliability": "B",
    "credibility": "2",
    "handling": "uk-3x5x2:P",
    "facts": [{"entity_key": "vessel", "schema": "Vessel", "prop": "name", "value": "SEA FALCON"}],
}


@pytest.fixture
def team(person: Callable[..., Person]) -> dict[str, Person]:
    return {
        "officer": person("olga", "officer"),
        "supervisor": person("sam", "supervisor"),
        "analyst": person("ana", "analyst"),
        "outsider": person("mick", "officer", agency="maritime-police"),
    }


def _submitted(officer: Person) -> dict:
    response = officer.api("POST", "/api/v1/reports", json={**REPORT, "submit": True})
    assert response.status_code == 201, response.text
    return response.json()


def test_comment_thread_on_a_report_page_is_escaped_and_scoped(team: dict[str, Person]) -> None:
    officer, supervisor, outsider = team["officer"], team["supervisor"], team["outsider"]
    report = _submitted(officer)
    url = f"/reports/{report['id']}"
    done = supervisor.form(f"{url}/comments", {"body": XSS})
    assert done.status_code == 303 and done.headers["location"] == f"{url}#comments"
    page = officer.client.get(url)
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page.text and XSS not in page.text
    assert "<strong>Sam</strong>" in page.text and 'Comments <span class="muted">(1)' in page.text
    # no CSRF token: refused
    refused = supervisor.client.post(f"{url}/comments", data={"body": "forged"})
    assert refused.status_code == 403
    # a reader who may not read the report sees neither the thread nor its count
    assert outsider.client.get(url).status_code == 404
    assert outsider.form(f"{url}/comments", {"body": "hello"}).status_code == 404
    assert outsider.api("GET", f"/api/v1/reports/{report['id']}/comments").status_code == 404
    # an empty comment comes back with the reason
    empty = officer.form(f"{url}/comments", {"body": "   "})
    assert empty.status_code == 422 and "needs some text" in empty.text
    # the API: list and add
    added = officer.api("POST", f"/api/v1/reports/{report['id']}/comments", json={"body": "ok"})
    assert added.status_code == 201
    assert [c["author_name"] for c in added.json()] == ["Sam", "Olga"]
    forged = officer.client.post(
        f"/api/v1/reports/{report['id']}/comments", json={"body": "no csrf header"}
    )
    assert forged.status_code == 403


def test_comments_on_an_entity_page(team: dict[str, Person]) -> None:
    officer, supervisor = team["officer"], team["supervisor"]
    report = _submitted(officer)
    entity_id = report["entities"][0]["id"]
    assert (
        supervisor.form(f"/entities/{entity_id}/comments", {"body": "Seen at Ream"}).status_code
        == 303
    )
    page = officer.client.get(f"/entities/{entity_id}")
    assert page.status_code == 200 and "Seen at Ream" in page.text
    listed = officer.api("GET", f"/api/v1/entities/{entity_id}/comments")
    assert [c["body"] for c in listed.json()] == ["Seen at Ream"]
    assert team["outsider"].api("GET", f"/api/v1/entities/{entity_id}/comments").status_code == 404


def test_return_assign_and_notifications(team: dict[str, Person]) -> None:
    officer, supervisor, analyst = team["officer"], team["supervisor"], team["analyst"]
    report = _submitted(officer)
    url = f"/reports/{report['id']}"
    assert supervisor.form(f"{url}/return", {"note": "add the IMO"}).status_code == 303
    home = officer.client.get("/reports")
    assert 'id="bell-count">1<' in home.text
    page = officer.client.get("/notifications")
    assert "Report returned" in page.text and "add the IMO" in page.text
    api = officer.api("GET", "/api/v1/notifications").json()
    assert [n["kind"] for n in api] == ["returned"] and not api[0]["read"]
    assert officer.form("/notifications/read", {}).status_code == 303
    assert 'id="bell-count"' not in officer.client.get("/reports").text

    assert officer.form(f"{url}/submit").status_code == 303
    # only a supervisor sees the assignment form; the analyst of the agency is offered
    assert 'id="assign-form"' not in officer.client.get(url).text
    page = supervisor.client.get(url)
    assert 'id="assign-form"' in page.text and ">Ana</option>" in page.text
    bad = supervisor.form(
        f"{url}/assignment", {"assignee": "", "deadline": "tomorrow", "note": "kept"}
    )
    assert (
        bad.status_code == 422
        and "not a date and time" in bad.text
        and ">kept</textarea>" in bad.text
    )
    analyst_id = analyst.api("GET", "/api/v1/me").json()["user_id"]
    done = supervisor.form(
        f"{url}/assignment", {"assignee": analyst_id, "deadline": "2030-01-01T12:00", "note": ""}
    )
    assert done.status_code == 303
    assert "Assigned to Ana by Sam" in analyst.client.get(url).text
    mine = analyst.client.get("/reports?assigned=me")
    assert report["id"] in mine.text and "<td>Ana</td>" in mine.text
    assert report["id"] not in supervisor.client.get("/reports?assigned=me").text
    notes = analyst.api("GET", "/api/v1/notifications").json()
    assert notes[0]["kind"] == "assigned" and notes[0]["link"] == url
    via_api = supervisor.api(
        "PUT",
        f"/api/v1/reports/{report['id']}/assignment",
        json={"assignee": analyst_id, "deadline": "2030-01-02T08:00:00Z"},
    )
    assert via_api.status_code == 200 and via_api.json()["assignee_name"] == "Ana"
    refused = officer.api(
        "PUT", f"/api/v1/reports/{report['id']}/assignment", json={"assignee": analyst_id}
    )
    assert refused.status_code == 403
    marked = analyst.api(
        "POST", "/api/v1/notifications/read", json={"notification": notes[0]["id"]}
    )
    assert marked.json() == {"marked": 1}
