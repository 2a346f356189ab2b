"""Suggestions from report text: proposed within the reader's scope; accepted ones become
statements of the report, rejected ones are not proposed again; every decision audited."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from portintel.adapters.database import tables
from portintel.domain.actors import Actor, Role
from portintel.domain.extraction import Kind
from portintel.domain.reports import FactDraft, ReportDraft
from portintel.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from portintel.services import audit
from portintel.services.intake import (
    Decision,
    SuggestionStatus,
    SuggestionView,
    create_report,
    decide_suggestion,
    list_suggestions,
    submit_report,
)
from portintel.services.workspace import Workspace
from tests.services.staff import IMMIGRATION, MARITIME, SECURITY, make_user

TEXT = (
    "Boarded MV KOH RONG STAR (IMO 9074729) off Koh Rong at 10°37.7'N 103°30.2'E. "
    "Master Mr Sok Chanthy, phone 012 345 678. Stern shows IMO 9074728."
)


def _draft(text: str = TEXT, **changes: object) -> ReportDraft:
    base: dict[str, object] = {
        "title": "Boarding at Koh Rong",
        "text": text,
        "reliability": "B",
        "credibility": "2",
        "handling": "uk-3x5x2:P",
        "occurred_at": datetime(2026, 2, 27, 22, 0, tzinfo=UTC),
        "extract": False,
    }
    base.update(changes)
    return ReportDraft(**base)  # type: ignore[arg-type]


@pytest.fixture
def people(workspace: Workspace) -> dict[str, Actor]:
    return {
        "officer": make_user(workspace, "officer", IMMIGRATION, Role.OFFICER),
        "colleague": make_user(workspace, "colleague", IMMIGRATION, Role.OFFICER),
        "outsider": make_user(workspace, "outsider", MARITIME, Role.OFFICER),
        "analyst": make_user(workspace, "analyst", IMMIGRATION, Role.ANALYST),
        "far_analyst": make_user(workspace, "far", SECURITY, Role.ANALYST),
        "admin": make_user(workspace, "admin", IMMIGRATION, Role.ADMINISTRATOR),
    }


def _one(views: tuple[SuggestionView, ...], kind: Kind, value: str) -> SuggestionView:
    found = [v for v in views if v.suggestion.kind is kind and v.suggestion.value == value]
    assert len(found) == 1, [(v.suggestion.kind, v.suggestion.value) for v in views]
    return found[0]


def _statements(ws: Workspace, report_id: str) -> list[tuple[str, str, str, str | None]]:
    s = tables.statements.c
    with ws.engine.connect() as connection:
        rows = connection.execute(
            select(s.schema, s.prop, s.value, s.invalid_reason)
            .where(s.origin == report_id)
            .order_by(s.schema, s.prop, s.value)
        ).all()
    return [tuple(row) for row in rows]  # type: ignore[misc]


def _actions(ws: Workspace, admin: Actor) -> list[str]:
    return [e.action for e in audit.list_entries(ws, admin, audit.AuditFilters())]


def test_the_author_sees_what_the_text_yields(
    workspace: Workspace, people: dict[str, Actor]
) -> None:
    report_id = create_report(workspace, people["officer"], _draft())
    listed = list_suggestions(workspace, people["officer"], report_id)
    assert listed.may_decide and listed.rules_version
    found = {(v.suggestion.kind, v.suggestion.value, v.suggestion.valid) for v in listed.items}
    assert {
        (Kind.VESSEL_NAME, "KOH RONG STAR", True),
        (Kind.IMO, "IMO9074729", True),
        (Kind.IMO, "IMO9074728", False),
        (Kind.PLACE, "Koh Rong", True),
        (Kind.COORDINATES, "10.62833,103.50333", True),
        (Kind.PERSON_NAME, "Sok Chanthy", True),
        (Kind.PHONE, "+85512345678", True),
    } <= found
    assert all(v.status is SuggestionStatus.PROPOSED for v in listed.items)
    assert "report.suggestions.read" in _actions(workspace, people["admin"])


def test_accepting_writes_statements_of_the_report_and_audits(
    workspace: Workspace, people: dict[str, Actor]
) -> None:
    officer = people["officer"]
    report_id = create_report(workspace, officer, _draft())
    imo = _one(list_suggestions(workspace, officer, report_id).items, Kind.IMO, "IMO9074729")
    decided = decide_suggestion(workspace, officer, report_id, imo.suggestion.id, Decision.ACCEPT)
    assert decided.status is SuggestionStatus.ACCEPTED and len(decided.statement_ids) == 1
    assert _statements(workspace, report_id) == [("Vessel", "imoNumber", "IMO9074729", None)]
    again = _one(list_suggestions(workspace, officer, report_id).items, Kind.IMO, "IMO9074729")
    assert again.status is SuggestionStatus.ACCEPTED
    assert again.statement_ids == decided.statement_ids
    assert "report.suggestion.accept" in _actions(workspace, people["admin"])
    with pytest.raises(Conflict):
        decide_suggestion(workspace, officer, report_id, imo.suggestion.id, Decision.REJECT)


def test_a_near_miss_accepted_is_kept_with_its_reason(
    workspace: Workspace, people: dict[str, Actor]
) -> None:
    officer = people["officer"]
    report_id = create_report(workspace, officer, _draft())
    near = _one(list_suggestions(workspace, officer, report_id).items, Kind.IMO, "IMO9074728")
    assert near.suggestion.reason == "IMO check digit is 8, expected 9"
    decide_suggestion(workspace, officer, report_id, near.suggestion.id, Decision.ACCEPT)
    assert _statements(workspace, report_id) == [
        ("Vessel", "imoNumber", "IMO9074728", "IMO check digit is 8, expected 9")
    ]


def test_a_rejected_suggestion_is_not_proposed_again(
    workspace: Workspace, people: dict[str, Actor]
) -> None:
    officer = people["officer"]
    report_id = create_report(workspace, officer, _draft())
    place = _one(list_suggestions(workspace, officer, report_id).items, Kind.PLACE, "Koh Rong")
    decide_suggestion(workspace, officer, report_id, place.suggestion.id, Decision.REJECT)
    listed = list_suggestions(workspace, officer, report_id)
    assert all(v.suggestion.id != place.suggestion.id for v in listed.items)
    everything = list_suggestions(workspace, officer, report_id, include_rejected=True)
    assert _one(everything.items, Kind.PLACE, "Koh Rong").status is SuggestionStatus.REJECTED
    assert _statements(workspace, report_id) == []
    assert "report.suggestion.reject" in _actions(workspace, people["admin"])


def test_an_edited_suggestion_states_the_edited_value(
    workspace: Workspace, people: dict[str, Actor]
) -> None:
    officer = people["officer"]
    report_id = create_report(workspace, officer, _draft())
    name = _one(
        list_suggestions(workspace, officer, report_id).items, Kind.PERSON_NAME, "Sok Chanthy"
    )
    decided = decide_suggestion(
        workspace, officer, report_id, name.suggestion.id, Decision.ACCEPT, value="Sokh  Chanthy"
    )
    assert decided.decided_value == "Sokh Chanthy"
    assert _statements(workspace, report_id) == [("Person", "name", "Sokh Chanthy", None)]
    assert "report.suggestion.edit" in _actions(workspace, people["admin"])
    position = _one(
        list_suggestions(workspace, officer, report_id).items,
        Kind.COORDINATES,
        "10.62833,103.50333",
    )
    with pytest.raises(InvalidInput):
        decide_suggestion(
            workspace, officer, report_id, position.suggestion.id, Decision.ACCEPT, value="north"
        )


def test_what_filing_stated_already_is_shown_as_stated(
    workspace: Workspace, people: dict[str, Actor]
) -> None:
    officer = people["officer"]
    report_id = create_report(workspace, officer, _draft(extract=True))
    listed = list_suggestions(workspace, officer, report_id)
    assert _one(listed.items, Kind.IMO, "IMO9074729").status is SuggestionStatus.STATED
    assert _one(listed.items, Kind.PHONE, "+85512345678").status is SuggestionStatus.STATED
    assert _one(listed.items, Kind.PLACE, "Koh Rong").status is SuggestionStatus.PROPOSED


def test_who_may_read_and_who_may_decide(workspace: Workspace, people: dict[str, Actor]) -> None:
    officer = people["officer"]
    report_id = create_report(workspace, officer, _draft(), submit=True)
    imo = _one(list_suggestions(workspace, officer, report_id).items, Kind.IMO, "IMO9074729")
    for reader in ("outsider", "far_analyst", "admin"):
        with pytest.raises((NotFound, PermissionDenied)):
            list_suggestions(workspace, people[reader], report_id)
        with pytest.raises((NotFound, PermissionDenied)):
            decide_suggestion(
                workspace, people[reader], report_id, imo.suggestion.id, Decision.ACCEPT
            )
    colleague = list_suggestions(workspace, people["colleague"], report_id)
    assert not colleague.may_decide
    with pytest.raises(PermissionDenied):
        decide_suggestion(
            workspace, people["colleague"], report_id, imo.suggestion.id, Decision.ACCEPT
        )
    decide_suggestion(workspace, people["analyst"], report_id, imo.suggestion.id, Decision.ACCEPT)
    with pytest.raises(NotFound):
        decide_suggestion(workspace, officer, report_id, "0" * 20, Decision.ACCEPT)


def test_known_names_come_only_from_what_the_reader_may_read(
    workspace: Workspace, people: dict[str, Actor]
) -> None:
    outsider, officer = people["outsider"], people["officer"]
    secret = FactDraft("smuggler", "Person", "name", "Chhim Vibol")
    create_report(workspace, outsider, _draft("A tip.", facts=(secret,)), submit=True)
    text = "The boat belongs to chhim vibol of Kampot."
    own = create_report(workspace, outsider, _draft(text))
    theirs = create_report(workspace, officer, _draft(text))
    named = [
        v.suggestion.value
        for v in list_suggestions(workspace, outsider, own).items
        if v.suggestion.kind is Kind.PERSON_NAME
    ]
    assert named == ["Chhim Vibol"]
    assert not [
        v
        for v in list_suggestions(workspace, officer, theirs).items
        if v.suggestion.kind is Kind.PERSON_NAME
    ]
    submit_report(workspace, officer, theirs)
