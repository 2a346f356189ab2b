"""The home page: my drafts, reports awaiting evaluation, the latest open alerts."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response
from starlette.concurrency import run_in_threadpool

from portintel.domain.access import may_work_with_intelligence
from portintel.domain.actors import Role
from portintel.domain.reports import ReportStatus
from portintel.services import targeting
from portintel.services.intake import reports
from portintel.services.workspace import Workspace
from portintel.web.authentication import Principal, page_principal, workspace_of
from portintel.web.templating import render

router = APIRouter()


@router.get("/")
async def home(
    request: Request,
    principal: Principal = Depends(page_principal),
    ws: Workspace = Depends(workspace_of),
) -> Response:
    actor = principal.actor

    def work() -> dict[str, Any]:
        drafts = reports.list_reports(
            ws,
            actor,
            reports.ReportFilters(status=(ReportStatus.DRAFT,), author_id=actor.user_id, limit=20),
        )
        awaiting = (
            reports.list_reports(
                ws, actor, reports.ReportFilters(status=(ReportStatus.SUBMITTED,), limit=50)
            )
            if actor.has(Role.SUPERVISOR)
            else []
        )
        reads_alerts = may_work_with_intelligence(actor)
        alerts = targeting.list_alerts(ws, actor, status="open", limit=5) if reads_alerts else []
        return {
            "drafts": drafts,
            "awaiting": awaiting,
            "alerts": alerts,
            "reads_alerts": reads_alerts,
            "open_alerts": targeting.count_alerts(ws, actor, status="open") if reads_alerts else 0,
        }

    return render(request, "home.html", await run_in_threadpool(work))
