"""``/api/v1/tasks``: tasks and requests for information, answered by reports.

A task is known to its issuer, its assignee (the person, or every member of
the agency it is assigned to) and supervisors; to anyone else it answers 404
as one that does not exist. ``answers`` counts only the answering reports the
caller may read. Every change is audited.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Query
from pydantic import BaseModel, Field
from starlette.concurrency import run_in_threadpool

from portintel.domain.actors import Actor
from portintel.services import tasking
from portintel.services.workspace import Workspace
from portintel.web.api.responses import errors
from portintel.web.authentication import api_actor, workspace_of

router = APIRouter(tags=["tasking"])

Status = Literal["open", "answered", "closed", "cancelled"]
PriorityName = Literal["immediate", "high", "routine", "low"]
KindName = Literal["task", "rfi"]
Text = Annotated[str, Field(max_length=64)]


class TaskIn(BaseModel):
    kind: KindName = "rfi"
    title: str = Field(max_length=200)
    question: str = Field(max_length=10_000)
    priority: PriorityName = "routine"
    deadline: datetime | None = Field(None, description="in the future; none for no deadline")
    answer_handling: str = Field(max_length=64, description="e.g. uk-3x5x2:P")
    answer_handling_conditions: str | None = Field(None, max_length=5_000)
    assignee_username: str | None = Field(None, max_length=100, description="one person, or")
    assignee_agency_id: str | None = Field(None, max_length=64, description="one agency")


class TaskSummaryOut(BaseModel):
    id: str
    kind: KindName
    kind_label: str
    title: str
    priority: PriorityName
    priority_label: str
    deadline: datetime | None
    status: Status
    status_label: str
    overdue: bool
    issuer_name: str
    assignee_name: str
    created_at: datetime
    answers: int = Field(description="answering reports the caller may read")

    @classmethod
    def of(cls, task: tasking.TaskSummary) -> TaskSummaryOut:
        return cls(
            id=task.id,
            kind=task.kind.value,
            kind_label=task.kind_label,
            title=task.title,
            priority=task.priority.value,
            priority_label=task.priority_label,
            deadline=task.deadline,
            status=task.status.value,
            status_label=task.status_label,
            overdue=task.overdue,
            issuer_name=task.issuer_name,
            assignee_name=task.assignee_name,
            created_at=task.created_at,
            answers=task.answers,
        )


class TaskPage(BaseModel):
    total: int
    tasks: list[TaskSummaryOut]


class AnswerOut(BaseModel):
    report_id: str
    title: str
    linked_by: str
    linked_at: datetime


class TaskEventOut(BaseModel):
    step: str
    label: str
    actor_name: str
    at: datetime
    note: str | None
    report_id: str | None


class TaskOut(TaskSummaryOut):
    question: str
    answer_handling: str
    answer_handling_label: str
    answer_handling_conditions: str | None
    answer_reports: list[AnswerOut]
    events: list[TaskEventOut]
    allowed_steps: list[str]
    may_answer: bool

    @classmethod
    def of_view(cls, view: tasking.TaskView) -> TaskOut:
        return cls(
            **TaskSummaryOut.of(view.summary).model_dump(),
            question=view.question,
            answer_handling=view.answer_handling,
            answer_handling_label=view.answer_handling_label,
            answer_handling_conditions=view.answer_handling_conditions,
            answer_reports=[
                AnswerOut(
                    report_id=a.report_id,
                    title=a.title,
                    linked_by=a.linked_by,
                    linked_at=a.linked_at,
                )
                for a in view.answer_reports
            ],
            events=[
                TaskEventOut(
                    step=e.step,
                    label=e.label,
                    actor_name=e.actor_name,
                    at=e.at,
                    note=e.note,
                    report_id=e.report_id,
                )
                for e in view.events
            ],
            allowed_steps=[s.value for s in view.allowed_steps],
            may_answer=view.may_answer,
        )


class AnswerIn(BaseModel):
    report_id: str = Field(min_length=1, max_length=64)


class NoteIn(BaseModel):
    note: str = Field(min_length=1, max_length=5_000)


@router.get("/tasks", response_model=TaskPage, responses=errors())
async def list_tasks(
    status: Annotated[list[Status] | None, Query()] = None,
    whose: Literal["all", "assigned", "issued"] = "all",
    overdue: bool = False,
    priority: PriorityName | None = None,
    kind: KindName | None = None,
    text: Annotated[str | None, Query(max_length=200)] = None,
    sort: Literal["deadline", "priority", "created", "status", "title"] = "deadline",
    descending: bool = False,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
    offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0,
    actor: Actor = Depends(api_actor),
    ws: Workspace = Depends(workspace_of),
) -> TaskPage:
    """The tasks the caller may know of, with the total that match (same filters)."""
    filters = tasking.TaskFilters(
        status=tuple(tasking.TaskStatus(s) for s in status or ()),
        whose=whose,
        overdue=overdue,
        priority=tasking.Priority(priority) if priority else None,
        kind=tasking.TaskKind(kind) if kind else None,
        text=text or None,
        sort=sort,
        descending=descending,
        limit=limit,
        offset=offset,
    )

    def work() -> TaskPage:
        found = tasking.list_tasks(ws, actor, filters)
        total = tasking.count_tasks(ws, actor, filters)
        return TaskPage(total=total, tasks=[TaskSummaryOut.of(t) for t in found])

    return await run_in_threadpool(work)


@router.post("/tasks", response_model=TaskOut, status_code=201, responses=errors(write=True))
async def issue(
    body: TaskIn, actor: Actor = Depends(api_actor), ws: Workspace = Depends(workspace_of)
) -> TaskOut:
    """Issue a task or request for information (supervisors; 403 for others)."""
    draft = tasking.TaskDraft(
        title=body.title,
        question=body.question,
        kind=tasking.TaskKind(body.kind),
        priority=tasking.Priority(body.priority),
        deadline=body.deadline,
        answer_handling=body.answer_handling,
        answer_handling_conditions=body.answer_handling_conditions,
        assignee_username=body.assignee_username,
        assignee_agency_id=body.assignee_agency_id,
    )

    def work() -> TaskOut:
        task_id = tasking.issue_task(ws, actor, draft)
        return TaskOut.of_view(tasking.get_task(ws, actor, task_id))

    return await run_in_threadpool(work)


@router.get("/tasks/{task_id}", response_model=TaskOut, responses=errors(404))
async def get_task(
    task_id: str, actor: Actor = Depends(api_actor), ws: Workspace = Depends(workspace_of)
) -> TaskOut:
    """One task with the answers the caller may read and its history (audited)."""
    view = await run_in_threadpool(tasking.get_task, ws, actor, task_id)
    return TaskOut.of_view(view)


@router.post(
    "/tasks/{task_id}/answers", response_model=TaskOut, responses=errors(404, 409, write=True)
)
async def answer(
    task_id: str,
    body: AnswerIn,
    actor: Actor = Depends(api_actor),
    ws: Workspace = Depends(workspace_of),
) -> TaskOut:
    """An assignee answers with a report they may read, submitted or later."""

    def work() -> TaskOut:
        tasking.answer_task(ws, actor, task_id, body.report_id)
        return TaskOut.of_view(tasking.get_task(ws, actor, task_id))

    return await run_in_threadpool(work)


@router.post(
    "/tasks/{task_id}/{step}", response_model=TaskOut, responses=errors(404, 409, write=True)
)
async def step(
    task_id: str,
    step: Literal["close", "reopen", "cancel"],
    body: NoteIn,
    actor: Actor = Depends(api_actor),
    ws: Workspace = Depends(workspace_of),
) -> TaskOut:
    """The issuer (or a supervisor) closes, reopens or cancels the task, with a note."""
    action = {
        "close": tasking.close_task,
        "reopen": tasking.reopen_task,
        "cancel": tasking.cancel_task,
    }[step]

    def work() -> TaskOut:
        action(ws, actor, task_id, body.note)
        return TaskOut.of_view(tasking.get_task(ws, actor, task_id))

    return await run_in_threadpool(work)
