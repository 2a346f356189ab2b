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

from dataclasses import dataclass
from datetime import datetime

from followthemoney.types import registry
from sqlalchemy import select

from portintel.adapters.database import tables
from portintel.domain.actors import Actor
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


@dataclass(frozen=True, slots=True)
class VesselProfile:
    vessel: VesselView
    entity_id: str
    caption: str
    identity: list[IdentityEntry]
    report_ids: list[str]
    events: list[MapEvent]

    @property
    def port_calls(self) -> list[MapEvent]:
        return [event for event in self.events if event.type == "port_visit"]


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
    )
