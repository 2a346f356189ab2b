"""``/api/v1/maritime/...`` and ``/api/v1/vessels/...``: the map's layers as compact JSON.

Latest positions come column by column (one array per field) so 5,000
vessels weigh a few hundred kilobytes; tracks are GeoJSON MultiLineStrings
simplified with Douglas-Peucker to at most ``max_points`` vertices (see
``domain/maritime/simplification.py``), split where the vessel fell silent
for more than six hours. Everything is refused to roles that read no
intelligence (403) and needs a caller (401).
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Body, Depends, Query
from pydantic import BaseModel, Field
from starlette.concurrency import run_in_threadpool

from portintel.domain.actors import Actor
from portintel.services import maritime
from portintel.services.workspace import Workspace
from portintel.web.api.responses import errors
from portintel.web.api.times import IsoDateTime
from portintel.web.authentication import api_actor, workspace_of

VesselNumber = Annotated[int, Field(ge=0, le=2**63 - 1)]
"""An MMSI, or a track id of an archive whose vessels are not MMSIs: a non-negative 64-bit id."""

router = APIRouter(tags=["maritime"])


class LatestPositionsOut(BaseModel):
    since: datetime | None
    until: datetime | None
    count: int
    columns: dict[str, list[Any]]


@router.get(
    "/maritime/positions/latest",
    response_model=LatestPositionsOut,
    responses=errors(403),
)
async def latest_positions(
    since: IsoDateTime | None = Query(None, description="window start, ISO 8601 UTC"),
    until: IsoDateTime | None = Query(None, description="window end (default: last fix stored)"),
    mmsi: list[VesselNumber] = Query([], description="only these vessels"),
    actor: Actor = Depends(api_actor),
    ws: Workspace = Depends(workspace_of),
) -> LatestPositionsOut:
    """Each vessel's last position in the window (default: the last 24 h of the store)."""
    found = await run_in_threadpool(
        lambda: maritime.latest_positions(ws, actor, since=since, until=until, mmsis=mmsi)
    )
    return LatestPositionsOut(
        since=found.since, until=found.until, count=found.count, columns=found.columns
    )


class TrackProperties(BaseModel):
    mmsi: int
    since: datetime | None
    until: datetime | None
    points_total: int
    points_kept: int
    tolerance_m: float
    times: list[list[str]]


class TrackGeometry(BaseModel):
    type: str = "MultiLineString"
    coordinates: list[list[tuple[float, float]]]


class TrackOut(BaseModel):
    type: str = "Feature"
    geometry: TrackGeometry
    properties: TrackProperties


@router.get(
    "/vessels/{vessel_id}/track",
    response_model=TrackOut,
    responses=errors(403, 404),
)
async def vessel_track(
    vessel_id: str,
    since: IsoDateTime | None = Query(None, description="from, ISO 8601 UTC"),
    until: IsoDateTime | None = Query(None, description="to, ISO 8601 UTC"),
    max_points: int = Query(2000, ge=2, le=50_000, description="vertices at most"),
    actor: Actor = Depends(api_actor),
    ws: Workspace = Depends(workspace_of),
) -> TrackOut:
    """The track of a vessel (MMSI or registry entity id), simplified to ``max_points``."""

    def work() -> maritime.Track:
        vessel = maritime.find_vessel(ws, actor, vessel_id)
        return maritime.vessel_track(
            ws, actor, int(vessel.mmsi), since=since, until=until, max_points=max_points
        )

    track = await run_in_threadpool(work)
    return TrackOut(
        geometry=TrackGeometry(coordinates=track.parts if track.points_kept else []),
        properties=TrackProperties(
            mmsi=track.mmsi,
            since=track.since,
            until=track.until,
            points_total=track.points_total,
            points_kept=track.points_kept,
            tolerance_m=track.tolerance_m,
            times=track.times if track.points_kept else [],
        ),
    )


class MapEventOut(BaseModel):
    event_id: str | None
    type: str
    label: str
    mmsi: int
    other_mmsi: int | None
    start: datetime | None
    end: datetime | None
    lat: float | None
    lon: float | None
    details: dict[str, Any]

    @classmethod
    def of(cls, event: maritime.MapEvent) -> MapEventOut:
        return cls(
            event_id=event.event_id,
            type=event.type,
            label=event.label,
            mmsi=event.mmsi,
            other_mmsi=event.other_mmsi,
            start=event.start,
            end=event.end,
            lat=event.lat,
            lon=event.lon,
            details=event.details,
        )


@router.get("/maritime/events", response_model=list[MapEventOut], responses=errors(403))
async def map_events(
    since: IsoDateTime | None = Query(None),
    until: IsoDateTime | None = Query(None),
    type: list[str] = Query([], description="event types, e.g. gap, loitering"),
    mmsi: VesselNumber | None = Query(None),
    actor: Actor = Depends(api_actor),
    ws: Workspace = Depends(workspace_of),
) -> list[MapEventOut]:
    """Behaviour events for the map (empty until detection has stored some)."""
    found = await run_in_threadpool(
        lambda: maritime.event_layer(
            ws, actor, since=since, until=until, types=type or None, mmsi=mmsi
        )
    )
    return [MapEventOut.of(event) for event in found]


class PortOut(BaseModel):
    name: str
    kind: str
    lat: float
    lon: float
    id: str
    kind_label: str
    country: str
    source: str
    licence: str


@router.get("/maritime/ports", response_model=list[PortOut], responses=errors(403))
async def map_ports(
    actor: Actor = Depends(api_actor), ws: Workspace = Depends(workspace_of)
) -> list[PortOut]:
    """Ports, anchorages and landing sites of the gazetteer (empty while none is installed)."""
    found = await run_in_threadpool(maritime.port_layer, ws, actor)
    return [
        PortOut(
            name=p.name,
            kind=p.kind,
            lat=p.lat,
            lon=p.lon,
            id=p.id,
            kind_label=p.kind_label,
            country=p.country,
            source=p.source,
            licence=p.licence,
        )
        for p in found
    ]


class AreaOut(BaseModel):
    id: str
    name: str
    geometry: dict[str, Any]
    created_by: str
    created_at: datetime

    @classmethod
    def of(cls, view: maritime.AreaView) -> AreaOut:
        return cls(
            id=view.id,
            name=view.name,
            geometry=view.geometry,
            created_by=view.created_by,
            created_at=view.created_at,
        )


class AreaIn(BaseModel):
    name: str
    geometry: dict[str, Any]


@router.get("/maritime/areas", response_model=list[AreaOut], responses=errors(403))
async def list_areas(
    actor: Actor = Depends(api_actor), ws: Workspace = Depends(workspace_of)
) -> list[AreaOut]:
    """The analyst areas the caller may read: their agency's (every agency's for supervisors)."""
    return [AreaOut.of(a) for a in await run_in_threadpool(maritime.list_areas, ws, actor)]


@router.post(
    "/maritime/areas",
    response_model=AreaOut,
    status_code=201,
    responses=errors(403, write=True),
)
async def create_area(
    area: AreaIn = Body(...),
    actor: Actor = Depends(api_actor),
    ws: Workspace = Depends(workspace_of),
) -> AreaOut:
    """Save a polygon (GeoJSON, longitude first) under a name; audited as ``area.create``."""
    view = await run_in_threadpool(
        lambda: maritime.create_area(ws, actor, name=area.name, geometry=area.geometry)
    )
    return AreaOut.of(view)
