"""Entity pages (each value with its provenance) and search over entities and reports."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import Response
from starlette.concurrency import run_in_threadpool

from portintel.services.admin import list_agencies
from portintel.services.collation import entities
from portintel.services.collation import search as searching
from portintel.services.workspace import Workspace
from portintel.web.authentication import Principal, page_principal, workspace_of
from portintel.web.templating import render

router = APIRouter()


@router.get("/entities")
async def entity_list(
    request: Request,
    schema: str = Query("", max_length=64),
    principal: Principal = Depends(page_principal),
    ws: Workspace = Depends(workspace_of),
) -> Response:
    found = await run_in_threadpool(
        lambda: entities.list_entities(ws, principal.actor, schema=schema or None, limit=200)
    )
    return render(request, "collation/entity_list.html", {"entities": found, "schema": schema})


@router.get("/entities/{entity_id}")
async def entity_view(
    request: Request,
    entity_id: str,
    principal: Principal = Depends(page_principal),
    ws: Workspace = Depends(workspace_of),
) -> Response:
    view = await run_in_threadpool(entities.entity_page, ws, principal.actor, entity_id)
    return render(request, "collation/entity_view.html", {"entity": view})


@router.get("/entities/{entity_id}/statements")
async def entity_statements(
    request: Request,
    entity_id: str,
    prop: str = Query(..., min_length=1, max_length=64),
    offset: int = Query(0, ge=0),
    principal: Principal = Depends(page_principal),
    ws: Workspace = Depends(workspace_of),
) -> Response:
    """Every statement of one property of an entity, a page at a time, newest first."""
    page = await run_in_threadpool(
        lambda: entities.entity_statements(ws, principal.actor, entity_id, prop, offset=offset)
    )
    return render(
        request,
        "collation/entity_statements.html",
        {
            "page": page,
            "next_offset": offset + len(page.statements),
            "size": entities.STATEMENT_PAGE,
        },
    )


@router.get("/search")
async def search(
    request: Request,
    q: str = Query("", max_length=200),
    schema: str | None = Query(None, alias="type", max_length=64),
    offset: int = Query(0, ge=0),
    report_offset: int = Query(0, ge=0),
    principal: Principal = Depends(page_principal),
    ws: Workspace = Depends(workspace_of),
) -> Response:
    query = q.strip()
    # the report facets chosen (``report_status=evaluated``...), each one value
    filters = {
        name: value[:200]
        for name in searching.REPORT_FACETS
        if (value := request.query_params.get(f"report_{name}", "").strip())
    }

    def work() -> dict[str, Any]:
        if not query:
            return {"entities": [], "report_page": None, "page": None, "agency_names": {}}
        page = searching.search(
            ws, principal.actor, query, schema=schema or None, limit=50, offset=offset
        )
        return {
            "page": page,
            "entities": list(page.entities),
            "report_page": searching.search_reports(
                ws, principal.actor, query, limit=50, offset=report_offset, filters=filters
            ),
            "agency_names": {agency.id: agency.name for agency in list_agencies(ws)},
        }

    context = await run_in_threadpool(work)
    context["q"] = query
    context["report_filters"] = filters
    context["handling_labels"] = {
        choice.value: choice.label
        for group in request.app.state.pickers.handling
        for choice in group.choices
    }
    return render(request, "collation/search.html", context)
