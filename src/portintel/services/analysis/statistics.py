"""Smuggling statistics over the incidents the reader may read; CSV and Excel exports.

An incident counts for a reader iff they may read the report that records it
(the report's status, agency, handling and releasability, compiled into the
query's WHERE clause by :func:`portintel.adapters.database.scope.report_condition`);
an incident recorded by no report is not counted (no one vouches for it).
The vessel type of an incident (the VRS "means of transport") comes from the
vessel's ``type`` statements the reader may read, through the same scoped
view as every statement read: a type the reader may not see is "Not recorded".

The aggregation itself is pure (:mod:`portintel.domain.analysis.statistics`).
Exports are audited; an export for sharing withholds small cells
(:data:`SHARING_THRESHOLD`).
"""

from __future__ import annotations

import csv
import io
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, or_, select

from portintel.adapters.database import tables
from portintel.adapters.database.scope import (
    report_condition,
    statement_condition,
    statements_with_reports,
)
from portintel.domain.access import reader_scope
from portintel.domain.actors import Actor
from portintel.domain.analysis.statistics import (
    DIMENSION_LABELS,
    OVERVIEW,
    Dimension,
    IncidentFigures,
    Period,
    StatisticsTable,
    aggregate,
    cell_text,
    suppress,
)
from portintel.errors import InvalidInput
from portintel.services import audit
from portintel.services.workspace import Workspace

SHARING_THRESHOLD = 3
"""Counts from 1 to 2 are withheld in statistics that leave the unit (see the domain module)."""

_I = tables.incidents.c
_R = tables.reports.c
_S = tables.statements.c
_CHUNK = 500


@dataclass(frozen=True, slots=True)
class StatisticsQuery:
    period: Period = Period.MONTH
    dimension: Dimension = Dimension.ROUTE
    since: datetime | None = None
    until: datetime | None = None
    suppress_below: int | None = None
    """Withhold counts under this threshold (None: show every count, for the unit's own use)."""

    def check(self) -> None:
        if self.since and self.until and self.since > self.until:
            raise InvalidInput("the start of the period must not be after its end", field="since")
        if self.suppress_below is not None and not 2 <= self.suppress_below <= 20:
            raise InvalidInput(
                "small cells are withheld below a threshold from 2 to 20",
                field="suppress_below",
            )


def _vessel_types(connection: Connection, actor: Actor, vessels: set[str]) -> dict[str, str]:
    """Vessel id -> its type, from the ``type`` statements the reader may read."""
    scope = reader_scope(actor)
    found: dict[str, str] = {}
    ordered = sorted(vessels)
    for start in range(0, len(ordered), _CHUNK):
        chunk = ordered[start : start + _CHUNK]
        rows = connection.execute(
            select(_S.entity_id, _S.canonical_id, _S.value)
            .select_from(statements_with_reports())
            .where(
                or_(_S.entity_id.in_(chunk), _S.canonical_id.in_(chunk)),
                _S.prop == "type",
                _S.schema == "Vessel",
                _S.invalid_reason.is_(None),
                statement_condition(scope.statements),
            )
            .order_by(_S.value)
        )
        for row in rows:
            for key in (row.entity_id, row.canonical_id):
                if key in vessels:
                    found.setdefault(key, row.value)
    return found


def readable_incidents(
    connection: Connection,
    actor: Actor,
    *,
    since: datetime | None = None,
    until: datetime | None = None,
) -> list[IncidentFigures]:
    """The non-nominal figures of every incident the reader may read, oldest first."""
    scope = reader_scope(actor)
    query = (
        select(
            _I.id,
            _I.occurred_at,
            _I.kind,
            _I.migrants,
            _I.minors,
            _I.deaths,
            _I.missing,
            _I.nationalities,
            _I.route,
            _I.departure,
            _I.destination,
            _I.fee_usd,
            _I.vessel_entity_id,
            _I.report_id,
        )
        .select_from(tables.incidents.join(tables.reports, _R.id == _I.report_id))
        .where(report_condition(scope.reports))
        .order_by(_I.occurred_at, _I.id)
    )
    if since is not None:
        query = query.where(_I.occurred_at >= since)
    if until is not None:
        query = query.where(_I.occurred_at <= until)
    rows = connection.execute(query).all()
    types = _vessel_types(
        connection, actor, {r.vessel_entity_id for r in rows if r.vessel_entity_id}
    )
    return [
        IncidentFigures(
            id=row.id,
            occurred_at=row.occurred_at,
            kind=row.kind,
            migrants=int(row.migrants or 0),
            minors=int(row.minors or 0),
            deaths=int(row.deaths or 0),
            missing=int(row.missing or 0),
            nationalities=_nationalities(row.nationalities),
            route=row.route,
            departure=row.departure,
            destination=row.destination,
            fee_usd=row.fee_usd,
            vessel_type=types.get(row.vessel_entity_id) if row.vessel_entity_id else None,
            report_id=row.report_id,
        )
        for row in rows
    ]


def _nationalities(value: Any) -> tuple[tuple[str, int], ...]:
    """The stored ``{"MM": 40, "BD": 12}`` (or a list of pairs) as sorted pairs."""
    pairs: Iterable[Any] = value.items() if isinstance(value, dict) else (value or ())
    merged: dict[str, int] = defaultdict(int)
    for code, count in pairs:
        merged[str(code)] += int(count)
    return tuple(sorted(merged.items()))


