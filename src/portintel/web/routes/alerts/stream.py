"""``/alerts/stream``: new alerts as server-sent events, each reader receiving only theirs.

The stream polls the store through the reader's scoped view
(:func:`portintel.services.targeting.list_alerts` after the last id sent),
so it needs nothing shared between the worker that raises an alert and the
web process that shows it. Each event's ``id`` is the alert's id: a browser
that reconnects sends ``Last-Event-ID`` and receives what it missed (a page
passes ``after``, the newest alert it already shows, on its first
connection). Alerts committed out of id order (two jobs at once) are still
sent: each poll looks :data:`LATE_WINDOW` ids back and skips those already
sent. A stream ends after :data:`MAX_SECONDS` and the browser reconnects,
so a signed-out or deactivated user stops receiving alerts within that time.
"""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import AsyncIterator

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import StreamingResponse
from starlette.concurrency import run_in_threadpool

from portintel.domain.actors import Actor
from portintel.services import targeting
from portintel.services.workspace import Workspace
from portintel.web.authentication import Principal, page_principal, workspace_of

router = APIRouter()

POLL_SECONDS = 0.5
HEARTBEAT_SECONDS = 15.0
MAX_SECONDS = 300.0
LATE_WINDOW = 50
RETRY_MILLISECONDS = 2000


def event_data(alert: targeting.AlertView) -> dict[str, object]:
    """What the page needs to draw a row: labels, never codes (all of it readable by the reader)."""
    return {
        "id": alert.id,
        "title": alert.title,
        "kind_label": alert.kind_label,
        "status": alert.status,
        "status_label": alert.status_label,
        "reason": alert.reason,
        "score": alert.score,
        "raised_at": alert.raised_at.strftime("%Y-%m-%d %H:%M UTC"),
        "assigned_name": alert.assigned_name,
        "url": f"/alerts/{alert.id}",
    }


def _start(last_event_id: str | None, after: int) -> int:
    if last_event_id and last_event_id.strip().isdigit():
        return int(last_event_id.strip())
    return max(0, after)


async def alert_events(
    ws: Workspace,
    actor: Actor,
    request: Request,
    start: int,
    *,
    status: str | None = None,
    mine: bool = False,
    max_seconds: float = MAX_SECONDS,
) -> AsyncIterator[str]:
    """The event stream of ``actor``'s alerts after ``start``, until the client goes."""
    yield f"retry: {RETRY_MILLISECONDS}\n\n"
    sent: set[int] = set()
    last = start
    began = beat = time.monotonic()
    while time.monotonic() - began < max_seconds:
        if await request.is_disconnected():
            return
        low = max(start, last - LATE_WINDOW)
        alerts = await run_in_threadpool(
            targeting.list_alerts, ws, actor, status=status, mine=mine, after_id=low, limit=200
        )
        for alert in alerts:
            if alert.id in sent:
                continue
            sent.add(alert.id)
            last = max(last, alert.id)
            data = json.dumps(event_data(alert), ensure_ascii=False)
            yield f"id: {alert.id}\nevent: alert\ndata: {data}\n\n"
        if len(sent) > 10 * LATE_WINDOW:
            sent = {i for i in sent if i > last - LATE_WINDOW}
        if time.monotonic() - beat > HEARTBEAT_SECONDS:
            beat = time.monotonic()
            yield ": still here\n\n"
        await asyncio.sleep(POLL_SECONDS)


@router.get("/alerts/stream")
async def alert_stream(
    request: Request,
    after: int = Query(0, ge=0),
    status: str = Query("open", max_length=20),
    mine: bool = Query(False),
    principal: Principal = Depends(page_principal),
    ws: Workspace = Depends(workspace_of),
) -> StreamingResponse:
    targeting.require_alert_reader(principal.actor)
    chosen = status if status in targeting.ALERT_STATUS_LABELS else None
    start = _start(request.headers.get("last-event-id"), after)
    return StreamingResponse(
        alert_events(ws, principal.actor, request, start, status=chosen, mine=mine),
        media_type="text/event-stream",
        headers={"Cache-Control": "no-store", "X-Accel-Buffering": "no"},
    )
