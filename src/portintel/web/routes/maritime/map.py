"""The map page and the vessel page: server-rendered shells, their layers from the JSON API."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response
from starlette.concurrency import run_in_threadpool

from portintel.errors import NotFound
from portintel.services import maritime, targeting
from portintel.services.workspace import Workspace
from portintel.web.authentication import Principal, page_principal, workspace_of
from portintel.web.routes.maritime import areas, ports
from portintel.web.templating import render

router = APIRouter()
router.include_router(areas.router)
router.include_router(ports.router)


@router.get("/map")
async def map_page(
    request: Request,
    principal: Principal = Depends(page_principal),
) -> Response:
    maritime.require_picture(principal.actor)
    return render(
        request,
        "maritime/map.html",
        {"event_types": maritime.EVENT_TYPE_LABELS, "intelligence_layers": INTELLIGENCE_LAYERS},
    )


INTELLIGENCE_LAYERS = (
    ("incidents", "Incidents", True),
    ("interceptions", "Interception locations", False),
    ("heat", "Heat map of incidents", False),
    ("departures", "Departure points", False),
    ("landings", "Landing sites", True),
    ("routes", "Routes", False),
    ("reports", "Reports with a position", False),
)
"""The intelligence layers of the map page (``analysis_map_layers.js``) and whether each
is on when the page opens."""


EVIDENCE_LABELS = {
    "event": "Event",
    "track": "Track",
    "statement": "Stated fact",
    "report": "Report",
    "incident": "Incident",
    "watchlist": "Watchlist entry",
}
"""What the vessel page calls each kind of evidence a reason rests on."""


def _risk(ws: Workspace, principal: Principal, mmsi: int) -> targeting.VesselRisk | None:
    """The vessel's risk as the reader sees it; None while it has not been scored."""
    try:
        return targeting.vessel_risk(ws, principal.actor, mmsi)
    except NotFound:
        return None


@router.get("/vessels/{vessel_id}")
async def vessel_page(
    request: Request,
    vessel_id: str,
    principal: Principal = Depends(page_principal),
    ws: Workspace = Depends(workspace_of),
) -> Response:
    profile = await run_in_threadpool(maritime.vessel_profile, ws, principal.actor, vessel_id)
    risk = await run_in_threadpool(_risk, ws, principal, int(profile.vessel.mmsi))
    context = {
        "profile": profile,
        "event_facts": maritime.event_facts,
        "event_place": maritime.event_place,
        "risk": risk,
        "event_labels": maritime.EVENT_TYPE_LABELS,
        "evidence_labels": EVIDENCE_LABELS,
    }
    return render(request, "maritime/vessel.html", context)
