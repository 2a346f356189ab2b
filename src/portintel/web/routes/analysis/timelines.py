"""The timeline pages: an entity's (linked from its profile), a chart's and a case's.

The page is rendered from one scoped, audited read: the list of dated facts
is server-rendered (readable without a script, and by screen readers), and
``analysis_timeline.js`` draws the zoomable swim lanes from that list, as the
vessel page draws its timeline from its own tables.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import Response
from starlette.concurrency import run_in_threadpool

from portintel.domain.analysis import EdgeKind
from portintel.domain.analysis.timeline import KIND_LABELS, Timeline
from portintel.domain.entity_labels import schema_label
from portintel.errors import InvalidInput
from portintel.services import analysis
from portintel.services.workspace import Workspace
from portintel.web.authentication import Principal, page_principal, workspace_of
from portintel.web.templating import render

router = APIRouter()


def _day(text: str | None, field: str, *, end: bool = False) -> datetime | None:
    """A date from the page's date field (the whole day), None when left empty."""
    if not text:
        return None
    try:
        day = date.fromisoformat(text)
    except ValueError as exc:
        raise InvalidInput(f"{text!r} is not a date: use YYYY-MM-DD", field=field) from exc
    return datetime.combine(day, time.max if end else time.min, tzinfo=UTC)


def _page(
    request: Request, found: Timeline, title: str, query: dict[str, Any], since: str, until: str
) -> Response:
    lanes = {lane.id: lane for lane in found.lanes}
    return render(
        request,
        "analysis/timeline.html",
        {
            "title": title,
            "timeline": found,
            "lanes": lanes,
            "schema_label": schema_label,
            "kind_labels": {kind.value: label for kind, label in KIND_LABELS.items()},
            "query": query,
            "since": since,
            "until": until,
        },
    )


@router.get("/entities/{entity_id}/timeline")
async def entity_timeline_page(
    request: Request,
    entity_id: str,
    since: str = "",
    until: str = "",
    principal: Principal = Depends(page_principal),
    ws: Workspace = Depends(workspace_of),
) -> Response:
    """An entity's timeline; 404 (audited) when the reader may see nothing of it."""
    window = analysis.TimelineWindow(_day(since, "since"), _day(until, "until", end=True))
    found = await run_in_threadpool(
        analysis.entity_timeline, ws, principal.actor, entity_id, window
    )
    title = found.lanes[0].label if found.lanes else entity_id
    return _page(request, found, title, {"entity": [found.lanes[0].id]}, since, until)


@router.get("/timeline")
async def timeline_page(
    request: Request,
    entity: Annotated[list[str], Query()] = [],  # noqa: B006 (FastAPI copies defaults)
    chart: str | None = None,
    hops: Annotated[int, Query(ge=1, le=4)] = 1,
    report: Annotated[list[str], Query()] = [],  # noqa: B006
    since: str = "",
    until: str = "",
    principal: Principal = Depends(page_principal),
    ws: Workspace = Depends(workspace_of),
) -> Response:
    """The timeline of several entities, of a chart (``chart``, ``hops``) or of a case
    (``report``, repeated)."""
    window = analysis.TimelineWindow(_day(since, "since"), _day(until, "until", end=True))
    actor = principal.actor
    if chart:
        options = analysis.ChartOptions(hops=hops, kinds=frozenset(EdgeKind) - {EdgeKind.REPORT})
        found = await run_in_threadpool(analysis.chart_timeline, ws, actor, chart, options, window)
        title, query = f"the chart of {found.lanes[0].label}", {"chart": [chart], "hops": [hops]}
    elif report:
        found = await run_in_threadpool(analysis.case_timeline, ws, actor, report[:40], window)
        title, query = "the case of " + ", ".join(report[:5]), {"report": report[:40]}
    else:
        found = await run_in_threadpool(analysis.timeline, ws, actor, entity, window)
        title = ", ".join(lane.label for lane in found.lanes[:3])
        query = {"entity": [lane.id for lane in found.lanes]}
    return _page(request, found, title, query, since, until)
