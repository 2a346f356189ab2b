"""Report search counts honestly: beyond ``MAX_COUNTED`` it says "more than" and counts
the newest; filters narrow; bad facets are named (issue #12, item 7)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import func, select

from portintel.adapters.database import tables
from portintel.adapters.database.fulltext import fewer_readable, fill_report_words
from portintel.adapters.database.scope import readable_reports
from portintel.domain.access import reader_scope
from portintel.domain.actors import Role
from portintel.domain.fulltext import query_terms
from portintel.domain.reports import ReportDraft
from portintel.errors import InvalidInput
from portintel.services.collation import search as searching
from portintel.services.intake.reports import create_report
from portintel.services.workspace import Workspace
from tests.services.staff import IMMIGRATION, MARITIME, make_user

TEXTS = (
    ("Boarding of KM Sri Rezeki", "Nguyễn Văn Hùng, skipper; crew of six."),
    ("Crew list", "NGUYEN VAN HUNG and Trần Thị Lan on the KM SRI REZEKI."),
    ("ការឆែកឆេរ", "សុខចាន់ធីជិះទូកនៅកោះកុង; crew unknown"),  # Khmer, no spaces between words
    ("ตรวจเรือ", "สมชายใจดีขึ้นเรือที่ระนอง"),  # Thai
)


def _file(workspace: Workspace) -> tuple[object, list[str]]:
    officer = make_user(workspace, "officer", IMMIGRATION, Role.OFFICER)
    ids = [
        create_report(
            workspace,
            officer,
            ReportDraft(
                title=title,
                text=text,
                reliability="B",
                credibility="2",
                handling="tlp:GREEN",
                occurred_at=datetime(2026, 2, 1, tzinfo=UTC),
            ),
            submit=True,
        )
        for title, text in TEXTS
    ]
    return officer, ids


def _ids(workspace: Workspace, actor: object, query: str, **options: object) -> list[str]:
    page = searching.search_reports(workspace, actor, query, **options)  # type: ignore[arg-type]
    return [hit.id for hit in page.reports]


def test_words_are_found_across_accents_case_and_scripts(workspace: Workspace) -> None:
    officer, ids = _file(workspace)
    assert _ids(workspace, officer, "nguyen van hung") == [ids[1], ids[0]]  # newest first
    assert _ids(workspace, officer, "TRAN thi") == [ids[1]]
    assert _ids(workspace, officer, "rez") == [ids[1], ids[0]]  # a word by its beginning
    assert _ids(workspace, officer, "ចាន់ធី") == [ids[2]]  # inside an unspaced run
    assert _ids(workspace, officer, "ใจดี") == [ids[3]]
    assert _ids(workspace, officer, ids[3]) == [ids[3]]  # the id
    assert _ids(workspace, officer, "--") == []  # no word, no id


def test_beyond_the_counted_the_total_says_more_and_counts_the_newest(
    workspace: Workspace, monkeypatch: pytest.MonkeyPatch
) -> None:
    officer, ids = _file(workspace)
    monkeypatch.setattr(searching, "MAX_COUNTED", 2)
    page = searching.search_reports(workspace, officer, "hung", limit=1)  # type: ignore[arg-type]
    assert (page.total, page.total_exact) == (2, True)  # two, exactly
    page = searching.search_reports(workspace, officer, "crew", limit=1)  # type: ignore[arg-type]
    assert page.total == 2 and not page.total_exact
    assert page.next_offset == 1
    assert sum(f.count for f in page.facets["status"]) == 2  # the two newest counted
    beyond = searching.search_reports(
        workspace,
        officer,  # type: ignore[arg-type]
        "crew",
        limit=1,
        offset=2,
    )
    assert [hit.id for hit in beyond.reports] == [ids[0]]  # pages go on past the counted


def test_filters_narrow_and_a_facet_unknown_is_named(workspace: Workspace) -> None:
    officer, _ids_filed = _file(workspace)
    page = searching.search_reports(
        workspace,
        officer,  # type: ignore[arg-type]
        "crew",
        filters={"grading": "B2", "status": "submitted", "type": None},
    )
    assert page.total == 3 and page.filters == {"grading": "B2", "status": "submitted"}
    assert _ids(workspace, officer, "crew", filters={"status": "evaluated"}) == []
    with pytest.raises(InvalidInput, match="no facet 'colour'"):
        _ids(workspace, officer, "crew", filters={"colour": "red"})


def test_the_backfill_indexes_reports_filed_before_the_index(workspace: Workspace) -> None:
    officer, ids = _file(workspace)
    with workspace.engine.begin() as connection:
        connection.execute(tables.report_words.delete())
        assert fill_report_words(connection) == len(ids)
        assert fill_report_words(connection) == 0  # idempotent
        count = connection.execute(select(func.count()).select_from(tables.report_words))
        assert count.scalar_one() == len(ids)
    assert _ids(workspace, officer, "hung") == [ids[1], ids[0]]


def _file_in(workspace: Workspace, author: object, titles: list[str]) -> list[str]:
    return [
        create_report(
            workspace,
            author,  # type: ignore[arg-type]
            ReportDraft(
                title=title,
                text="crew of six on a wooden boat",
                reliability="C",
                credibility="3",
                handling="tlp:GREEN",
                occurred_at=datetime(2026, 3, 1, tzinfo=UTC),
            ),
            submit=True,
        )
        for title in titles
    ]


def test_a_reader_of_few_reports_starts_from_them_and_finds_the_same(
    workspace: Workspace, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A reader of one agency's reports, fewer than the matches (SQLite) or of a common
    word (PostgreSQL), is served from those reports: the same page, total and facets as
    from the matches, and nothing of another agency."""
    officer, ids = _file(workspace)  # immigration: two reports with "crew"
    maritime = make_user(workspace, "sailor", MARITIME, Role.OFFICER)
    theirs = _file_in(workspace, maritime, ["Patrol one", "Patrol two", "Patrol three"])
    sqlite = workspace.engine.dialect.name == "sqlite"
    with workspace.engine.connect() as connection:
        scope = reader_scope(officer)  # type: ignore[arg-type]
        readable = readable_reports(scope.reports, tables.reports.c.id)
        # four readable, six matches: the reader's reports first (SQLite only)
        assert fewer_readable(connection, readable, query_terms("crew")) is sqlite
        assert not fewer_readable(connection, readable, query_terms("hung"))  # one match
        assert not fewer_readable(connection, readable, ())
    pages = {}
    for forced in (True, False):
        monkeypatch.setattr(searching, "fewer_readable", lambda *_args, f=forced: f)  # SQLite
        share = 0.1 if forced else 0.0  # PostgreSQL: common (not in date order), or rare
        monkeypatch.setattr(searching, "sampled_share", lambda *_args, s=share: s)
        for query in ("crew", "boat", "hung", ids[2]):
            page = searching.search_reports(workspace, officer, query, limit=2)  # type: ignore[arg-type]
            pages[forced, query] = (page.total, [hit.id for hit in page.reports], page.facets)
            assert not {hit.id for hit in page.reports} & set(theirs)
    for query in ("crew", "boat", "hung", ids[2]):
        assert pages[True, query] == pages[False, query]
    monkeypatch.setattr(searching, "MAX_COUNTED", 1)  # beyond the counted, from readable
    page = searching.search_reports(workspace, officer, "crew", limit=1, offset=1)  # type: ignore[arg-type]
    assert [hit.id for hit in page.reports] == [ids[1]] and not page.total_exact
    assert pages[True, "crew"][:2] == (3, [ids[2], ids[1]])  # newest first
    assert pages[True, "boat"][0] == 0  # the maritime reports' word: none readable
    seen = searching.search_reports(workspace, maritime, "boat")  # type: ignore[arg-type]
    assert sorted(hit.id for hit in seen.reports) == sorted(theirs)
