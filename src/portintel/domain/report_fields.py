"""A report's fields, declared once: :data:`REPORT_FIELDS`.

A report used to be copied by hand into five shapes (the table, the draft, the
views, two API models, the page form and the import columns), and a field
added to one could be missed in another. Every shape now follows this
declaration:

- the ``reports`` table (adapters) is held to it by a test (names, types,
  lengths, nullability), and the migrations to the table by Alembic's
  comparison;
- :class:`~portintel.domain.reports.ReportDraft` checks itself with
  :func:`check_filing` (required, lengths, ranges); a test holds its fields;
- ``ReportView`` and ``ReportSummary`` (services) are built by one mapper
  that walks the declaration (``services/intake/views.py``); a test holds
  their fields; filing writes the declared columns by name;
- the API's ``ReportIn``, ``EvaluationIn``, ``ReportOut`` and
  ``ReportSummaryOut`` are generated from it
  (``web/api/intake/report_fields.py``);
- the page form and the import file's report columns read each value by its
  declared type, and take their names and required columns from it.

A field says what a person calls it (``label``), who gives its value
(``writable``), whether filing needs it (``required``), whether a stored
report may lack it (``optional``), its limits (``max_length``, ``minimum``,
``maximum``) and, for a closed vocabulary, its allowed values with their
labels (``choices``). Codes whose vocabulary a node configures (grades,
handling codes) are checked against that vocabulary by the services.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from portintel.errors import InvalidInput


class ReportStatus(StrEnum):
    DRAFT = "draft"
    SUBMITTED = "submitted"
    EVALUATED = "evaluated"
    DISSEMINATED = "disseminated"
    ARCHIVED = "archived"


STATUS_LABELS: dict[ReportStatus, str] = {
    ReportStatus.DRAFT: "Draft",
    ReportStatus.SUBMITTED: "Submitted",
    ReportStatus.EVALUATED: "Evaluated",
    ReportStatus.DISSEMINATED: "Disseminated",
    ReportStatus.ARCHIVED: "Archived",
}


class FieldType(StrEnum):
    """What kind of value a field holds; each shape renders it its own way."""

    LINE = "line"
    """One line of text, at most ``max_length`` characters (a ``String(n)`` column)."""
    TEXT = "text"
    """Free text, possibly long (a ``Text`` column); ``max_length`` applies on entry."""
    CODE = "code"
    """A code of a vocabulary (``choices``, or one the node configures)."""
    NUMBER = "number"
    MOMENT = "moment"
    """An aware date and time, stored as UTC."""
    FLAG = "flag"
    IDS = "ids"
    """A set of ids, kept in a table of its own."""


class Writable(StrEnum):
    """Who gives a field its value."""

    NODE = "node"
    """The node sets it (ids, author, status, times, what follows from the handling)."""
    IMPORT = "import"
    """An importer or a partner's sync gives it when filing; people do not type it."""
    FILING = "filing"
    """Given when the report is filed."""
    EVALUATION = "evaluation"
    """Given when filed, and changed by the supervisor who evaluates the report."""


@dataclass(frozen=True, slots=True)
class Choice:
    value: str
    label: str


@dataclass(frozen=True, slots=True)
class ReportField:
    """One field of a report, as every shape of a report knows it."""

    name: str
    kind: FieldType
    label: str
    writable: Writable = Writable.NODE
    required: bool = False
    """Filing refuses a report without it."""
    optional: bool = False
    """A stored report may lack it (a nullable column, ``None`` in a view)."""
    max_length: int | None = None
    minimum: float | None = None
    maximum: float | None = None
    choices: tuple[Choice, ...] = ()
    enum: type[StrEnum] | None = None
    """The enumeration the domain reads a closed vocabulary's values as."""
    help: str | None = None
    """A short explanation for the API's documentation and for help texts."""
    listed: bool = False
    """Shown in a list of reports, not only on the report itself."""
    stored: bool = True
    """A column of the reports table; otherwise kept in a table of its own."""

    @property
    def given_when_filing(self) -> bool:
        return self.writable is not Writable.NODE

    @property
    def typed_by_people(self) -> bool:
        """Given through the API, the page form or an import file."""
        return self.writable in (Writable.FILING, Writable.EVALUATION)

    @property
    def value_type(self) -> type:
        """The Python type of a present value (in the domain and in views)."""
        return self.enum or _VALUE_TYPES[self.kind]


_VALUE_TYPES: dict[FieldType, type] = {
    FieldType.LINE: str,
    FieldType.TEXT: str,
    FieldType.CODE: str,
    FieldType.NUMBER: float,
    FieldType.MOMENT: datetime,
    FieldType.FLAG: bool,
    FieldType.IDS: tuple,
}


def _choices(labels: Mapping[ReportStatus, str]) -> tuple[Choice, ...]:
    return tuple(Choice(status.value, label) for status, label in labels.items())


