"""Report pages: list with filters, the form, the view with history, evaluation, attachments."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, File, Form, Query, Request, UploadFile
from fastapi.responses import RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from portintel.domain.report_fields import REPORT_FIELDS
from portintel.domain.reports import ReportAction, ReportStatus, may_edit
from portintel.errors import Conflict, InvalidInput, PermissionDenied, PortintelError
from portintel.services import admin, discussion, intake, sharing, tasking
from portintel.services.intake import reports, sources
from portintel.services.workspace import Workspace
from portintel.web.api.intake.reports import read_upload
from portintel.web.authentication import Principal, page_principal, workspace_of
from portintel.web.downloads import attachment_response
from portintel.web.routes.audit.entries import parse_day
from portintel.web.routes.intake.report_forms import ReportForm
from portintel.web.templating import render

router = APIRouter()
FIELDS_BY_NAME = {field.name: field for field in REPORT_FIELDS}
"""A report's declared fields, for the form's limits."""
PAGE_SIZE = 100
STEPS = {
    "submit": reports.submit_report,
    "withdraw": reports.archive_report,
    "return": reports.return_report,
    "archive": reports.archive_report,
}
"""No "disseminate" step: a report becomes disseminated when a supervisor approves a
dissemination to named partners (``portintel share send`` / ``share approve``)."""


def _visible_sources(ws: Workspace, principal: Principal) -> list[sources.SourceGrading]:
    try:
        return sources.sources_to_cite(ws, principal.actor)
    except PermissionDenied:
        return []


@router.get("/reports")
async def report_list(
    request: Request,
    status: str = Query("", max_length=16),
    agency: str = Query("", max_length=64),
    text: str = Query("", max_length=200),
    handling: str = Query("", max_length=64),
    reliability: str = Query("", max_length=8),
    credibility: str = Query("", max_length=8),
    since: str = Query("", max_length=10),
    until: str = Query("", max_length=10),
    assigned: str = Query("", max_length=8),
    page: int = Query(1, ge=1, le=100_000),
    principal: Principal = Depends(page_principal),
    ws: Workspace = Depends(workspace_of),
) -> Response:
    try:
        statuses = (ReportStatus(status),) if status else ()
    except ValueError as exc:
        raise InvalidInput(f"unknown status {status!r}", field="status") from exc
    filters = reports.ReportFilters(
        status=statuses,
        agency_id=agency or None,
        text=text.strip() or None,
        handling=handling or None,
        reliability=reliability or None,
        credibility=credibility or None,
        since=parse_day(since, "since"),
        until=parse_day(until, "until"),
        assigned_to=principal.actor.user_id if assigned == "me" else None,
        limit=PAGE_SIZE,
        offset=(page - 1) * PAGE_SIZE,
    )

    def work() -> dict[str, Any]:
        listed = reports.list_reports(ws, principal.actor, filters)
        return {
            "reports": listed,
            "assignees": discussion.assignees_of(ws, principal.actor, [r.id for r in listed]),
            "total": reports.count_reports(ws, principal.actor, filters),
            "agencies": admin.list_agencies(ws),
        }

    context = await run_in_threadpool(work)
    form = {
        "status": status,
        "agency": agency,
        "text": text,
        "handling": handling,
        "reliability": reliability,
        "credibility": credibility,
        "since": since,
        "until": until,
        "assigned": "me" if assigned == "me" else "",
    }
    query = urlencode({key: value for key, value in form.items() if value})
    context.update(
        page=page,
        has_next=page * PAGE_SIZE < context["total"],
        page_query=f"{query}&" if query else "",
    )
    context.update(
        form=form, statuses=[s.value for s in ReportStatus], pickers=request.app.state.pickers
    )
    return render(request, "intake/report_list.html", context)


def _form_page(
    request: Request,
    ws: Workspace,
    principal: Principal,
    form: ReportForm,
    *,
    error: InvalidInput | None = None,
    status: int = 200,
    answers_task: Any = None,
) -> Response:
    context = {
        "answers_task": answers_task,
        "form": form,
        "error": error,
        "pickers": request.app.state.pickers,
        "agencies": admin.list_agencies(ws),
        "sources": _visible_sources(ws, principal),
        "max_bytes": ws.settings.attachment_max_bytes,
        "fields": FIELDS_BY_NAME,
    }
    return render(request, "intake/report_form.html", context, status_code=status)


@router.get("/reports/new")
async def new_report(
    request: Request,
    task: str = Query("", max_length=64),
    principal: Principal = Depends(page_principal),
    ws: Workspace = Depends(workspace_of),
) -> Response:
    form = ReportForm(handling=request.app.state.pickers.default_handling)
    answering = None
    if task:  # "answer with a new report": prefilled, linked back to the task when filed
        answering = await run_in_threadpool(tasking.answerable, ws, principal.actor, task)
        form.title, form.handling = f"{answering.title}", answering.answer_handling
        form.handling_conditions = answering.answer_handling_conditions or ""
    return await run_in_threadpool(
        lambda: _form_page(request, ws, principal, form, answers_task=answering)
    )


@router.post("/reports")
async def create_report(
    request: Request,
    action: str = Form("save"),
    file: UploadFile | None = File(None),
    principal: Principal = Depends(page_principal),
    ws: Workspace = Depends(workspace_of),
) -> Response:
    # every input as typed, so a refused form comes back filled in; the limits are
    # the declared ones, checked with the draft
    data = await request.form()
    form = ReportForm.read(data)
    scheme_id = request.app.state.pickers.scheme_id
    task_id = data.get("answers_task")
    answering = (
        await run_in_threadpool(tasking.answerable, ws, principal.actor, task_id)
        if isinstance(task_id, str) and task_id
        else None
    )
    try:
        draft = form.draft(scheme_id=scheme_id)
        content = await read_upload(ws, file) if file is not None and file.filename else None
        submit = action == "submit" or answering is not None  # an answer is handed in
        report_id = await run_in_threadpool(
            lambda: reports.create_report(ws, principal.actor, draft, submit=submit)
        )
    except InvalidInput as exc:
        refused: InvalidInput = exc
        return await run_in_threadpool(
            lambda: _form_page(
                request, ws, principal, form, error=refused, status=422, answers_task=answering
            )
        )
    if content is not None and file is not None:
        await _attach(ws, principal, report_id, file, content)
    if answering is not None:
        await run_in_threadpool(tasking.answer_task, ws, principal.actor, answering.id, report_id)
        return RedirectResponse(f"/tasks/{answering.id}", status_code=303)
    return RedirectResponse(f"/reports/{report_id}", status_code=303)


@router.get("/reports/{report_id}")
async def report_view(
    request: Request,
    report_id: str,
    principal: Principal = Depends(page_principal),
    ws: Workspace = Depends(workspace_of),
) -> Response:
    return await report_page(request, ws, principal, report_id)


async def report_page(
    request: Request,
    ws: Workspace,
    principal: Principal,
    report_id: str,
    *,
    error: PortintelError | None = None,
    step_failed: str = "",
    step_note: str = "",
    comment_draft: str = "",
    assign_form: dict[str, str] | None = None,
    status: int = 200,
) -> Response:
    """The report with its next steps, comments and assignment; after a refused step,
    comment or assignment, its error and what was typed."""
    view = await run_in_threadpool(reports.get_report, ws, principal.actor, report_id)
    context = {
        "report": view,
        "pickers": request.app.state.pickers,
        "can_evaluate": ReportAction.EVALUATE in view.allowed_actions,
        "steps": [a.value for a in view.allowed_actions if a.value in STEPS],
        "returned": view.returned,
        "error": error,
        "step_failed": step_failed,
        "step_note": step_note,
        # display only: add_attachment checks the same rule again
        "can_attach": may_edit(principal.actor, view.status, view.author_id),
        "suggestions": await run_in_threadpool(
            intake.list_suggestions, ws, principal.actor, report_id
        ),
        "recipients": await run_in_threadpool(_recipients, ws, principal, report_id),
        "shareable": view.status in (ReportStatus.EVALUATED, ReportStatus.DISSEMINATED),
        **await run_in_threadpool(
            discussion_context, ws, principal, report_id, view.status is ReportStatus.SUBMITTED
        ),
        "comment_draft": comment_draft,
        "assign_form": assign_form or {},
    }
    return render(request, "intake/report_view.html", context, status_code=status)


def discussion_context(
    ws: Workspace, principal: Principal, report_id: str, submitted: bool
) -> dict[str, Any]:
    """The report's comment thread, its assignment and (to a supervisor) who may take it."""
    return {
        "comments": discussion.list_comments(ws, principal.actor, "report", report_id),
        "assignment": discussion.assignment_of(ws, principal.actor, report_id),
        "assignees": (
            discussion.possible_assignees(ws, principal.actor, report_id) if submitted else []
        ),
        "now": ws.clock(),
    }


