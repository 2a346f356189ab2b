"""Reports service: filing, reading with need-to-know, lifecycle with history, attachments."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from portintel.adapters.database import tables
from portintel.domain.actors import Actor, Role
from portintel.domain.reports import FactDraft, ReportDraft, ReportStatus
from portintel.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from portintel.services import audit
from portintel.services.collation.entities import search_entities
from portintel.services.intake.reports import (
    ReportFilters,
    add_attachment,
    archive_report,
    count_reports,
    create_report,
    evaluate_report,
    get_report,
    list_reports,
    mark_disseminated,
    read_attachment,
    submit_report,
)
from portintel.services.intake.sources import create_source
from portintel.services.workspace import Workspace
from tests.services.staff import IMMIGRATION, MARITIME, SECURITY, make_user


def _draft(**changes: object) -> ReportDraft:
    base: dict[str, object] = {
        "title": "Fishing boat loading people",
        "text": "Boat KOH RONG STAR, IMO 9074729, took on 30 people at night.",
        "reliability": "B",
        "credibility": "2",
        "handling": "uk-3x5x2:P",
        "occurred_at": datetime(2026, 2, 27, 22, 0, tzinfo=UTC),
        "facts": (FactDraft("boat", "Vessel", "name", "KOH RONG STAR"),),
    }
    base.update(changes)
    return ReportDraft(**base)  # type: ignore[arg-type]


@pytest.fixture
def people(workspace: Workspace) -> dict[str, Actor]:
    return {
        "officer": make_user(workspace, "officer", IMMIGRATION, Role.OFFICER),
        "colleague": make_user(workspace, "colleague", IMMIGRATION, Role.OFFICER),
        "outsider": make_user(workspace, "outsider", MARITIME, Role.OFFICER),
        "analyst": make_user(workspace, "analyst", SECURITY, Role.ANALYST),
        "supervisor": make_user(workspace, "supervisor", MARITIME, Role.SUPERVISOR),
        "admin": make_user(workspace, "admin", IMMIGRATION, Role.ADMINISTRATOR),
        "handler": make_user(workspace, "handler", IMMIGRATION, Role.SOURCE_HANDLER),
    }


def test_file_and_read_a_report(workspace: Workspace, people: dict[str, Actor]) -> None:
    report_id = create_report(workspace, people["officer"], _draft())
    view = get_report(workspace, people["officer"], report_id)
    assert view.status is ReportStatus.DRAFT
    assert view.grading.label == "B2"
    assert view.handling == "uk-3x5x2:P"
    assert view.author_id == people["officer"].user_id
    assert view.agency_id == IMMIGRATION
    assert len(view.entity_ids) == 2 and not any("9074729" in e for e in view.entity_ids)
    assert [event.action for event in view.events] == ["create"]
    actions = [
        entry.action
        for entry in audit.list_entries(workspace, people["admin"], audit.AuditFilters())
    ]
    assert "report.create" in actions and "report.read" in actions


def test_lifecycle_with_history(workspace: Workspace, people: dict[str, Actor]) -> None:
    officer, supervisor = people["officer"], people["supervisor"]
    report_id = create_report(workspace, officer, _draft())
    with pytest.raises(NotFound):
        submit_report(workspace, people["colleague"], report_id)  # a draft is the author's
    assert submit_report(workspace, officer, report_id) is ReportStatus.SUBMITTED
    with pytest.raises(PermissionDenied, match="supervisor"):
        evaluate_report(workspace, officer, report_id)
    status = evaluate_report(
        workspace, supervisor, report_id, reliability="C", credibility="3", note="checked"
    )
    assert status is ReportStatus.EVALUATED
    assert mark_disseminated(workspace, supervisor, report_id) is ReportStatus.DISSEMINATED
    with pytest.raises(InvalidInput, match="needs a note"):
        archive_report(workspace, supervisor, report_id)
    assert archive_report(workspace, supervisor, report_id, note="case closed") is (
        ReportStatus.ARCHIVED
    )
    view = get_report(workspace, officer, report_id)
    assert view.grading.label == "C3"
    assert [(e.action, e.to_status) for e in view.events] == [
        ("create", "draft"),
        ("submit", "submitted"),
        ("evaluate", "evaluated"),
        ("disseminate", "disseminated"),
        ("archive", "archived"),
    ]
    evaluation = view.events[2]
    assert evaluation.actor_id == supervisor.user_id
    assert evaluation.note == "checked"
    assert evaluation.detail == {
        "before": {"reliability": "B", "credibility": "2"},
        "after": {"reliability": "C", "credibility": "3"},
    }
    with pytest.raises(Conflict):
        archive_report(workspace, supervisor, report_id, note="again")


def test_colleague_cannot_see_a_draft(workspace: Workspace, people: dict[str, Actor]) -> None:
    report_id = create_report(workspace, people["officer"], _draft())
    for name in ("colleague", "supervisor", "analyst", "admin"):
        with pytest.raises(NotFound):
            get_report(workspace, people[name], report_id)
    submit_report(workspace, people["officer"], report_id)
    assert get_report(workspace, people["colleague"], report_id).id == report_id
    with pytest.raises(NotFound):
        get_report(workspace, people["outsider"], report_id)
    with pytest.raises(NotFound):
        get_report(workspace, people["analyst"], report_id)  # other agency, not evaluated
    evaluate_report(workspace, people["supervisor"], report_id)
    assert get_report(workspace, people["analyst"], report_id).status is ReportStatus.EVALUATED
    with pytest.raises(NotFound):
        get_report(workspace, people["admin"], report_id)


def test_restrictive_handling_and_releasable_to(
    workspace: Workspace, people: dict[str, Actor]
) -> None:
    restricted = create_report(
        workspace,
        people["officer"],
        _draft(handling="uk-3x5x2:C", handling_conditions="not to partners"),
        submit=True,
    )
    released = create_report(
        workspace,
        people["officer"],
        _draft(handling="tlp:RED", releasable_to=(SECURITY,)),
        submit=True,
    )
    for report_id in (restricted, released):
        evaluate_report(workspace, people["supervisor"], report_id)
    with pytest.raises(NotFound):
        get_report(workspace, people["analyst"], restricted)
    view = get_report(workspace, people["analyst"], released)
    assert view.restrictive and view.releasable_to == (SECURITY,)
    visible = {summary.id for summary in list_reports(workspace, people["analyst"])}
    assert visible == {released}
    assert count_reports(workspace, people["analyst"]) == 1
    assert count_reports(workspace, people["supervisor"]) == 2


def test_list_filters(workspace: Workspace, people: dict[str, Actor]) -> None:
    first = create_report(workspace, people["officer"], _draft(title="Alpha sighting"))
    create_report(workspace, people["officer"], _draft(title="Beta sighting"), submit=True)
    officer = people["officer"]
    drafts = list_reports(workspace, officer, ReportFilters(status=(ReportStatus.DRAFT,)))
    assert [s.id for s in drafts] == [first]
    assert [s.title for s in list_reports(workspace, officer, ReportFilters(text="beta"))] == [
        "Beta sighting"
    ]
    assert len(list_reports(workspace, officer, ReportFilters(limit=1))) == 1


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"reliability": "Z"}, "reliability"),
        ({"credibility": "9"}, "credibility"),
        ({"grading_scheme": "nonsense"}, "grading_scheme"),
        ({"handling": "tlp:PURPLE"}, "handling"),
        ({"handling": "uk-3x5x2:C"}, "handling"),
        ({"releasable_to": ("no-such-agency",)}, "releasable_to"),
        ({"facts": (FactDraft("x", "Spaceship", "name", "y"),)}, "schema"),
        ({"facts": (FactDraft("x", "Vessel", "wingspan", "y"),)}, "prop"),
        ({"source_id": "S-missing", "reliability": None}, "source_id"),
    ],
)
def test_bad_reports_are_refused_naming_the_field(
    workspace: Workspace, people: dict[str, Actor], changes: dict[str, object], field: str
) -> None:
    with pytest.raises(InvalidInput) as caught:
        create_report(workspace, people["officer"], _draft(**changes))
    assert caught.value.field == field
    with workspace.engine.connect() as connection:
        assert connection.execute(select(tables.reports.c.id)).first() is None
        assert connection.execute(select(tables.statements.c.id)).first() is None


def test_administrators_do_not_file_reports(workspace: Workspace, people: dict[str, Actor]) -> None:
    with pytest.raises(PermissionDenied):
        create_report(workspace, people["admin"], _draft())


def test_reliability_carried_from_source(workspace: Workspace, people: dict[str, Actor]) -> None:
    source_id = create_source(
        workspace,
        people["handler"],
        kind="informant",
        reference="HARBOUR-7",
        reliability="C",
        protected_identity="Sok Dara, fish market",
    )
    report_id = create_report(
        workspace, people["officer"], _draft(reliability=None, source_id=source_id)
    )
    view = get_report(workspace, people["officer"], report_id)
    assert view.grading.reliability == "C"
    assert not view.reliability_overridden
    assert view.source_reference == "HARBOUR-7"
    assert "Sok Dara" not in repr(view)
    overridden = create_report(workspace, people["officer"], _draft(source_id=source_id))
    assert get_report(workspace, people["officer"], overridden).reliability_overridden


def test_attachments(workspace: Workspace, people: dict[str, Actor]) -> None:
    report_id = create_report(workspace, people["officer"], _draft())
    view = add_attachment(
        workspace, people["officer"], report_id, "../../etc/crew list.pdf", None, b"%PDF-1.4 crew"
    )
    assert view.filename == "crew list.pdf"
    assert view.media_type == "application/pdf"
    stored = workspace.settings.attachments_dir / view.sha256[:2] / view.sha256
    assert stored.read_bytes() == b"%PDF-1.4 crew"
    meta, content = read_attachment(workspace, people["officer"], view.id)
    assert content == b"%PDF-1.4 crew" and meta.id == view.id
    with pytest.raises(NotFound):
        read_attachment(workspace, people["colleague"], view.id)  # draft of someone else
    with pytest.raises(InvalidInput, match="limit"):
        add_attachment(
            workspace,
            people["officer"],
            report_id,
            "big.bin",
            "application/octet-stream",
            b"x" * (workspace.settings.attachment_max_bytes + 1),
        )
    with pytest.raises(InvalidInput) as caught:
        add_attachment(workspace, people["officer"], report_id, "a.txt", "not a type", b"x")
    assert caught.value.field == "media_type"
    assert len(get_report(workspace, people["officer"], report_id).attachments) == 1


def test_report_names_its_entities_by_caption(
    workspace: Workspace, people: dict[str, Actor]
) -> None:
    facts = (
        FactDraft("boat", "Vessel", "name", "KOH RONG STAR"),
        FactDraft("boat", "Vessel", "imoNumber", "IMO 9074729"),
        FactDraft("master", "Person", "name", "Sok Dara"),
        FactDraft("hull", "Vessel", "imoNumber", "IMO 9074723"),  # bad check digit
    )
    report_id = create_report(workspace, people["officer"], _draft(facts=facts, extract=False))
    view = get_report(workspace, people["officer"], report_id)
    named = {(entity.schema, entity.caption) for entity in view.entities}
    assert ("Vessel", "KOH RONG STAR") in named
    assert ("Person", "Sok Dara") in named
    assert {entity.id for entity in view.entities} == set(view.entity_ids)
    hull = [e for e in view.entities if e.caption not in {"KOH RONG STAR", "Sok Dara"}]
    # an invalid value never names an entity: it falls back to the id
    assert len(hull) == 1 and hull[0].caption == hull[0].id


@pytest.mark.parametrize("wildcard", ["%", "_", "\\"])
def test_text_filter_and_search_match_wildcards_literally(
    workspace: Workspace, people: dict[str, Actor], wildcard: str
) -> None:
    """``50%``, ``a_b`` and ``a\\b`` find themselves only, in report text filters and search."""
    officer = people["officer"]
    literal = f"ref 50{wildcard}b"  # the wildcard stands for the "0" or the "x" of the others
    for title in (f"Boat {literal}", "Boat ref 500b", "Boat ref 50xb", "Boat ref 50b"):
        name = title.removeprefix("Boat ").upper()
        create_report(
            workspace,
            officer,
            _draft(title=title, facts=(FactDraft("boat", "Vessel", "name", name),)),
            submit=True,
        )
    found = list_reports(workspace, officer, ReportFilters(text=f"50{wildcard}b"))
    assert [summary.title for summary in found] == [f"Boat {literal}"]
    for query in (f"0{wildcard}", f"f 50{wildcard}b"):  # both paths: a scan, the trigram index
        names = {summary.caption for summary in search_entities(workspace, officer, query)}
        assert names == {literal.upper()}, query
