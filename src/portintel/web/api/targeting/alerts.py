"""``/api/v1/alerts``: the alerts the caller may read; acknowledge, assign, close.

An alert is raised once per cause (a watchlist hit, a score crossing the
threshold, a watched vessel's listed behaviour) and reaches only the readers
who may read all of its evidence: one they may not read is 404, as one that
does not exist. ``after`` lists the alerts after an id, oldest first (how a
client catches up); the web page's live list uses server-sent events.
"""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from fastapi import APIRouter, Depends, Query
from pydantic import BaseModel, ConfigDict, Field
from starlette.concurrency import run_in_threadpool

from portintel.domain.actors import Actor
from portintel.services import targeting
from portintel.services.workspace import Workspace
from portintel.web.api.responses import errors
from portintel.web.authentication import api_actor, workspace_of

router = APIRouter(tags=["alerts"])

Status = Literal["open", "acknowledged", "closed"]


class AlertReasonOut(BaseModel):
    indicator_id: str
    description: str
    weight: float


class AlertEvidenceOut(BaseModel):
    kind: str = Field(description="event, track, statement, report, incident or watchlist")
    id: str
    label: str
    report_id: str | None


class AlertOut(BaseModel):
    id: int
    kind: str = Field(description="watchlist_hit, score or behaviour")
    kind_label: str
    title: str
    reason: str
    status: Status
    status_label: str
    entity_id: str | None
    mmsi: int | None
    entry_id: str | None
    event_id: str | None
    score: float | None
    reasons: list[AlertReasonOut]
    evidence: list[AlertEvidenceOut]
    handling: str | None
    handling_label: str
    raised_at: datetime
    acknowledged_at: datetime | None
    acknowledged_by: str | None
    assigned_to: str | None
    assigned_name: str | None
    closed_at: datetime | None
    closed_by: str | None
    close_note: str | None

    @classmethod
    def of(cls, view: targeting.AlertView) -> AlertOut:
        return cls(
            id=view.id,
            kind=view.kind,
            kind_label=view.kind_label,
            title=view.title,
            reason=view.reason,
            status=view.status,
            status_label=view.status_label,
            entity_id=view.entity_id,
            mmsi=view.mmsi,
            entry_id=view.entry_id,
            event_id=view.event_id,
            score=view.score,
            reasons=[
                AlertReasonOut(
                    indicator_id=r.indicator_id, description=r.description, weight=r.weight
                )
                for r in view.reasons
            ],
            evidence=[
                AlertEvidenceOut(kind=e.kind, id=e.id, label=e.label, report_id=e.report_id)
                for e in view.evidence
            ],
            handling=view.handling,
            handling_label=view.handling_label,
            raised_at=view.raised_at,
            acknowledged_at=view.acknowledged_at,
            acknowledged_by=view.acknowledged_by,
            assigned_to=view.assigned_to,
            assigned_name=view.assigned_name,
            closed_at=view.closed_at,
            closed_by=view.closed_by,
            close_note=view.close_note,
        )


class AssignIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    username: str = Field(min_length=1, max_length=100, description="who follows it up")


class CloseIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    note: str = Field(min_length=1, max_length=4000, description="what was done about it")


class PreferencesIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    email: str | None = Field(default=None, max_length=320)
    by_email: bool = False


class PreferencesOut(BaseModel):
    email: str | None
    by_email: bool


@router.get("/alerts", response_model=list[AlertOut], responses=errors(403))
async def alerts(
    status: Status | None = Query(None),
    mine: bool = Query(False, description="only the alerts assigned to the caller"),
    after: int | None = Query(None, ge=0, description="only alerts after this id, oldest first"),
    limit: int = Query(100, ge=1, le=1000),
    offset: int = Query(0, ge=0, le=1_000_000),
    actor: Actor = Depends(api_actor),
    ws: Workspace = Depends(workspace_of),
) -> list[AlertOut]:
    """The alerts the caller may read, newest first (or after an id, oldest first)."""

    def work() -> list[AlertOut]:
        views = targeting.list_alerts(
            ws, actor, status=status, mine=mine, after_id=after, limit=limit, offset=offset
        )
        return [AlertOut.of(v) for v in views]

    return await run_in_threadpool(work)


@router.get("/alerts/preferences", response_model=PreferencesOut, responses=errors())
async def preferences(
    actor: Actor = Depends(api_actor), ws: Workspace = Depends(workspace_of)
) -> PreferencesOut:
    """The caller's own choice of alerts by e-mail."""
    prefs = await run_in_threadpool(targeting.get_alert_preferences, ws, actor)
    return PreferencesOut(email=prefs.email, by_email=prefs.by_email)


@router.put(
    "/alerts/preferences", response_model=PreferencesOut, responses=errors(403, 422, write=True)
)
async def set_preferences(
    body: PreferencesIn, actor: Actor = Depends(api_actor), ws: Workspace = Depends(workspace_of)
) -> PreferencesOut:
    """Set the caller's address for alerts and whether to receive them by e-mail."""
    prefs = await run_in_threadpool(
        lambda: targeting.set_alert_preferences(ws, actor, email=body.email, by_email=body.by_email)
    )
    return PreferencesOut(email=prefs.email, by_email=prefs.by_email)


@router.get("/alerts/{alert_id}", response_model=AlertOut, responses=errors(403, 404))
async def alert(
    alert_id: int, actor: Actor = Depends(api_actor), ws: Workspace = Depends(workspace_of)
) -> AlertOut:
    """One alert with its reasons and evidence."""
    return AlertOut.of(await run_in_threadpool(targeting.get_alert, ws, actor, alert_id))


@router.post(
    "/alerts/{alert_id}/acknowledge",
    response_model=AlertOut,
    responses=errors(403, 404, 409, write=True),
)
async def acknowledge(
    alert_id: int, actor: Actor = Depends(api_actor), ws: Workspace = Depends(workspace_of)
) -> AlertOut:
    """Say someone is looking at it (again: no change)."""
    return AlertOut.of(await run_in_threadpool(targeting.acknowledge_alert, ws, actor, alert_id))


@router.post(
    "/alerts/{alert_id}/assign",
    response_model=AlertOut,
    responses=errors(403, 404, 409, 422, write=True),
)
async def assign(
    alert_id: int,
    body: AssignIn,
    actor: Actor = Depends(api_actor),
    ws: Workspace = Depends(workspace_of),
) -> AlertOut:
    """Give it to a person who may read it."""
    return AlertOut.of(
        await run_in_threadpool(targeting.assign_alert, ws, actor, alert_id, body.username)
    )


@router.post(
    "/alerts/{alert_id}/close",
    response_model=AlertOut,
    responses=errors(403, 404, 409, 422, write=True),
)
async def close(
    alert_id: int,
    body: CloseIn,
    actor: Actor = Depends(api_actor),
    ws: Workspace = Depends(workspace_of),
) -> AlertOut:
    """Close it with a note saying what was done."""
    return AlertOut.of(
        await run_in_threadpool(targeting.close_alert, ws, actor, alert_id, body.note)
    )
