"""Report views take a report's fields from one mapper that walks their declaration."""

from __future__ import annotations

import dataclasses
import typing
from datetime import UTC, datetime

from sqlalchemy import select

from portintel.adapters.database import tables
from portintel.domain.actors import Role
from portintel.domain.grading import Grading
from portintel.domain.report_fields import GRADING_FIELDS, REPORT_FIELDS, FieldType, ReportField
from portintel.domain.reports import ReportDraft, ReportStatus
from portintel.services.intake.reports import create_report, get_report, list_reports
from portintel.services.intake.views import (
    LISTED_FIELDS,
    ReportSummary,
    ReportView,
    report_values,
)
from portintel.services.workspace import Workspace
from tests.services.staff import IMMIGRATION, make_user

VIEW_EXTRAS = {
    "grading",
    "mapped_grading",
    "handling_definition",
    "source_reference",
    "source_kind",
    "events",
    "attachments",
    "entity_ids",
    "entities",
    "allowed_actions",
}
"""What a view tells beside a report's own fields."""


def _expected_type(field: ReportField) -> object:
    present: object = tuple[str, ...] if field.kind is FieldType.IDS else field.value_type
    return present | None if field.optional else present  # type: ignore[operator]


def _check_view(view: type, fields: tuple[ReportField, ...], extras: set[str]) -> None:
    hints = typing.get_type_hints(view)
    names = {field.name for field in dataclasses.fields(view)}
    own = {field.name for field in fields} - set(GRADING_FIELDS)
    assert names == own | extras
    for field in fields:
        if field.name not in GRADING_FIELDS:
            assert hints[field.name] == _expected_type(field), (view.__name__, field.name)
    assert hints["grading"] is Grading


def test_report_view_declares_every_field_with_its_type() -> None:
    _check_view(ReportView, REPORT_FIELDS, VIEW_EXTRAS)


def test_report_summary_declares_the_listed_fields() -> None:
    _check_view(ReportSummary, LISTED_FIELDS, {"grading"})


def test_the_mapper_reads_every_stored_field_of_a_row(workspace: Workspace) -> None:
    officer = make_user(workspace, "officer", IMMIGRATION, Role.OFFICER)
    report_id = create_report(
        workspace,
        officer,
        ReportDraft(
            title="Boat at the pier",
            text="Loading people at night.",
            reliability="B",
            credibility="2",
            handling="uk-3x5x2:P",
            occurred_at=datetime(2026, 2, 27, 22, tzinfo=UTC),
            place="Pier 3",
            latitude=10.6,
            longitude=103.5,
            category="sighting",
        ),
    )
    with workspace.engine.connect() as connection:
        row = connection.execute(
            select(tables.reports).where(tables.reports.c.id == report_id)
        ).one()
    values = report_values(row)
    stored = {field.name for field in REPORT_FIELDS if field.stored}
    assert set(values) == stored - set(GRADING_FIELDS) | {"grading"}
    assert values["grading"] == Grading("admiralty", "B", "2")
    assert values["status"] is ReportStatus.DRAFT
    assert values["restrictive"] is False and values["reliability_overridden"] is False
    assert values["latitude"] == 10.6 and values["category"] == "sighting"

    view = get_report(workspace, officer, report_id)
    for name, value in values.items():
        assert getattr(view, name) == value, name
    (summary,) = list_reports(workspace, officer)
    for field in LISTED_FIELDS:
        if field.name not in GRADING_FIELDS:
            assert getattr(summary, field.name) == getattr(view, field.name), field.name
    assert summary.grading == view.grading
