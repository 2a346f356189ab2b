"""Timelines of entities, of a chart and of a case, read through the reader's scoped view.

One swim lane per entity; on it every dated fact the reader may read
(:mod:`portintel.domain.analysis.timeline` says which and how they sort):

- the reports behind the entity's readable statements (dated when the events
  occurred, else when reported);
- the incidents whose vessel is the entity, or which come from those reports,
  whose report the reader may read;
- for a vessel with an MMSI the reader may read: its AIS behaviour events
  (gaps, encounters, loitering, area entries, identity changes) and port
  calls, from the maritime picture, which applies its own rules (a role that
  reads no intelligence sees none; an analyst area of another agency is hidden);
- the identity changes and the phone numbers of its readable statements.

Every query runs through the scoped view (statements with their reports,
readable reports, incidents through their report), so a fact the reader may
not read is absent, not hidden in the page. An entity the reader may not see
has no lane; a timeline of only such entities is not found. Each read is
audited (``timeline.read``).

A *case* is named by its reports: the case's timeline is that of the entities
its readable reports state facts about (the node has no case file of its own).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, select

from portintel.adapters.database import tables
from portintel.adapters.database.scope import (
    readable_reports,
    report_condition,
    statement_condition,
    statements_with_reports,
)
from portintel.domain.access import reader_scope
from portintel.domain.actors import Actor
from portintel.domain.analysis import NodeKind
from portintel.domain.analysis.graph import edge_schemata
from portintel.domain.analysis.timeline import (
    IdentityValue,
    ItemKind,
    Lane,
    Timeline,
    TimelineItem,
    assemble,
    identity_changes,
    within,
)
from portintel.domain.entities import entity_caption
from portintel.errors import InvalidInput, NotFound
from portintel.services import audit, maritime
from portintel.services.analysis.charts import ChartOptions, neighbourhood
from portintel.services.workspace import Workspace

MAX_LANES = 40
"""Entities one timeline draws: more would be a chart, not a timeline."""
MAX_ITEMS = 3_000
"""Items one timeline holds (the newest kept, and the timeline says it was cut)."""
_CHUNK = 500
_S = tables.statements.c
_R = tables.reports.c
_I = tables.incidents.c
_ER = tables.entity_resolution.c

INCIDENT_KINDS = {
    "detected": "Detected",
    "intercepted": "Intercepted",
    "rescued": "Rescued at sea",
    "capsized": "Capsized",
}
"""What the page calls each kind of incident."""


@dataclass(frozen=True, slots=True)
class TimelineWindow:
    since: datetime | None = None
    until: datetime | None = None

    def check(self) -> None:
        if self.since and self.until and self.since > self.until:
            raise InvalidInput("since must not be after until", field="since")


def _chunks(values: Iterable[str]) -> Iterable[list[str]]:
    items = sorted(set(values))
    for start in range(0, len(items), _CHUNK):
        yield items[start : start + _CHUNK]


def incident_label(kind: str, migrants: int, place: str | None) -> str:
    """``Intercepted: 51 migrants, 12 NM west of Koh Rong`` (labels, never codes)."""
    said = INCIDENT_KINDS.get(kind, kind.capitalize())
    people = f"{migrants} migrant" + ("" if migrants == 1 else "s")
    return f"{said}: {people}" + (f", {place}" if place else "")


def event_label(event: maritime.MapEvent, mmsi: int) -> str:
    """A behaviour event in words, from the vessel's side (``Encounter at sea with MMSI ...``)."""
    place = maritime.event_place(event)
    details = event.details
    if event.type == "gap":
        hours = details.get("hours")
        return (
            f"{event.label} ({float(hours):.0f} h)"
            if isinstance(hours, int | float)
            else event.label
        )
    if event.type == "encounter":
        other = event.other_mmsi if event.mmsi == mmsi else event.mmsi
        return f"{event.label} with MMSI {other}" if other else event.label
    if event.type == "port_visit":
        return f"Port call: {place}" if place else "Port call"
    if event.type == "identity_change" and details.get("old") and details.get("new"):
        return f"{event.label}: {details['old']} → {details['new']}"
    return f"{event.label}: {place}" if place else event.label


