"""The suggestions panel of the report page: accept (as written or edited) or reject.

Forms post with the page's CSRF field and come back to the report; the
service decides who may decide and writes the statements.
"""

from __future__ import annotations

from fastapi import APIRouter, Depends, Form, Path
from fastapi.responses import RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from portintel.services.intake import Decision, decide_suggestion
from portintel.services.workspace import Workspace
from portintel.web.authentication import Principal, page_principal, workspace_of

router = APIRouter()

SUGGESTION_ID = Path(..., min_length=1, max_length=40, pattern=r"^[0-9a-f]+$")


def _back(report_id: str, suggestion_id: str) -> Response:
    return RedirectResponse(f"/reports/{report_id}#suggestions-title", status_code=303)


@router.post("/reports/{report_id}/suggestions/{suggestion_id}/accept")
async def accept_suggestion(
    report_id: str,
    suggestion_id: str = SUGGESTION_ID,
    value: str = Form("", max_length=1_000),
    principal: Principal = Depends(page_principal),
    ws: Workspace = Depends(workspace_of),
) -> Response:
    await run_in_threadpool(
        lambda: decide_suggestion(
            ws,
            principal.actor,
            report_id,
            suggestion_id,
            Decision.ACCEPT,
            value=value.strip() or None,
        )
    )
    return _back(report_id, suggestion_id)


@router.post("/reports/{report_id}/suggestions/{suggestion_id}/reject")
async def reject_suggestion(
    report_id: str,
    suggestion_id: str = SUGGESTION_ID,
    principal: Principal = Depends(page_principal),
    ws: Workspace = Depends(workspace_of),
) -> Response:
    await run_in_threadpool(
        lambda: decide_suggestion(ws, principal.actor, report_id, suggestion_id, Decision.REJECT)
    )
    return _back(report_id, suggestion_id)
