"""Input the API and forms refuse with 422 naming the field: numbers as dates, NUL characters."""

from __future__ import annotations

from collections.abc import Callable

from tests.web.conftest import Person

REPORT = {
    "title": "Trawler seen loading passengers at night",
    "text": "Around 40 people boarded the trawler SEA FALCON at the old pier.",
    "reliability": "B",
    "credibility": "2",
    "handling": "uk-3x5x2:P",
}


FACT = {"entity_key": "boat", "schema": "Vessel", "prop": "name", "value": "SEA FALCON"}
NOT_DATES = ("0.5", "1772352000", "-1", "1e9", "yesterday", "2026-13-01", "2026-03-01T25:00")
DATES = ("2026-03-01", "2026-03-01T08:00:00Z", "2026-03-01t08:00:00+07:00", "2026-03-01T08:00")


def test_date_parameters_take_iso_8601_only(person: Callable[..., Person]) -> None:
    boss = person("sam", "supervisor", "administrator")
    for path in ("/api/v1/reports", "/api/v1/audit"):
        for parameter in ("since", "until"):
            for value in NOT_DATES:
                response = boss.api("GET", path, params={parameter: value})
                assert response.status_code == 422, (path, parameter, value, response.text)
                error = response.json()["error"]
                assert error["field"] == parameter
                assert "ISO 8601" in error["message"]


def test_iso_dates_and_times_are_taken(person: Callable[..., Person]) -> None:
    """The clock of the tests files reports from 2026-03-01 08:00:01 UTC on."""
    officer = person("olga", "officer")
    for value in DATES:
        filed = officer.api("POST", "/api/v1/reports", json={**REPORT, "occurred_at": value})
        assert filed.status_code == 201, filed.text
        listed = officer.api("GET", "/api/v1/reports", params={"since": value})
        assert listed.status_code == 200, listed.text
        assert filed.json()["id"] in [item["id"] for item in listed.json()["items"]]
        before = officer.api("GET", "/api/v1/reports", params={"until": value})
        assert before.status_code == 200 and before.json()["items"] == []


def test_a_number_is_not_a_time_of_occurrence(person: Callable[..., Person]) -> None:
    officer = person("olga", "officer")
    response = officer.api("POST", "/api/v1/reports", json={**REPORT, "occurred_at": 1772352000})
    assert response.status_code == 422
    assert response.json()["error"]["field"] == "occurred_at"


def test_nul_characters_are_refused_naming_the_field(person: Callable[..., Person]) -> None:
    """On either backend: 422 and the field, where PostgreSQL used to fail with a 500."""
    officer = person("olga", "officer")
    boss = person("sam", "supervisor", "administrator")
    refused = [
        (officer.api("POST", "/api/v1/reports", json={**REPORT, "title": "Boat\x00"}), "title"),
        # JSON carries a NUL as the escape \u0000
        (officer.api("POST", "/api/v1/reports", json={**REPORT, "text": "a\x00b"}), "text"),
        (
            officer.api(
                "POST",
                "/api/v1/reports",
                json={
                    **REPORT,
                    "facts": [
                        {"entity_key": "b", "schema": "Vessel", "prop": "name", "value": "\x00"}
                    ],
                },
            ),
            "facts.0.value",
        ),
        (officer.api("GET", "/api/v1/search/entities", params={"q": "SEA\x00"}), "q"),
        (officer.api("GET", "/api/v1/reports", params={"text": "\x00"}), "text"),
        (officer.api("POST", "/api/v1/tokens", json={"name": "laptop\x00"}), "name"),
        (
            boss.api(
                "POST",
                "/api/v1/users",
                json={
                    "username": "nina",
                    "display_name": "Nina\x00",
                    "agency": "immigration",
                    "roles": ["officer"],
                    "password": "correct horse battery staple",
                },
            ),
            "display_name",
        ),
        (officer.api("GET", "/api/v1/reports/R-1%00"), "report_id"),
    ]
    for response, field in refused:
        assert response.status_code == 422, (field, response.text)
        error = response.json()["error"]
        assert error["field"] == field
        assert "NUL character" in error["message"]
    page = officer.form(
        "/reports",
        {**REPORT, "title": "Boarding\x00", "action": "save"},
    )
    assert page.status_code == 422
    assert "NUL character" in page.text
    # good input beside it still goes in, and nothing of the refused did
    listed = officer.api("GET", "/api/v1/reports").json()
    assert listed["total"] == 0
    assert officer.api("POST", "/api/v1/reports", json=REPORT).status_code == 201
