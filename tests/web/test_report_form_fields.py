"""The report page form reads its inputs by their declared type and keeps what was typed."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from datetime import UTC, datetime

import pytest
from starlette.datastructures import FormData

from portintel.domain.report_fields import REPORT_FIELDS, report_field
from portintel.errors import InvalidInput
from portintel.web.routes.intake.report_forms import FORM_FIELDS, VESSEL_FIELDS, ReportForm
from tests.web.conftest import Person

TYPED = {
    "title": "  Boarding at pier 3 ",
    "text": "  Crew list attached.\n",
    "occurred_at": "2026-02-27T22:00",
    "place": " Pier 3 ",
    "latitude": "10.6",
    "longitude": "103.5",
    "reliability": " B",
    "credibility": "2",
    "handling": "uk-3x5x2:P",
    "handling_conditions": "  ",
    "source_id": "",
}


def test_every_input_of_the_form_is_a_declared_field_or_the_vessel() -> None:
    inputs = {item.name for item in dataclasses.fields(ReportForm)}
    vessel = {name for name, _prop in VESSEL_FIELDS}
    assert inputs - vessel == {field.name for field in FORM_FIELDS}
    assert all(field.typed_by_people for field in FORM_FIELDS)
    # every field a person must give is on the form
    assert {field.name for field in REPORT_FIELDS if field.required} <= inputs


def test_form_values_are_read_by_their_declared_type() -> None:
    data = FormData([*TYPED.items(), ("releasable_to", "security"), ("releasable_to", "navy")])
    form = ReportForm.read(data)
    assert form.title == TYPED["title"]  # kept as typed
    assert form.releasable_to == ["security", "navy"]
    draft = form.draft(scheme_id="admiralty")
    assert draft.title == "Boarding at pier 3"  # a line loses its surrounding spaces
    assert draft.text == TYPED["text"]  # free text is kept as typed
    assert draft.place == "Pier 3"
    assert (draft.latitude, draft.longitude) == (10.6, 103.5)
    assert draft.occurred_at == datetime(2026, 2, 27, 22, tzinfo=UTC)
    assert draft.reliability == "B" and draft.handling_conditions is None
    assert draft.source_id is None
    assert draft.releasable_to == ("security", "navy")
    assert draft.grading_scheme == "admiralty"


def test_a_file_or_a_missing_input_reads_as_empty() -> None:
    form = ReportForm.read(FormData([("title", "x")]))
    assert form.text == "" and form.releasable_to == []


@pytest.mark.parametrize(
    ("name", "typed", "message"),
    [
        ("latitude", "north", "not a number"),
        ("occurred_at", "yesterday", "not a date"),
        ("place", "p" * 301, "longer than 300"),
        ("credibility", "2" * 9, "longer than 8"),
        ("vessel_imo", "9" * 33, "longer than 32"),
    ],
)
def test_a_refused_value_names_its_input(name: str, typed: str, message: str) -> None:
    form = ReportForm.read(FormData([*TYPED.items(), (name, typed)]))
    assert getattr(form, name) == typed  # kept for the page to show again
    with pytest.raises(InvalidInput, match=message) as caught:
        form.draft(scheme_id="admiralty")
    assert caught.value.field == name


def test_the_page_keeps_a_too_long_title_and_says_why(
    person: Callable[..., Person],
) -> None:
    officer = person("officer", "officer")
    limit = report_field("title").max_length
    assert limit is not None
    title = "T" * (limit + 1)
    response = officer.form(
        "/reports",
        {
            "title": title,
            "text": "t",
            "reliability": "B",
            "credibility": "2",
            "handling": "uk-3x5x2:P",
        },
    )
    assert response.status_code == 422
    assert f"longer than {limit} characters" in response.text
    assert f'value="{title}"' in response.text
    page = officer.client.get("/reports/new")
    assert f'maxlength="{limit}"' in page.text
