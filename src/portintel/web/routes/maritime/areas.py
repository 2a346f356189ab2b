"""The areas page: the analyst areas a reader may see, and the import of a GeoJSON file."""

from __future__ import annotations

from fastapi import APIRouter, Depends, File, Request, UploadFile
from fastapi.responses import Response
from starlette.concurrency import run_in_threadpool

from portintel.errors import InvalidInput
from portintel.services import maritime
from portintel.services.workspace import Workspace
from portintel.web.api.intake.reports import read_upload
from portintel.web.authentication import Principal, page_principal, workspace_of
from portintel.web.templating import render

router = APIRouter()


def _page(
    request: Request,
    ws: Workspace,
    principal: Principal,
    *,
    result: maritime.AreaImport | None = None,
    error: InvalidInput | None = None,
    status: int = 200,
) -> Response:
    context = {"areas": maritime.list_areas(ws, principal.actor), "result": result, "error": error}
    return render(request, "maritime/areas.html", context, status_code=status)


@router.get("/map/areas")
async def areas_page(
    request: Request,
    principal: Principal = Depends(page_principal),
    ws: Workspace = Depends(workspace_of),
) -> Response:
    return await run_in_threadpool(_page, request, ws, principal)


@router.post("/map/areas/import")
async def import_areas(
    request: Request,
    file: UploadFile | None = File(None),
    principal: Principal = Depends(page_principal),
    ws: Workspace = Depends(workspace_of),
) -> Response:
    """Import a GeoJSON file; the page lists what was stored and each feature refused."""
    try:
        if file is None or not file.filename:
            raise InvalidInput("choose a GeoJSON file to import", field="file")
        content = await read_upload(ws, file)
        name = file.filename
        result = await run_in_threadpool(
            lambda: maritime.import_areas(ws, principal.actor, content, source=name)
        )
    except InvalidInput as exc:
        refused: InvalidInput = exc
        return await run_in_threadpool(
            lambda: _page(request, ws, principal, error=refused, status=422)
        )
    status = 200 if result.imported or not result.refused else 422
    return await run_in_threadpool(
        lambda: _page(request, ws, principal, result=result, status=status)
    )
