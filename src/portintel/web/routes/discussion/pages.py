"""Comment forms under reports and entities, the assignment form, the notifications page.

Each form posts back with the session's CSRF token; the services check scope
(a report or entity the reader may not read is 404) and audit each change. A
refused comment or assignment comes back on its page with the reason and
what was typed.
"""

from __future__ import annotations

from datetime import UTC, datetime

from fastapi import APIRouter, Depends, Form, Query, Request
from fastapi.responses import RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from portintel.errors import Conflict, InvalidInput
from portintel.services import discussion, notices
from portintel.services.workspace import Workspace
from portintel.web.authentication import Principal, page_principal, workspace_of
from portintel.web.templating import render

router = APIRouter()


def parse_deadline(value: str) -> datetime | None:
    """A deadline typed as ``YYYY-MM-DDTHH:MM`` (a datetime-local field), read as UTC."""
    text = value.strip()
    if not text:
        return None
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise InvalidInput(
            f"{text!r} is not a date and time",
            field="deadline",
            hint="write it as 2026-03-01 17:00 (UTC), or leave it empty",
        ) from None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


@router.post("/reports/{report_id}/comments")
async def comment_on_report(
    request: Request,
    report_id: str,
    body: str = Form("", max_length=20_000),
    principal: Principal = Depends(page_principal),
    ws: Workspace = Depends(workspace_of),
) -> Response:
    from portintel.web.routes.intake.reports import report_page

    try:
        await run_in_threadpool(
            discussion.add_comment, ws, principal.actor, "report", report_id, body
        )
    except InvalidInput as refused:
        return await report_page(
            request, ws, principal, report_id, error=refused, comment_draft=body, status=422
        )
    return RedirectResponse(f"/reports/{report_id}#comments", status_code=303)


@router.post("/entities/{entity_id}/comments")
async def comment_on_entity(
    entity_id: str,
    body: str = Form("", max_length=20_000),
    principal: Principal = Depends(page_principal),
    ws: Workspace = Depends(workspace_of),
) -> Response:
    await run_in_threadpool(discussion.add_comment, ws, principal.actor, "entity", entity_id, body)
    return RedirectResponse(f"/entities/{entity_id}#comments", status_code=303)


@router.post("/reports/{report_id}/assignment")
async def assign_report(
    request: Request,
    report_id: str,
    assignee: str = Form("", max_length=64),
    deadline: str = Form("", max_length=32),
    note: str = Form("", max_length=5_000),
    principal: Principal = Depends(page_principal),
    ws: Workspace = Depends(workspace_of),
) -> Response:
    from portintel.web.routes.intake.reports import report_page

    try:
        due = parse_deadline(deadline)
        await run_in_threadpool(
            lambda: discussion.assign_report(
                ws, principal.actor, report_id, assignee, deadline=due, note=note or None
            )
        )
    except (InvalidInput, Conflict) as refused:
        return await report_page(
            request,
            ws,
            principal,
            report_id,
            error=refused,
            assign_form={"assignee": assignee, "deadline": deadline, "note": note},
            status=422 if isinstance(refused, InvalidInput) else 409,
        )
    return RedirectResponse(f"/reports/{report_id}#assignment", status_code=303)


@router.get("/notifications")
async def notification_list(
    request: Request,
    unread: bool = Query(False),
    principal: Principal = Depends(page_principal),
    ws: Workspace = Depends(workspace_of),
) -> Response:
    items = await run_in_threadpool(
        lambda: notices.list_notifications(ws, principal.actor, unread_only=unread)
    )
    return render(
        request, "discussion/notifications.html", {"notifications": items, "unread": unread}
    )


@router.post("/notifications/read")
async def mark_notifications_read(
    notification: int | None = Form(None),
    principal: Principal = Depends(page_principal),
    ws: Workspace = Depends(workspace_of),
) -> Response:
    await run_in_threadpool(notices.mark_read, ws, principal.actor, notification)
    return RedirectResponse("/notifications", status_code=303)
