"""Pydantic fields of the report API, generated from the declaration of a report's fields.

:data:`~portintel.domain.report_fields.REPORT_FIELDS` says each field's type,
label, limits and who gives it; the functions here turn a selection of them
into field definitions for :func:`pydantic.create_model`, so the API's models
(and the OpenAPI document) follow the declaration instead of a copy of it:

- :func:`filing_definitions`: a required field is required, a set of ids
  defaults to an empty list, any other field to ``None``;
- :func:`change_definitions`: every field may be left out (``None`` keeps the
  stored value), as when a supervisor evaluates a report;
- :func:`shown_definitions`: every field is always present in a response,
  ``null`` where a report lacks it.

Each field's ``title`` in the schema is its label for people, and its
``description`` the declared help.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from enum import StrEnum
from typing import Any, TypeVar

from pydantic import BaseModel, Field, create_model

from portintel.domain.report_fields import FieldType, ReportField
from portintel.web.api.times import IsoDateTime
from portintel.web.text_inputs import NON_BLANK

Model = TypeVar("Model", bound=BaseModel)
Definition = tuple[Any, Any]
"""A field definition for :func:`pydantic.create_model`: (annotation, FieldInfo)."""

_API_TYPES: dict[FieldType, Any] = {
    FieldType.LINE: str,
    FieldType.TEXT: str,
    FieldType.CODE: str,
    FieldType.NUMBER: float,
    FieldType.MOMENT: datetime,
    FieldType.FLAG: bool,
    FieldType.IDS: list[str],
}
"""A closed vocabulary travels as its plain value (a ``str``), as clients know it."""

_TEXT_KINDS = (FieldType.LINE, FieldType.TEXT, FieldType.CODE)


def _given_type(field: ReportField) -> Any:
    """The type a client gives: a moment only as ISO 8601 text, never a number."""
    return IsoDateTime if field.kind is FieldType.MOMENT else _API_TYPES[field.kind]


def _given_limits(field: ReportField, *, explained: bool = True) -> dict[str, Any]:
    """Limits of a given value: a text a report needs may not be blank either."""
    limits = _limits(field, explained=explained)
    if field.required and field.kind in _TEXT_KINDS:
        limits["pattern"] = NON_BLANK
    return limits


def _limits(field: ReportField, *, explained: bool = True) -> dict[str, Any]:
    limits: dict[str, Any] = {"title": field.label}
    if field.help and explained:
        limits["description"] = field.help
    if field.max_length is not None and field.kind is not FieldType.IDS:
        limits["max_length"] = field.max_length
    if field.minimum is not None:
        limits["ge"] = field.minimum
    if field.maximum is not None:
        limits["le"] = field.maximum
    return limits


def filing_definitions(fields: Iterable[ReportField]) -> dict[str, Definition]:
    """Fields as given when filing a report."""
    definitions: dict[str, Definition] = {}
    for field in fields:
        annotation = _given_type(field)
        limits = _given_limits(field)
        if field.required:
            definitions[field.name] = (annotation, Field(..., **limits))
        elif field.kind is FieldType.IDS:
            definitions[field.name] = (annotation, Field(default_factory=list, **limits))
        else:
            definitions[field.name] = (annotation | None, Field(None, **limits))
    return definitions


def change_definitions(fields: Iterable[ReportField]) -> dict[str, Definition]:
    """Fields of a change: each may be left out, which keeps the stored value."""
    return {
        # the help tells a default when filing, which a change does not have
        field.name: (
            _given_type(field) | None,
            Field(None, **_given_limits(field, explained=False)),
        )
        for field in fields
    }


def shown_definitions(fields: Iterable[ReportField]) -> dict[str, Definition]:
    """Fields of a response: always present, ``null`` where the report lacks one."""
    definitions: dict[str, Definition] = {}
    for field in fields:
        annotation = _API_TYPES[field.kind]
        if field.optional:
            annotation = annotation | None
        definitions[field.name] = (annotation, Field(..., title=field.label))
    return definitions


def declared_model(name: str, base: type[Model], definitions: dict[str, Definition]) -> type[Model]:
    """A model called ``name``: ``base`` (its methods and extra fields) with ``definitions``."""
    fields: dict[str, Any] = dict(definitions)
    model: type[Model] = create_model(name, __base__=base, __module__=base.__module__, **fields)
    return model


def api_value(field: ReportField, value: Any) -> Any:
    """A view's value as the API shows it: a vocabulary's code, a list of ids."""
    if isinstance(value, StrEnum):
        return value.value
    if field.kind is FieldType.IDS:
        return list(value)
    return value


def domain_value(field: ReportField, value: Any) -> Any:
    """A value given over the API as the domain takes it (ids as a tuple)."""
    if field.kind is FieldType.IDS and value is not None:
        return tuple(value)
    return value
