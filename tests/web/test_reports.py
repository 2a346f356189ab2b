"""Reports on the API and on pages: filing, reading, evaluation, attachments, refusals, XSS."""

from __future__ import annotations

import logging
import re
import shutil
from collections.abc import Callable

import pytest

from portintel.services.workspace import Workspace
from tests.web.conftest import Person

XSS = "<script>alert(1)</script><img src=x onerror=alert(2)>"

REPORT = {
    "title": "Trawler seen loading passengers at night",
    "text": "Around 40 people boarded the trawler SEA FALCON (IMO 9074729) at the old pier.",
    "reliability": "B",
    "credibility": "2",
    "handling": "uk-3x5x2:P",
    "facts": [
        {"entity_key": "vessel", "schema": "Vessel", "prop": "name", "value": "SEA FALCON"},
        {"entity_key": "vessel", "schema": "Vessel", "prop": "imoNumber", "value": "IMO9074729"},
    ],
}


@pytest.fixture
def team(person: Callable[..., Person]) -> dict[str, Person]:
    return {
        "officer": person("olga", "officer"),
        "supervisor": person("sam", "supervisor"),
        "analyst": person("ana", "analyst"),
        "outsider": person("mick", "analyst", agency="maritime-police"),
    }


def _file(officer: Person, **changes: object) -> dict:
    response = officer.api("POST", "/api/v1/reports", json={**REPORT, **changes})
    assert response.status_code == 201, response.text
    return response.json()


def test_officer_files_and_reads_a_report_by_api(team: dict[str, Person]) -> None:
    report = _file(team["officer"])
    assert report["status"] == "draft"
    assert report["grading"]["label"] == "B2"
    assert report["entity_ids"]
    (vessel,) = report["entities"]  # the facts and the IMO in the text meet on one vessel
    assert vessel["schema"] == "Vessel" and vessel["caption"] == "SEA FALCON"
    assert vessel["id"].startswith("ent-") and "9074729" not in vessel["id"]
    page = team["officer"].client.get(f"/reports/{report['id']}")
    assert page.status_code == 200
    assert f'<a href="/entities/{vessel["id"]}">SEA FALCON</a>' in page.text
    again = team["officer"].api("GET", f"/api/v1/reports/{report['id']}")
    assert again.status_code == 200
    assert again.json()["title"] == REPORT["title"]


def test_drafts_are_hidden_from_others_as_not_found(team: dict[str, Person]) -> None:
    report = _file(team["officer"])
    for who in ("analyst", "outsider"):
        response = team[who].api("GET", f"/api/v1/reports/{report['id']}")
        assert response.status_code == 404, who
        assert response.json()["error"]["code"] == "not_found"
        listed = team[who].api("GET", "/api/v1/reports").json()
        assert report["id"] not in [item["id"] for item in listed["items"]]
        assert listed["total"] == len(listed["items"])


def test_lifecycle_by_api_with_refusals(team: dict[str, Person]) -> None:
    report = _file(team["officer"], submit=True)
    assert report["status"] == "submitted"
    path = f"/api/v1/reports/{report['id']}/evaluate"
    refused = team["officer"].api("POST", path, json={"credibility": "1"})
    assert refused.status_code == 403
    evaluated = team["supervisor"].api("POST", path, json={"credibility": "1", "note": "checked"})
    assert evaluated.status_code == 200, evaluated.text
    assert evaluated.json()["status"] == "evaluated"
    assert evaluated.json()["grading"]["label"] == "B1"
    twice = team["supervisor"].api("POST", path, json={})
    assert twice.status_code == 409
    analyst_view = team["analyst"].api("GET", f"/api/v1/reports/{report['id']}")
    assert analyst_view.status_code == 200
    actions = [event["action"] for event in analyst_view.json()["events"]]
    assert "evaluate" in actions


def test_invalid_reports_name_the_field(team: dict[str, Person]) -> None:
    officer = team["officer"]
    bad_grade = officer.api("POST", "/api/v1/reports", json={**REPORT, "credibility": "9"})
    assert bad_grade.status_code == 422
    assert bad_grade.json()["error"]["field"] == "credibility"
    no_conditions = officer.api(
        "POST", "/api/v1/reports", json={**REPORT, "handling": "uk-3x5x2:C"}
    )
    assert no_conditions.status_code == 422
    assert no_conditions.json()["error"]["field"] == "handling"
    missing = officer.api("POST", "/api/v1/reports", json={"title": "x"})
    assert missing.status_code == 422
    assert missing.json()["error"]["field"] == "text"


