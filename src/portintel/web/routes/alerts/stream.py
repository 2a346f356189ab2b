"""``/alerts/stream``: new alerts and changes to alerts as server-sent events, each reader
receiving only theirs.

Two event types: ``alert`` (a new alert matching the page's filter) and
``change`` (an alert was acknowledged, assigned or closed: the alert as it is
now, whatever the filter, so the page can update its row or drop it). The
stream polls the store through the reader's scoped view
(:func:`portintel.services.targeting.list_alerts` after the last alert sent,
:func:`portintel.services.targeting.alert_changes` after the last change
sent), so it needs nothing shared between the process that raises or changes
an alert and the web process that shows it.

Each event's ``id`` is both cursors, ``<last alert>.<last change>``: a browser
that reconnects sends ``Last-Event-ID`` and receives what it missed of both
(a page passes ``after``, the newest alert, and ``changes``, the newest change,
it already shows on its first connection; a bare number is an alert id, and the
changes then start from now). Rows committed out of order (two jobs at once)
are still sent: each poll looks :data:`LATE_WINDOW` back and skips those
already sent. A stream ends after :data:`MAX_SECONDS` and the browser
reconnects, so a signed-out or deactivated user stops receiving alerts within
that time.
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


def change_data(alert: targeting.AlertView, actor: Actor) -> dict[str, object]:
    """A changed alert: its row as :func:`event_data`, and whether it is now the reader's."""
    return {**event_data(alert), "assigned_to_me": alert.assigned_to == actor.user_id}


def _start(last_event_id: str | None, after: int, changes: int | None) -> tuple[int, int | None]:
    """Where to resume: the alert and the change cursors (None: the changes from now on)."""
    alert_part, _, change_part = (last_event_id or "").strip().partition(".")
    if alert_part.isdigit():
        return int(alert_part), int(change_part) if change_part.isdigit() else None
    return max(0, after), changes


async def alert_events(
    ws: Workspace,
    actor: Actor,
    request: Request,
    start: int,
    *,
    changes_after: int | None = None,
    status: str | None = None,
    mine: bool = False,
    max_seconds: float = MAX_SECONDS,
) -> AsyncIterator[str]:
    """The event stream of ``actor``'s alerts after ``start`` and of the changes to the alerts
    they may read after ``changes_after`` (None: from now on), until the client goes."""
    yield f"retry: {RETRY_MILLISECONDS}\n\n"
    sent: set[int] = set()
    last = start
    if changes_after is None:
        changes_after = await run_in_threadpool(targeting.latest_alert_change, ws)
    changes_start = last_change = changes_after
    sent_changes: set[int] = set()
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
            yield f"id: {last}.{last_change}\nevent: alert\ndata: {data}\n\n"
        if len(sent) > 10 * LATE_WINDOW:
            sent = {i for i in sent if i > last - LATE_WINDOW}
        changed = await run_in_threadpool(
            targeting.alert_changes,
            ws,
            actor,
            after=max(changes_start, last_change - LATE_WINDOW),
            limit=200,
        )
        for change_id, alert in changed:
            if change_id in sent_changes:
                continue
            sent_changes.add(change_id)
            last_change = max(last_change, change_id)
            data = json.dumps(change_data(alert, actor), ensure_ascii=False)
            yield f"id: {last}.{last_change}\nevent: change\ndata: {data}\n\n"
        if len(sent_changes) > 10 * LATE_WINDOW:
            sent_changes = {i for i in sent_changes if i > last_change - LATE_WINDOW}
        if time.monotonic() - beat > HEARTBEAT_SECONDS:
            beat = time.monotonic()
            yield ": still here\n\n"
        await asyncio.sleep(POLL_SECONDS)


@router.get("/alerts/stream")
async def alert_stream(
    request: Request,
    after: int = Query(0, ge=0),
    changes: int | None = Query(None, ge=0),
    status: str = Query("open", max_length=20),
    mine: bool = Query(False),
    principal: Principal = Depends(page_principal),
    ws: Workspace = Depends(workspace_of),
) -> StreamingResponse:
    targeting.require_alert_reader(principal.actor)
    chosen = status if status in targeting.ALERT_STATUS_LABELS else None
    start, changes_after = _start(request.headers.get("last-event-id"), after, changes)
    return StreamingResponse(
        alert_events(
            ws,
            principal.actor,
            request,
            start,
            changes_after=changes_after,
            status=chosen,
            mine=mine,
        ),
        media_type="text/event-stream",
        headers={"Cache-Control": "no-store", "X-Accel-Buffering": "no"},
    )
