"""``/api/v1/maps/intelligence``: incidents, reports and places as GeoJSON, and their exports.

The layers the caller may see (``layer``, repeat it; default all): incidents
where they happened, reports with a position, departure points and landing
sites of the incidents, and the routes between them. ``period`` (``2025``,
``2025-Q3``, ``2025-09``) or ``since``/``until`` narrow the dates. The
answer is an RFC 7946 FeatureCollection with foreign members: ``periods``
(readable incidents by month, for the period selector), ``unplaced`` (place
names the gazetteer does not know) and ``counts`` per layer.
``/api/v1/maps/intelligence/export?format=geojson|kml`` gives the same as a
file to open in QGIS or Google Earth; every read and export is audited.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal
from urllib.parse import quote

from fastapi import APIRouter, Depends, Query
from fastapi.responses import JSONResponse, Response
from starlette.concurrency import run_in_threadpool

from portintel.domain.actors import Actor
from portintel.services import analysis
from portintel.services.workspace import Workspace
from portintel.web.api.responses import errors
from portintel.web.api.times import IsoDateTime
from portintel.web.authentication import api_actor, workspace_of

router = APIRouter(tags=["analysis"])

Layer = Literal["incidents", "reports", "departures", "landings", "routes"]
Layers = Annotated[
    list[Layer] | None, Query(description="layers to include (repeat); default: all")
]
Period = Annotated[
    str | None,
    Query(
        pattern=r"^\d{4}(-(0[1-9]|1[0-2]|Q[1-4]))?$",
        description="a year (2025), quarter (2025-Q3) or month (2025-09)",
    ),
]
Since = Annotated[IsoDateTime | None, Query(description="from (ISO 8601), without a period")]
Until = Annotated[IsoDateTime | None, Query(description="until (ISO 8601), without a period")]

GEOJSON_EXAMPLE: dict[str, Any] = {
    "type": "FeatureCollection",
    "features": [
        {
            "type": "Feature",
            "id": "incident:INC-1",
            "geometry": {"type": "Point", "coordinates": [103.05, 10.72]},
            "properties": {"layer": "incidents", "name": "Interception: 51 migrants"},
        }
    ],
    "periods": {"2025-09": 1},
    "unplaced": [],
    "counts": {"incidents": 1},
}


def _request(
    layer: list[Layer] | None, period: str | None, since: Any, until: Any
) -> analysis.MapRequest:
    return analysis.MapRequest(
        layers=analysis.layers_of(layer or ()), since=since, until=until, period=period
    )


@router.get(
    "/maps/intelligence",
    responses={
        **errors(),
        200: {
            "description": "an RFC 7946 FeatureCollection",
            "content": {"application/geo+json": {"example": GEOJSON_EXAMPLE}},
        },
    },
    response_class=JSONResponse,
)
async def get_intelligence_map(
    layer: Layers = None,
    period: Period = None,
    since: Since = None,
    until: Until = None,
    actor: Actor = Depends(api_actor),
    ws: Workspace = Depends(workspace_of),
) -> JSONResponse:
    """The layers of intelligence the caller may see, as GeoJSON (audited)."""
    request = _request(layer, period, since, until)
    found = await run_in_threadpool(analysis.intelligence_map, ws, actor, request)
    return JSONResponse(found.collection(), media_type="application/geo+json")


@router.get(
    "/maps/intelligence/export",
    responses={
        **errors(),
        200: {
            "description": "a GeoJSON or KML 2.2 file",
            "content": {"application/geo+json": {}, "application/vnd.google-earth.kml+xml": {}},
        },
    },
    response_class=Response,
)
async def export_intelligence_map(
    format: Annotated[Literal["geojson", "kml"], Query(description="geojson or kml")] = "geojson",
    layer: Layers = None,
    period: Period = None,
    since: Since = None,
    until: Until = None,
    actor: Actor = Depends(api_actor),
    ws: Workspace = Depends(workspace_of),
) -> Response:
    """The layers the caller sees as a file to download (audited ``map.exported``)."""
    request = _request(layer, period, since, until)
    found = await run_in_threadpool(analysis.export_map, ws, actor, format, request)
    return Response(
        found.content,
        media_type=found.media_type,
        headers={
            "Content-Disposition": f'attachment; filename="{found.filename}"; '
            f"filename*=UTF-8''{quote(found.filename)}",
            "X-Content-Type-Options": "nosniff",
        },
    )