class _Reader:
    """The scoped reads of one timeline: one reader, one connection."""

    def __init__(self, ws: Workspace, connection: Connection, actor: Actor) -> None:
        self.ws = ws
        self.connection = connection
        self.actor = actor
        self.scope = reader_scope(actor)
        self.statements = statement_condition(self.scope.statements)

    def canonical(self, entity_ids: Sequence[str]) -> list[str]:
        """The canonical id of each entity, in order, each once."""
        found: dict[str, str] = {}
        for chunk in _chunks(entity_ids):
            found.update(
                self.connection.execute(
                    select(_ER.entity_id, _ER.canonical_id).where(_ER.entity_id.in_(chunk))
                ).all()
            )
        ordered: dict[str, None] = {}
        for entity in entity_ids:
            ordered.setdefault(found.get(entity, entity))
        return list(ordered)

    def members(self, canonical_ids: Iterable[str]) -> dict[str, str]:
        """Every entity id merged into one of ``canonical_ids`` -> its canonical id."""
        wanted = set(canonical_ids)
        found = {entity: entity for entity in wanted}
        for chunk in _chunks(wanted):
            found.update(
                self.connection.execute(
                    select(_ER.entity_id, _ER.canonical_id).where(_ER.canonical_id.in_(chunk))
                ).all()
            )
        return found

    def statements_of(self, canonical_ids: Iterable[str]) -> list[Any]:
        rows: list[Any] = []
        for chunk in _chunks(canonical_ids):
            rows += self.connection.execute(
                select(
                    _S.id,
                    _S.canonical_id,
                    _S.schema,
                    _S.prop,
                    _S.prop_type,
                    _S.value,
                    _S.first_seen,
                    _S.last_seen,
                    _S.invalid_reason,
                    _R.id.label("report_id"),
                )
                .select_from(statements_with_reports())
                .where(self.statements, _S.canonical_id.in_(chunk))
            ).all()
        return rows

    def entities_of_reports(self, report_ids: Iterable[str]) -> list[str]:
        """The entities readable statements of the reports are about (not relationships)."""
        found: dict[str, datetime] = {}
        relationships = edge_schemata()
        for chunk in _chunks(report_ids):
            rows = self.connection.execute(
                select(_S.canonical_id, _S.schema, _S.first_seen)
                .select_from(statements_with_reports())
                .where(self.statements, _S.origin.in_(chunk))
            )
            for row in rows:
                if row.schema not in relationships and row.canonical_id not in found:
                    found[row.canonical_id] = row.first_seen
        return sorted(found, key=lambda entity: (found[entity], entity))

    def reports(self, report_ids: Iterable[str]) -> list[Any]:
        rows: list[Any] = []
        for chunk in _chunks(report_ids):
            rows += self.connection.execute(
                readable_reports(
                    self.scope.reports, _R.id, _R.title, _R.occurred_at, _R.reported_at, _R.place
                ).where(_R.id.in_(chunk))
            ).all()
        return rows

    def incidents(self, members: Iterable[str], report_ids: Iterable[str]) -> list[Any]:
        found: dict[str, Any] = {}
        columns = (
            _I.id,
            _I.report_id,
            _I.occurred_at,
            _I.kind,
            _I.place,
            _I.migrants,
            _I.minors,
            _I.deaths,
            _I.vessel_entity_id,
        )
        joined = tables.incidents.join(tables.reports, _R.id == _I.report_id)
        readable = report_condition(self.scope.reports)
        for column, values in ((_I.vessel_entity_id, members), (_I.report_id, report_ids)):
            for chunk in _chunks(values):
                for row in self.connection.execute(
                    select(*columns).select_from(joined).where(readable, column.in_(chunk))
                ):
                    found[row.id] = row
        return list(found.values())


def _lanes(rows: list[Any], order: Sequence[str]) -> list[Lane]:
    schemata: dict[str, set[str]] = defaultdict(set)
    values: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for row in rows:
        schemata[row.canonical_id].add(row.schema)
        if row.invalid_reason is None:
            values[row.canonical_id].append((row.prop, row.value))
    lanes: list[Lane] = []
    for entity in order:
        if entity in schemata:
            schema, caption = entity_caption(entity, sorted(schemata[entity]), values[entity])
            lanes.append(Lane(entity, schema, caption))
    return lanes


