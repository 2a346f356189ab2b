"""One import row -> one report draft: the column rules of ``docs/import-format.md``.

Report columns are the fields a report declares as typed by people
(:data:`~portintel.domain.report_fields.REPORT_FIELDS`, with ``source`` for
``source_id``), read by their declared type; every other column names a fact as
``<schema>[:<label>].<property>`` (``vessel.imoNumber``, ``person:captain.phone``),
so one row can describe several entities: all columns with the same schema
and label are facts of one entity. A cell may hold several values separated
by ``|``. A column that is neither is refused rather than ignored.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from followthemoney import model

from portintel.adapters.files.import_readers import FtmEntity, TableRow
from portintel.domain.report_fields import REPORT_FIELDS, FieldType, ReportField
from portintel.domain.reports import VERBATIM_ID, FactDraft, ReportDraft
from portintel.errors import InvalidInput, PortintelError
from portintel.services.intake.fact_statements import entity_schema

IMPORTED_FIELDS = tuple(field for field in REPORT_FIELDS if field.typed_by_people)
"""A report's fields a row gives, as declared (the import file's report columns)."""
SOURCE_COLUMN = "source"
"""A row names its source by reference (codename) or id in this column, not by ``source_id``."""


def column_of(field: ReportField) -> str:
    return SOURCE_COLUMN if field.name == "source_id" else field.name


REPORT_COLUMNS = tuple(column_of(field) for field in IMPORTED_FIELDS)
MULTI_VALUE = "|"
FTM_KEY = "ftm:"
"""Prefix of the report-local key of an entity of a followthemoney file."""
SCHEMATA = {name.lower(): name for name in model.schemata}


@dataclass(frozen=True, slots=True)
class FtmDefaults:
    """Grading and handling for a followthemoney file, which carries none of its own."""

    reliability: str = "F"
    credibility: str = "6"
    handling: str = "uk-3x5x2:P"
    handling_conditions: str | None = None
    grading_scheme: str | None = None


def row_report_id(node_id: str, row: TableRow) -> str:
    """Deterministic: the same row imported twice is the same report."""
    content = json.dumps(row.cells, sort_keys=True, ensure_ascii=False)
    return (
        "R-"
        + hashlib.sha1(f"{node_id}\x1f{content}".encode(), usedforsecurity=False).hexdigest()[:16]
    )


def parse_time(text: str, field: str) -> datetime:
    """ISO 8601 date or date-time; a time without zone is read as UTC."""
    try:
        moment = datetime.fromisoformat(text.strip())
    except ValueError as exc:
        raise InvalidInput(
            f"{text!r} is not a date",
            field=field,
            hint="write it as 2026-02-27 or 2026-02-27T22:00Z",
        ) from exc
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment


def _number(text: str | None, field: str) -> float | None:
    if text is None:
        return None
    try:
        return float(text.replace(",", "."))
    except ValueError as exc:
        raise InvalidInput(f"{text!r} is not a number", field=field) from exc


def fact_column(column: str) -> tuple[str, str, str]:
    """``person:captain.phone`` -> (entity key, FtM schema, property); InvalidInput if unknown."""
    entity, dot, prop = column.rpartition(".")
    schema_part, _, label = entity.partition(":")
    schema_name = SCHEMATA.get(schema_part.strip().lower())
    if not dot or schema_name is None:
        raise InvalidInput(
            f"unknown column {column!r}",
            field=column,
            hint="report columns are "
            + ", ".join(REPORT_COLUMNS)
            + "; fact columns are <schema>[:<label>].<property>, e.g. vessel.imoNumber",
        )
    schema = entity_schema(schema_name)
    if schema.get(prop.strip()) is None:
        raise InvalidInput(
            f"{schema.name} has no property {prop!r} (column {column!r})", field=column
        )
    key = f"{schema.name.lower()}:{label.strip().lower() or '1'}"
    return key, schema.name, prop.strip()


def row_draft(row: TableRow, report_id: str, resolve_source: Callable[[str], str]) -> ReportDraft:
    """The report a row describes; InvalidInput naming the column for the first problem."""
    cells = row.cells
    facts: list[FactDraft] = []
    for column, cell in cells.items():
        if column in REPORT_COLUMNS:
            continue
        key, schema, prop = fact_column(column)
        for value in cell.split(MULTI_VALUE):
            if value.strip():
                facts.append(FactDraft(key, schema, prop, value.strip()))
    for field in IMPORTED_FIELDS:
        if field.required and not cells.get(column_of(field)):
            raise InvalidInput(f"the {column_of(field)} column is empty", field=column_of(field))
    values: dict[str, Any] = {}
    for field in IMPORTED_FIELDS:
        given = cells.get(column_of(field))
        if given is None:  # an empty cell is left out: the draft's default applies
            continue
        if field.name == "source_id":
            values[field.name] = resolve_source(given)
        else:
            values[field.name] = _cell_value(field, given)
    return ReportDraft(**values, facts=tuple(facts), report_id=report_id)


def _cell_value(field: ReportField, cell: str) -> Any:
    """A cell as the draft takes the field's value."""
    if field.kind is FieldType.MOMENT:
        return parse_time(cell, field.name)
    if field.kind is FieldType.NUMBER:
        return _number(cell, field.name)
    if field.kind is FieldType.IDS:
        return tuple(a.strip() for a in cell.replace(MULTI_VALUE, ",").split(",") if a.strip())
    return cell


def ftm_draft(
    entities: Sequence[FtmEntity],
    defaults: FtmDefaults,
    file_sha256: str,
    node_id: str,
    filename: str,
) -> tuple[ReportDraft | None, list[tuple[FtmEntity, str]]]:
    """One report for a whole followthemoney file; entities that do not fit are returned."""
    facts: list[FactDraft] = []
    problems: list[tuple[FtmEntity, str]] = []
    in_file = {entity.entity_id for entity in entities}
    for entity in entities:
        try:
            schema = entity_schema(entity.schema)
            unknown = [prop for prop in entity.properties if schema.get(prop) is None]
            if unknown:
                raise InvalidInput(
                    f"{schema.name} has no property {unknown[0]!r}", field="properties"
                )
        except PortintelError as exc:
            problems.append((entity, exc.message))
            continue
        # the file's ids are local to the import: its entities get opaque ids of
        # their own; a reference to an id outside the file names an existing entity
        key = FTM_KEY + entity.entity_id
        for prop, values in entity.properties.items():
            is_reference = schema.properties[prop].type.name == "entity"
            for value in values:
                if value and is_reference:
                    target = FTM_KEY + value if value in in_file else VERBATIM_ID + value
                    facts.append(FactDraft(key, schema.name, prop, target))
                elif value:
                    facts.append(FactDraft(key, schema.name, prop, value))
    if not facts:
        return None, problems
    digest = hashlib.sha1(f"{node_id}\x1f{file_sha256}".encode(), usedforsecurity=False).hexdigest()
    draft = ReportDraft(
        title=f"Import of {filename}"[:300],
        text=f"{len(entities) - len(problems)} followthemoney entities imported from {filename} "
        f"(sha256 {file_sha256}).",
        credibility=defaults.credibility,
        reliability=defaults.reliability,
        handling=defaults.handling,
        handling_conditions=defaults.handling_conditions,
        grading_scheme=defaults.grading_scheme,
        facts=tuple(facts),
        extract=False,
        report_id="R-" + digest[:16],
    )
    return draft, problems
