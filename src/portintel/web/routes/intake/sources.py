"""The source register page (the service decides who sees what, identities included)."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from portintel.errors import InvalidInput
from portintel.services.intake import sources
from portintel.services.workspace import Workspace
from portintel.web.authentication import Principal, page_principal, workspace_of
from portintel.web.templating import render

router = APIRouter()


def _page(
    request: Request,
    ws: Workspace,
    principal: Principal,
    *,
    error: InvalidInput | None = None,
    status: int = 200,
) -> Response:
    context = {
        "sources": sources.list_sources(ws, principal.actor),
        "kinds": [kind.value for kind in sources.SourceKind],
        "pickers": request.app.state.pickers,
        "error": error,
    }
    return render(request, "intake/sources.html", context, status_code=status)


@router.get("/sources")
async def source_register(
    request: Request,
    principal: Principal = Depends(page_principal),
    ws: Workspace = Depends(workspace_of),
) -> Response:
    return await run_in_threadpool(_page, request, ws, principal)


@router.post("/sources")
async def create_source(
    request: Request,
    kind: str = Form(...),
    reference: str = Form(..., max_length=100),
    reliability: str = Form(...),
    protected_identity: str = Form("", max_length=5_000),
    notes: str = Form("", max_length=5_000),
    principal: Principal = Depends(page_principal),
    ws: Workspace = Depends(workspace_of),
) -> Response:
    try:
        await run_in_threadpool(
            lambda: sources.create_source(
                ws,
                principal.actor,
                kind=kind,
                reference=reference,
                reliability=reliability,
                grading_scheme=request.app.state.pickers.scheme_id,
                protected_identity=protected_identity.strip() or None,
                notes=notes.strip() or None,
            )
        )
    except InvalidInput as exc:
        refused: InvalidInput = exc
        return await run_in_threadpool(
            lambda: _page(request, ws, principal, error=refused, status=422)
        )
    return RedirectResponse("/sources", status_code=303)