def smuggling_statistics(
    ws: Workspace, actor: Actor, query: StatisticsQuery | None = None
) -> StatisticsTable:
    """The statistics table of ``query`` over the incidents ``actor`` may read."""
    chosen = query or StatisticsQuery()
    chosen.check()
    with ws.engine.connect() as connection:
        incidents = readable_incidents(connection, actor, since=chosen.since, until=chosen.until)
    table = aggregate(incidents, chosen.period, chosen.dimension)
    return suppress(table, chosen.suppress_below) if chosen.suppress_below else table


@dataclass(frozen=True, slots=True)
class StatisticsPage:
    """What the statistics page shows: the table asked for, and one table per VRS category
    over the whole period (routes, flows, how it ended, means of transport, nationalities)."""

    table: StatisticsTable
    overview: tuple[StatisticsTable, ...]


def statistics_page(ws: Workspace, actor: Actor, query: StatisticsQuery) -> StatisticsPage:
    """The table of ``query`` and the overview, from one scoped read."""
    query.check()
    with ws.engine.connect() as connection:
        incidents = readable_incidents(connection, actor, since=query.since, until=query.until)
    tables_ = [aggregate(incidents, query.period, query.dimension)]
    tables_ += [aggregate(incidents, Period.ALL, dimension) for dimension in OVERVIEW]
    if query.suppress_below:
        tables_ = [suppress(table, query.suppress_below) for table in tables_]
    return StatisticsPage(table=tables_[0], overview=tuple(tables_[1:]))


COLUMNS = (
    ("period", "Period"),
    ("group", "Group"),
    ("incidents", "Incidents"),
    ("migrants", "Migrants"),
    ("minors", "Minors"),
    ("adults", "Adults"),
    ("deaths", "Deaths"),
    ("missing", "Missing"),
    ("fee_median", "Fee per person, median (USD)"),
    ("fee_lowest", "Fee, lowest (USD)"),
    ("fee_highest", "Fee, highest (USD)"),
)


def table_rows(table: StatisticsTable) -> list[list[str]]:
    """The header and rows as printed (labels, "<3" for withheld cells, "n/a" not recorded)."""
    header = [label for _, label in COLUMNS]
    header[1] = DIMENSION_LABELS[table.dimension]
    lines = [header]
    for row in (*table.rows, table.total):
        lines.append(
            [
                "All periods" if row.period == "all" else row.period,
                row.group,
                *(cell_text(row, name, table) for name, _ in COLUMNS[2:]),
            ]
        )
    return lines


def _safe_cell(text: str) -> str:
    """A spreadsheet never runs a cell as a formula (a route typed as ``=HYPERLINK(...)``)."""
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def _csv(table: StatisticsTable) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    for line in table_rows(table):
        writer.writerow([_safe_cell(cell) for cell in line])
    return buffer.getvalue().encode("utf-8-sig")  # the BOM: Excel reads the UTF-8 as such


def _xlsx_cell(text: str) -> int | str:
    """Numbers as numbers (a spreadsheet sums them); the rest as safe text."""
    digits = text.replace(",", "")
    return int(digits) if digits.isdigit() else _safe_cell(text)


def _xlsx(table: StatisticsTable, title: str) -> bytes:
    from openpyxl import Workbook  # imported here: only Excel exports pay for it

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Statistics"
    sheet.append([title])
    for line in table_rows(table):
        sheet.append([_xlsx_cell(cell) for cell in line])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


@dataclass(frozen=True, slots=True)
class StatisticsExport:
    filename: str
    media_type: str
    content: bytes


def export_statistics(
    ws: Workspace, actor: Actor, query: StatisticsQuery, file_format: str
) -> StatisticsExport:
    """The table as CSV or Excel, audited (``statistics.exported``)."""
    if file_format not in ("csv", "xlsx"):
        raise InvalidInput("export statistics as csv or xlsx", field="format")
    table = smuggling_statistics(ws, actor, query)
    title = (
        f"Smuggling statistics by {query.period.value} and "
        f"{DIMENSION_LABELS[query.dimension].lower()}: {table.incidents_counted} incidents"
    )
    if table.suppressed_below:
        title += f"; counts under {table.suppressed_below} withheld"
    stem = f"smuggling-statistics-{query.period.value}-{query.dimension.value}"
    if file_format == "csv":
        export = StatisticsExport(f"{stem}.csv", "text/csv; charset=utf-8", _csv(table))
    else:
        export = StatisticsExport(
            f"{stem}.xlsx",
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            _xlsx(table, title),
        )
    with ws.engine.begin() as connection:
        audit.record(
            connection,
            actor,
            "statistics.exported",
            object_type="statistics",
            detail={
                "format": file_format,
                "period": query.period.value,
                "dimension": query.dimension.value,
                "incidents": table.incidents_counted,
                "suppressed_below": table.suppressed_below,
            },
            at=ws.clock(),
        )
    return export


__all__ = [
    "SHARING_THRESHOLD",
    "StatisticsExport",
    "StatisticsPage",
    "StatisticsQuery",
    "export_statistics",
    "readable_incidents",
    "smuggling_statistics",
    "statistics_page",
    "table_rows",
]
