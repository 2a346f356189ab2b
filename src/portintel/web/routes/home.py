"""The home page: what each of the reader's roles has to do now (``services.home``)."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response
from starlette.concurrency import run_in_threadpool

from portintel.services import home as panels
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
    found = await run_in_threadpool(panels.home_panels, ws, principal.actor)
    return render(request, "home.html", {"panels": found, "now": ws.clock()})
