"""Task pages: the list with filters, sort and totals; the form; the task with its answers.

The form keeps what was typed on every refusal; a step refused on the task
page (a close without a note) comes back with the note as typed.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Form, Query, Request
from fastapi.responses import RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from portintel.domain.languages import N_
from portintel.errors import InvalidInput, NotFound, PortintelError
from portintel.services import admin, tasking
from portintel.services.workspace import Workspace
from portintel.web.authentication import Principal, page_principal, workspace_of
from portintel.web.error_responses import status_for
from portintel.web.routes.intake.report_forms import parse_local_time
from portintel.web.templating import render

router = APIRouter()
PAGE_SIZE = 50
STEPS = {
    "close": tasking.close_task,
    "reopen": tasking.reopen_task,
    "cancel": tasking.cancel_task,
}
STEP_BUTTONS = {"close": N_("Close"), "reopen": N_("Reopen"), "cancel": N_("Cancel the task")}
SORT_LABELS = {
    "deadline": N_("Deadline"),
    "priority": N_("Priority"),
    "created": N_("Issued"),
    "status": N_("Status"),
    "title": N_("Title"),
}
WHOSE_LABELS = {
    "all": N_("All I may see"),
    "assigned": N_("Assigned to me"),
    "issued": N_("Issued by me"),
}


def _choice(value: str, allowed: Any, field: str) -> Any:
    if not value:
        return None
    try:
        return allowed(value)
    except ValueError as exc:
        raise InvalidInput(f"unknown {field} {value!r}", field=field) from exc


@router.get("/tasks")
async def task_list(
    request: Request,
    status: str = Query("", max_length=16),
    whose: str = Query("all", max_length=16),
    overdue: bool = Query(False),
    priority: str = Query("", max_length=16),
    kind: str = Query("", max_length=16),
    text: str = Query("", max_length=200),
    sort: str = Query("deadline", max_length=16),
    order: str = Query("asc", max_length=4),
    page: int = Query(1, ge=1, le=100_000),
    principal: Principal = Depends(page_principal),
    ws: Workspace = Depends(workspace_of),
) -> Response:
    chosen_status = _choice(status, tasking.TaskStatus, "status")
    if whose not in WHOSE_LABELS:
        raise InvalidInput(f"unknown choice {whose!r}", field="whose")
    if sort not in tasking.SORTS:
        raise InvalidInput(f"cannot sort by {sort!r}", field="sort")
    filters = tasking.TaskFilters(
        status=(chosen_status,) if chosen_status else (),
        whose=whose,  # type: ignore[arg-type]
        overdue=overdue,
        priority=_choice(priority, tasking.Priority, "priority"),
        kind=_choice(kind, tasking.TaskKind, "kind"),
        text=text.strip() or None,
        sort=sort,
        descending=order == "desc",
        limit=PAGE_SIZE,
        offset=(page - 1) * PAGE_SIZE,
    )

    def work() -> dict[str, Any]:
        return {
            "tasks": tasking.list_tasks(ws, principal.actor, filters),
            "total": tasking.count_tasks(ws, principal.actor, filters),
        }

    context = await run_in_threadpool(work)
    form = {
        "status": status,
        "whose": whose if whose != "all" else "",
        "overdue": "true" if overdue else "",
        "priority": priority,
        "kind": kind,
        "text": text,
    }
    base = {key: value for key, value in form.items() if value}
    context.update(
        form=form,
        sort=sort,
        order=order,
        page=page,
        has_next=page * PAGE_SIZE < context["total"],
        query=urlencode({**base, "sort": sort, "order": order}),
        sort_links={
            key: urlencode(
                {**base, "sort": key, "order": "desc" if key == sort and order != "desc" else "asc"}
            )
            for key in SORT_LABELS
        },
        sort_labels=SORT_LABELS,
        whose_labels=WHOSE_LABELS,
        statuses=tasking.STATUS_LABELS,
        priorities=tasking.PRIORITY_LABELS,
        kinds=tasking.KIND_LABELS,
        may_issue="supervisor" in principal.actor.roles,
    )
    return render(request, "tasking/list.html", context)


@dataclass
class TaskForm:
    """The task form as typed, so a refused form comes back filled in."""

    kind: str = "rfi"
    title: str = ""
    question: str = ""
    priority: str = "routine"
    deadline: str = ""
    answer_handling: str = ""
    handling_conditions: str = ""
    assignee: str = ""
    """``user:USERNAME`` or ``agency:ID``."""

    def draft(self) -> tasking.TaskDraft:
        kind = _choice(self.kind, tasking.TaskKind, "kind") or tasking.TaskKind.RFI
        priority = _choice(self.priority, tasking.Priority, "priority") or tasking.Priority.ROUTINE
        who, _, name = self.assignee.partition(":")
        return tasking.TaskDraft(
            title=self.title,
            question=self.question,
            kind=kind,
            priority=priority,
            deadline=parse_local_time(self.deadline, "deadline"),
            answer_handling=self.answer_handling,
            answer_handling_conditions=self.handling_conditions.strip() or None,
            assignee_username=name if who == "user" and name else None,
            assignee_agency_id=name if who == "agency" and name else None,
        )


def _form_page(
    request: Request,
    ws: Workspace,
    principal: Principal,
    form: TaskForm,
    *,
    error: PortintelError | None = None,
    status: int = 200,
) -> Response:
    context = {
        "form": form,
        "error": error,
        "pickers": request.app.state.pickers,
        "people": tasking.assignable_people(ws, principal.actor),
        "agencies": admin.list_agencies(ws),
        "priorities": tasking.PRIORITY_LABELS,
        "kinds": tasking.KIND_LABELS,
    }
    return render(request, "tasking/form.html", context, status_code=status)


@router.get("/tasks/new")
async def new_task(
    request: Request,
    principal: Principal = Depends(page_principal),
    ws: Workspace = Depends(workspace_of),
) -> Response:
    form = TaskForm(answer_handling=request.app.state.pickers.default_handling)
    return await run_in_threadpool(_form_page, request, ws, principal, form)


@router.post("/tasks")
async def issue_task(
    request: Request,
    principal: Principal = Depends(page_principal),
    ws: Workspace = Depends(workspace_of),
) -> Response:
    data = await request.form()
    form = TaskForm(
        **{
            name: value
            for name in TaskForm.__dataclass_fields__
            if isinstance(value := data.get(name, ""), str)
        }
    )
    try:
        draft = form.draft()
        task_id = await run_in_threadpool(tasking.issue_task, ws, principal.actor, draft)
    except InvalidInput as exc:
        refused: InvalidInput = exc
        return await run_in_threadpool(
            lambda: _form_page(request, ws, principal, form, error=refused, status=422)
        )
    return RedirectResponse(f"/tasks/{task_id}", status_code=303)


async def _task_page(
    request: Request,
    ws: Workspace,
    principal: Principal,
    task_id: str,
    *,
    error: PortintelError | None = None,
    typed: dict[str, str] | None = None,
    status: int = 200,
) -> Response:
    view = await run_in_threadpool(tasking.get_task, ws, principal.actor, task_id)
    context = {
        "task": view,
        "error": error,
        "typed": typed or {},
        "step_buttons": STEP_BUTTONS,
    }
    return render(request, "tasking/detail.html", context, status_code=status)


@router.get("/tasks/{task_id}")
async def task_page(
    request: Request,
    task_id: str,
    principal: Principal = Depends(page_principal),
    ws: Workspace = Depends(workspace_of),
) -> Response:
    return await _task_page(request, ws, principal, task_id)


@router.post("/tasks/{task_id}/answers")
async def answer_task(
    request: Request,
    task_id: str,
    report_id: str = Form("", max_length=64),
    principal: Principal = Depends(page_principal),
    ws: Workspace = Depends(workspace_of),
) -> Response:
    try:
        await run_in_threadpool(tasking.answer_task, ws, principal.actor, task_id, report_id)
    except PortintelError as exc:
        if isinstance(exc, NotFound):
            raise
        return await _task_page(
            request,
            ws,
            principal,
            task_id,
            error=exc,
            typed={"report_id": report_id},
            status=status_for(exc),
        )
    return RedirectResponse(f"/tasks/{task_id}", status_code=303)


@router.post("/tasks/{task_id}/{step}")
async def task_step(
    request: Request,
    task_id: str,
    step: str,
    note: str = Form("", max_length=5_000),
    principal: Principal = Depends(page_principal),
    ws: Workspace = Depends(workspace_of),
) -> Response:
    action = STEPS.get(step)
    if action is None:
        raise InvalidInput(f"unknown step {step!r}", field="step", hint="close, reopen or cancel")
    try:
        await run_in_threadpool(action, ws, principal.actor, task_id, note)
    except PortintelError as exc:
        if isinstance(exc, NotFound):
            raise
        return await _task_page(
            request,
            ws,
            principal,
            task_id,
            error=exc,
            typed={"step": step, "note": note},
            status=status_for(exc),
        )
    return RedirectResponse(f"/tasks/{task_id}", status_code=303)
