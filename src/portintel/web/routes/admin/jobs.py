"""The job queue page for administrators (the service refuses everyone else)."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import Response
from starlette.concurrency import run_in_threadpool

from portintel.services import jobs
from portintel.services.workspace import Workspace
from portintel.web.authentication import Principal, page_principal, workspace_of
from portintel.web.templating import render

router = APIRouter(prefix="/admin")


@router.get("/jobs")
async def jobs_page(
    request: Request,
    state: list[jobs.JobState] = Query(default=[]),
    principal: Principal = Depends(page_principal),
    ws: Workspace = Depends(workspace_of),
) -> Response:
    views = await run_in_threadpool(
        lambda: jobs.list_jobs(ws, principal.actor, limit=200, states=state)
    )
    return render(
        request,
        "admin/jobs.html",
        {"jobs": views, "states": jobs.STATE_LABELS, "selected": [s.value for s in state]},
    )
