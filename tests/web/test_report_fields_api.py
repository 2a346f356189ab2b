"""The report API follows the declaration of a report's fields, and keeps its contract.

``ReportIn``, ``EvaluationIn``, ``ReportOut`` and ``ReportSummaryOut`` are built from
:data:`~portintel.domain.report_fields.REPORT_FIELDS`; these tests hold the models to
the declaration, show that a field declared there alone reaches the API, and pin the
OpenAPI shapes that clients rely on (names, JSON types, nullability, required-ness,
lengths) so that generating the models changed none of them.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from typing import Any

import pytest
from fastapi import FastAPI
from pydantic import BaseModel, ValidationError

from portintel.domain.report_fields import (
    GRADING_FIELDS,
    REPORT_FIELDS,
    FieldType,
    ReportField,
    Writable,
    evaluation_fields,
)
from portintel.web.api.intake import report_models
from portintel.web.api.intake.report_fields import (
    change_definitions,
    declared_model,
    filing_definitions,
    shown_definitions,
)
from portintel.web.api.intake.report_models import (
    EvaluationIn,
    EvaluationInBase,
    ReportIn,
    ReportInBase,
    ReportOut,
    ReportSummaryOut,
)

PYTHON_TYPES = {
    FieldType.LINE: str,
    FieldType.TEXT: str,
    FieldType.CODE: str,
    FieldType.NUMBER: float,
    FieldType.MOMENT: datetime,
    FieldType.FLAG: bool,
    FieldType.IDS: list[str],
}


def _declared(model: type[BaseModel], field: ReportField) -> Any:
    return model.model_fields[field.name]


def _max_length(info: Any) -> int | None:
    return next((m.max_length for m in info.metadata if hasattr(m, "max_length")), None)


def test_report_in_has_every_field_people_file_a_report_with() -> None:
    filed = [field for field in REPORT_FIELDS if field.typed_by_people]
    assert {field.name for field in filed} <= set(ReportIn.model_fields)
    assert set(ReportIn.model_fields) - {field.name for field in filed} == {
        "facts",
        "extract",
        "submit",
    }
    for field in filed:
        info = _declared(ReportIn, field)
        assert info.is_required() == field.required, field.name
        assert _max_length(info) == field.max_length, field.name
        assert info.title == field.label
        expected = PYTHON_TYPES[field.kind]
        if not field.required and field.kind is not FieldType.IDS:
            expected = expected | None
        assert info.annotation == expected, field.name


def test_fields_only_the_node_or_an_importer_sets_are_not_accepted_on_filing() -> None:
    for field in REPORT_FIELDS:
        if field.writable in (Writable.NODE, Writable.IMPORT):
            assert field.name not in ReportIn.model_fields, field.name
    assert "origin_node" not in ReportIn.model_fields


def test_evaluation_in_has_exactly_the_fields_an_evaluation_changes() -> None:
    names = {field.name for field in evaluation_fields()}
    assert set(EvaluationIn.model_fields) == names | {"note"}
    for field in evaluation_fields():
        info = _declared(EvaluationIn, field)
        assert not info.is_required()
        assert info.default is None  # left out: the stored value stays
        assert _max_length(info) == field.max_length


def test_report_out_shows_every_field_and_the_grading_as_one() -> None:
    shown = {field.name for field in REPORT_FIELDS} - set(GRADING_FIELDS)
    assert shown <= set(ReportOut.model_fields)
    assert not set(GRADING_FIELDS) & set(ReportOut.model_fields)
    assert "grading" in ReportOut.model_fields
    for field in REPORT_FIELDS:
        if field.name in GRADING_FIELDS:
            continue
        info = _declared(ReportOut, field)
        assert info.is_required(), field.name  # always present, null when lacking
        expected = PYTHON_TYPES[field.kind]
        assert info.annotation == (expected | None if field.optional else expected), field.name


def test_report_summary_shows_the_listed_fields() -> None:
    listed = {field.name for field in REPORT_FIELDS if field.listed} - set(GRADING_FIELDS)
    assert set(ReportSummaryOut.model_fields) == listed | {"grading"}
    assert "text" not in ReportSummaryOut.model_fields


def test_models_keep_their_base_so_the_faces_stay_typed() -> None:
    assert issubclass(ReportIn, ReportInBase)
    assert issubclass(EvaluationIn, EvaluationInBase)
    assert ReportIn.__name__ == "ReportIn"  # the OpenAPI component keeps its name
    assert report_models.ReportOut.__name__ == "ReportOut"


# -- a field declared once reaches the API ------------------------------------------

VESSELS = ReportField(
    "vessels_seen",
    FieldType.NUMBER,
    "Vessels seen",
    Writable.FILING,
    optional=True,
    minimum=0,
    maximum=500,
    help="how many boats the officer saw",
)
CALLSIGN = ReportField(
    "radio_callsign",
    FieldType.LINE,
    "Radio call sign",
    Writable.EVALUATION,
    required=True,
    max_length=12,
    listed=True,
)


def test_a_field_added_to_the_declaration_alone_surfaces_in_the_api_models() -> None:
    declaration = (*REPORT_FIELDS, VESSELS, CALLSIGN)
    filed = tuple(field for field in declaration if field.typed_by_people)
    model = declared_model("ReportIn", ReportInBase, filing_definitions(filed))
    schema = model.model_json_schema()

    assert schema["properties"]["vessels_seen"]["title"] == "Vessels seen"
    assert schema["properties"]["vessels_seen"]["description"] == "how many boats the officer saw"
    number = schema["properties"]["vessels_seen"]["anyOf"][0]
    assert (number["type"], number["minimum"], number["maximum"]) == ("number", 0, 500)
    assert schema["properties"]["radio_callsign"] == {
        "title": "Radio call sign",
        "type": "string",
        "maxLength": 12,
    }
    assert "radio_callsign" in schema["required"]
    assert "vessels_seen" not in schema["required"]

    body = {"title": "t", "text": "x", "credibility": "2", "handling": "uk-3x5x2:P"}
    accepted = model.model_validate({**body, "radio_callsign": "XUAB7", "vessels_seen": 3})
    assert (accepted.radio_callsign, accepted.vessels_seen) == ("XUAB7", 3)  # type: ignore[attr-defined]
    with pytest.raises(ValidationError, match="radio_callsign"):
        model.model_validate(body)
    with pytest.raises(ValidationError, match="vessels_seen"):
        model.model_validate({**body, "radio_callsign": "XUAB7", "vessels_seen": 501})
    with pytest.raises(ValidationError, match="radio_callsign"):
        model.model_validate({**body, "radio_callsign": "X" * 13})

    changes = declared_model(
        "EvaluationIn", EvaluationInBase, change_definitions(evaluation_fields(declaration))
    )
    assert "radio_callsign" in changes.model_fields
    assert "vessels_seen" not in changes.model_fields  # given when filing only

    listed = tuple(f for f in declaration if f.listed and f.name not in GRADING_FIELDS)
    summary = declared_model("ReportSummaryOut", BaseModel, shown_definitions(listed))
    assert summary.model_fields["radio_callsign"].is_required()


def test_a_field_changed_in_the_declaration_changes_the_api_limit() -> None:
    title = next(field for field in REPORT_FIELDS if field.name == "title")
    shorter = tuple(replace(f, max_length=20) if f is title else f for f in REPORT_FIELDS)
    model = declared_model(
        "ReportIn", ReportInBase, filing_definitions(f for f in shorter if f.typed_by_people)
    )
    assert model.model_json_schema()["properties"]["title"]["maxLength"] == 20


# -- the OpenAPI contract clients rely on --------------------------------------------


def _kind(schema: dict[str, Any]) -> str:
    """A property's shape in one word: type, length, bounds, nullability."""
    if "$ref" in schema:
        return str(schema["$ref"]).rsplit("/", 1)[1]
    if "anyOf" in schema:
        kinds = [_kind(part) for part in schema["anyOf"] if part.get("type") != "null"]
        nullable = any(part.get("type") == "null" for part in schema["anyOf"])
        return "|".join(kinds) + ("?" if nullable else "")
    kind = str(schema.get("type"))
    if kind == "array":
        return f"list[{_kind(schema['items'])}]"
    if kind == "string" and schema.get("format") == "date-time":
        return "date-time"
    if kind == "string" and "maxLength" in schema:
        return f"string({schema['maxLength']})"
    if kind == "number" and "minimum" in schema:
        return f"number({schema['minimum']:g}..{schema['maximum']:g})"
    return kind


