"""Headless Chromium: an analyst works the review queue, merges two persons, reads the
profile with its supporting counts and relationships, and splits them again (#12).

The split must restore every statement and its provenance exactly: the
statements table is compared row for row, every column, before the merge and
after the split.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from sqlalchemy import select

from portintel.adapters.database import tables
from portintel.domain.reports import FactDraft, ReportDraft
from portintel.services.admin import get_actor
from portintel.services.collation.canonical import canonical_entity
from portintel.services.collation.xref_queue import refresh_candidates
from portintel.services.intake.reports import create_report, evaluate_report, get_report
from portintel.services.workspace import Workspace
from tests.web.test_browser import LiveServer, _log_in, _page, browser, live_server

pytestmark = pytest.mark.browser
__all__ = ["browser", "live_server"]  # fixtures, imported to be found by pytest


def _report(title: str, day: int, *facts: FactDraft) -> ReportDraft:
    return ReportDraft(
        title=title,
        text="Boarded at the old pier.",
        reliability="B",
        credibility="2",
        handling="tlp:GREEN",
        facts=facts,
        occurred_at=datetime(2026, 2, day, tzinfo=UTC),
    )


def _statements(ws: Workspace) -> list[tuple[Any, ...]]:
    with ws.engine.connect() as connection:
        query = select(tables.statements).order_by(tables.statements.c.id)
        return [tuple(row) for row in connection.execute(query)]


def _user_id(ws: Workspace, username: str) -> str:
    with ws.engine.connect() as connection:
        users = tables.users.c
        return str(
            connection.execute(select(users.id).where(users.username == username)).scalar_one()
        )


def _world(ws: Workspace) -> dict[str, str]:
    """Two reports: the boat's owner by name with a phone, and a crew list spelling him
    otherwise; an officer files them, a supervisor evaluates them."""
    officer = get_actor(ws, _user_id(ws, "olga"))
    supervisor = get_actor(ws, _user_id(ws, "sam"))
    first = create_report(
        ws,
        officer,
        _report(
            "Boarding of SEA FALCON",
            3,
            FactDraft("boat", "Vessel", "name", "SEA FALCON"),
            FactDraft("boat", "Vessel", "imoNumber", "IMO9074729"),
            FactDraft("sok", "Person", "name", "Sok Chanthy"),
            FactDraft("sok", "Person", "nationality", "kh"),
            FactDraft("sok", "Person", "birthDate", "1979-04-02"),
            FactDraft("sok", "Person", "phone", "+85512345678"),
            FactDraft("own", "Ownership", "owner", "sok"),
            FactDraft("own", "Ownership", "asset", "boat"),
            FactDraft("own", "Ownership", "role", "registered owner"),
        ),
        submit=True,
    )
    second = create_report(
        ws,
        officer,
        _report(
            "Crew list of a trawler",
            9,
            FactDraft("master", "Person", "name", "SOKH CHANTHY"),
            FactDraft("master", "Person", "nationality", "kh"),
            FactDraft("master", "Person", "birthDate", "1979-04-02"),
            FactDraft("master", "Person", "passportNumber", "N1234567"),
        ),
        submit=True,
    )
    for report_id in (first, second):
        evaluate_report(ws, supervisor, report_id)
    ids = {}
    for report_id, key in ((first, "owner"), (second, "master")):
        (person,) = [
            entity
            for entity in get_report(ws, supervisor, report_id).entity_ids
            if canonical_entity(ws, supervisor, entity).canonical_id == entity
            and entity not in ids.values()
            and _is_person(ws, entity)
        ]
        ids[key] = person
    ids["first"], ids["second"] = first, second
    return ids


def _is_person(ws: Workspace, entity_id: str) -> bool:
    with ws.engine.connect() as connection:
        s = tables.statements.c
        schemata = connection.execute(
            select(s.schema).where(s.canonical_id == entity_id).distinct()
        ).scalars()
        return set(schemata) == {"Person"}


def test_analyst_merges_two_persons_reads_the_profile_and_splits_them_again(
    browser: object, live_server: LiveServer
) -> None:
    ws = live_server.workspace
    ids = _world(ws)
    assert refresh_candidates(ws) >= 1
    before = _statements(ws)

    analyst = _page(browser, live_server)
    _log_in(analyst, live_server, "ana")

    # the review queue: the two spellings side by side, with their provenance
    analyst.goto(f"{live_server.url}/review")
    pair = analyst.inner_text("main")
    assert "Sok Chanthy" in pair and "SOKH CHANTHY" in pair
    assert "Boarding of SEA FALCON" in pair or ids["first"] in pair
    analyst.click("button[value=same]")
    analyst.wait_for_url(f"{live_server.url}/review?skip=0")
    merged_id = min(ids["owner"], ids["master"])
    assert canonical_entity(ws, get_actor(ws, _user_id(ws, "ana")), ids["master"]).member_ids == (
        tuple(sorted((ids["owner"], ids["master"])))
    )

    # the list counts the merged person once, with a badge; the profile gathers both
    analyst.goto(f"{live_server.url}/entities?schema=Person&sort=reports")
    assert analyst.get_attribute("#entity-total", "data-total") == "1"
    row = analyst.locator(f"#entities tr[data-entity='{merged_id}']")
    assert row.locator(".badge").inner_text() == "2"
    row.locator("a").click()
    analyst.wait_for_url(f"{live_server.url}/entities/{merged_id}")
    assert analyst.is_visible("#merged-note")
    names = analyst.locator("#properties tbody[data-prop=name]")
    for name in ("Sok Chanthy", "SOKH CHANTHY"):
        assert names.locator(f"tr[data-value='{name}'] td.support").inner_text() == "1"
    nationality = analyst.locator("#properties tbody[data-prop=nationality] tr[data-value=kh]")
    assert nationality.locator("td.support").inner_text() == "2"  # two reports support it
    assert "B2" in nationality.inner_text()
    assert "Nationality" in analyst.inner_text("#properties")  # labels, not codes
    ties = analyst.locator("#relationships tr[data-kind=link]")
    assert "SEA FALCON" in ties.inner_text() and "registered owner" in ties.inner_text()
    reports = analyst.locator("#reports tr[data-report]")
    assert reports.count() == 2
    assert analyst.is_visible("#timeline")

    # one click to the raw statements of a value, with their report and grading
    names.locator("tr[data-value='SOKH CHANTHY'] a").first.click()
    analyst.wait_for_url(f"{live_server.url}/entities/{merged_id}/statements*")
    assert analyst.locator(f"#statements a[href='/reports/{ids['second']}']").count() == 1
    analyst.go_back()

    # the merge history: split them again
    analyst.click("#history-link")
    analyst.wait_for_url(f"{live_server.url}/entities/{merged_id}/history")
    analyst.click("button.undo")
    analyst.wait_for_url(f"{live_server.url}/entities/{merged_id}/history")
    assert "undone" in analyst.inner_text("#judgements")
    assert analyst.locator("button.undo").count() == 0

    analyst.goto(f"{live_server.url}/entities/{ids['master']}")
    assert not analyst.is_visible("#merged-note")
    assert "Sok Chanthy" not in analyst.inner_text("#properties")
    analyst.goto(f"{live_server.url}/entities?schema=Person")
    assert analyst.get_attribute("#entity-total", "data-total") == "2"

    # every statement and its provenance exactly as before the merge
    assert _statements(ws) == before
    with ws.engine.connect() as connection:
        assert connection.execute(select(tables.entity_resolution)).first() is None
    assert analyst.dialogs == []
    assert live_server.foreign_requests == []
