"""Report lifecycle: who may take which step from which status."""

from __future__ import annotations

from datetime import datetime

import pytest

from portintel.domain.actors import SYSTEM, Actor, Role
from portintel.domain.reports import (
    FactDraft,
    ReportAction,
    ReportDraft,
    ReportStatus,
    allowed_actions,
    check_transition,
    may_edit,
)
from portintel.errors import Conflict, InvalidInput, PermissionDenied

AUTHOR = Actor("u-author", "author", "immigration", frozenset({Role.OFFICER}))
OTHER_OFFICER = Actor("u-other", "other", "immigration", frozenset({Role.OFFICER}))
SUPERVISOR = Actor("u-sup", "sup", "maritime-police", frozenset({Role.SUPERVISOR}))
ANALYST = Actor("u-ana", "ana", "immigration", frozenset({Role.ANALYST}))
ADMIN = Actor("u-adm", "adm", "immigration", frozenset({Role.ADMINISTRATOR}))


def test_the_happy_path() -> None:
    status = check_transition(AUTHOR, ReportAction.SUBMIT, ReportStatus.DRAFT, AUTHOR.user_id)
    assert status is ReportStatus.SUBMITTED
    status = check_transition(SUPERVISOR, ReportAction.EVALUATE, status, AUTHOR.user_id)
    assert status is ReportStatus.EVALUATED
    status = check_transition(SUPERVISOR, ReportAction.DISSEMINATE, status, AUTHOR.user_id)
    assert status is ReportStatus.DISSEMINATED
    status = check_transition(
        SUPERVISOR, ReportAction.ARCHIVE, status, AUTHOR.user_id, "operation closed"
    )
    assert status is ReportStatus.ARCHIVED


def test_a_supervisor_returns_a_submitted_report_with_its_reason() -> None:
    status = check_transition(
        SUPERVISOR, ReportAction.RETURN, ReportStatus.SUBMITTED, AUTHOR.user_id, "add the IMO"
    )
    assert status is ReportStatus.DRAFT
    # the author corrects it and submits it again
    status = check_transition(AUTHOR, ReportAction.SUBMIT, status, AUTHOR.user_id)
    assert status is ReportStatus.SUBMITTED


@pytest.mark.parametrize("action", [ReportAction.RETURN, ReportAction.ARCHIVE])
@pytest.mark.parametrize("note", [None, "", "   \n"])
def test_return_and_archive_need_a_note(action: ReportAction, note: str | None) -> None:
    with pytest.raises(InvalidInput, match="needs a note") as raised:
        check_transition(SUPERVISOR, action, ReportStatus.SUBMITTED, AUTHOR.user_id, note)
    assert raised.value.field == "note"
    # the system (imports, migrations) is not asked for one
    assert check_transition(SYSTEM, action, ReportStatus.SUBMITTED, AUTHOR.user_id) in (
        ReportStatus.DRAFT,
        ReportStatus.ARCHIVED,
    )


def test_withdrawing_a_draft_needs_no_note() -> None:
    assert (
        check_transition(AUTHOR, ReportAction.WITHDRAW, ReportStatus.DRAFT, AUTHOR.user_id)
        is ReportStatus.ARCHIVED
    )


@pytest.mark.parametrize("status", [ReportStatus.DRAFT, ReportStatus.EVALUATED])
def test_only_a_submitted_report_goes_back(status: ReportStatus) -> None:
    with pytest.raises(Conflict, match="cannot return"):
        check_transition(SUPERVISOR, ReportAction.RETURN, status, AUTHOR.user_id, "why")


@pytest.mark.parametrize("actor", [OTHER_OFFICER, SUPERVISOR, ANALYST, ADMIN])
def test_only_the_author_submits(actor: Actor) -> None:
    with pytest.raises(PermissionDenied, match="author"):
        check_transition(actor, ReportAction.SUBMIT, ReportStatus.DRAFT, AUTHOR.user_id)


@pytest.mark.parametrize("actor", [AUTHOR, OTHER_OFFICER, ANALYST, ADMIN])
@pytest.mark.parametrize(
    "action",
    [ReportAction.EVALUATE, ReportAction.DISSEMINATE, ReportAction.ARCHIVE, ReportAction.RETURN],
)
def test_only_a_supervisor_evaluates_disseminates_archives(
    actor: Actor, action: ReportAction
) -> None:
    with pytest.raises(PermissionDenied, match="supervisor"):
        check_transition(actor, action, ReportStatus.SUBMITTED, AUTHOR.user_id, "a note")