def test_restrictive_reports_stay_in_the_agency(team: dict[str, Person]) -> None:
    report = _file(
        team["officer"],
        handling="uk-3x5x2:C",
        handling_conditions="Immigration only; no onward sharing",
        submit=True,
    )
    team["supervisor"].api("POST", f"/api/v1/reports/{report['id']}/evaluate", json={})
    assert team["analyst"].api("GET", f"/api/v1/reports/{report['id']}").status_code == 200
    assert team["outsider"].api("GET", f"/api/v1/reports/{report['id']}").status_code == 404


def test_attachments_by_api_are_downloads(team: dict[str, Person]) -> None:
    report = _file(team["officer"])
    upload = team["officer"].api(
        "POST",
        f"/api/v1/reports/{report['id']}/attachments",
        files={"file": ("boarding.html", b"<script>alert(3)</script>", "text/html")},
    )
    assert upload.status_code == 201, upload.text
    download = team["officer"].api("GET", upload.json()["url"])
    assert download.status_code == 200
    assert download.content == b"<script>alert(3)</script>"
    assert download.headers["content-disposition"].startswith("attachment;")
    assert "sandbox" in download.headers["content-security-policy"]
    assert team["outsider"].api("GET", upload.json()["url"]).status_code == 404


def test_report_form_shows_definitions_and_conditions_field(team: dict[str, Person]) -> None:
    page = team["officer"].client.get("/reports/new")
    assert page.status_code == 200
    assert "Completely reliable" in page.text
    assert "No doubt of authenticity" in page.text  # definition of admiralty A
    assert 'value="uk-3x5x2:C"' in page.text
    assert 'name="handling_conditions"' in page.text
    assert 'name="csrf_token"' in page.text


def test_report_form_files_a_report_with_an_attachment(team: dict[str, Person]) -> None:
    officer = team["officer"]
    response = officer.form(
        "/reports",
        {
            "title": "Boarding at pier 3",
            "text": "Crew list attached.",
            "reliability": "B",
            "credibility": "2",
            "handling": "uk-3x5x2:P",
            "vessel_imo": "IMO9074729",
            "action": "submit",
        },
        files={"file": ("crew.txt", b"captain: X", "text/plain")},
    )
    assert response.status_code == 303, response.text
    location = response.headers["location"]
    page = officer.client.get(location)
    assert page.status_code == 200
    assert "crew.txt" in page.text
    assert "submitted" in page.text
    attachment = re.search(r'href="(/attachments/[^"]+)"', page.text)
    assert attachment is not None
    assert officer.client.get(attachment[1]).content == b"captain: X"


def test_report_form_keeps_input_on_error(team: dict[str, Person]) -> None:
    response = team["officer"].form(
        "/reports",
        {"title": "Keep me", "text": "t", "credibility": "2", "handling": "uk-3x5x2:C"},
    )
    assert response.status_code == 422
    assert 'id="form-error"' in response.text
    assert 'value="Keep me"' in response.text


def test_report_form_without_csrf_is_refused(team: dict[str, Person]) -> None:
    response = team["officer"].client.post(
        "/reports", data={"title": "x", "text": "y", "credibility": "2", "handling": "uk-3x5x2:P"}
    )
    assert response.status_code == 403
    listed = team["officer"].api("GET", "/api/v1/reports").json()
    assert listed["total"] == 0


def test_supervisor_evaluates_on_the_page(team: dict[str, Person]) -> None:
    report = _file(team["officer"], submit=True)
    officer_page = team["officer"].client.get(f"/reports/{report['id']}")
    assert 'id="evaluate"' not in officer_page.text
    assert team["officer"].form(f"/reports/{report['id']}/evaluate", {}).status_code == 403
    page = team["supervisor"].client.get(f"/reports/{report['id']}")
    assert 'id="evaluate"' in page.text
    done = team["supervisor"].form(
        f"/reports/{report['id']}/evaluate",
        {"reliability": "A", "credibility": "1", "handling": "uk-3x5x2:P", "note": "ok"},
    )
    assert done.status_code == 303
    assert team["officer"].api("GET", f"/api/v1/reports/{report['id']}").json()["status"] == (
        "evaluated"
    )


def test_home_lists_my_drafts_and_what_awaits_evaluation(team: dict[str, Person]) -> None:
    draft = _file(team["officer"], title="My unfinished draft")
    submitted = _file(team["officer"], title="Ready for a supervisor", submit=True)
    officer_home = team["officer"].client.get("/").text
    assert draft["title"] in officer_home
    # the alerts panel, empty in a workspace without watchlists or scores
    assert 'id="home-alerts"' in officer_home
    assert "no open alerts" in officer_home.lower()
    supervisor_home = team["supervisor"].client.get("/").text
    assert submitted["title"] in supervisor_home
    assert draft["title"] not in supervisor_home


