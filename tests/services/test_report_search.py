"""Report search counts honestly: beyond ``MAX_COUNTED`` it says "more than" and counts
the newest; filters narrow; bad facets are named (issue #12, item 7)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import func, select

from portintel.adapters.database import tables
from portintel.adapters.database.fulltext import fill_report_words
from portintel.domain.actors import Role
from portintel.domain.reports import ReportDraft
from portintel.errors import InvalidInput
from portintel.services.collation import search as searching
from portintel.services.intake.reports import create_report
from portintel.services.workspace import Workspace
from tests.services.staff import IMMIGRATION, make_user

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