def _recipients(ws: Workspace, principal: Principal, report_id: str) -> list[Any]:
    """The partners the report went to (the node's own staff see them; partners never)."""
    try:
        return sharing.report_recipients(ws, principal.actor, report_id)
    except PermissionDenied:
        return []


@router.post("/reports/{report_id}/evaluate")
async def evaluate_report(
    report_id: str,
    reliability: str = Form(""),
    credibility: str = Form(""),
    handling: str = Form(""),
    handling_conditions: str = Form("", max_length=5_000),
    note: str = Form("", max_length=5_000),
    principal: Principal = Depends(page_principal),
    ws: Workspace = Depends(workspace_of),
) -> Response:
    await run_in_threadpool(
        lambda: reports.evaluate_report(
            ws,
            principal.actor,
            report_id,
            reliability=reliability or None,
            credibility=credibility or None,
            handling=handling or None,
            handling_conditions=handling_conditions.strip() or None,
            note=note.strip() or None,
        )
    )
    return RedirectResponse(f"/reports/{report_id}", status_code=303)


@router.post("/reports/{report_id}/attachments")
async def add_attachment(
    report_id: str,
    file: UploadFile = File(...),
    principal: Principal = Depends(page_principal),
    ws: Workspace = Depends(workspace_of),
) -> Response:
    await _attach(ws, principal, report_id, file, await read_upload(ws, file))
    return RedirectResponse(f"/reports/{report_id}", status_code=303)