def test_report_list_filters(team: dict[str, Person]) -> None:
    _file(team["officer"], title="Alpha boarding")
    _file(team["officer"], title="Bravo sighting", submit=True)
    page = team["officer"].client.get("/reports", params={"text": "Bravo"})
    assert "Bravo sighting" in page.text
    assert "Alpha boarding" not in page.text
    drafts = team["officer"].client.get("/reports", params={"status": "draft"})
    assert "Alpha boarding" in drafts.text
    assert "Bravo sighting" not in drafts.text
    assert team["officer"].client.get("/reports", params={"status": "lost"}).status_code == 422


def test_report_text_is_escaped_everywhere(team: dict[str, Person]) -> None:
    report = _file(team["officer"], title=XSS, text=XSS, facts=[])
    for path in (f"/reports/{report['id']}", "/reports", "/"):
        page = team["officer"].client.get(path)
        assert page.status_code == 200
        assert "<script>alert(1)" not in page.text, path
        assert "<img src=x" not in page.text, path
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page.text, path


def test_archive_and_disseminate_steps_on_pages(team: dict[str, Person]) -> None:
    report = _file(team["officer"], submit=True)
    path = f"/reports/{report['id']}"
    assert team["officer"].form(f"{path}/archive").status_code == 403
    assert team["officer"].form(f"{path}/teleport").status_code == 422
    team["supervisor"].form(f"{path}/evaluate", {})
    page = team["supervisor"].client.get(path).text
    # no status flip: a report is disseminated by an approved dissemination (share approve)
    assert 'id="step-disseminate"' not in page
    assert team["supervisor"].form(f"{path}/disseminate").status_code == 422
    refused = team["supervisor"].form(f"{path}/archive")
    assert refused.status_code == 422  # archiving needs a note for the record
    assert "needs a note" in refused.text
    assert (
        team["supervisor"].form(f"{path}/archive", {"note": "no further action"}).status_code == 303
    )
    status = team["officer"].api("GET", f"/api/v1/reports/{report['id']}").json()["status"]
    assert status == "archived"


def test_withdrawing_a_draft_by_api(team: dict[str, Person]) -> None:
    report = _file(team["officer"])
    withdrawn = team["officer"].api("POST", f"/api/v1/reports/{report['id']}/archive", json={})
    assert withdrawn.status_code == 200, withdrawn.text
    assert withdrawn.json()["status"] == "archived"
    refused = team["supervisor"].api("POST", f"/api/v1/reports/{report['id']}/submit")
    assert refused.status_code == 403  # only the author submits
    assert refused.json()["error"]["code"] == "permission_denied"


