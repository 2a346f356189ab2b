"""The declaration of a report's fields, and the draft that follows it."""

from __future__ import annotations

import dataclasses
import typing
from datetime import datetime

import pytest

from portintel.domain.report_fields import (
    REPORT_FIELDS,
    FieldType,
    ReportField,
    ReportStatus,
    Writable,
    check_value,
    evaluation_fields,
    filing_fields,
    report_field,
)
from portintel.domain.reports import ReportDraft
from portintel.errors import InvalidInput

DRAFT_INSTRUCTIONS = {"facts", "extract", "report_id"}
"""What a draft carries that is not a field of the report: how to file it."""


def _value_type(name: str) -> object:
    field = report_field(name)
    present: object = tuple[str, ...] if field.kind is FieldType.IDS else field.value_type
    return present


def test_names_are_unique_and_found_by_name() -> None:
    names = [field.name for field in REPORT_FIELDS]
    assert len(names) == len(set(names))
    assert all(report_field(name).name == name for name in names)
    with pytest.raises(KeyError):
        report_field("nothing")


def test_every_field_has_a_label_and_text_fields_a_length() -> None:
    for field in REPORT_FIELDS:
        assert field.label.strip(), field.name
        if field.kind in (FieldType.LINE, FieldType.TEXT, FieldType.CODE):
            assert field.max_length, field.name
        assert not (field.required and field.optional), field.name
        assert not field.required or field.given_when_filing, field.name


def test_status_choices_are_the_lifecycle_with_labels() -> None:
    status = report_field("status")
    assert [choice.value for choice in status.choices] == [s.value for s in ReportStatus]
    assert all(choice.label for choice in status.choices)
    assert status.value_type is ReportStatus
    with pytest.raises(InvalidInput, match="unknown status") as caught:
        check_value(status, "lost")
    assert caught.value.field == "status"


def test_draft_fields_agree_with_the_filing_fields() -> None:
    hints = typing.get_type_hints(ReportDraft)
    draft_fields = {field.name: field for field in dataclasses.fields(ReportDraft)}
    filed = {field.name for field in filing_fields()}
    assert set(draft_fields) - DRAFT_INSTRUCTIONS == filed
    for name in filed:
        field = report_field(name)
        has_default = draft_fields[name].default is not dataclasses.MISSING or (
            draft_fields[name].default_factory is not dataclasses.MISSING
        )
        assert has_default == (not field.required), name
        expected = _value_type(name)
        if not field.required and field.kind is not FieldType.IDS:
            expected = expected | None  # type: ignore[operator]
        assert hints[name] == expected, name


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


LIMITED = [
    field
    for field in filing_fields()
    if field.max_length is not None and field.kind is not FieldType.IDS
]


@pytest.mark.parametrize("field", LIMITED, ids=lambda field: field.name)
def test_draft_refuses_a_value_longer_than_declared(field: ReportField) -> None:
    limit = field.max_length
    assert limit is not None
    _draft(**{field.name: "x" * limit})  # exactly the limit is fine
    with pytest.raises(InvalidInput, match=f"longer than {limit}") as caught:
        _draft(**{field.name: "x" * (limit + 1)})
    assert caught.value.field == field.name


@pytest.mark.parametrize("name", [f.name for f in REPORT_FIELDS if f.required])
def test_draft_refuses_a_blank_required_field(name: str) -> None:
    with pytest.raises(InvalidInput, match=f"needs its {name}") as caught:
        _draft(**{name: "  "})
    assert caught.value.field == name


@pytest.mark.parametrize(
    ("name", "inside", "outside"),
    [("latitude", 90.0, 90.5), ("longitude", -180.0, -180.5)],
)
def test_draft_refuses_numbers_outside_the_declared_range(
    name: str, inside: float, outside: float
) -> None:
    other = "longitude" if name == "latitude" else "latitude"
    _draft(**{name: inside, other: 0.0})
    with pytest.raises(InvalidInput, match="is outside") as caught:
        _draft(**{name: outside, other: 0.0})
    assert caught.value.field == name


def test_not_a_number_is_outside_every_range() -> None:
    with pytest.raises(InvalidInput) as caught:
        _draft(latitude=float("nan"), longitude=0.0)
    assert caught.value.field == "latitude"


def test_who_gives_what() -> None:
    assert {f.name for f in evaluation_fields()} == {
        "grading_scheme",
        "reliability",
        "credibility",
        "handling",
        "handling_conditions",
        "releasable_to",
    }
    assert report_field("origin_node").writable is Writable.IMPORT
    assert not report_field("origin_node").typed_by_people
    for name in ("id", "status", "author_id", "restrictive", "tlp", "created_at"):
        assert report_field(name).writable is Writable.NODE, name
        assert not report_field(name).given_when_filing


def test_moments_are_datetimes() -> None:
    assert report_field("occurred_at").value_type is datetime