def _statement_items(rows: list[Any]) -> list[TimelineItem]:
    items: list[TimelineItem] = []
    identities: dict[str, list[IdentityValue]] = defaultdict(list)
    for row in rows:
        if row.invalid_reason is not None:
            continue
        identities[row.canonical_id].append(
            IdentityValue(row.id, row.prop, row.value, row.first_seen, row.report_id)
        )
        if row.prop_type == "phone":
            items.append(
                TimelineItem(
                    id=f"phone:{row.id}",
                    lane=row.canonical_id,
                    kind=ItemKind.PHONE,
                    label=f"Phone {row.value}",
                    start=row.first_seen,
                    end=row.last_seen if row.last_seen > row.first_seen else None,
                    evidence_kind="statement",
                    evidence_id=row.id,
                    link=f"/reports/{row.report_id}" if row.report_id else None,
                    detail=f"stated in report {row.report_id}" if row.report_id else "",
                )
            )
    for lane, found in identities.items():
        items += identity_changes(lane, found)
    return items


def _report_items(
    reader: _Reader, rows: list[Any]
) -> tuple[list[TimelineItem], dict[str, set[str]]]:
    lanes_of: dict[str, set[str]] = defaultdict(set)
    for row in rows:
        if row.report_id is not None:
            lanes_of[row.report_id].add(row.canonical_id)
    items = [
        TimelineItem(
            id=f"report:{report.id}",
            lane=lane,
            kind=ItemKind.REPORT,
            label=report.title,
            start=report.occurred_at or report.reported_at,
            end=None,
            evidence_kind="report",
            evidence_id=report.id,
            link=f"/reports/{report.id}",
            detail=report.place or "",
        )
        for report in reader.reports(lanes_of)
        for lane in sorted(lanes_of[report.id])
    ]
    return items, lanes_of


def _incident_items(
    reader: _Reader, members: dict[str, str], lanes_of: dict[str, set[str]]
) -> list[TimelineItem]:
    items: list[TimelineItem] = []
    for incident in reader.incidents(members, lanes_of):
        lanes = set(lanes_of.get(incident.report_id, ()))
        if incident.vessel_entity_id in members:
            lanes.add(members[incident.vessel_entity_id])
        detail = [f"{incident.minors} minors"] if incident.minors else []
        if incident.deaths:
            detail.append(f"{incident.deaths} dead")
        items += [
            TimelineItem(
                id=f"incident:{incident.id}",
                lane=lane,
                kind=ItemKind.INCIDENT,
                label=incident_label(incident.kind, int(incident.migrants), incident.place),
                start=incident.occurred_at,
                end=None,
                evidence_kind="incident",
                evidence_id=incident.id,
                link=f"/reports/{incident.report_id}",
                detail=", ".join(detail),
            )
            for lane in sorted(lanes)
        ]
    return items


def _area_stays(events: list[maritime.MapEvent]) -> list[tuple[str, datetime, datetime]]:
    """(area, entered, left) of a vessel's area entries and the exits that follow them, so
    that loitering there is said where (``Loitering in Landing beaches ...``)."""
    entered: dict[str, datetime] = {}
    stays: list[tuple[str, datetime, datetime]] = []
    for event in sorted((e for e in events if e.start is not None), key=lambda e: e.start):  # type: ignore[arg-type, return-value]
        area = event.details.get("area_name")
        if not isinstance(area, str) or event.start is None:
            continue
        if event.type == "area_entry":
            entered[area] = event.start
        elif event.type == "area_exit" and area in entered:
            stays.append((area, entered.pop(area), event.start))
    stays += [
        (area, start, datetime.max.replace(tzinfo=start.tzinfo)) for area, start in entered.items()
    ]
    return stays


