"""Chart exports: GraphML, GEXF (Gephi), i2 ANX (Analyst's Notebook), FtM JSON (Aleph).

``/api/v1/entities/{id}/chart/export`` writes the entity's chart with the
same parameters as ``/chart``; ``/api/v1/charts/{id}/export`` a saved chart.
Both are expanded in the caller's scope, so the file holds only what the
caller may read; the ``X-Handling`` header carries the file's handling, and
every export is audited.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Query
from fastapi.responses import Response
from starlette.concurrency import run_in_threadpool

from portintel.domain.actors import Actor
from portintel.services import analysis
from portintel.services.workspace import Workspace
from portintel.web.api.analysis.charts import (
    Hops,
    Kinds,
    MaxNodes,
    MinGrading,
    Since,
    Until,
    chart_options,
)
from portintel.web.api.responses import errors
from portintel.web.authentication import api_actor, workspace_of

router = APIRouter(tags=["analysis"])

Format = Annotated[
    Literal["graphml", "gexf", "anx", "ftm"],
    Query(description="graphml, gexf (Gephi), anx (i2 Analyst's Notebook), ftm (Aleph)"),
]

FILE: dict[int | str, dict[str, Any]] = {
    200: {
        "description": "The file, as an attachment",
        "content": {
            "application/graphml+xml": {},
            "application/gexf+xml": {},
            "application/xml": {},
            "application/json": {},
        },
    }
}


def _download(found: analysis.ChartFile) -> Response:
    headers = {"Content-Disposition": f'attachment; filename="{found.filename}"'}
    if found.handling:
        headers["X-Handling"] = found.handling
    return Response(found.content, media_type=found.media_type, headers=headers)


@router.get(
    "/entities/{entity_id}/chart/export",
    response_class=Response,
    responses={**FILE, **errors(404)},
)
async def export_chart(
    entity_id: str,
    format: Format,
    hops: Hops = 2,
    kind: Kinds = None,
    since: Since = None,
    until: Until = None,
    min_grading: MinGrading = None,
    max_nodes: MaxNodes = 500,
    actor: Actor = Depends(api_actor),
    ws: Workspace = Depends(workspace_of),
) -> Response:
    """The entity's chart as a file, within the caller's scope (audited)."""
    options = chart_options(hops, kind, since, until, min_grading, max_nodes)
    found = await run_in_threadpool(
        analysis.export_neighbourhood, ws, actor, entity_id, options, format
    )
    return _download(found)


@router.get("/charts/{chart_id}/export", response_class=Response, responses={**FILE, **errors(404)})
async def export_saved_chart(
    chart_id: str,
    format: Format,
    actor: Actor = Depends(api_actor),
    ws: Workspace = Depends(workspace_of),
) -> Response:
    """A saved chart as a file, expanded in the caller's scope (audited)."""
    found = await run_in_threadpool(analysis.export_saved, ws, actor, chart_id, format)
    return _download(found)
