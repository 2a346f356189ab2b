"""The pre-arrival page: a port, 24, 48 or 72 hours, the vessels expected ranked by risk.

Officers keep it open: the page polls ``/prearrival/rows`` (the same table,
server-rendered, so labels and escaping are the templates') every
``REFRESH_SECONDS`` and swaps it in without a reload, keeping the scroll and
the options chosen (they are in the address, so a reload or a bookmark keeps
them too). ``/prearrival.csv`` and ``/prearrival.pdf`` export the list as
shown to the reader; the page prints with its print stylesheet.
"""

from __future__ import annotations

import csv
import io
from itertools import groupby
from typing import Any
from urllib.parse import quote, urlencode

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import Response
from starlette.concurrency import run_in_threadpool

from portintel.domain.targeting.arrivals import METHOD_LABELS
from portintel.errors import InvalidInput, NotFound
from portintel.services import maritime, targeting
from portintel.services.workspace import Workspace
from portintel.web.authentication import Principal, page_principal, workspace_of
from portintel.web.routes.maritime.map import EVIDENCE_LABELS
from portintel.web.templating import (
    environment_for,
    reader_language,
    reader_time_zone,
    render,
    render_in_zone,
)

router = APIRouter()

REFRESH_SECONDS = 60
HOURS_QUERY = Query(48, gt=0, le=targeting.MAX_HOURS)
PORT_QUERY = Query("", max_length=200)
EVERY_QUERY = Query(REFRESH_SECONDS, ge=1, le=3600)


def _options(port: str, hours: float) -> str:
    return urlencode({"port": port, "hours": f"{hours:g}"})


def _context(
    ws: Workspace, principal: Principal, port: str, hours: float
) -> tuple[dict[str, Any], int]:
    """The list (or the error that says what to do) and the status of the page."""
    context: dict[str, Any] = {
        "port": port,
        "hours": hours,
        "hour_choices": targeting.HOURS,
        "listed": None,
        "error": None,
        "method_labels": METHOD_LABELS,
        "evidence_labels": EVIDENCE_LABELS,
        "event_labels": maritime.EVENT_TYPE_LABELS,
        "query": _options(port, hours),
    }
    if not port:
        return context, 200
    try:
        context["listed"] = targeting.prearrival_list(ws, principal.actor, port, hours=hours)
    except NotFound as exc:
        context["error"] = exc
        return context, 404
    except InvalidInput as exc:
        context["error"] = exc
        return context, 422
    return context, 200


@router.get("/prearrival")
async def prearrival_page(
    request: Request,
    port: str = PORT_QUERY,
    hours: float = HOURS_QUERY,
    every: int = EVERY_QUERY,
    principal: Principal = Depends(page_principal),
    ws: Workspace = Depends(workspace_of),
) -> Response:
    choices = await run_in_threadpool(targeting.port_choices, ws, principal.actor)
    context, status = await run_in_threadpool(_context, ws, principal, port.strip(), hours)
    by_country = [
        (country, list(ports)) for country, ports in groupby(choices, key=lambda c: c.country_label)
    ]
    context.update({"countries": by_country, "every": every})
    return render(request, "targeting/prearrival.html", context, status_code=status)


@router.get("/prearrival/rows")
async def prearrival_rows(
    request: Request,
    port: str = PORT_QUERY,
    hours: float = HOURS_QUERY,
    principal: Principal = Depends(page_principal),
    ws: Workspace = Depends(workspace_of),
) -> Response:
    """The table alone, for the page to swap in."""
    context, status = await run_in_threadpool(_context, ws, principal, port.strip(), hours)
    return render(request, "targeting/_prearrival_rows.html", context, status_code=status)


def _filename(listed: targeting.PrearrivalList, suffix: str) -> str:
    return f"prearrival-{listed.port.id}-{listed.as_of:%Y%m%dT%H%M}Z-{listed.hours:g}h.{suffix}"


def _download(content: bytes, media_type: str, filename: str) -> Response:
    return Response(
        content,
        media_type=media_type,
        headers={
            "Content-Disposition": f"attachment; filename*=UTF-8''{quote(filename)}",
            "X-Content-Type-Options": "nosniff",
            "Cache-Control": "no-store",
        },
    )


@router.get("/prearrival.csv")
async def prearrival_csv(
    port: str = Query(..., min_length=1, max_length=200),
    hours: float = HOURS_QUERY,
    principal: Principal = Depends(page_principal),
    ws: Workspace = Depends(workspace_of),
) -> Response:
    listed = await run_in_threadpool(
        targeting.prearrival_list, ws, principal.actor, port, hours=hours
    )
    text = io.StringIO()
    csv.writer(text).writerows(targeting.csv_rows(listed))
    # a byte-order mark so that a spreadsheet opens the names in Khmer or Thai as UTF-8
    data = ("\ufeff" + text.getvalue()).encode("utf-8")
    return _download(data, "text/csv; charset=utf-8", _filename(listed, "csv"))


@router.get("/prearrival.pdf")
async def prearrival_pdf(
    request: Request,
    port: str = Query(..., min_length=1, max_length=200),
    hours: float = HOURS_QUERY,
    principal: Principal = Depends(page_principal),
    ws: Workspace = Depends(workspace_of),
) -> Response:
    listed = await run_in_threadpool(
        targeting.prearrival_list, ws, principal.actor, port, hours=hours
    )
    context = {
        "listed": listed,
        "method_labels": METHOD_LABELS,
        "evidence_labels": EVIDENCE_LABELS,
        "event_labels": maritime.EVENT_TYPE_LABELS,
        "printed_by": principal.actor.username,
    }
    html = render_in_zone(
        environment_for(request, reader_language(request)),
        "targeting/prearrival_print.html",
        reader_time_zone(request),
        {
            "node_name": request.app.state.settings.node_name,
            "locale": reader_language(request),
            **context,
        },
    )
    title = f"Pre-arrival list: {listed.port.name}"
    data = await run_in_threadpool(targeting.prearrival_pdf, html, title)
    return _download(data, "application/pdf", _filename(listed, "pdf"))