@pytest.mark.parametrize(
    ("action", "status"),
    [
        (ReportAction.EVALUATE, ReportStatus.DRAFT),
        (ReportAction.EVALUATE, ReportStatus.EVALUATED),
        (ReportAction.DISSEMINATE, ReportStatus.SUBMITTED),
        (ReportAction.ARCHIVE, ReportStatus.ARCHIVED),
        (ReportAction.ARCHIVE, ReportStatus.DRAFT),
    ],
)
def test_wrong_status_is_a_conflict(action: ReportAction, status: ReportStatus) -> None:
    with pytest.raises(Conflict, match=f"cannot {action.value}"):
        check_transition(SUPERVISOR, action, status, AUTHOR.user_id, "a note")


def test_author_withdraws_own_draft_and_submits_only_once() -> None:
    withdraw = check_transition(AUTHOR, ReportAction.WITHDRAW, ReportStatus.DRAFT, "u-author")
    assert withdraw is ReportStatus.ARCHIVED
    with pytest.raises(Conflict):
        check_transition(AUTHOR, ReportAction.SUBMIT, ReportStatus.SUBMITTED, "u-author")


def test_allowed_actions_and_editing() -> None:
    assert set(allowed_actions(AUTHOR, ReportStatus.DRAFT, "u-author")) == {
        ReportAction.SUBMIT,
        ReportAction.WITHDRAW,
    }
    assert set(allowed_actions(SUPERVISOR, ReportStatus.SUBMITTED, "u-author")) == {
        ReportAction.EVALUATE,
        ReportAction.ARCHIVE,
        ReportAction.RETURN,
    }
    assert allowed_actions(ADMIN, ReportStatus.SUBMITTED, "u-author") == ()
    assert may_edit(AUTHOR, ReportStatus.DRAFT, "u-author")
    assert not may_edit(AUTHOR, ReportStatus.EVALUATED, "u-author")
    assert not may_edit(OTHER_OFFICER, ReportStatus.DRAFT, "u-author")
    assert may_edit(SUPERVISOR, ReportStatus.SUBMITTED, "u-author")
    assert may_edit(SYSTEM, ReportStatus.EVALUATED, "u-author")


def _draft(**changes: object) -> ReportDraft:
    base: dict[str, object] = {
        "title": "Boat sighted",
        "text": "Fishing boat loading people at night.",
        "reliability": "B",
        "credibility": "2",
        "handling": "uk-3x5x2:P",
    }
    base.update(changes)
    return ReportDraft(**base)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"title": " "}, "title"),
        ({"title": "x" * 301}, "title"),
        ({"text": ""}, "text"),
        ({"latitude": 91.0, "longitude": 0.0}, "latitude"),
        ({"latitude": 10.0, "longitude": 181.0}, "longitude"),
        ({"latitude": 10.0}, "longitude"),
        ({"occurred_at": datetime(2026, 1, 1)}, "occurred_at"),
        ({"reliability": None}, "reliability"),
    ],
)
def test_bad_drafts_name_the_field(changes: dict[str, object], field: str) -> None:
    with pytest.raises(InvalidInput) as caught:
        _draft(**changes)
    assert caught.value.field == field


def test_fact_needs_its_parts() -> None:
    with pytest.raises(InvalidInput) as caught:
        FactDraft(entity_key="v", schema="", prop="name", value="x")
    assert caught.value.field == "schema"


@pytest.mark.parametrize("field", ["title", "text", "place", "handling_conditions", "category"])
def test_a_nul_character_is_refused_naming_its_field(field: str) -> None:
    """For the CLI and imports as for the web: PostgreSQL cannot store a NUL."""
    values: dict[str, object] = {
        "title": "t",
        "text": "x",
        "credibility": "2",
        "handling": "tlp:GREEN",
        "reliability": "B",
        field: "with a \x00 inside",
    }
    with pytest.raises(InvalidInput) as caught:
        ReportDraft(**values)  # type: ignore[arg-type]
    assert caught.value.field == field