def _contract(app: FastAPI, name: str) -> dict[str, str]:
    schema = app.openapi()["components"]["schemas"][name]
    required = set(schema.get("required", ()))
    return {
        prop: _kind(value) + ("" if prop in required else " =")
        for prop, value in schema["properties"].items()
    }


# as published before the models were generated (" =" marks a field that may be left out);
# since then only the coordinates' bounds were added to ReportIn
CONTRACT = {
    "ReportIn": {
        "category": "string(64)? =",
        "credibility": "string(8)",
        "extract": "boolean =",
        "facts": "list[FactIn] =",
        "grading_scheme": "string(32)? =",
        "handling": "string(64)",
        "handling_conditions": "string(5000)? =",
        "latitude": "number(-90..90)? =",
        "longitude": "number(-180..180)? =",
        "occurred_at": "date-time? =",
        "place": "string(300)? =",
        "releasable_to": "list[string] =",
        "reliability": "string(8)? =",
        "source_id": "string(64)? =",
        "submit": "boolean =",
        "text": "string(200000)",
        "title": "string(300)",
    },
    "EvaluationIn": {
        "credibility": "string(8)? =",
        "grading_scheme": "string(32)? =",
        "handling": "string(64)? =",
        "handling_conditions": "string(5000)? =",
        "note": "string(5000)? =",
        "releasable_to": "list[string]? =",
        "reliability": "string(8)? =",
    },
    "ReportOut": {
        "agency_id": "string",
        "allowed_actions": "list[string]",
        "attachments": "list[AttachmentOut]",
        "author_id": "string",
        "category": "string?",
        "created_at": "date-time",
        "entities": "list[ReportEntityOut]",
        "entity_ids": "list[string]",
        "events": "list[EventOut]",
        "grading": "GradingOut",
        "handling": "string",
        "handling_conditions": "string?",
        "handling_definition": "string",
        "id": "string",
        "latitude": "number?",
        "longitude": "number?",
        "node_grading": "GradingOut?",
        "occurred_at": "date-time?",
        "origin_node": "string?",
        "place": "string?",
        "releasable_to": "list[string]",
        "reliability_overridden": "boolean",
        "reported_at": "date-time",
        "restrictive": "boolean",
        "source_id": "string?",
        "source_kind": "string?",
        "source_reference": "string?",
        "status": "string",
        "text": "string",
        "title": "string",
        "tlp": "string?",
        "updated_at": "date-time",
    },
    "ReportSummaryOut": {
        "agency_id": "string",
        "author_id": "string",
        "grading": "GradingOut",
        "handling": "string",
        "id": "string",
        "occurred_at": "date-time?",
        "place": "string?",
        "reported_at": "date-time",
        "restrictive": "boolean",
        "status": "string",
        "title": "string",
    },
}


@pytest.mark.parametrize("name", sorted(CONTRACT))
def test_openapi_report_shapes_keep_their_contract(app: FastAPI, name: str) -> None:
    assert _contract(app, name) == CONTRACT[name]


def test_openapi_titles_are_the_labels_people_read(app: FastAPI) -> None:
    properties = app.openapi()["components"]["schemas"]["ReportIn"]["properties"]
    assert properties["text"]["title"] == "What happened"
    assert properties["reliability"]["title"] == "Source reliability"
    assert properties["reliability"]["description"] == "default: the source's"
    assert properties["handling"]["description"] == "vocabulary:code, e.g. uk-3x5x2:C"
