"""The items a product embeds, computed within the author's scope: chart, map, statistics.

Each item is drawn as static SVG (and a table for statistics) and keeps the
reports it rests on (its sources) and their strictest handling. Everything
is read as the *author* (their scoped view), whoever reads the product: the
product says so, and its handling is raised to cover what it embeds. (A
chart's expansion is audited by the chart service as the author's, since it
runs in the author's scope.)
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import Connection, select

from portintel.adapters.basemap import land_rings
from portintel.adapters.database import tables
from portintel.adapters.database.scope import report_condition
from portintel.adapters.vocabularies import load_handling
from portintel.domain.access import reader_scope
from portintel.domain.actors import Actor
from portintel.domain.analysis.drawings import (
    ChartLink,
    ChartNode,
    MapPoint,
    bars_svg,
    chart_svg,
    map_svg,
)
from portintel.domain.analysis.products import ItemKind, ItemSpec, strictest
from portintel.domain.analysis.statistics import (
    DIMENSION_LABELS,
    Dimension,
    Period,
    aggregate,
    period_of,
)
from portintel.errors import InvalidInput, NotFound
from portintel.services.analysis.charts import ChartOptions, neighbourhood
from portintel.services.analysis.statistics import readable_incidents, table_rows
from portintel.services.workspace import Workspace

_I = tables.incidents.c
_R = tables.reports.c
_S = tables.statements.c


@dataclass(frozen=True, slots=True)
class SourceReport:
    id: str
    title: str
    grading: str
    handling: str


@dataclass(frozen=True, slots=True)
class RenderedItem:
    spec: ItemSpec
    svg: str
    table: tuple[tuple[str, ...], ...]
    """Statistics: the header and rows as printed; empty for pictures."""
    sources: tuple[str, ...]
    handling: str | None
    """The strictest handling of its sources (None: it rests on no report)."""
    note: str
    found: bool = True
    """False when a chart's entity is not within the author's scope (nothing drawn)."""


def _day(text: str | None) -> datetime | None:
    if not text:
        return None
    try:
        return datetime.strptime(text, "%Y-%m-%d").replace(tzinfo=UTC)
    except ValueError as exc:
        raise InvalidInput(f"{text!r} is not a date", hint="use YYYY-MM-DD") from exc


def _handlings(connection: Connection, reports: set[str], statements: set[str]) -> list[str]:
    codes: list[str] = []
    if reports:
        codes += connection.execute(select(_R.handling).where(_R.id.in_(sorted(reports)))).scalars()
    if statements:
        codes += connection.execute(
            select(_S.handling).where(_S.id.in_(sorted(statements)), _S.handling.is_not(None))
        ).scalars()
    return codes


def _chart(ws: Workspace, author: Actor, spec: ItemSpec) -> RenderedItem:
    try:
        chart = neighbourhood(ws, author, spec.entity_id or "", ChartOptions(hops=spec.hops))
    except NotFound:
        return RenderedItem(
            spec, chart_svg([], []), (), (), None,
            "The entity is not within the author's scope: nothing is drawn.", found=False,
        )  # fmt: skip
    nodes = [ChartNode(node.id, node.label, node.schema) for node in chart.nodes]
    links = [ChartLink(edge.source, edge.target, edge.label) for edge in chart.edges]
    reports = {report for edge in chart.edges for report in edge.reports}
    statements = {statement for edge in chart.edges for statement in edge.statements}
    with ws.engine.connect() as connection:
        handling = strictest(_handlings(connection, reports, statements), load_handling())
    note = f"{len(nodes)} entities and {len(links)} links, {spec.hops} steps from the entity"
    return RenderedItem(spec, chart_svg(nodes, links), (), tuple(sorted(reports)), handling, note)


def _map(ws: Workspace, author: Actor, spec: ItemSpec) -> RenderedItem:
    scope = reader_scope(author)
    query = (
        select(_I.occurred_at, _I.kind, _I.migrants, _I.latitude, _I.longitude, _I.report_id)
        .select_from(tables.incidents.join(tables.reports, _R.id == _I.report_id))
        .where(report_condition(scope.reports), _I.latitude.is_not(None))
        .order_by(_I.occurred_at, _I.id)
    )
    since, until = _day(spec.since), _day(spec.until)
    if since is not None:
        query = query.where(_I.occurred_at >= since)
    if until is not None:
        query = query.where(_I.occurred_at <= until)
    with ws.engine.connect() as connection:
        rows = connection.execute(query).all()
        reports = {row.report_id for row in rows}
        handling = strictest(_handlings(connection, reports, set()), load_handling())
    points = [
        MapPoint(
            float(row.longitude), float(row.latitude), int(row.migrants or 0),
            f"{row.occurred_at:%Y-%m-%d}: {row.kind}, {row.migrants} migrants",
        )
        for row in rows
    ]  # fmt: skip
    note = f"{len(points)} incidents with a position"
    return RenderedItem(
        spec, map_svg(land_rings(), points), (), tuple(sorted(reports)), handling, note
    )


def _statistics(ws: Workspace, author: Actor, spec: ItemSpec) -> RenderedItem:
    try:
        period, dimension = Period(spec.period), Dimension(spec.dimension)
    except ValueError as exc:
        raise InvalidInput("choose a period and a breakdown from the lists") from exc
    with ws.engine.connect() as connection:
        incidents = readable_incidents(
            connection, author, since=_day(spec.since), until=_day(spec.until)
        )
        reports = {i.report_id for i in incidents if i.report_id}
        handling = strictest(_handlings(connection, reports, set()), load_handling())
    table = aggregate(incidents, period, dimension)
    by_period: dict[str, int] = {}
    for incident in incidents:
        key = period_of(incident.occurred_at, period)
        by_period[key] = by_period.get(key, 0) + 1
    labels = sorted(by_period)
    svg = bars_svg(labels, [by_period[label] for label in labels])
    note = (
        f"{table.incidents_counted} incidents by {period.value} and "
        f"{DIMENSION_LABELS[dimension].lower()}"
    )
    rows = tuple(tuple(line) for line in table_rows(table))
    return RenderedItem(spec, svg, rows, tuple(sorted(reports)), handling, note)


def render_item(ws: Workspace, author: Actor, spec: ItemSpec) -> RenderedItem:
    """The item as the author may see it now."""
    if spec.kind is ItemKind.CHART:
        return _chart(ws, author, spec)
    if spec.kind is ItemKind.MAP:
        return _map(ws, author, spec)
    return _statistics(ws, author, spec)


def source_reports(ws: Workspace, author: Actor, ids: set[str]) -> list[SourceReport]:
    """The reports the items rest on, as the author may read them (the source annex)."""
    if not ids:
        return []
    scope = reader_scope(author)
    with ws.engine.connect() as connection:
        rows = connection.execute(
            select(_R.id, _R.title, _R.reliability, _R.credibility, _R.handling)
            .where(_R.id.in_(sorted(ids)), report_condition(scope.reports))
            .order_by(_R.id)
        ).all()
    return [
        SourceReport(row.id, row.title, f"{row.reliability}{row.credibility}", row.handling)
        for row in rows
    ]


__all__ = ["RenderedItem", "SourceReport", "render_item", "source_reports"]
