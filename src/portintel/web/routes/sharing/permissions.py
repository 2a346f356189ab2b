"""The providers' permissions page: what lets a received report go on, and recording one.

Analysts and supervisors see the permissions recorded for reports they may
read; a supervisor records one (the provider's reference and date, for one
report or a whole delivery, and one partner) or withdraws one, with a reason.
A refused form comes back with everything as typed.
"""

from __future__ import annotations

from datetime import date
from typing import Any
from urllib.parse import quote

from fastapi import APIRouter, Depends, Form, Query, Request
from fastapi.responses import RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from portintel.domain.actors import Role
from portintel.errors import Conflict, InvalidInput, NotFound, PortintelError
from portintel.services import sharing
from portintel.services.workspace import Workspace
from portintel.web.authentication import Principal, page_principal, workspace_of
from portintel.web.templating import render

router = APIRouter(prefix="/sharing")


def _page(
    request: Request,
    ws: Workspace,
    principal: Principal,
    *,
    form: dict[str, Any],
    error: PortintelError | None = None,
    recorded: int = 0,
    withdrawn: str = "",
    withdrawing: dict[str, str] | None = None,
    withdraw_error: PortintelError | None = None,
    status: int = 200,
) -> Response:
    actor = principal.actor
    permissions = sharing.list_permissions(ws, actor)
    may_record = actor.has(Role.SUPERVISOR)
    partners = [p.name for p in sharing.list_partners(ws, actor)] if may_record else []
    context = {
        "permissions": permissions,
        "may_record": may_record,
        "partners": partners,
        "form": form,
        "error": error,
        "recorded": recorded,
        "withdrawn": withdrawn,
        "withdrawing": withdrawing or {"id": "", "reason": ""},
        "withdraw_error": withdraw_error,
    }
    return render(request, "sharing/permissions.html", context, status_code=status)


@router.get("/permissions")
async def permissions_page(
    request: Request,
    report: str = Query("", max_length=64),
    partner: str = Query("", max_length=100),
    recorded: int = Query(0, ge=0, le=100_000),
    withdrawn: str = Query("", max_length=64),
    principal: Principal = Depends(page_principal),
    ws: Workspace = Depends(workspace_of),
) -> Response:
    form = {
        "report": report,
        "receipt": "",
        "partner": partner,
        "reference": "",
        "granted_on": ws.clock().date().isoformat(),
    }
    return await run_in_threadpool(
        lambda: _page(request, ws, principal, form=form, recorded=recorded, withdrawn=withdrawn)
    )


def _day(text: str) -> date:
    try:
        return date.fromisoformat(text.strip())
    except ValueError as exc:
        raise InvalidInput(
            f"{text!r} is not a day", field="granted_on", hint="the day the provider gave it"
        ) from exc


@router.post("/permissions")
async def record_permission(
    request: Request,
    report: str = Form("", max_length=64),
    receipt: str = Form("", max_length=64),
    partner: str = Form("", max_length=100),
    reference: str = Form("", max_length=400),
    granted_on: str = Form("", max_length=20),
    principal: Principal = Depends(page_principal),
    ws: Workspace = Depends(workspace_of),
) -> Response:
    form = {
        "report": report,
        "receipt": receipt,
        "partner": partner,
        "reference": reference,
        "granted_on": granted_on,
    }
    try:
        recorded = await run_in_threadpool(
            lambda: sharing.record_permission(
                ws,
                principal.actor,
                partner,
                reference=reference,
                granted_on=_day(granted_on),
                report_id=report.strip() or None,
                receipt_id=receipt.strip() or None,
            )
        )
    except (InvalidInput, Conflict, NotFound) as exc:  # the form comes back as typed
        refused: PortintelError = exc
        return await run_in_threadpool(
            lambda: _page(request, ws, principal, form=form, error=refused, status=422)
        )
    return RedirectResponse(f"/sharing/permissions?recorded={len(recorded)}", status_code=303)


def _blank_form(ws: Workspace) -> dict[str, Any]:
    return {
        "report": "",
        "receipt": "",
        "partner": "",
        "reference": "",
        "granted_on": ws.clock().date().isoformat(),
    }


@router.post("/permissions/{permission_id}/withdraw")
async def withdraw_permission(
    request: Request,
    permission_id: str,
    reason: str = Form("", max_length=1000),
    principal: Principal = Depends(page_principal),
    ws: Workspace = Depends(workspace_of),
) -> Response:
    try:
        withdrawn = await run_in_threadpool(
            lambda: sharing.withdraw_permission(ws, principal.actor, permission_id, reason=reason)
        )
    except (InvalidInput, NotFound) as exc:  # the reason comes back as typed
        refused: PortintelError = exc
        return await run_in_threadpool(
            lambda: _page(
                request,
                ws,
                principal,
                form=_blank_form(ws),
                withdrawing={"id": permission_id, "reason": reason},
                withdraw_error=refused,
                status=422,
            )
        )
    return RedirectResponse(
        f"/sharing/permissions?withdrawn={quote(withdrawn.report_id)}", status_code=303
    )
