"""The entity profile page, its API and the merge history page with its split button (#12)."""

from __future__ import annotations

from collections.abc import Callable

from portintel.domain.actors import SYSTEM
from portintel.services.collation.canonical import canonical_entity
from portintel.services.workspace import Workspace
from tests.web.conftest import Person

VESSEL = {
    "title": "Boarding of SEA FALCON",
    "text": "Boarded the trawler SEA FALCON; owner Sok Chanthy.",
    "reliability": "B",
    "credibility": "2",
    "handling": "tlp:GREEN",
    "submit": True,
    "facts": [
        {"entity_key": "boat", "schema": "Vessel", "prop": "name", "value": "SEA FALCON"},
        {"entity_key": "boat", "schema": "Vessel", "prop": "imoNumber", "value": "IMO9074729"},
        {"entity_key": "sok", "schema": "Person", "prop": "name", "value": "Sok Chanthy"},
        {"entity_key": "own", "schema": "Ownership", "prop": "owner", "value": "sok"},
        {"entity_key": "own", "schema": "Ownership", "prop": "asset", "value": "boat"},
        {"entity_key": "own", "schema": "Ownership", "prop": "role", "value": "registered owner"},
    ],
}
PERSON = {
    **VESSEL,
    "title": "Crew list",
    "text": "SOKH CHANTHY, master.",
    "facts": [
        {"entity_key": "sok", "schema": "Person", "prop": "name", "value": "SOKH CHANTHY"},
        {"entity_key": "sok", "schema": "Person", "prop": "nationality", "value": "kh"},
    ],
}


def _file(officer: Person, supervisor: Person, report: dict[str, object]) -> str:
    made = officer.api("POST", "/api/v1/reports", json=report)
    assert made.status_code == 201, made.text
    report_id = str(made.json()["id"])
    assert supervisor.api("POST", f"/api/v1/reports/{report_id}/evaluate", json={}).is_success
    return report_id


def _entity(reader: Person, report_id: str, caption: str) -> str:
    report = reader.api("GET", f"/api/v1/reports/{report_id}").json()
    for entity_id in report["entity_ids"]:
        if reader.api("GET", f"/api/v1/entities/{entity_id}").json()["caption"] == caption:
            return str(entity_id)
    raise AssertionError(caption)


def test_profile_merge_and_split_through_the_pages(
    ws: Workspace, person: Callable[..., Person]
) -> None:
    officer = person("olga", "officer")
    supervisor = person("sam", "supervisor")
    analyst = person("ana", "analyst")
    first = _file(officer, supervisor, VESSEL)
    second = _file(officer, supervisor, PERSON)
    vessel = _entity(analyst, first, "SEA FALCON")
    owner = _entity(analyst, first, "Sok Chanthy")
    crew = _entity(analyst, second, "SOKH CHANTHY")

    api = analyst.api("GET", f"/api/v1/entities/{vessel}").json()
    assert api["schema_label"] == "Vessel" and api["member_ids"] == [vessel]
    ties = [(r["kind"], r["label"], r["entity_id"], r["role"]) for r in api["relationships"]]
    assert ("link", "Owner", owner, "registered owner") in ties
    assert [r["id"] for r in api["reports"]] == [first]
    imo = next(p for p in api["values"] if p["prop"] == "imoNumber")
    assert imo["label"] == "IMO Number" and imo["values"][0]["reports"] == 1

    page = analyst.client.get(f"/entities/{vessel}")
    assert page.status_code == 200
    assert "IMO Number" in page.text and ">imoNumber<" not in page.text  # labels, not codes
    assert f'<tr data-kind="link" data-entity="{owner}">' in page.text
    assert f'href="/reports/{first}">Boarding of SEA FALCON</a>' in page.text
    assert 'id="timeline"' in page.text

    judged = analyst.form(
        "/review/judge", {"left": owner, "right": crew, "verdict": "same", "skip": 0}
    )
    assert judged.status_code == 303
    merged_id = min(owner, crew)
    merged = analyst.client.get(f"/entities/{crew}")
    assert 'id="merged-note"' in merged.text
    assert 'data-value="SOKH CHANTHY"' in merged.text and 'data-value="Sok Chanthy"' in merged.text
    assert merged.text.count("<tr data-report=") == 2
    history = analyst.client.get(f"/entities/{merged_id}/history")
    assert history.status_code == 200
    assert "Split (undo)" in history.text and "SOKH CHANTHY" in history.text
    split = analyst.form(f"/entities/{merged_id}/history/undo", {"left": owner, "right": crew})
    assert split.status_code == 303
    assert split.headers["location"] == f"/entities/{merged_id}/history"
    assert canonical_entity(ws, SYSTEM, crew).member_ids == (crew,)
    after = analyst.client.get(split.headers["location"])
    assert "undone" in after.text and "Split (undo)" not in after.text
    assert 'id="merged-note"' not in analyst.client.get(f"/entities/{crew}").text


def test_the_history_of_an_entity_one_may_not_read_is_not_found(
    person: Callable[..., Person],
) -> None:
    officer = person("olga", "officer")
    made = officer.api("POST", "/api/v1/reports", json={**VESSEL, "submit": False})
    entity = _entity(officer, str(made.json()["id"]), "SEA FALCON")
    outsider = person("mick", "analyst", agency="maritime-police")
    assert outsider.client.get(f"/entities/{entity}/history").status_code == 404
    refused = outsider.form(f"/entities/{entity}/history/undo", {"left": entity, "right": "x"})
    assert refused.status_code == 404
