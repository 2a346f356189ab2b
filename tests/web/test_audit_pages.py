"""The audit page and API: administrators see who and when, supervisors also what."""

from __future__ import annotations

from collections.abc import Callable

from tests.web.conftest import Person

SEARCHED = "K1234567"


def _searched(person: Callable[..., Person]) -> None:
    anna = person("anna", "analyst")
    assert anna.client.get("/search", params={"q": SEARCHED}).status_code == 200


def test_an_administrator_gets_the_detail_withheld_by_the_api(
    person: Callable[..., Person],
) -> None:
    _searched(person)
    ada = person("ada", "administrator")
    response = ada.api("GET", "/api/v1/audit", params={"action": "search"})
    assert response.status_code == 200
    (entry,) = response.json()
    assert (entry["actor"], entry["action"], entry["object_type"]) == ("anna", "search", "entity")
    assert (entry["detail"], entry["detail_withheld"], entry["hash"]) == (None, True, None)
    assert SEARCHED not in response.text


def test_an_administrator_sees_withheld_on_the_page(person: Callable[..., Person]) -> None:
    _searched(person)
    ada = person("ada", "administrator")
    page = ada.client.get("/audit", params={"action": "search"})
    assert page.status_code == 200
    assert "Detail withheld" in page.text
    assert "shown to supervisors only" in page.text
    assert SEARCHED not in page.text


def test_a_supervisor_sees_the_detail(person: Callable[..., Person]) -> None:
    _searched(person)
    sam = person("sam", "supervisor")
    (entry,) = sam.api("GET", "/api/v1/audit", params={"action": "search"}).json()
    assert entry["detail"]["query"] == SEARCHED and entry["detail_withheld"] is False
    page = sam.client.get("/audit", params={"action": "search"})
    assert SEARCHED in page.text and "Detail withheld" not in page.text
