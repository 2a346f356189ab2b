"""``/api/v1/events`` and ``/api/v1/vessels/{id}/events``: stored behaviour events.

Events come newest first with every field of ``docs/behaviours.md``
(``parameters``, ``details`` and ``evidence`` as JSON) and the Vessel entity
of each MMSI where the caller may read it. Refused to roles that read no
intelligence (403); a vessel id the caller may not read is a 404.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from fastapi import APIRouter, Depends, Query
from pydantic import BaseModel
from starlette.concurrency import run_in_threadpool

from portintel.domain.actors import Actor
from portintel.domain.maritime.behaviour import EVENT_TYPES
from portintel.services.maritime import behaviours
from portintel.services.workspace import Workspace
from portintel.web.api.responses import errors
from portintel.web.api.times import IsoDateTime
from portintel.web.authentication import api_actor, workspace_of

router = APIRouter(tags=["events"])


class BehaviourEventOut(BaseModel):
    event_id: str
    type: str
    mmsi: int
    other_mmsi: int | None
    entity_id: str | None
    other_entity_id: str | None
    start: datetime
    end: datetime | None
    lat: float | None
    lon: float | None
    parameters: dict[str, Any] | None
    details: dict[str, Any] | None
    evidence: list[Any] | None


def _events(ws: Workspace, actor: Actor, query: behaviours.EventFilter) -> list[BehaviourEventOut]:
    frame = behaviours.list_events(ws, actor, query)
    return [BehaviourEventOut(**record) for record in behaviours.event_records(frame)]


TYPES = {"enum": list(EVENT_TYPES)}


@router.get("/events", response_model=list[BehaviourEventOut], responses=errors(403))
async def list_events(
    type: str | None = Query(None, description="event type", json_schema_extra=TYPES),
    mmsi: int | None = Query(None, ge=0, le=999_999_999),
    since: IsoDateTime | None = Query(None, description="events still going on from, ISO 8601"),
    until: IsoDateTime | None = Query(None, description="events begun by, ISO 8601"),
    limit: int = Query(500, ge=1, le=10_000),
    actor: Actor = Depends(api_actor),
    ws: Workspace = Depends(workspace_of),
) -> list[BehaviourEventOut]:
    """Behaviour events, newest first."""

    def work() -> list[BehaviourEventOut]:
        query = behaviours.EventFilter(type=type, mmsi=mmsi, since=since, until=until, limit=limit)
        return _events(ws, actor, query)

    return await run_in_threadpool(work)


@router.get(
    "/vessels/{vessel_id}/events",
    response_model=list[BehaviourEventOut],
    responses=errors(403, 404),
)
async def vessel_events(
    vessel_id: str,
    type: str | None = Query(None, json_schema_extra=TYPES),
    since: IsoDateTime | None = Query(None, description="ISO 8601"),
    until: IsoDateTime | None = Query(None, description="ISO 8601"),
    limit: int = Query(500, ge=1, le=10_000),
    actor: Actor = Depends(api_actor),
    ws: Workspace = Depends(workspace_of),
) -> list[BehaviourEventOut]:
    """Behaviour events of one vessel (MMSI or Vessel entity id), either side of an encounter."""

    def work() -> list[BehaviourEventOut]:
        behaviours.require_events_reader(actor)
        mmsi = behaviours.vessel_mmsi(ws, actor, vessel_id)
        query = behaviours.EventFilter(type=type, mmsi=mmsi, since=since, until=until, limit=limit)
        return _events(ws, actor, query)

    return await run_in_threadpool(work)
