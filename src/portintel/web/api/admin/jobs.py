"""``/api/v1/jobs``: the job queue's recent jobs, for administrators (decided by the service)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from fastapi import APIRouter, Depends, Query
from pydantic import BaseModel
from starlette.concurrency import run_in_threadpool

from portintel.domain.actors import Actor
from portintel.services import jobs
from portintel.services.workspace import Workspace
from portintel.web.api.responses import errors
from portintel.web.authentication import api_actor, workspace_of

router = APIRouter(tags=["administration"])


class JobOut(BaseModel):
    id: str
    name: str
    title: str
    state: jobs.JobState
    state_label: str
    arguments: dict[str, Any]
    attempts: int
    max_attempts: int
    enqueued_at: datetime
    started_at: datetime | None
    finished_at: datetime | None
    worker: str | None
    error: str | None

    @classmethod
    def of(cls, view: jobs.JobView) -> JobOut:
        return cls(
            id=view.id,
            name=view.name,
            title=view.label,
            state=view.state,
            state_label=view.state_label,
            arguments=view.arguments,
            attempts=view.attempts,
            max_attempts=view.max_attempts,
            enqueued_at=view.enqueued_at,
            started_at=view.started_at,
            finished_at=view.finished_at,
            worker=view.worker,
            error=view.error,
        )


@router.get("/jobs", response_model=list[JobOut], responses=errors(403))
async def list_jobs(
    state: list[jobs.JobState] = Query(default=[], description="only jobs in these states"),
    name: str | None = Query(None, max_length=100, description="only jobs of this name"),
    limit: int = Query(100, ge=1, le=500),
    actor: Actor = Depends(api_actor),
    ws: Workspace = Depends(workspace_of),
) -> list[JobOut]:
    """The most recently enqueued jobs, newest first."""
    views = await run_in_threadpool(
        lambda: jobs.list_jobs(ws, actor, limit=limit, states=state, name=name)
    )
    return [JobOut.of(view) for view in views]