REPORT_FIELDS: tuple[ReportField, ...] = (
    ReportField("id", FieldType.LINE, "Report id", max_length=64, listed=True),
    ReportField(
        "title",
        FieldType.LINE,
        "Title",
        Writable.FILING,
        required=True,
        max_length=300,
        listed=True,
    ),
    ReportField(
        "text", FieldType.TEXT, "What happened", Writable.FILING, required=True, max_length=200_000
    ),
    ReportField(
        "status",
        FieldType.CODE,
        "Status",
        max_length=16,
        choices=_choices(STATUS_LABELS),
        enum=ReportStatus,
        listed=True,
    ),
    ReportField("author_id", FieldType.LINE, "Author", max_length=64, listed=True),
    ReportField("agency_id", FieldType.LINE, "Agency", max_length=64, listed=True),
    ReportField("reported_at", FieldType.MOMENT, "Reported at", listed=True),
    ReportField(
        "occurred_at",
        FieldType.MOMENT,
        "Occurred at",
        Writable.FILING,
        optional=True,
        listed=True,
    ),
    ReportField(
        "place",
        FieldType.LINE,
        "Place",
        Writable.FILING,
        optional=True,
        max_length=300,
        listed=True,
    ),
    ReportField(
        "latitude",
        FieldType.NUMBER,
        "Latitude",
        Writable.FILING,
        optional=True,
        minimum=-90,
        maximum=90,
    ),
    ReportField(
        "longitude",
        FieldType.NUMBER,
        "Longitude",
        Writable.FILING,
        optional=True,
        minimum=-180,
        maximum=180,
    ),
    ReportField(
        "grading_scheme",
        FieldType.CODE,
        "Grading scheme",
        Writable.EVALUATION,
        max_length=32,
        help="default: the node's",
        listed=True,
    ),
    ReportField(
        "reliability",
        FieldType.CODE,
        "Source reliability",
        Writable.EVALUATION,
        max_length=8,
        help="default: the source's",
        listed=True,
    ),
    ReportField(
        "credibility",
        FieldType.CODE,
        "Information credibility",
        Writable.EVALUATION,
        required=True,
        max_length=8,
        listed=True,
    ),
    ReportField("reliability_overridden", FieldType.FLAG, "Reliability differs from the source's"),
    ReportField(
        "handling",
        FieldType.CODE,
        "Handling code",
        Writable.EVALUATION,
        required=True,
        max_length=64,
        help="vocabulary:code, e.g. uk-3x5x2:C",
        listed=True,
    ),
    ReportField(
        "handling_conditions",
        FieldType.TEXT,
        "Handling conditions",
        Writable.EVALUATION,
        optional=True,
        max_length=5_000,
    ),
    ReportField("restrictive", FieldType.FLAG, "Restricted to need-to-know", listed=True),
    ReportField(
        "releasable_to",
        FieldType.IDS,
        "Releasable to",
        Writable.EVALUATION,
        help="agency ids",
        stored=False,
    ),
    ReportField("tlp", FieldType.CODE, "TLP", optional=True, max_length=32),
    ReportField(
        "category", FieldType.LINE, "Category", Writable.FILING, optional=True, max_length=64
    ),
    ReportField(
        "origin_node",
        FieldType.LINE,
        "Origin node",
        Writable.IMPORT,
        optional=True,
        max_length=100,
    ),
    ReportField(
        "source_id", FieldType.LINE, "Source", Writable.FILING, optional=True, max_length=64
    ),
    ReportField("created_at", FieldType.MOMENT, "Created at"),
    ReportField("updated_at", FieldType.MOMENT, "Updated at"),
)

GRADING_FIELDS = ("grading_scheme", "reliability", "credibility")
"""Fields that views and the API show together, as one grading."""

_BY_NAME = {field.name: field for field in REPORT_FIELDS}


def report_field(name: str) -> ReportField:
    """The declared field called ``name``; KeyError for a name that is not a report field."""
    return _BY_NAME[name]


def filing_fields(fields: tuple[ReportField, ...] = REPORT_FIELDS) -> tuple[ReportField, ...]:
    """Fields given when a report is filed (by people or by an importer)."""
    return tuple(field for field in fields if field.given_when_filing)


def evaluation_fields(fields: tuple[ReportField, ...] = REPORT_FIELDS) -> tuple[ReportField, ...]:
    """Fields a supervisor may change when evaluating a report."""
    return tuple(field for field in fields if field.writable is Writable.EVALUATION)


def check_value(field: ReportField, value: object) -> None:
    """InvalidInput naming ``field`` when ``value`` breaks the field's declared limits.

    ``None`` (or an empty text) is refused only for a required field: whether an
    optional value may be left out is the caller's rule.
    """
    if isinstance(value, str):
        if field.required and not value.strip():
            raise InvalidInput(f"a report needs its {_spoken(field)}", field=field.name)
        if field.max_length is not None and len(value) > field.max_length:
            raise InvalidInput(
                f"the {_spoken(field)} is longer than {field.max_length} characters",
                field=field.name,
            )
        if field.choices and value not in {choice.value for choice in field.choices}:
            allowed = ", ".join(choice.value for choice in field.choices)
            raise InvalidInput(
                f"unknown {_spoken(field)} {value!r}", field=field.name, hint=f"one of {allowed}"
            )
    elif value is None:
        if field.required:
            raise InvalidInput(f"a report needs its {_spoken(field)}", field=field.name)
    elif isinstance(value, float | int) and not isinstance(value, bool):
        low = -math.inf if field.minimum is None else field.minimum
        high = math.inf if field.maximum is None else field.maximum
        if not low <= value <= high:
            raise InvalidInput(
                f"{field.name} {value} is outside {low:g}..{high:g}", field=field.name
            )


def check_filing(values: Mapping[str, object]) -> None:
    """Check every field given when filing against its declaration, in declared order."""
    for field in filing_fields():
        if field.name in values:
            check_value(field, values[field.name])


def _spoken(field: ReportField) -> str:
    return field.name.replace("_", " ")
