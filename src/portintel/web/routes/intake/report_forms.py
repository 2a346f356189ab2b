"""Reading the report form: the fields of a page form to a ReportDraft, errors kept on the page.

The form keeps every value as typed, so a refused form comes back filled in.
Which of its inputs are a report's fields, and how each is read (a number, a
date and time, a line, a set of ids), follows their declaration
(:data:`~portintel.domain.report_fields.REPORT_FIELDS`); the limits are
checked by the draft against the same declaration.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from starlette.datastructures import FormData

from portintel.domain.report_fields import REPORT_FIELDS, FieldType, ReportField
from portintel.domain.reports import FactDraft, ReportDraft
from portintel.errors import InvalidInput

VESSEL_FIELDS = (("vessel_name", "name"), ("vessel_imo", "imoNumber"), ("vessel_mmsi", "mmsi"))
VESSEL_MAX_LENGTH = {"vessel_name": 300, "vessel_imo": 32, "vessel_mmsi": 32}


def parse_local_time(value: str, field_name: str) -> datetime | None:
    """``YYYY-MM-DDTHH:MM`` from a datetime-local input, read as UTC; empty means none."""
    text = value.strip()
    if not text:
        return None
    for layout in ("%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d"):
        try:
            return datetime.strptime(text, layout).replace(tzinfo=UTC)
        except ValueError:
            continue
    raise InvalidInput(
        f"{field_name} {value!r} is not a date and time",
        field=field_name,
        hint="use YYYY-MM-DD HH:MM (UTC)",
    )


def parse_number(value: str, field_name: str) -> float | None:
    text = value.strip()
    if not text:
        return None
    try:
        return float(text)
    except ValueError as exc:
        raise InvalidInput(
            f"{field_name} {value!r} is not a number", field=field_name, hint="e.g. 10.6093"
        ) from exc


@dataclass
class ReportForm:
    """The report form as typed, so a refused form comes back filled in."""

    title: str = ""
    text: str = ""
    occurred_at: str = ""
    place: str = ""
    latitude: str = ""
    longitude: str = ""
    reliability: str = ""
    credibility: str = ""
    handling: str = ""
    handling_conditions: str = ""
    releasable_to: list[str] = field(default_factory=list)
    source_id: str = ""
    vessel_name: str = ""
    vessel_imo: str = ""
    vessel_mmsi: str = ""

    @classmethod
    def read(cls, data: FormData) -> ReportForm:
        """The form as submitted; an input that is absent, or a file, reads as empty."""
        values: dict[str, Any] = {}
        for item in dataclasses.fields(cls):
            if item.name == "releasable_to":
                values[item.name] = [v for v in data.getlist(item.name) if isinstance(v, str)]
            else:
                value = data.get(item.name, "")
                values[item.name] = value if isinstance(value, str) else ""
        return cls(**values)

    def facts(self) -> tuple[FactDraft, ...]:
        """The vessel named in the form, as facts of one entity."""
        for name, limit in VESSEL_MAX_LENGTH.items():
            if len(getattr(self, name)) > limit:
                raise InvalidInput(f"the {name} is longer than {limit} characters", field=name)
        return tuple(
            FactDraft(entity_key="vessel", schema="Vessel", prop=prop, value=value.strip())
            for name, prop in VESSEL_FIELDS
            if (value := getattr(self, name)).strip()
        )

    def draft(self, *, scheme_id: str) -> ReportDraft:
        """The draft the form describes, in the node's grading scheme; InvalidInput naming
        the input for a value that cannot be read."""
        return ReportDraft(
            **{field.name: _typed(field, getattr(self, field.name)) for field in FORM_FIELDS},
            grading_scheme=scheme_id,
            facts=self.facts(),
        )


def _text(field: ReportField, typed: str) -> str | None:
    if field.required:
        # free text is kept as typed; a line loses the spaces around it
        return typed if field.kind is FieldType.TEXT else typed.strip()
    return typed.strip() or None


_READERS: dict[FieldType, Callable[[ReportField, str], Any]] = {
    FieldType.LINE: _text,
    FieldType.TEXT: _text,
    FieldType.CODE: _text,
    FieldType.NUMBER: lambda field, typed: parse_number(typed, field.name),
    FieldType.MOMENT: lambda field, typed: parse_local_time(typed, field.name),
}


def _typed(field: ReportField, typed: str | list[str]) -> Any:
    """A value of the form as the draft takes it."""
    if isinstance(typed, list):
        return tuple(typed)
    return _READERS[field.kind](field, typed)


FORM_FIELDS = tuple(
    field
    for field in REPORT_FIELDS
    if field.name in {item.name for item in dataclasses.fields(ReportForm)}
)
"""The report's fields the page form asks for (the node's grading scheme is implied)."""
