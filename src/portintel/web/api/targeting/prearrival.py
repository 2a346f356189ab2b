"""``/api/v1/prearrival``: the vessels expected at a port in the next hours, ranked by risk.

Each vessel comes with when it is expected and how that was predicted (the
crew's ETA from AIS, the AIS destination with distance and speed, a
projection from course and speed, or a boat heading back to the port it
left), and its risk score with the reasons the caller may see: a reason
resting on evidence the caller may not read is absent and the score is the
sum of those listed. ``as_of`` is the time predictions start from: the
latest AIS position the node holds (``behind_hours`` says how far that is
behind the clock). 404 for a port the gazetteer does not know, 422 for a
name that fits several (the message lists them), 403 for roles that read
no intelligence.
"""

from __future__ import annotations

from datetime import datetime

from fastapi import APIRouter, Depends, Query
from pydantic import BaseModel, Field
from starlette.concurrency import run_in_threadpool

from portintel.domain.actors import Actor
from portintel.domain.targeting.arrivals import METHOD_LABELS
from portintel.services.targeting import (
    MAX_HOURS,
    PortChoice,
    PrearrivalLine,
    PrearrivalList,
    port_choices,
    prearrival_list,
)
from portintel.services.workspace import Workspace
from portintel.web.api.responses import errors
from portintel.web.api.targeting.risk import ReasonOut
from portintel.web.authentication import api_actor, workspace_of

router = APIRouter(tags=["targeting"])


class PortOut(BaseModel):
    id: str = Field(description="the gazetteer id (a UN/LOCODE where the port has one)")
    name: str
    kind: str
    country: str

    @classmethod
    def of(cls, port: PortChoice) -> PortOut:
        return cls(id=port.id, name=port.name, kind=port.kind, country=port.country)


class ArrivalOut(BaseModel):
    mmsi: int
    name: str | None
    expected_at: datetime
    method: str = Field(description=", ".join(f"{k} ({v})" for k, v in METHOD_LABELS.items()))
    how: str = Field(description="how it was predicted, in a line")
    distance_km: float | None = Field(description="great-circle distance from the last fix")
    speed_knots: float | None
    course: float | None
    destination: str | None = Field(description="the AIS destination as typed by the crew")
    matched_by: str | None = Field(description="how the destination names the port")
    last_fix_at: datetime | None
    scored: bool = Field(description="false while the vessel has no risk score yet")
    score: float = Field(description="the sum of the reasons listed")
    reasons: list[ReasonOut]

    @classmethod
    def of(cls, line: PrearrivalLine) -> ArrivalOut:
        a = line.arrival
        return cls(
            mmsi=line.mmsi,
            name=line.name,
            expected_at=a.expected_at,
            method=a.method,
            how=a.explanation,
            distance_km=a.distance_km,
            speed_knots=a.speed_knots,
            course=a.course,
            destination=a.destination,
            matched_by=a.matched_by,
            last_fix_at=a.last_fix_at,
            scored=line.scored,
            score=line.score,
            reasons=[ReasonOut.of(r) for r in line.reasons],
        )


class PrearrivalOut(BaseModel):
    port: PortOut
    hours: float
    as_of: datetime = Field(description="the time predictions start from: the latest AIS fix")
    behind_hours: float = Field(description="how far as_of is behind the node's clock")
    vessels: list[ArrivalOut] = Field(description="highest score first, then soonest")

    @classmethod
    def of(cls, listed: PrearrivalList) -> PrearrivalOut:
        return cls(
            port=PortOut.of(listed.port),
            hours=listed.hours,
            as_of=listed.as_of,
            behind_hours=round(listed.behind.total_seconds() / 3600, 2),
            vessels=[ArrivalOut.of(line) for line in listed.lines],
        )


@router.get("/prearrival", response_model=PrearrivalOut, responses=errors(403, 404))
async def prearrival(
    port: str = Query(..., min_length=1, max_length=200, description="id, name or another name"),
    hours: float = Query(48, gt=0, le=MAX_HOURS),
    actor: Actor = Depends(api_actor),
    ws: Workspace = Depends(workspace_of),
) -> PrearrivalOut:
    """The pre-arrival list of a port: vessels expected within ``hours``, ranked by risk."""

    def work() -> PrearrivalOut:
        return PrearrivalOut.of(prearrival_list(ws, actor, port, hours=hours))

    return await run_in_threadpool(work)


@router.get("/prearrival/ports", response_model=list[PortOut], responses=errors(403))
async def ports(
    actor: Actor = Depends(api_actor), ws: Workspace = Depends(workspace_of)
) -> list[PortOut]:
    """The ports a pre-arrival list can be drawn for (ports and harbours, not beaches)."""
    return [PortOut.of(p) for p in await run_in_threadpool(port_choices, ws, actor)]
