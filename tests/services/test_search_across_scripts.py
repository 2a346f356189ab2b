"""Search finds a name in another script or spelling and an identifier however written,
and only what the reader may read (issue #12, item 7)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import delete, func, select

from portintel.adapters.database import tables
from portintel.adapters.database.search import fill_search_keys, keys_admit, search_keys
from portintel.domain.actors import Role
from portintel.domain.reports import FactDraft, ReportDraft
from portintel.services.collation.entities import get_entity, search_entities
from portintel.services.intake.reports import create_report, evaluate_report
from portintel.services.workspace import Workspace
from tests.services.staff import IMMIGRATION, MARITIME, SECURITY, make_user

FACTS = (
    FactDraft("chhim", "Person", "name", "Chhim Vibol"),
    FactDraft("nguyen", "Person", "name", "Nguyễn Minh Phúc"),
    FactDraft("nguyen", "Person", "phone", "+855 12 345 678"),
    FactDraft("sok", "Person", "name", "សុខ ចាន់ធី"),
    FactDraft("wahyudi", "Person", "name", "WAHYUDI SAPUTRA"),
    FactDraft("wahyudi", "Person", "passportNumber", "B 1234567"),
    FactDraft("boat", "Vessel", "name", "SEA DRAGON 7"),
    FactDraft("boat", "Vessel", "imoNumber", "IMO 9074729"),
)


def _report(workspace: Workspace, handling: str = "tlp:GREEN") -> tuple[object, object]:
    officer = make_user(workspace, "officer", IMMIGRATION, Role.OFFICER)
    supervisor = make_user(workspace, "sup", MARITIME, Role.SUPERVISOR)
    analyst = make_user(workspace, "analyst", SECURITY, Role.ANALYST)
    draft = ReportDraft(
        title="crew list",
        text="Crew list of the SEA DRAGON 7.",
        reliability="B",
        credibility="2",
        handling=handling,
        facts=FACTS,
        occurred_at=datetime(2026, 2, 1, tzinfo=UTC),
    )
    report_id = create_report(workspace, officer, draft, submit=True)
    evaluate_report(workspace, supervisor, report_id)
    return analyst, supervisor


def _captions(workspace: Workspace, actor: object, query: str) -> set[str]:
    return {hit.caption for hit in search_entities(workspace, actor, query)}  # type: ignore[arg-type]


def test_the_issue_examples_are_found(workspace: Workspace) -> None:
    analyst, _ = _report(workspace)
    assert _captions(workspace, analyst, "Chim Vibul") == {"Chhim Vibol"}
    assert _captions(workspace, analyst, "Nguyen Minh Phuc") == {"Nguyễn Minh Phúc"}
    assert _captions(workspace, analyst, "nguyen") == {"Nguyễn Minh Phúc"}
    assert _captions(workspace, analyst, "012 345 678") == {"Nguyễn Minh Phúc"}
    assert _captions(workspace, analyst, "+85512345678") == {"Nguyễn Minh Phúc"}
    assert _captions(workspace, analyst, "IMO9074729") == {"SEA DRAGON 7"}
    assert _captions(workspace, analyst, "9074729") == {"SEA DRAGON 7"}
    assert _captions(workspace, analyst, "Sok Chanthy") == {"សុខ ចាន់ធី"}
    assert _captions(workspace, analyst, "SOKH CHANTHY") == {"សុខ ចាន់ធី"}
    assert _captions(workspace, analyst, "b1234567") == {"WAHYUDI SAPUTRA"}
    # a different name or number is not found
    assert _captions(workspace, analyst, "Chea Vibol") == set()
    assert _captions(workspace, analyst, "IMO9074728") == set()
    assert _captions(workspace, analyst, "012 345 679") == set()


def test_a_native_script_query_finds_the_romanised_name(workspace: Workspace) -> None:
    officer = make_user(workspace, "officer", IMMIGRATION, Role.OFFICER)
    supervisor = make_user(workspace, "sup", MARITIME, Role.SUPERVISOR)
    draft = ReportDraft(
        title="crew list",
        text="Crew.",
        reliability="B",
        credibility="2",
        handling="tlp:GREEN",
        facts=(FactDraft("sok", "Person", "name", "SOKH CHANTHY"),),
        occurred_at=datetime(2026, 2, 1, tzinfo=UTC),
    )
    evaluate_report(workspace, supervisor, create_report(workspace, officer, draft, submit=True))
    assert _captions(workspace, supervisor, "សុខ ចាន់ធី") == {"SOKH CHANTHY"}


def test_a_restricted_name_is_not_found_across_scripts(workspace: Workspace) -> None:
    analyst, supervisor = _report(workspace, handling="tlp:RED")
    for query in ("Chim Vibul", "Sok Chanthy", "IMO9074729", "012 345 678"):
        assert _captions(workspace, analyst, query) == set(), query
        assert _captions(workspace, supervisor, query), query


def test_keys_are_filled_for_statements_stored_before_them(workspace: Workspace) -> None:
    analyst, _ = _report(workspace)
    with workspace.engine.begin() as connection:
        before = connection.execute(select(func.count()).select_from(tables.search_keys)).scalar()
        connection.execute(delete(tables.search_keys))
        assert fill_search_keys(connection) == before
        fill_search_keys(connection)  # idempotent
        after = connection.execute(select(func.count()).select_from(tables.search_keys)).scalar()
    assert after == before
    (hit,) = search_entities(workspace, analyst, "Chim Vibul")  # type: ignore[arg-type]
    assert get_entity(workspace, analyst, hit.id).caption == "Chhim Vibol"  # type: ignore[arg-type]


def test_the_python_oracle_agrees_with_the_keys() -> None:
    assert keys_admit("Chim Vibul", "name", "Chhim Vibol")
    assert keys_admit("imo 9074729", "identifier", "IMO9074729")
    assert keys_admit("Somchai Jaidee", "name", "สมชาย ใจดี")  # Thai, RTGS
    assert keys_admit("สมชาย ใจดี", "name", "SOMCHAI JAIDEE")  # and the reverse
    assert keys_admit("Aung Min", "name", "အောင်မင်း")  # Burmese
    assert not keys_admit("Tran", "name", "Nguyễn Minh Phúc")
    assert not keys_admit("Chim Vibul", "string", "Chhim Vibol")  # only names and identifiers
    assert search_keys("name", "Nguyễn") == search_keys("name", "NGUYEN")
    assert search_keys("string", "anything") == ""


def test_report_search_counts_only_readable_reports(workspace: Workspace) -> None:
    from portintel.services.collation.search import search_reports

    analyst, supervisor = _report(workspace, handling="tlp:RED")
    hidden = search_reports(workspace, analyst, "sea dragon")  # type: ignore[arg-type]
    assert hidden.total == 0 and hidden.reports == ()
    assert all(facet == () for facet in hidden.facets.values())
    seen = search_reports(workspace, supervisor, "SEA DRAGON")  # type: ignore[arg-type]
    assert seen.total == 1 and seen.reports[0].title == "crew list"
    assert [(f.value, f.count) for f in seen.facets["handling"]] == [("tlp:RED", 1)]
    assert [(f.value, f.count) for f in seen.facets["grading"]] == [("B2", 1)]
    assert seen.facets["month"][0].count == 1 and len(seen.facets["month"][0].value) == 7


def test_a_common_word_is_counted_to_a_bound_and_says_more(
    workspace: Workspace, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Beyond ``MAX_ENTITIES`` the total says "more than", the page and the counts by type
    are of those found first (names and identifiers first), and a total below the bound
    stays exact."""
    from portintel.services.collation import search as searching

    analyst, _ = _report(workspace)
    everything = searching.search(workspace, analyst, "i")  # type: ignore[arg-type]
    assert everything.total_exact and everything.types_exact
    assert everything.total >= 4 and everything.next_offset is None
    every_id = {entity.id for entity in everything.entities}
    monkeypatch.setattr(searching, "MAX_ENTITIES", 2)
    capped = searching.search(workspace, analyst, "i", limit=1)  # type: ignore[arg-type]
    assert (capped.total, capped.total_exact, capped.types_exact) == (2, False, False)
    assert sum(facet.count for facet in capped.types) == 2
    assert capped.next_offset == 1 and len(capped.entities) == 1
    following = searching.search(workspace, analyst, "i", limit=5, offset=1)  # type: ignore[arg-type]
    assert len(following.entities) == 1 and following.next_offset is None
    shown = {capped.entities[0].id, following.entities[0].id}
    assert len(shown) == 2 and shown <= every_id
    exact = searching.search(workspace, analyst, "SEA DRAGON")  # type: ignore[arg-type]
    assert (exact.total, exact.total_exact) == (1, True)
    # a type asked for is searched on its own: exact when it has few
    vessels = searching.search(workspace, analyst, "i", schema="Vessel")  # type: ignore[arg-type]
    assert (vessels.total, vessels.total_exact, vessels.types_exact) == (1, True, False)
