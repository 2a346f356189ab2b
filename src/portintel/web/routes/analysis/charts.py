"""The link-chart page: a server-rendered shell; the chart itself comes from the JSON API."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response
from starlette.concurrency import run_in_threadpool

from portintel.domain.analysis import EdgeKind
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
    defaults = analysis.ChartOptions().kinds
    return render(
        request,
        "analysis/chart.html",
        {
            "entity_id": root.root,
            "caption": caption,
            "kinds": [(kind.value, label, kind in defaults) for kind, label in KIND_LABELS.items()],
        },
    )
