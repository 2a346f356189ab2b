"""The alert list (live), one alert with its reasons and evidence, and its forms.

Acknowledge, assign and close are plain forms (CSRF-checked by
:func:`~portintel.web.authentication.page_principal`); a refused form is shown
again with what was typed and what to do. The list updates itself over
server-sent events (:mod:`.stream`) through ``/static/alerts_live.js``.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Form, Query, Request
from fastapi.responses import RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from portintel.errors import Conflict, InvalidInput
from portintel.services import targeting
from portintel.services.workspace import Workspace
from portintel.web.authentication import Principal, page_principal, workspace_of
from portintel.web.routes.alerts import stream
from portintel.web.templating import render

router = APIRouter()
router.include_router(stream.router)

PAGE_SIZE = 50
FILTERS = {
    "open": "Open",
    "acknowledged": "Acknowledged",
    "closed": "Closed",
    "all": "All",
}
EVIDENCE_LABELS = {
    "event": "Event",
    "track": "Track",
    "statement": "Stated fact",
    "report": "Report",
    "incident": "Incident",
    "watchlist": "Watchlist entry",
}


@router.get("/alerts")
async def alert_list(
    request: Request,
    status: str = Query("open", max_length=20),
    mine: bool = Query(False),
    page: int = Query(1, ge=1, le=100_000),
    principal: Principal = Depends(page_principal),
    ws: Workspace = Depends(workspace_of),
) -> Response:
    chosen = status if status in FILTERS else "open"
    actor = principal.actor

    def work() -> dict[str, Any]:
        # read first: a change made while the rows are read is then sent again, never lost
        changes = targeting.latest_alert_change(ws)
        alerts = targeting.list_alerts(
            ws,
            actor,
            status=None if chosen == "all" else chosen,
            mine=mine,
            limit=PAGE_SIZE + 1,
            offset=(page - 1) * PAGE_SIZE,
        )
        newest = targeting.list_alerts(ws, actor, limit=1)
        return {
            "alerts": alerts[:PAGE_SIZE],
            "has_next": len(alerts) > PAGE_SIZE,
            "page": page,
            "status": chosen,
            "mine": mine,
            "filters": FILTERS,
            # the stream starts after the newest alert the reader could see when the page was built
            "after": newest[0].id if newest else 0,
            # and the changes after the newest one made before it was built
            "changes": changes,
        }

    return render(request, "alerts/list.html", await run_in_threadpool(work))


def _detail(
    request: Request,
    ws: Workspace,
    principal: Principal,
    alert_id: int,
    *,
    error: str | None = None,
    form: dict[str, str] | None = None,
    status_code: int = 200,
) -> Response:
    alert = targeting.get_alert(ws, principal.actor, alert_id)
    context = {
        "alert": alert,
        "error": error,
        "form": form or {},
        "evidence_labels": EVIDENCE_LABELS,
    }
    return render(request, "alerts/detail.html", context, status_code=status_code)


@router.get("/alerts/settings")
async def alert_settings(
    request: Request,
    principal: Principal = Depends(page_principal),
    ws: Workspace = Depends(workspace_of),
) -> Response:
    targeting.require_alert_reader(principal.actor)
    prefs = await run_in_threadpool(targeting.get_alert_preferences, ws, principal.actor)
    form = {"email": prefs.email or "", "by_email": "on" if prefs.by_email else ""}
    return render(request, "alerts/settings.html", {"form": form, "error": None, "done": False})


@router.post("/alerts/settings")
async def save_alert_settings(
    request: Request,
    email: str = Form("", max_length=400),
    by_email: str = Form(""),
    principal: Principal = Depends(page_principal),
    ws: Workspace = Depends(workspace_of),
) -> Response:
    form = {"email": email, "by_email": "on" if by_email else ""}
    try:
        await run_in_threadpool(
            targeting.set_alert_preferences,
            ws,
            principal.actor,
            email=email,
            by_email=bool(by_email),
        )
    except InvalidInput as exc:
        return render(
            request,
            "alerts/settings.html",
            {"form": form, "error": exc.message, "done": False},
            status_code=400,
        )
    return render(request, "alerts/settings.html", {"form": form, "error": None, "done": True})


@router.get("/alerts/{alert_id}")
async def alert_page(
    request: Request,
    alert_id: int,
    principal: Principal = Depends(page_principal),
    ws: Workspace = Depends(workspace_of),
) -> Response:
    return await run_in_threadpool(_detail, request, ws, principal, alert_id)


async def _act(
    request: Request,
    ws: Workspace,
    principal: Principal,
    alert_id: int,
    action: Any,
    form: dict[str, str],
) -> Response:
    try:
        await run_in_threadpool(action)
    except (InvalidInput, Conflict) as exc:
        message = exc.message + (f" ({exc.hint})" if exc.hint else "")
        return await run_in_threadpool(
            lambda: _detail(
                request, ws, principal, alert_id, error=message, form=form, status_code=400
            )
        )
    return RedirectResponse(f"/alerts/{alert_id}", status_code=303)


@router.post("/alerts/{alert_id}/acknowledge")
async def acknowledge(
    request: Request,
    alert_id: int,
    principal: Principal = Depends(page_principal),
    ws: Workspace = Depends(workspace_of),
) -> Response:
    return await _act(
        request,
        ws,
        principal,
        alert_id,
        lambda: targeting.acknowledge_alert(ws, principal.actor, alert_id),
        {},
    )


@router.post("/alerts/{alert_id}/assign")
async def assign(
    request: Request,
    alert_id: int,
    username: str = Form("", max_length=100),
    principal: Principal = Depends(page_principal),
    ws: Workspace = Depends(workspace_of),
) -> Response:
    return await _act(
        request,
        ws,
        principal,
        alert_id,
        lambda: targeting.assign_alert(ws, principal.actor, alert_id, username),
        {"username": username},
    )


@router.post("/alerts/{alert_id}/close")
async def close(
    request: Request,
    alert_id: int,
    note: str = Form("", max_length=4000),
    principal: Principal = Depends(page_principal),
    ws: Workspace = Depends(workspace_of),
) -> Response:
    return await _act(
        request,
        ws,
        principal,
        alert_id,
        lambda: targeting.close_alert(ws, principal.actor, alert_id, note),
        {"note": note},
    )