async def _attach(
    ws: Workspace, principal: Principal, report_id: str, file: UploadFile, content: bytes
) -> None:
    await run_in_threadpool(
        reports.add_attachment,
        ws,
        principal.actor,
        report_id,
        file.filename or "attachment",
        file.content_type,
        content,
    )


@router.post("/reports/{report_id}/{step}")
async def report_step(
    request: Request,
    report_id: str,
    step: str,
    note: str = Form("", max_length=5_000),
    principal: Principal = Depends(page_principal),
    ws: Workspace = Depends(workspace_of),
) -> Response:
    if step not in STEPS:
        raise InvalidInput(f"unknown step {step!r}", field="step", hint=", ".join(STEPS))
    action = STEPS[step]
    try:
        await run_in_threadpool(
            lambda: action(ws, principal.actor, report_id, note=note.strip() or None)
        )
    except (InvalidInput, Conflict) as refused:
        # the page again, with the reason and the note as typed
        return await report_page(
            request,
            ws,
            principal,
            report_id,
            error=refused,
            step_failed=step,
            step_note=note,
            status=422 if isinstance(refused, InvalidInput) else 409,
        )
    if step == "return":  # a draft again, which only its author reads
        return RedirectResponse("/reports?status=submitted", status_code=303)
    return RedirectResponse(f"/reports/{report_id}", status_code=303)


@router.get("/attachments/{attachment_id}")
async def download_attachment(
    attachment_id: str,
    principal: Principal = Depends(page_principal),
    ws: Workspace = Depends(workspace_of),
) -> Response:
    view, content = await run_in_threadpool(
        reports.read_attachment, ws, principal.actor, attachment_id
    )
    return attachment_response(view, content)
