"""Entities with provenance, search, and the source register, on the API and on pages."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from tests.web.conftest import Person
from tests.web.test_reports import REPORT, XSS


@pytest.fixture
def evaluated(person: Callable[..., Person]) -> dict[str, object]:
    """An officer's report naming a vessel, evaluated by a supervisor."""
    officer = person("olga", "officer")
    supervisor = person("sam", "supervisor")
    report = officer.api("POST", "/api/v1/reports", json={**REPORT, "submit": True}).json()
    supervisor.api("POST", f"/api/v1/reports/{report['id']}/evaluate", json={})
    return {"report": report, "officer": officer, "supervisor": supervisor}


def _vessel_id(reader: Person) -> str:
    found = reader.api("GET", "/api/v1/search/entities", params={"q": "9074729"})
    assert found.status_code == 200, found.text
    vessels = [item for item in found.json() if item["schema_name"] == "Vessel"]
    assert vessels, found.json()
    return str(vessels[0]["id"])


def test_analyst_sees_the_provenance_of_an_imo_number(
    evaluated: dict[str, object], person: Callable[..., Person]
) -> None:
    analyst = person("ana", "analyst")
    vessel_id = _vessel_id(analyst)
    entity = analyst.api("GET", f"/api/v1/entities/{vessel_id}").json()
    imo = [s for s in entity["statements"] if s["prop"] == "imoNumber"]
    assert imo
    report = evaluated["report"]
    assert imo[0]["report_id"] == report["id"]  # type: ignore[index]
    assert imo[0]["grading"]["label"] == "B2"
    assert imo[0]["handling"] == "uk-3x5x2:P"
    page = analyst.client.get(f"/entities/{vessel_id}")
    assert page.status_code == 200
    assert 'data-prop="imoNumber"' in page.text
    assert f'href="/reports/{report["id"]}"' in page.text  # type: ignore[index]


def test_entities_of_unreadable_reports_are_not_found(
    person: Callable[..., Person],
) -> None:
    officer = person("olga", "officer")
    officer.api("POST", "/api/v1/reports", json=REPORT)  # a draft: only its author reads it
    vessel_id = _vessel_id(officer)
    outsider = person("mick", "analyst", agency="maritime-police")
    assert outsider.api("GET", f"/api/v1/entities/{vessel_id}").status_code == 404
    assert outsider.client.get(f"/entities/{vessel_id}").status_code == 404
    more = f"/entities/{vessel_id}/statements"
    assert outsider.client.get(more, params={"prop": "name"}).status_code == 404
    assert outsider.api("GET", f"/api/v1{more}", params={"prop": "name"}).status_code == 404
    assert officer.api("GET", f"/api/v1{more}", params={"prop": "name"}).json()["total"] == 1
    assert outsider.api("GET", "/api/v1/search/entities", params={"q": "9074729"}).json() == []
    search_page = outsider.client.get("/search", params={"q": "SEA FALCON"})
    assert vessel_id not in search_page.text


def test_entity_list_and_search_pages(evaluated: dict[str, object]) -> None:
    supervisor = evaluated["supervisor"]
    assert isinstance(supervisor, Person)
    listed = supervisor.api("GET", "/api/v1/entities", params={"schema": "Vessel"}).json()
    assert any(item["caption"] == "SEA FALCON" for item in listed)
    assert "SEA FALCON" in supervisor.client.get("/entities?schema=Vessel").text
    page = supervisor.client.get("/search", params={"q": "trawler"})
    assert page.status_code == 200
    assert REPORT["title"] in page.text


def test_search_is_audited(evaluated: dict[str, object]) -> None:
    supervisor = evaluated["supervisor"]
    assert isinstance(supervisor, Person)
    supervisor.client.get("/search", params={"q": "FALCON"})
    entries = supervisor.api("GET", "/api/v1/audit", params={"action": "search"}).json()
    assert entries and entries[0]["detail"]["query"] == "FALCON"


def test_search_input_is_escaped(person: Callable[..., Person]) -> None:
    officer = person("olga", "officer")
    page = officer.client.get("/search", params={"q": XSS})
    assert page.status_code == 200
    assert "<script>alert(1)" not in page.text
    assert "&lt;script&gt;" in page.text


def test_source_handlers_register_informants_and_see_identities(
    person: Callable[..., Person],
) -> None:
    handler = person("hana", "source_handler")
    body = {
        "kind": "informant",
        "reference": "KINGFISHER",
        "reliability": "B",
        "protected_identity": "Real Name, phone +855 12 345 678",
    }
    created = handler.api("POST", "/api/v1/sources", json=body)
    assert created.status_code == 201, created.text
    assert created.json()["protected_identity"] == body["protected_identity"]
    page = handler.client.get("/sources")
    assert "KINGFISHER" in page.text
    assert "Real Name" in page.text
    assert "<td>Registered informant</td>" in page.text  # the kind by its label
    officer = person("olga", "officer")
    refused = officer.api("GET", "/api/v1/sources")
    assert refused.status_code == 403
    assert refused.json()["error"]["code"] == "permission_denied"
    assert officer.client.get("/sources").status_code == 403
    source_id = created.json()["id"]
    assert officer.api("GET", f"/api/v1/sources/{source_id}").status_code == 404
    # the officer still cites the source by its codename when filing a report
    form = officer.client.get("/reports/new")
    assert "KINGFISHER (informant, B)" in form.text
    assert "Real Name" not in form.text