def _event_items(ws: Workspace, actor: Actor, rows: list[Any]) -> list[TimelineItem]:
    """AIS events of the vessels among the lanes (none for a role without the picture)."""
    if not maritime.may_see_picture(actor):
        return []
    mmsis: dict[int, set[str]] = defaultdict(set)
    for row in rows:
        if row.prop == "mmsi" and row.invalid_reason is None and row.value.isdigit():
            mmsis[int(row.value)].add(row.canonical_id)
    items: list[TimelineItem] = []
    for mmsi, lanes in sorted(mmsis.items()):
        events = maritime.event_layer(ws, actor, mmsi=mmsi)
        inside = _area_stays(events)
        for event in events:
            if event.start is None:
                continue
            kind = ItemKind.PORT_CALL if event.type == "port_visit" else ItemKind.AIS_EVENT
            key = event.event_id or f"{event.type}:{event.mmsi}:{event.start.isoformat()}"
            label = event_label(event, mmsi)
            if event.type == "loitering" and not maritime.event_place(event):
                area = next((name for name, a, b in inside if a <= event.start <= b), None)
                label = f"{label} in {area}" if area else label
            items += [
                TimelineItem(
                    id=f"event:{key}",
                    lane=lane,
                    kind=kind,
                    label=label,
                    start=event.start,
                    end=event.end if event.end and event.end > event.start else None,
                    evidence_kind="event",
                    evidence_id=key,
                    link=f"/vessels/{mmsi}#event-{event.event_id}"
                    if event.event_id
                    else f"/vessels/{mmsi}",
                    detail=f"MMSI {mmsi}",
                )
                for lane in sorted(lanes)
            ]
    return items


def timeline(
    ws: Workspace,
    actor: Actor,
    entity_ids: Sequence[str],
    window: TimelineWindow | None = None,
    *,
    limit: int = MAX_ITEMS,
) -> Timeline:
    """The timeline of ``entity_ids`` (a lane each, in the order given) as ``actor`` may read
    it; NotFound when they may see none of the entities. Audited (``timeline.read``)."""
    chosen = window or TimelineWindow()
    chosen.check()
    wanted = [entity for entity in dict.fromkeys(entity_ids) if entity]
    if not wanted:
        raise InvalidInput("name at least one entity", field="entity")
    if len(wanted) > MAX_LANES:
        raise InvalidInput(
            f"a timeline draws at most {MAX_LANES} entities, got {len(wanted)}",
            field="entity",
            hint="choose fewer entities, or a chart with fewer steps",
        )
    with ws.engine.begin() as connection:
        reader = _Reader(ws, connection, actor)
        order = reader.canonical(wanted)
        rows = reader.statements_of(order)
        lanes = _lanes(rows, order)
        if not lanes:
            raise NotFound("none of these entities was found", hint="check the ids, or search")
        members = reader.members(lane.id for lane in lanes)
        items = _statement_items(rows)
        report_items, lanes_of = _report_items(reader, rows)
        items += report_items
        items += _incident_items(reader, members, lanes_of)
        items += _event_items(ws, actor, rows)
        shown = assemble(
            lanes,
            (item for item in items if within(item, chosen.since, chosen.until)),
            limit=limit,
        )
        audit.record(
            connection,
            actor,
            "timeline.read",
            object_type="entity",
            object_id=lanes[0].id,
            detail={"entities": [lane.id for lane in lanes], "items": len(shown.items)},
            at=ws.clock(),
        )
    return shown


@audit.audits_denial("entity", id_parameter="entity_id")
def entity_timeline(
    ws: Workspace, actor: Actor, entity_id: str, window: TimelineWindow | None = None
) -> Timeline:
    """The timeline of one entity (the page linked from its profile)."""
    return timeline(ws, actor, [entity_id], window)


@audit.audits_denial("entity", id_parameter="entity_id")
def chart_timeline(
    ws: Workspace,
    actor: Actor,
    entity_id: str,
    options: ChartOptions | None = None,
    window: TimelineWindow | None = None,
) -> Timeline:
    """The timeline of the entities of ``entity_id``'s link chart (nearest first, at most
    :data:`MAX_LANES`), the chart read with the same scope."""
    chart = neighbourhood(ws, actor, entity_id, options)
    entities = [node.id for node in chart.nodes if node.kind is NodeKind.ENTITY][:MAX_LANES]
    return timeline(ws, actor, entities, window)


def case_timeline(
    ws: Workspace, actor: Actor, report_ids: Sequence[str], window: TimelineWindow | None = None
) -> Timeline:
    """The timeline of a case named by its reports: the entities its readable reports state
    facts about (the earliest stated first, at most :data:`MAX_LANES`)."""
    wanted = sorted({report for report in report_ids if report})
    if not wanted:
        raise InvalidInput("name at least one report of the case", field="report")
    with ws.engine.connect() as connection:
        entities = _Reader(ws, connection, actor).entities_of_reports(wanted)
    if not entities:
        raise NotFound("no entity of these reports was found", hint="check the report ids")
    return timeline(ws, actor, entities[:MAX_LANES], window)
