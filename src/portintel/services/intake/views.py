"""What readers get back about reports.

Views are frozen dataclasses built from rows the store already filtered
through the reader's scope (:mod:`portintel.adapters.database.scope`). A view
names a report's source by its codename and kind only: the protected identity
column is never selected here.

A report's own fields reach a view through one mapper, :func:`report_values`,
which walks :data:`~portintel.domain.report_fields.REPORT_FIELDS`: the views
declare the same fields (a test holds them together) and add what a reader
is told beside them (history, attachments, the source's codename).
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import Row

from portintel.adapters.vocabularies import load_grading_schemes, load_handling
from portintel.domain.grading import Grading
from portintel.domain.report_fields import (
    GRADING_FIELDS,
    REPORT_FIELDS,
    FieldType,
    ReportField,
)
from portintel.domain.reports import ReportAction, ReportStatus
from portintel.errors import PortintelError


@functools.lru_cache(maxsize=256)
def is_restrictive(handling: str | None) -> bool:
    """Whether a stored handling code restricts readers; unknown codes count as restrictive.

    A code that the vocabulary no longer knows (a partner's, or a removed one)
    fails closed: better an analyst asks than a restricted report leaks.
    """
    if not handling:
        return False
    try:
        return load_handling().is_restrictive(handling)
    except PortintelError:  # an unreadable code fails closed
        return True


def mapped_grading(grading: Grading, node_scheme: str) -> Grading | None:
    """The grade read in the node's scheme, when the report used another one."""
    if grading.scheme == node_scheme:
        return None
    try:
        return load_grading_schemes().map(grading, node_scheme)
    except (PortintelError, KeyError):  # no mapping: the grade is shown as given
        return None


@dataclass(frozen=True, slots=True)
class ReportEventView:
    action: str
    from_status: str | None
    to_status: str | None
    actor_id: str | None
    at: datetime
    note: str | None
    detail: dict[str, Any] | None = None
    actor_name: str | None = None
    """Who took the step, by name (the system's own steps have none)."""


@dataclass(frozen=True, slots=True)
class AttachmentView:
    id: str
    report_id: str
    filename: str
    media_type: str
    size: int
    sha256: str
    created_at: datetime
    created_by: str | None


@dataclass(frozen=True, slots=True)
class ReportSummary:
    """One line of a report list."""

    id: str
    title: str
    status: ReportStatus
    author_id: str
    agency_id: str
    reported_at: datetime
    occurred_at: datetime | None
    place: str | None
    grading: Grading
    handling: str
    restrictive: bool


@dataclass(frozen=True, slots=True)
class ReportEntity:
    """An entity the report names, as the report itself describes it."""

    id: str
    schema: str
    caption: str


@dataclass(frozen=True, slots=True)
class ReportView:
    """A report as one reader may see it, with its history and attachments."""

    id: str
    title: str
    text: str
    status: ReportStatus
    author_id: str
    agency_id: str
    reported_at: datetime
    occurred_at: datetime | None
    place: str | None
    latitude: float | None
    longitude: float | None
    grading: Grading
    mapped_grading: Grading | None
    reliability_overridden: bool
    handling: str
    handling_conditions: str | None
    handling_definition: str
    restrictive: bool
    releasable_to: tuple[str, ...]
    tlp: str | None
    category: str | None
    origin_node: str | None
    source_id: str | None
    source_reference: str | None
    source_kind: str | None
    created_at: datetime
    updated_at: datetime
    events: tuple[ReportEventView, ...] = ()
    attachments: tuple[AttachmentView, ...] = ()
    entity_ids: tuple[str, ...] = ()
    entities: tuple[ReportEntity, ...] = ()
    allowed_actions: tuple[ReportAction, ...] = field(default_factory=tuple)

    @property
    def returned(self) -> ReportEventView | None:
        """The step that sent this draft back to its author, while it is still a draft."""
        if self.status is not ReportStatus.DRAFT or not self.events:
            return None
        last = self.events[-1]
        return last if last.action == "return" else None


LISTED_FIELDS = tuple(field for field in REPORT_FIELDS if field.listed)
"""The fields a report list shows (:class:`ReportSummary`)."""


def _read(field: ReportField, value: Any) -> Any:
    """A stored value as the domain types it."""
    if value is None:
        return None
    if field.enum is not None:
        return field.enum(value)
    if field.kind is FieldType.FLAG:
        return bool(value)  # SQLite answers 0 and 1
    return value


def report_values(row: Row[Any], fields: tuple[ReportField, ...] = REPORT_FIELDS) -> dict[str, Any]:
    """The declared ``fields`` a report's row holds, keyed by name, read as the views type
    them; the grading's parts become one :class:`~portintel.domain.grading.Grading`."""
    stored = row._mapping
    values = {
        field.name: _read(field, stored[field.name])
        for field in fields
        if field.stored and field.name in stored
    }
    if all(name in values for name in GRADING_FIELDS):
        values["grading"] = Grading(*(values.pop(name) for name in GRADING_FIELDS))
    return values


def summary_of(row: Row[Any]) -> ReportSummary:
    return ReportSummary(**report_values(row, LISTED_FIELDS))


def handling_definition(handling: str) -> str:
    try:
        return load_handling().definition(handling)
    except PortintelError:  # a partner's unknown code has no definition here
        return "unknown handling code"


def event_of(row: Row[Any]) -> ReportEventView:
    return ReportEventView(
        action=row.action,
        from_status=row.from_status,
        to_status=row.to_status,
        actor_id=row.actor_id,
        at=row.at,
        note=row.note,
        detail=row.detail,
        actor_name=getattr(row, "actor_name", None),
    )


def attachment_of(row: Row[Any]) -> AttachmentView:
    return AttachmentView(
        id=row.id,
        report_id=row.report_id,
        filename=row.filename,
        media_type=row.media_type,
        size=row.size,
        sha256=row.sha256,
        created_at=row.created_at,
        created_by=row.created_by,
    )
