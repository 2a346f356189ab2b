"""A vessel as the vessel page shows it: identity over time, events, port calls, intelligence.

The vessel is found by MMSI or by its registry entity id (the one AIS
statements are written on). Its identity history is every name, call sign,
flag, IMO number, MMSI and type the reader may see on the vessel's entity,
from AIS and from reports alike, each with its provenance: the statements
come from ``collation.get_entity`` on the canonical entity (the registry
entity, or the entity an analyst merged it into), which reads through the
reader's scope and audits the read.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from followthemoney.types import registry
from sqlalchemy import select

from portintel.adapters.database import tables
from portintel.adapters.database.scope import readable_reports
from portintel.domain.access import reader_scope
from portintel.domain.actors import Actor
from portintel.domain.maritime.port_entries import KIND_LABELS
from portintel.errors import NotFound
from portintel.services.collation import StatementView, get_entity
from portintel.services.maritime.picture import MapEvent, event_layer, require_picture
from portintel.services.maritime.registry import ORIGIN_PREFIX, SCHEMA, VesselView, list_vessels
from portintel.services.workspace import Workspace

IDENTITY_PROPERTIES = {
    "name": "Name",
    "previousName": "Previous name",
    "callSign": "Call sign",
    "imoNumber": "IMO number",
    "mmsi": "MMSI",
    "flag": "Flag",
    "pastFlags": "Past flag",
    "type": "Type",
    "registrationNumber": "Registration number",
}
"""Vessel properties that make up an identity, with the label the page shows."""


@dataclass(frozen=True, slots=True)
class IdentityEntry:
    """One value a vessel carried, when, and who says so."""

    prop: str
    label: str
    value: str
    first_seen: datetime
    last_seen: datetime
    source: str  # "AIS (receiver)" or "Report R-..."
    report_id: str | None
    grading: str | None
    invalid_reason: str | None


TIMELINE_PROPERTIES = ("name", "callSign", "flag", "imoNumber")
"""Identity properties the timeline draws as lanes above the events."""

DETAIL_LABELS = {
    "area_name": "Area",
    "average_speed_knots": "Average speed (knots)",
    "close_samples": "Samples within range",
    "country": "Country",
    "distance_from_previous_km": "Distance from the previous fix (km)",
    "distance_km": "Distance covered (km)",
    "distance_m": "Distance (m)",
    "distance_to_next_km": "Distance to the next fix (km)",
    "distance_to_shore_km": "Distance to shore (km)",
    "end_distance_to_shore_km": "Distance to shore at the end (km)",
    "end_lat": "Latitude at the end",
    "end_lon": "Longitude at the end",
    "entry_distance_km": "Distance from the port at entry (km)",
    "field": "Field",
    "flag": "Declared flag",
    "hours": "Duration (hours)",
    "implied_speed_in_knots": "Implied speed in (knots)",
    "implied_speed_knots": "Implied speed (knots)",
    "implied_speed_out_knots": "Implied speed out (knots)",
    "kind": "What happened",
    "max_distance_km": "Largest distance apart (km)",
    "median_distance_m": "Median distance (m)",
    "mid_country": "Country of the MMSI",
    "min_distance_m": "Closest distance (m)",
    "new": "After",
    "old": "Before",
    "open": "Still going on at the end of the data",
    "other_lat": "Other fix, latitude",
    "other_lon": "Other fix, longitude",
    "port": "Port",
    "port_kind": "Kind of port",
    "port_name": "Port",
    "positions": "Positions",
    "restart": "Under way again",
    "simultaneous_fixes": "Fixes at the same time",
    "start_distance_to_shore_km": "Distance to shore at the start (km)",
    "stop": "Stopped",
    "suspected_disabling": "Suspected disabling (12 h, far from shore)",
}
"""Labels of the measured values of behaviour events (``details``), by key."""

HIDDEN_DETAILS = frozenset({"area_id", "port_id"})
"""Ids kept in the API: the page shows the name beside them instead."""

CHANGE_KINDS = {
    "field": "A declared value changed",
    "mid_flag": "The MMSI's country is not the declared flag",
    "shared_imo": "Its IMO number is also used by another MMSI",
    "two_places": "In two places at once",
}
FIELD_LABELS = {
    "name": "Name",
    "callsign": "Call sign",
    "call_sign": "Call sign",
    "imo": "IMO number",
    "ship_type": "Type",
    "flag": "Flag",
}
COUNTRY_KEYS = frozenset({"country", "flag", "mid_country"})


@dataclass(frozen=True, slots=True)
class Fact:
    """One measured value of an event, as the page shows it."""

    label: str
    value: str


def _show(key: str, value: Any, changed: str | None) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        return f"{value:,.3f}".rstrip("0").rstrip(".") if abs(value) < 100 else f"{value:,.1f}"
    text = str(value)
    if key in COUNTRY_KEYS:
        return registry.country.caption(text.lower()) or text
    if key == "kind":
        return CHANGE_KINDS.get(text, text)
    if key == "port_kind":
        return KIND_LABELS.get(text, text)
    if key == "field":
        return FIELD_LABELS.get(text, text)
    if key in ("stop", "restart") and len(text) >= 16 and text[10] == "T":
        return f"{text[:10]} {text[11:16]} UTC"
    if key in ("old", "new") and changed == "flag":
        return registry.country.caption(text.lower()) or text
    return text


def event_facts(event: MapEvent) -> list[Fact]:
    """The event's measured values with labels, in a stable order (labels, never keys)."""
    facts: list[Fact] = []
    changed = event.details.get("field")
    for key, value in event.details.items():
        if key in HIDDEN_DETAILS or value is None or value == "":
            continue
        label = DETAIL_LABELS.get(key, key.replace("_", " ").capitalize())
        facts.append(Fact(label, _show(key, value, changed if isinstance(changed, str) else None)))
    return facts