def test_only_source_handlers_register_informants(person: Callable[..., Person]) -> None:
    officer = person("olga", "officer")
    body = {"kind": "informant", "reference": "HERON", "reliability": "C"}
    assert officer.api("POST", "/api/v1/sources", json=body).status_code == 403
    page = officer.form("/sources", body)
    assert page.status_code == 403


def test_source_form_errors_name_the_field(person: Callable[..., Person]) -> None:
    handler = person("hana", "source_handler")
    response = handler.api(
        "POST", "/api/v1/sources", json={"kind": "rumour", "reference": "X", "reliability": "B"}
    )
    assert response.status_code == 422
    assert response.json()["error"]["field"] == "kind"
    page = handler.form("/sources", {"kind": "officer", "reference": " ", "reliability": "B"})
    assert page.status_code == 422
    assert 'role="alert"' in page.text


def test_administrators_without_intelligence_roles_see_no_sources(
    person: Callable[..., Person],
) -> None:
    alice = person("alice", "administrator")
    assert alice.api("GET", "/api/v1/sources").status_code == 403
    assert alice.client.get("/sources").status_code == 403


def test_a_big_entity_is_shown_a_page_at_a_time(person: Callable[..., Person]) -> None:
    """The page and the API count every property and show its newest values; the rest of
    a property is paged, newest first, on a page and on the API."""
    officer = person("olga", "officer")
    supervisor = person("sam", "supervisor")
    for index in range(25):
        facts = [*REPORT["facts"], {**REPORT["facts"][0], "value": f"SEA FALCON {index % 3}"}]  # type: ignore[list-item, dict-item]
        report = officer.api(
            "POST", "/api/v1/reports", json={**REPORT, "facts": facts, "submit": True}
        ).json()
        supervisor.api("POST", f"/api/v1/reports/{report['id']}/evaluate", json={})
    analyst = person("ana", "analyst")
    vessel_id = _vessel_id(analyst)
    entity = analyst.api("GET", f"/api/v1/entities/{vessel_id}", params={"reports": 10}).json()
    assert (entity["statement_count"], entity["report_count"]) == (75, 25)
    assert not entity["complete"] and len(entity["report_ids"]) == 10
    names = next(p for p in entity["properties"] if p["prop"] == "name")
    assert (names["statement_count"], names["value_count"], names["shown"]) == (50, 4, 20)
    assert names["top_values"][0] == {"value": "SEA FALCON", "statements": 25}
    assert len([s for s in entity["statements"] if s["prop"] == "name"]) == 20
    assert len(entity["statements"]) == 40  # 20 names, 20 IMO numbers
    seen: list[str] = []
    for offset in (0, 30):
        page = analyst.api(
            "GET",
            f"/api/v1/entities/{vessel_id}/statements",
            params={"prop": "name", "limit": 30, "offset": offset},
        ).json()
        assert page["total"] == 50
        seen.extend(s["id"] for s in page["statements"])
    assert len(seen) == len(set(seen)) == 50
    # the API's profile: each distinct name with its support
    support = next(p for p in entity["values"] if p["prop"] == "name")
    assert (support["statement_count"], support["value_count"]) == (50, 4)
    assert support["values"][0]["value"] == "SEA FALCON"
    assert (support["values"][0]["statements"], support["values"][0]["reports"]) == (25, 25)
    assert [v["reports"] for v in support["values"][1:]] == [9, 8, 8]
    assert support["values"][0]["best_grading"]["label"] == "B2"
    # the page: one row per distinct value, its statements one click away
    shown = analyst.client.get(f"/entities/{vessel_id}")
    assert shown.status_code == 200
    assert '<tbody data-prop="name">' in shown.text
    assert shown.text.count('<tr data-value="SEA FALCON') == 4
    one = f"/entities/{vessel_id}/statements?prop=name&amp;value=SEA+FALCON"
    assert f'href="{one}"' in shown.text
    rest = analyst.client.get(one.replace("&amp;", "&"))
    assert rest.status_code == 200 and rest.text.count('<tr data-prop="name">') == 25
    every = analyst.client.get(f"/entities/{vessel_id}/statements?prop=name")
    assert every.status_code == 200 and every.text.count('<tr data-prop="name">') == 50


def test_a_wide_readers_entity_list_says_more_than_it_counted(
    evaluated: dict[str, object], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A reader listed by the walk over the bounds has the total and the counts by type
    counted only so far: the page says "more than", never a number it did not count."""
    from portintel.services.collation import list_plans

    supervisor = evaluated["supervisor"]
    assert isinstance(supervisor, Person)
    exact = supervisor.client.get("/entities", params={"sort": "reports"}).text
    assert 'data-exact="yes"' in exact
    monkeypatch.setattr(list_plans, "NARROW_REPORTS", -1)  # the wide reader's plan
    monkeypatch.setattr(list_plans, "MAX_COUNTED", 0)  # the report names one entity
    page = supervisor.client.get("/entities", params={"sort": "reports"})
    assert page.status_code == 200
    assert 'data-exact="no"' in page.text
    assert "More than 0 entities you may see" in page.text
    assert "SEA FALCON" in page.text
