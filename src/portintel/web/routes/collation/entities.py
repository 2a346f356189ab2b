"""Entity pages (each value with its provenance) and search over entities and reports."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import Response
from starlette.concurrency import run_in_threadpool

from portintel.domain.entity_labels import property_label
from portintel.services import discussion
from portintel.services.admin import list_agencies
from portintel.services.collation import entities, profile
from portintel.services.collation import entity_list as entity_list_service
from portintel.services.collation import search as searching
from portintel.services.workspace import Workspace
from portintel.web.authentication import Principal, page_principal, workspace_of
from portintel.web.templating import render

router = APIRouter()


@router.get("/entities")
async def entity_list(
    request: Request,
    schema: str = Query("", max_length=64),
    has: str = Query("", max_length=64),
    sort: str = Query("name", max_length=16),
    offset: int = Query(0, ge=0),
    limit: int = Query(50, ge=1, le=entity_list_service.MAX_LIMIT),
    principal: Principal = Depends(page_principal),
    ws: Workspace = Depends(workspace_of),
) -> Response:
    """Every entity the reader may see, a page at a time, with the total; filtered by type
    and by a property it has (phones...), sorted by name, last seen, reports, statements."""
    found = await run_in_threadpool(
        lambda: entity_list_service.browse_entities(
            ws,
            principal.actor,
            schema=schema or None,
            prop=has or None,
            sort=sort,
            limit=limit,
            offset=offset,
        )
    )
    return render(
        request,
        "collation/entity_list.html",
        {
            "page": found,
            "schema": schema,
            "has": has,
            "sort": sort,
            "filter_props": entity_list_service.FILTER_PROPS,
            "sorts": entity_list_service.SORTS,
        },
    )


@router.get("/entities/{entity_id}")
async def entity_view(
    request: Request,
    entity_id: str,
    principal: Principal = Depends(page_principal),
    ws: Workspace = Depends(workspace_of),
) -> Response:
    """The profile of the canonical entity: values with their support, ties, reports."""
    found = await run_in_threadpool(profile.entity_profile, ws, principal.actor, entity_id)
    comments = await run_in_threadpool(
        discussion.list_comments, ws, principal.actor, "entity", found.id
    )
    return render(
        request,
        "collation/entity_view.html",
        {
            "entity": found,
            "comments": comments,
            "comment_draft": "",
            "meaning": profile.grading_meaning,
            "bars": _bars(found.timeline),
        },
    )


def _bars(timeline: tuple[profile.MonthCount, ...]) -> list[dict[str, Any]]:
    """The timeline's months as bars of a small SVG chart (x, height out of 40)."""
    highest = max((month.reports for month in timeline), default=0)
    return [
        {
            "x": index * 14,
            "height": max(2, round(40 * month.reports / highest)) if highest else 0,
            "month": month.month,
            "reports": month.reports,
        }
        for index, month in enumerate(timeline)
    ]


@router.get("/entities/{entity_id}/statements")
async def entity_statements(
    request: Request,
    entity_id: str,
    prop: str = Query(..., min_length=1, max_length=64),
    value: str | None = Query(None, max_length=10_000),
    offset: int = Query(0, ge=0),
    principal: Principal = Depends(page_principal),
    ws: Workspace = Depends(workspace_of),
) -> Response:
    """Every statement of one property (or one value) of an entity, a page at a time,
    newest first."""
    page = await run_in_threadpool(
        lambda: entities.entity_statements(
            ws, principal.actor, entity_id, prop, offset=offset, value=value
        )
    )
    return render(
        request,
        "collation/entity_statements.html",
        {
            "page": page,
            "next_offset": offset + len(page.statements),
            "size": entities.STATEMENT_PAGE,
            "label": property_label(page.statements[0].schema if page.statements else "", prop),
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
    context["max_entities"] = searching.MAX_ENTITIES
    context["report_filters"] = filters
    context["handling_labels"] = {
        choice.value: choice.label
        for group in request.app.state.pickers.handling
        for choice in group.choices
    }
    return render(request, "collation/search.html", context)