def event_place(event: MapEvent) -> str:
    """Where, in words, when the event names it: a port or an area."""
    for key in ("port_name", "port", "area_name"):
        value = event.details.get(key)
        if isinstance(value, str) and value:
            return value
    return ""


@dataclass(frozen=True, slots=True)
class LinkedReport:
    """A report the reader may read that says something about the vessel."""

    id: str
    title: str
    status: str
    reported_at: datetime
    occurred_at: datetime | None


@dataclass(frozen=True, slots=True)
class VesselProfile:
    vessel: VesselView
    entity_id: str
    caption: str
    identity: list[IdentityEntry]
    report_ids: list[str]
    events: list[MapEvent]
    reports: list[LinkedReport] = field(default_factory=list)

    @property
    def port_calls(self) -> list[MapEvent]:
        return [event for event in self.events if event.type == "port_visit"]

    @property
    def timeline_identity(self) -> list[IdentityEntry]:
        """Valid names, call signs, flags and IMO numbers: the identity lanes of the timeline."""
        return [
            entry
            for entry in self.identity
            if entry.prop in TIMELINE_PROPERTIES and not entry.invalid_reason
        ]


def find_vessel(ws: Workspace, actor: Actor, vessel_id: str) -> VesselView:
    """The registry vessel by MMSI (digits) or registry entity id; ``NotFound`` otherwise."""
    require_picture(actor)
    key = vessel_id.strip()
    mmsi: str | None = None
    if key.isdigit() and len(key) <= 9:
        mmsi = str(int(key))
    elif key:
        s = tables.statements.c
        with ws.engine.connect() as connection:
            mmsi = connection.execute(
                select(s.value)
                .where(
                    s.entity_id == key,
                    s.schema == SCHEMA,
                    s.prop == "mmsi",
                    s.origin.like(f"{ORIGIN_PREFIX}%"),
                )
                .limit(1)
            ).scalar_one_or_none()
    found = list_vessels(ws, actor, mmsi=mmsi, limit=1) if mmsi else []
    if not found:
        raise NotFound(f"vessel {vessel_id} not found", hint="give an MMSI heard on AIS")
    return found[0]


def _canonical_id(ws: Workspace, entity_id: str) -> str:
    s = tables.statements.c
    with ws.engine.connect() as connection:
        canonical = connection.execute(
            select(s.canonical_id).where(s.entity_id == entity_id).limit(1)
        ).scalar_one_or_none()
    return canonical or entity_id


def _entry(statement: StatementView) -> IdentityEntry:
    if statement.report_id:
        source = f"Report {statement.report_id}"
    elif statement.origin.startswith(ORIGIN_PREFIX):
        source = f"AIS ({statement.origin.removeprefix(ORIGIN_PREFIX)})"
    else:
        source = statement.origin
    grading = statement.grading
    value = statement.value
    if statement.prop_type == "country" and not statement.invalid_reason:
        value = registry.country.caption(value) or value  # labels, never codes
    return IdentityEntry(
        prop=statement.prop,
        label=IDENTITY_PROPERTIES[statement.prop],
        value=value,
        first_seen=statement.first_seen,
        last_seen=statement.last_seen,
        source=source,
        report_id=statement.report_id,
        grading=grading.label if grading else None,
        invalid_reason=statement.invalid_reason,
    )


def vessel_profile(ws: Workspace, actor: Actor, vessel_id: str) -> VesselProfile:
    """Everything the vessel page shows that ``actor`` may read (the entity read is audited)."""
    vessel = find_vessel(ws, actor, vessel_id)
    entity = get_entity(ws, actor, _canonical_id(ws, vessel.entity_id))
    order = list(IDENTITY_PROPERTIES)
    identity = sorted(
        (_entry(s) for s in entity.statements if s.prop in IDENTITY_PROPERTIES),
        key=lambda e: (order.index(e.prop), e.first_seen, e.value),
    )
    events = event_layer(ws, actor, mmsi=int(vessel.mmsi))
    reports = _linked_reports(ws, actor, entity.report_ids)
    names = [e for e in identity if e.prop == "name" and not e.invalid_reason]
    # the name it goes by now: the one last heard or reported
    caption = max(names, key=lambda e: (e.last_seen, e.first_seen)).value if names else ""
    return VesselProfile(
        vessel=vessel,
        entity_id=entity.id,
        caption=caption or entity.caption,
        identity=identity,
        report_ids=list(entity.report_ids),
        events=events,
        reports=reports,
    )


def _linked_reports(ws: Workspace, actor: Actor, report_ids: tuple[str, ...]) -> list[LinkedReport]:
    """Titles of the reports behind the entity's statements, read through the reader's scope."""
    if not report_ids:
        return []
    r = tables.reports.c
    query = (
        readable_reports(
            reader_scope(actor).reports, r.id, r.title, r.status, r.reported_at, r.occurred_at
        )
        .where(r.id.in_(report_ids))
        .order_by(r.reported_at.desc(), r.id)
    )
    with ws.engine.connect() as connection:
        rows = connection.execute(query).all()
    return [
        LinkedReport(row.id, row.title, str(row.status), row.reported_at, row.occurred_at)
        for row in rows
    ]
