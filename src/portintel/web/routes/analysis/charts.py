"""The link-chart pages: the chart shell (drawn from the JSON API) and saved charts.

``/entities/{id}/chart`` draws an entity's neighbourhood; ``/charts`` lists
the saved charts the reader owns or that are shared with them (rename and
delete are plain forms); ``/charts/{id}`` opens one, expanded again in the
reader's scope, on the same page as a fresh chart.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from portintel.domain.analysis import EdgeKind
from portintel.errors import InvalidInput
from portintel.services import analysis
from portintel.services.workspace import Workspace
from portintel.web.authentication import Principal, page_principal, workspace_of
from portintel.web.templating import render

router = APIRouter()

KIND_LABELS = {
    EdgeKind.RELATIONSHIP: "Relationships (ownership, family, membership ...)",
    EdgeKind.PROPERTY: "Named in a property (holder, owner, crew ...)",
    EdgeKind.PHONE: "Phones",
    EdgeKind.IDENTIFIER: "Shared identifiers (IMO, MMSI, passport)",
    EdgeKind.REPORT: "Mentioned together in a report",
    EdgeKind.ENCOUNTER: "Encounters at sea (AIS)",
}


def _chart_context(entity_id: str, caption: str, kinds: frozenset[EdgeKind]) -> dict[str, Any]:
    return {
        "entity_id": entity_id,
        "caption": caption,
        "kinds": [(kind.value, label, kind in kinds) for kind, label in KIND_LABELS.items()],
        "handling_choices": analysis.handling_choices(),
        "export_formats": EXPORT_LABELS,
        "saved": None,
        "mine": False,
    }


EXPORT_LABELS = [
    ("graphml", "GraphML (Gephi, yEd)"),
    ("gexf", "GEXF (Gephi)"),
    ("anx", "i2 ANX (Analyst's Notebook)"),
    ("ftm", "FtM JSON (Aleph)"),
]


@router.get("/entities/{entity_id}/chart")
async def chart_page(
    request: Request,
    entity_id: str,
    principal: Principal = Depends(page_principal),
    ws: Workspace = Depends(workspace_of),
) -> Response:
    """The shell of an entity's link chart; 404 (audited) if the reader may see none of it."""
    root = await run_in_threadpool(
        analysis.neighbourhood, ws, principal.actor, entity_id, analysis.ChartOptions(hops=1)
    )
    caption = next((n.label for n in root.nodes if n.id == root.root), root.root)
    context = _chart_context(root.root, caption, analysis.ChartOptions().kinds)
    return render(request, "analysis/chart.html", context)


@router.get("/charts")
async def saved_charts_page(
    request: Request,
    principal: Principal = Depends(page_principal),
    ws: Workspace = Depends(workspace_of),
) -> Response:
    """The reader's saved charts and those shared with them."""
    return await run_in_threadpool(_list_page, request, ws, principal)


def _list_page(
    request: Request,
    ws: Workspace,
    principal: Principal,
    *,
    error: InvalidInput | None = None,
    typed: dict[str, str] | None = None,
    status: int = 200,
) -> Response:
    mine = analysis.list_saved(ws, principal.actor, "mine")
    shared = analysis.list_saved(ws, principal.actor, "shared")
    return render(
        request,
        "analysis/saved_charts.html",
        {"mine": mine, "shared": shared, "error": error, "typed": typed or {}},
        status_code=status,
    )


@router.get("/charts/{chart_id}")
async def saved_chart_page(
    request: Request,
    chart_id: str,
    principal: Principal = Depends(page_principal),
    ws: Workspace = Depends(workspace_of),
) -> Response:
    """A saved chart on the chart page; NotFound unless it is the reader's or shared with them."""
    saved = await run_in_threadpool(analysis.get_saved, ws, principal.actor, chart_id)
    context = _chart_context(saved.root, saved.name, saved.options.kinds)
    context["saved"] = saved
    context["mine"] = saved.owner == principal.actor.username
    return render(request, "analysis/chart.html", context)


@router.post("/charts/{chart_id}/rename")
async def rename_chart(
    request: Request,
    chart_id: str,
    name: str = Form("", max_length=400),
    principal: Principal = Depends(page_principal),
    ws: Workspace = Depends(workspace_of),
) -> Response:
    try:
        await run_in_threadpool(
            analysis.update_chart, ws, principal.actor, chart_id, analysis.ChartDraft(name=name)
        )
    except InvalidInput as exc:
        refused = exc
        return await run_in_threadpool(
            lambda: _list_page(
                request, ws, principal, error=refused, typed={chart_id: name}, status=422
            )
        )
    return RedirectResponse("/charts", status_code=303)


@router.post("/charts/{chart_id}/delete")
async def delete_chart(
    chart_id: str,
    principal: Principal = Depends(page_principal),
    ws: Workspace = Depends(workspace_of),
) -> Response:
    await run_in_threadpool(analysis.delete_chart, ws, principal.actor, chart_id)
    return RedirectResponse("/charts", status_code=303)