def test_report_list_pages_keep_the_filters(team: dict[str, Person], monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from portintel.web.routes.intake import reports as report_pages

    monkeypatch.setattr(report_pages, "PAGE_SIZE", 2)
    titles = [f"Sighting {n}" for n in range(3)]
    for title in titles:
        _file(team["officer"], title=title, facts=[])
    first = team["officer"].client.get("/reports", params={"text": "Sighting"})
    assert 'rel="next"' in first.text
    assert 'href="/reports?text=Sighting&amp;page=2"' in first.text
    second = team["officer"].client.get("/reports", params={"text": "Sighting", "page": 2})
    assert 'rel="next"' not in second.text
    shown = [t for t in titles if t in first.text] + [t for t in titles if t in second.text]
    assert sorted(shown) == titles


def test_naming_a_hidden_entity_answers_as_naming_none(team: dict[str, Person]) -> None:
    """Writes cannot probe (#8): the API answers a fact naming an entity the caller
    may not read exactly as one naming no entity, and files nothing."""
    hidden = _file(team["officer"])["entity_ids"][0]  # a draft: the outsider may not read it
    missing = "ent-" + "0" * 32
    outsider = team["outsider"]

    def name(entity_id: str):  # type: ignore[no-untyped-def]
        fact = {"entity_key": f"entity:{entity_id}", "schema": "Vessel", "prop": "flag"}
        return outsider.api(
            "POST", "/api/v1/reports", json={**REPORT, "facts": [{**fact, "value": "kh"}]}
        )

    before = outsider.api("GET", "/api/v1/reports").json()["total"]
    on_hidden, on_missing = name(hidden), name(missing)
    assert on_hidden.status_code == on_missing.status_code == 404
    assert on_hidden.text.replace(hidden, "ID") == on_missing.text.replace(missing, "ID")
    assert outsider.api("GET", "/api/v1/reports").json()["total"] == before
    assert team["officer"].api("GET", f"/api/v1/entities/{hidden}").json()["statements"]
    assert not any(
        s["prop"] == "flag"
        for s in team["officer"].api("GET", f"/api/v1/entities/{hidden}").json()["statements"]
    )


def test_attachment_store_errors_name_no_server_path(
    team: dict[str, Person], ws: Workspace, caplog: pytest.LogCaptureFixture
) -> None:
    """The client learns what failed; the path where is in the server's log only."""
    officer = team["officer"]
    report = _file(officer)
    upload = officer.api(
        "POST",
        f"/api/v1/reports/{report['id']}/attachments",
        files={"file": ("crew.txt", b"crew list", "text/plain")},
    )
    assert upload.status_code == 201
    root = ws.settings.attachments_dir
    shutil.rmtree(root)
    with caplog.at_level(logging.ERROR):
        missing = officer.api("GET", upload.json()["url"])
        root.write_bytes(b"a file where the directory should be")
        unwritable = officer.api(
            "POST",
            f"/api/v1/reports/{report['id']}/attachments",
            files={"file": ("other.txt", b"other bytes", "text/plain")},
        )
    assert missing.status_code == 404
    assert unwritable.status_code == 503
    data_dir = str(ws.settings.data_dir)
    for response in (missing, unwritable):
        assert response.json()["error"]["message"].startswith(("attachment", "cannot store"))
        assert data_dir not in response.text and str(root) not in response.text
    assert str(root) in caplog.text  # the operator still learns where


def test_a_supervisor_returns_a_report_and_the_author_resubmits(team: dict[str, Person]) -> None:
    report = _file(team["officer"], submit=True)
    path = f"/reports/{report['id']}"
    supervisor, officer = team["supervisor"], team["officer"]
    page = supervisor.client.get(path).text
    assert 'id="step-return"' in page and 'id="return-note"' in page
    # the officer may not return their own report
    assert officer.form(f"{path}/return", {"note": "mine"}).status_code == 403
    # without a reason the page comes back with the error, nothing changes
    refused = supervisor.form(f"{path}/return", {"note": "   "})
    assert refused.status_code == 422
    assert "needs a note" in refused.text
    assert officer.api("GET", f"/api/v1/reports/{report['id']}").json()["status"] == "submitted"
    reason = "Add the boat's IMO number & the time <of> departure."
    done = supervisor.form(f"{path}/return", {"note": reason})
    assert done.status_code == 303
    # back to the reports awaiting evaluation: the draft is its author's alone now
    assert done.headers["location"] == "/reports?status=submitted"
    assert supervisor.client.get(done.headers["location"]).status_code == 200
    body = officer.api("GET", f"/api/v1/reports/{report['id']}").json()
    assert body["status"] == "draft"
    mine = officer.client.get(path).text
    assert 'id="returned-notice"' in mine
    assert "Add the boat&#39;s IMO number &amp; the time &lt;of&gt; departure." in mine
    assert supervisor.username.title() in mine.split('id="returned-notice"')[1].split("</div>")[0]
    assert 'id="step-submit"' in mine and 'id="step-withdraw"' in mine
    # corrected and submitted again: the notice is gone, the history keeps the reason
    assert officer.form(f"{path}/submit").status_code == 303
    again = officer.client.get(path).text
    assert 'id="returned-notice"' not in again
    assert "Add the boat&#39;s IMO number" in again  # in the history


def test_a_refused_archive_keeps_the_typed_note(team: dict[str, Person]) -> None:
    report = _file(team["officer"], submit=True)
    path = f"/reports/{report['id']}"
    supervisor = team["supervisor"]
    assert (
        supervisor.form(f"{path}/archive", {"note": "duplicate of an earlier report"}).status_code
        == 303
    )
    # a second archive conflicts: the page says why and keeps what was typed
    conflict = supervisor.form(f"{path}/archive", {"note": "typed again"})
    assert conflict.status_code == 409
    assert "cannot archive" in conflict.text


def test_the_author_discards_a_draft_from_its_page(team: dict[str, Person]) -> None:
    report = _file(team["officer"])
    path = f"/reports/{report['id']}"
    page = team["officer"].client.get(path).text
    assert 'id="step-withdraw"' in page and "data-confirm" in page.split('id="step-withdraw"')[0]
    assert team["officer"].form(f"{path}/withdraw").status_code == 303
    status = team["officer"].api("GET", f"/api/v1/reports/{report['id']}").json()["status"]
    assert status == "archived"


def test_returning_a_report_by_api(team: dict[str, Person]) -> None:
    report = _file(team["officer"], submit=True)
    url = f"/api/v1/reports/{report['id']}/return"
    missing = team["supervisor"].api("POST", url, json={})
    assert missing.status_code == 422
    returned = team["supervisor"].api("POST", url, json={"note": "which port?"})
    assert returned.status_code == 200, returned.text
    assert returned.json() == {
        "id": report["id"],
        "status": "draft",
        "returned_to": report["author_id"],
    }
    events = team["officer"].api("GET", f"/api/v1/reports/{report['id']}").json()["events"]
    assert (events[-1]["action"], events[-1]["note"]) == ("return", "which port?")
    # a draft again, which only its author reads: to the supervisor it is not there
    again = team["supervisor"].api("POST", url, json={"note": "twice"})
    assert again.status_code == 404
