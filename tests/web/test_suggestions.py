"""Suggestions on the API and on the report page: list, accept, edit, reject, refusals."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest

from tests.web.conftest import Person

REPORT = {
    "title": "Boarding at Koh Rong",
    "text": (
        "Boarded MV KOH RONG STAR (IMO 9074729) off Koh Rong. Master Mr Sok Chanthy, "
        "phone 012 345 678. Stern shows IMO 9074728."
    ),
    "reliability": "B",
    "credibility": "2",
    "handling": "uk-3x5x2:P",
    "extract": False,
}


@pytest.fixture
def team(person: Callable[..., Person]) -> dict[str, Person]:
    return {
        "officer": person("olga", "officer"),
        "colleague": person("carl", "officer"),
        "outsider": person("mick", "analyst", agency="maritime-police"),
    }


def _file(officer: Person, submit: bool = False) -> str:
    response = officer.api("POST", "/api/v1/reports", json={**REPORT, "submit": submit})
    assert response.status_code == 201, response.text
    return str(response.json()["id"])


def _suggestions(person: Person, report_id: str, **params: object) -> list[dict]:
    response = person.api("GET", f"/api/v1/reports/{report_id}/suggestions", params=params)
    assert response.status_code == 200, response.text
    return list(response.json()["items"])


def _find(items: list[dict], kind: str, value: str) -> dict:
    (found,) = [i for i in items if i["kind"] == kind and i["value"] == value]
    return found


def test_list_accept_edit_and_reject_by_api(team: dict[str, Person]) -> None:
    officer = team["officer"]
    report_id = _file(officer)
    items = _suggestions(officer, report_id)
    imo = _find(items, "imo", "IMO9074729")
    assert imo["valid"] and imo["rule_id"] == "imo.prefixed" and imo["status"] == "proposed"
    assert REPORT["text"][imo["start"] : imo["end"]] == imo["raw"] == "IMO 9074729"
    near = _find(items, "imo", "IMO9074728")
    assert not near["valid"] and near["reason"] == "IMO check digit is 8, expected 9"

    base = f"/api/v1/reports/{report_id}/suggestions"
    accepted = officer.api("POST", f"{base}/{imo['id']}/accept")
    assert accepted.status_code == 200, accepted.text
    assert accepted.json()["status"] == "accepted" and len(accepted.json()["statement_ids"]) == 1
    again = officer.api("POST", f"{base}/{imo['id']}/accept")
    assert again.status_code == 409

    name = _find(items, "person_name", "Sok Chanthy")
    edited = officer.api("POST", f"{base}/{name['id']}/accept", json={"value": "Sokh Chanthy"})
    assert edited.status_code == 200 and edited.json()["decided_value"] == "Sokh Chanthy"

    place = _find(items, "place", "Koh Rong")
    assert officer.api("POST", f"{base}/{place['id']}/reject").status_code == 200
    assert all(i["id"] != place["id"] for i in _suggestions(officer, report_id))
    rejected = _find(_suggestions(officer, report_id, include_rejected=True), "place", "Koh Rong")
    assert rejected["status"] == "rejected"

    report = officer.api("GET", f"/api/v1/reports/{report_id}").json()
    captions = sorted(entity["caption"] for entity in report["entities"])
    assert captions == ["IMO9074729", "Sokh Chanthy"]


def test_refusals(team: dict[str, Person]) -> None:
    officer = team["officer"]
    report_id = _file(officer, submit=True)
    imo = _find(_suggestions(officer, report_id), "imo", "IMO9074729")
    base = f"/api/v1/reports/{report_id}/suggestions"
    outsider = team["outsider"]
    assert outsider.api("GET", base).status_code == 404
    assert outsider.api("POST", f"{base}/{imo['id']}/accept").status_code == 404
    colleague = team["colleague"]
    listed = colleague.api("GET", base)
    assert listed.status_code == 200 and listed.json()["may_decide"] is False
    assert colleague.api("POST", f"{base}/{imo['id']}/accept").status_code == 403
    no_csrf = officer.client.post(f"{base}/{imo['id']}/accept")
    assert no_csrf.status_code == 403
    assert officer.api("POST", f"{base}/not-hex/accept").status_code == 422
    assert officer.api("POST", f"{base}/{'0' * 20}/reject").status_code == 404
    assert officer.api("POST", f"{base}/{imo['id']}/accept", json={"value": ""}).status_code == 422


def test_the_report_page_lists_suggestions_and_decides_with_its_forms(
    team: dict[str, Person],
) -> None:
    officer = team["officer"]
    report_id = _file(officer)
    page = officer.client.get(f"/reports/{report_id}")
    assert page.status_code == 200
    assert "Suggestions from the text" in page.text
    assert "IMO check digit is 8, expected 9" in page.text
    imo = _find(_suggestions(officer, report_id), "imo", "IMO9074729")
    action = f"/reports/{report_id}/suggestions/{imo['id']}/accept"
    assert f'action="{action}"' in page.text
    refused = officer.client.post(action, data={"value": "IMO9074729"})
    assert refused.status_code == 403
    done = officer.form(action, {"value": "IMO9074729"})
    assert done.status_code == 303
    row = re.search(
        rf'<tr id="suggestion-{imo["id"]}".*?</tr>',
        officer.client.get(done.headers["location"]).text,
        re.S,
    )
    assert row is not None and "Accepted" in row.group(0) and "<form" not in row.group(0)
    colleague_page = team["outsider"].client.get(f"/reports/{report_id}")
    assert colleague_page.status_code == 404
