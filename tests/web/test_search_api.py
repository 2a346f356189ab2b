"""``GET /api/v1/search``: identifiers however written, a page with the total and counts
by type, of what the caller may see only."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from tests.web.conftest import Person
from tests.web.test_reports import REPORT


def test_search_pages_count_and_hide(person: Callable[..., Person]) -> None:
    officer = person("olga", "officer")
    officer.api("POST", "/api/v1/reports", json=REPORT)  # a draft: only its author reads it
    found = officer.api("GET", "/api/v1/search", params={"q": "IMO9074729"})
    assert found.status_code == 200, found.text
    page = found.json()
    assert page["total"] >= 1 and page["offset"] == 0
    assert any(item["schema_name"] == "Vessel" for item in page["entities"])
    assert {"value": "Vessel", "count": 1} in page["types"]
    empty = officer.api("GET", "/api/v1/search", params={"q": "IMO9074729", "limit": 0}).json()
    assert empty["total"] == page["total"] and empty["entities"] == []
    outsider = person("mick", "analyst", agency="maritime-police")
    hidden = outsider.api("GET", "/api/v1/search", params={"q": "IMO9074729"}).json()
    assert hidden["total"] == 0 and hidden["types"] == [] and hidden["entities"] == []
    assert officer.api("GET", "/api/v1/search", params={"q": "  "}).status_code == 422


def test_the_search_page_shows_the_total_and_types(person: Callable[..., Person]) -> None:
    officer = person("olga", "officer")
    officer.api("POST", "/api/v1/reports", json=REPORT)
    page = officer.client.get("/search", params={"q": "IMO 9074729"})
    assert page.status_code == 200
    assert 'data-total="1"' in page.text and "Vessel (1)" in page.text
    assert 'data-report-total="1"' in page.text and "Draft (1)" in page.text
    narrowed = officer.client.get("/search", params={"q": "IMO 9074729", "type": "Person"})
    assert 'data-total="0"' in narrowed.text
    outsider = person("mick", "analyst", agency="maritime-police")
    hidden = outsider.client.get("/search", params={"q": "IMO 9074729"})
    assert 'data-total="0"' in hidden.text and "Vessel (" not in hidden.text
    assert 'data-report-total="0"' in hidden.text and "Draft (" not in hidden.text


def test_report_search_api_counts_readable_reports(person: Callable[..., Person]) -> None:
    officer = person("olga", "officer")
    created = officer.api("POST", "/api/v1/reports", json=REPORT).json()  # a draft
    mine = officer.api("GET", "/api/v1/search/reports", params={"q": "sea falcon"}).json()
    assert mine["total"] == 1 and mine["reports"][0]["id"] == created["id"]
    assert mine["facets"]["status"] == [{"value": "draft", "count": 1}]
    outsider = person("mick", "analyst", agency="maritime-police")
    hidden = outsider.api("GET", "/api/v1/search/reports", params={"q": "sea falcon"}).json()
    assert hidden["total"] == 0 and hidden["reports"] == []
    assert all(found == [] for found in hidden["facets"].values())


def test_report_search_api_narrows_by_facets(person: Callable[..., Person]) -> None:
    officer = person("olga", "officer")
    created = officer.api("POST", "/api/v1/reports", json=REPORT).json()
    words = " ".join(REPORT["title"].upper().split()[:2])  # other case: folded
    page = officer.api("GET", "/api/v1/search/reports", params={"q": words}).json()
    assert page["total"] == 1 and page["total_exact"] is True and page["filters"] == {}
    assert set(page["facets"]) == {"type", "status", "agency", "grading", "handling", "month"}
    month = page["facets"]["month"][0]["value"]
    kept = officer.api(
        "GET", "/api/v1/search/reports", params={"q": words, "status": "draft", "month": month}
    ).json()
    assert [hit["id"] for hit in kept["reports"]] == [created["id"]]
    assert kept["filters"] == {"status": "draft", "month": month}
    gone = officer.api(
        "GET", "/api/v1/search/reports", params={"q": words, "status": "evaluated"}
    ).json()
    assert gone["total"] == 0 and all(found == [] for found in gone["facets"].values())
    bad = officer.api("GET", "/api/v1/search/reports", params={"q": words, "month": "May"})
    assert bad.status_code == 422


def test_the_search_page_links_report_facets_with_labels(person: Callable[..., Person]) -> None:
    officer = person("olga", "officer")
    officer.api("POST", "/api/v1/reports", json=REPORT)
    words = REPORT["title"].split()[0]
    page = officer.client.get("/search", params={"q": words})
    assert 'data-report-total="1"' in page.text and 'data-report-exact="yes"' in page.text
    assert "report_status=draft" in page.text and "Draft (1)" in page.text
    narrowed = officer.client.get("/search", params={"q": words, "report_status": "evaluated"})
    assert 'data-report-total="0"' in narrowed.text


def test_a_capped_total_is_shown_as_more_than(
    person: Callable[..., Person], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Beyond the bound, the API says the total is not exact and the page says "more
    than", honestly, rather than a number that is not the whole count."""
    from portintel.services.collation import search as searching

    officer = person("olga", "officer")
    officer.api("POST", "/api/v1/reports", json=REPORT)
    exact = officer.api("GET", "/api/v1/search", params={"q": "9"}).json()
    assert exact["total_exact"] and exact["types_exact"] and exact["total"] >= 1
    monkeypatch.setattr(searching, "MAX_ENTITIES", 0)
    capped = officer.api("GET", "/api/v1/search", params={"q": "9"}).json()
    assert (capped["total"], capped["total_exact"], capped["types_exact"]) == (0, False, False)
    assert capped["next_offset"] is None
    page = officer.client.get("/search", params={"q": "9"})
    assert 'data-exact="no"' in page.text
    assert "More than 0 entities you may see" in page.text
