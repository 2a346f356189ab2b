"""``/api/v1/risk`` and ``/api/v1/risk/{mmsi}``: risk scores with their reasons.

A score is the sum of the reasons listed with it, as the caller may see
them: a reason resting on evidence the caller may not read (a restricted
report, a link stated in one, another agency's watchlist entry) is absent,
and the score is the sum of those shown, so the answer says nothing of what
is hidden. Each reason lists its evidence (events, tracks, statements,
reports, incidents, watchlist entries) by id for the caller to follow, when
it fired first and its ``cause_key`` (stable across recomputations).
Refused to roles that read no intelligence (403).
"""

from __future__ import annotations

from datetime import datetime

from fastapi import APIRouter, Depends, Path, Query
from pydantic import BaseModel, Field
from starlette.concurrency import run_in_threadpool

from portintel.domain.actors import Actor
from portintel.services.targeting import (
    ReasonView,
    RiskLine,
    SubjectView,
    list_risk,
    vessel_risk,
)
from portintel.services.workspace import Workspace
from portintel.web.api.responses import errors
from portintel.web.authentication import api_actor, workspace_of

router = APIRouter(tags=["targeting"])


class EvidenceOut(BaseModel):
    kind: str = Field(description="event, track, statement, report, incident or watchlist")
    id: str
    label: str


class ReasonOut(BaseModel):
    indicator: str
    description: str
    weight: float
    fired_at: datetime = Field(description="when this cause first fired")
    observed_at: datetime | None = Field(description="the latest fact it rests on")
    cause_key: str
    indicator_version: str
    evidence: list[EvidenceOut]

    @classmethod
    def of(cls, r: ReasonView) -> ReasonOut:
        return cls(
            indicator=r.indicator_id,
            description=r.description,
            weight=r.weight,
            fired_at=r.fired_at,
            observed_at=r.observed_at,
            cause_key=r.cause_key,
            indicator_version=r.indicator_version,
            evidence=[EvidenceOut(kind=e.kind, id=e.id, label=e.label) for e in r.evidence],
        )


class SubjectOut(BaseModel):
    voyage_id: str | None = Field(description="null for the vessel's own recent window")
    from_port: str | None
    to_port: str | None
    departed_at: datetime | None
    arrived_at: datetime | None
    window_start: datetime
    window_end: datetime
    computed_at: datetime
    score: float = Field(description="the sum of the reasons listed")
    reasons: list[ReasonOut]

    @classmethod
    def of(cls, subject: SubjectView) -> SubjectOut:
        return cls(
            voyage_id=subject.voyage_id or None,
            from_port=subject.from_port,
            to_port=subject.to_port,
            departed_at=subject.departed_at,
            arrived_at=subject.arrived_at,
            window_start=subject.window_start,
            window_end=subject.window_end,
            computed_at=subject.computed_at,
            score=subject.score,
            reasons=[ReasonOut.of(r) for r in subject.reasons],
        )


class VesselRiskOut(BaseModel):
    mmsi: int
    score: float = Field(description="the vessel's own score (its recent window)")
    subjects: list[SubjectOut] = Field(description="the vessel's own score first, then voyages")


class RiskLineOut(BaseModel):
    mmsi: int
    score: float
    reasons: int
    computed_at: datetime

    @classmethod
    def of(cls, line: RiskLine) -> RiskLineOut:
        return cls(
            mmsi=line.mmsi, score=line.score, reasons=line.reasons, computed_at=line.computed_at
        )


@router.get("/risk", response_model=list[RiskLineOut], responses=errors(403))
async def ranked(
    min_score: float = Query(0.0, ge=0, le=100_000),
    limit: int = Query(100, ge=1, le=1000),
    offset: int = Query(0, ge=0, le=1_000_000),
    actor: Actor = Depends(api_actor),
    ws: Workspace = Depends(workspace_of),
) -> list[RiskLineOut]:
    """Vessels ranked by their score as the caller sees it, highest first."""

    def work() -> list[RiskLineOut]:
        lines = list_risk(ws, actor, min_score=min_score, limit=limit, offset=offset)
        return [RiskLineOut.of(line) for line in lines]

    return await run_in_threadpool(work)


@router.get("/risk/{mmsi}", response_model=VesselRiskOut, responses=errors(403, 404))
async def one_vessel(
    mmsi: int = Path(ge=0, le=999_999_999),
    actor: Actor = Depends(api_actor),
    ws: Workspace = Depends(workspace_of),
) -> VesselRiskOut:
    """One vessel's score and its voyages', each with its reasons and their evidence."""

    def work() -> VesselRiskOut:
        risk = vessel_risk(ws, actor, mmsi)
        return VesselRiskOut(
            mmsi=risk.mmsi, score=risk.score, subjects=[SubjectOut.of(s) for s in risk.subjects]
        )

    return await run_in_threadpool(work)
