"""The items a product embeds, computed within the author's scope: chart, map, statistics,
timeline, saved chart.

Each item is drawn as static SVG (and a table for statistics and timelines)
and keeps the reports it rests on (its sources) and their strictest handling.
Everything is read as the *author* (their scoped view), whoever reads the
product: the product says so, and its handling is raised to cover what it
embeds. (A chart's expansion and a timeline's read are audited by their
services as the author's, since they run in the author's scope.)

A **timeline** is that of one entity, or of the entities of a saved chart
(those its analyst did not hide): one swim lane per entity, every dated fact
the author may read (:mod:`portintel.services.analysis.timelines`). Its
sources are the reports behind its facts and behind the statements that
name its entities; its handling the strictest of those reports and
statements.

A **saved chart** is drawn as its analyst saved it (positions, pinned nodes,
groups; hidden nodes are not drawn), expanded again in the author's scope at
every rendering, so a node the author may no longer read is absent. A saved
chart the author may no longer open (unshared, deleted) or whose entity they
may no longer see is not drawn, and the item says so. Its handling is at
least the handling its owner saved it under.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta

from sqlalchemy import Connection, func, select

from portintel.adapters.basemap import land_rings
from portintel.adapters.database import tables
from portintel.adapters.database.scope import (
    report_condition,
    statement_condition,
    statements_with_reports,
)
from portintel.adapters.vocabularies import load_handling
from portintel.domain.access import reader_scope
from portintel.domain.actors import Actor
from portintel.domain.analysis import NodeKind
from portintel.domain.analysis.drawings import (
    ChartGroup,
    ChartLink,
    ChartNode,
    MapPoint,
    bars_svg,
    chart_svg,
    map_svg,
    notice_svg,
    timeline_svg,
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
from portintel.services.analysis.charts import ChartOptions, LinkChart, neighbourhood
from portintel.services.analysis.saved_charts import get_saved, handling_floor
from portintel.services.analysis.statistics import readable_incidents, table_rows
from portintel.services.analysis.timelines import MAX_LANES, TimelineWindow, timeline
from portintel.services.workspace import Workspace

_I = tables.incidents.c
_R = tables.reports.c
_S = tables.statements.c
_CHUNK = 500
TIMELINE_ITEMS = 200
"""Facts one timeline in a product holds (the newest; the item says when it was cut)."""
REPORT_PAGE = "/reports/"


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


def _entity_sources(
    connection: Connection, author: Actor, entity_ids: Iterable[str]
) -> tuple[set[str], list[str]]:
    """The reports behind the author's readable statements about the entities, and the
    handling codes of those statements (their own, else their report's)."""
    scope = statement_condition(reader_scope(author).statements)
    handling = func.coalesce(_S.handling, _R.handling)
    reports: set[str] = set()
    codes: set[str] = set()
    wanted = sorted(set(entity_ids))
    for start in range(0, len(wanted), _CHUNK):
        rows = connection.execute(
            select(_R.id, handling.label("handling"))
            .distinct()
            .select_from(statements_with_reports())
            .where(scope, _S.canonical_id.in_(wanted[start : start + _CHUNK]))
        )
        for row in rows:
            if row.id is not None:
                reports.add(row.id)
            if row.handling is not None:
                codes.add(row.handling)
    return reports, sorted(codes)


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


def _not_drawn(spec: ItemSpec, note: str) -> RenderedItem:
    """An item the author may no longer read: it says so instead of drawing."""
    return RenderedItem(spec, notice_svg(note), (), (), None, note, found=False)


SAVED_GONE = (
    "The saved chart is no longer one the author may open (deleted, or no longer shared "
    "with them): nothing is drawn."
)
ROOT_GONE = "The saved chart's entity is no longer within the author's scope: nothing is drawn."


def _visible_part(chart: LinkChart, hidden: Iterable[str]) -> LinkChart:
    """The chart without the nodes its analyst hid, nor their links."""
    away = set(hidden)
    nodes = tuple(node for node in chart.nodes if node.id not in away)
    edges = tuple(e for e in chart.edges if e.source not in away and e.target not in away)
    return replace(chart, nodes=nodes, edges=edges)


def _timeline(ws: Workspace, author: Actor, spec: ItemSpec) -> RenderedItem:
    since, until = _day(spec.since), _day(spec.until)
    window = TimelineWindow(since, until + timedelta(days=1, microseconds=-1) if until else None)
    window.check()
    entities = [spec.entity_id or ""]
    whose = "the entity"
    if spec.chart_id:
        try:
            saved = get_saved(ws, author, spec.chart_id)
        except NotFound:
            return _not_drawn(spec, SAVED_GONE)
        try:
            chart = neighbourhood(ws, author, saved.root, saved.options)
        except NotFound:
            return _not_drawn(spec, ROOT_GONE)
        shown = _visible_part(chart, saved.layout.hidden)
        entities = [n.id for n in shown.nodes if n.kind is NodeKind.ENTITY][:MAX_LANES]
        whose = f"the entities of the saved chart \u201c{saved.name}\u201d"
    try:
        found = timeline(ws, author, entities, window, limit=TIMELINE_ITEMS)
    except NotFound:
        return _not_drawn(spec, "The entity is not within the author's scope: nothing is drawn.")
    lanes = {lane.id: lane.label for lane in found.lanes}
    reports = {
        item.link.removeprefix(REPORT_PAGE)
        for item in found.items
        if item.link and item.link.startswith(REPORT_PAGE)
    }
    statements = {item.evidence_id for item in found.items if item.evidence_kind == "statement"}
    with ws.engine.connect() as connection:
        behind, codes = _entity_sources(connection, author, lanes)
        reports |= behind
        handling = strictest(
            [*_handlings(connection, reports, statements), *codes], load_handling()
        )
    table: list[tuple[str, ...]] = [("No.", "Date", "Entity", "Kind", "What")]
    for number, item in enumerate(found.items, start=1):
        when = f"{item.start:%Y-%m-%d %H:%M}"
        if item.end is not None:
            when += f" to {item.end:%Y-%m-%d %H:%M}"
        what = f"{item.label} ({item.detail})" if item.detail else item.label
        table.append((str(number), when, lanes.get(item.lane, ""), item.kind_label, what))
    note = (
        f"{len(found.items)} dated facts of {len(found.lanes)} "
        f"{'entity' if len(found.lanes) == 1 else 'entities'}, the timeline of {whose}"
    )
    if found.truncated:
        note += f" (the newest {TIMELINE_ITEMS} kept)"
    svg = timeline_svg(found.lanes, found.items)
    return RenderedItem(spec, svg, tuple(table), tuple(sorted(reports)), handling, note)


def _saved_chart(ws: Workspace, author: Actor, spec: ItemSpec) -> RenderedItem:
    try:
        saved = get_saved(ws, author, spec.chart_id or "")
    except NotFound:
        return _not_drawn(spec, SAVED_GONE)
    try:
        chart = neighbourhood(ws, author, saved.root, saved.options)
    except NotFound:
        return _not_drawn(spec, ROOT_GONE)
    shown = _visible_part(chart, saved.layout.hidden)
    ids = {node.id for node in shown.nodes}
    nodes = [ChartNode(node.id, node.label, node.schema) for node in shown.nodes]
    links = [ChartLink(edge.source, edge.target, edge.label) for edge in shown.edges]
    layout = saved.layout
    positions = {key: (p.x, p.y) for key, p in layout.positions.items() if key in ids}
    groups = [
        ChartGroup(group.name, tuple(m for m in group.members if m in ids))
        for group in layout.groups
        if any(m in ids for m in group.members)
    ]
    svg = chart_svg(
        nodes, links, positions=positions, groups=groups,
        pinned=[node for node in layout.pinned if node in ids],
    )  # fmt: skip
    entities = [node.id for node in shown.nodes if node.kind is NodeKind.ENTITY]
    reports = {report for edge in shown.edges for report in edge.reports}
    statements = {statement for edge in shown.edges for statement in edge.statements}
    with ws.engine.connect() as connection:
        behind, codes = _entity_sources(connection, author, entities)
        reports |= behind
        found_codes = _handlings(connection, reports, statements)
    floor = handling_floor(ws, author, shown)
    handling = strictest(
        [saved.handling, *found_codes, *codes, *([floor] if floor else [])], load_handling()
    )
    hidden = len(chart.nodes) - len(shown.nodes)
    note = (
        f"\u201c{saved.name}\u201d, saved by {saved.owner_name}: "
        f"{len(nodes)} entities and {len(links)} links as laid out"
    )
    if hidden:
        note += f", {hidden} hidden by the analyst"
    return RenderedItem(spec, svg, (), tuple(sorted(reports)), handling, note)


def render_item(ws: Workspace, author: Actor, spec: ItemSpec) -> RenderedItem:
    """The item as the author may see it now."""
    if spec.kind is ItemKind.CHART:
        return _chart(ws, author, spec)
    if spec.kind is ItemKind.MAP:
        return _map(ws, author, spec)
    if spec.kind is ItemKind.TIMELINE:
        return _timeline(ws, author, spec)
    if spec.kind is ItemKind.SAVED_CHART:
        return _saved_chart(ws, author, spec)
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
