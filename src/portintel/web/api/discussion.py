"""``/api/v1``: comments on reports and entities, a report's assignment, my notifications.

A report or entity the caller may not read is 404, exactly as one that does
not exist (its comments are neither listed nor counted). Each write is
audited by the service.
"""

from __future__ import annotations

from datetime import datetime

from fastapi import APIRouter, Depends
from pydantic import AwareDatetime, BaseModel, ConfigDict, Field
from starlette.concurrency import run_in_threadpool

from portintel.domain.actors import Actor
from portintel.services import discussion, notices
from portintel.services.workspace import Workspace
from portintel.web.api.responses import errors
from portintel.web.authentication import api_actor, workspace_of

router = APIRouter(tags=["discussion"])


class CommentIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    body: str = Field(min_length=1, max_length=discussion.COMMENT_MAX_CHARS)


class CommentOut(BaseModel):
    id: str
    author_name: str
    body: str
    created_at: datetime


class AssignmentIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    assignee: str = Field(min_length=1, max_length=64, description="a user id (U-...)")
    deadline: AwareDatetime | None = None
    note: str | None = Field(default=None, max_length=5_000)


class AssignmentOut(BaseModel):
    assignee_id: str
    assignee_name: str
    assigned_by_name: str
    assigned_at: datetime
    deadline: datetime | None
    note: str | None


class NotificationOut(BaseModel):
    id: int
    kind: str = Field(description="returned, comment, assigned, deadline_near or overdue")
    kind_label: str
    text: str
    link: str | None
    created_at: datetime
    read: bool


class ReadIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    notification: int | None = Field(default=None, description="one notification; none: all")


class ReadOut(BaseModel):
    marked: int


def _comments(ws: Workspace, actor: Actor, kind: str, subject_id: str) -> list[CommentOut]:
    return [
        CommentOut(id=c.id, author_name=c.author_name, body=c.body, created_at=c.created_at)
        for c in discussion.list_comments(ws, actor, kind, subject_id)
    ]


@router.get("/reports/{report_id}/comments", responses=errors(404))
async def report_comments(
    report_id: str, actor: Actor = Depends(api_actor), ws: Workspace = Depends(workspace_of)
) -> list[CommentOut]:
    """The comment thread under a report, oldest first."""
    return await run_in_threadpool(_comments, ws, actor, "report", report_id)


@router.post(
    "/reports/{report_id}/comments", status_code=201, responses=errors(404, 422, write=True)
)
async def comment_report(
    report_id: str,
    comment: CommentIn,
    actor: Actor = Depends(api_actor),
    ws: Workspace = Depends(workspace_of),
) -> list[CommentOut]:
    """Add a comment under a report; the thread as it now stands."""

    def work() -> list[CommentOut]:
        discussion.add_comment(ws, actor, "report", report_id, comment.body)
        return _comments(ws, actor, "report", report_id)

    return await run_in_threadpool(work)


@router.get("/entities/{entity_id}/comments", responses=errors(404))
async def entity_comments(
    entity_id: str, actor: Actor = Depends(api_actor), ws: Workspace = Depends(workspace_of)
) -> list[CommentOut]:
    """The comment thread under an entity, oldest first."""
    return await run_in_threadpool(_comments, ws, actor, "entity", entity_id)


@router.post(
    "/entities/{entity_id}/comments", status_code=201, responses=errors(404, 422, write=True)
)
async def comment_entity(
    entity_id: str,
    comment: CommentIn,
    actor: Actor = Depends(api_actor),
    ws: Workspace = Depends(workspace_of),
) -> list[CommentOut]:
    """Add a comment under an entity; the thread as it now stands."""

    def work() -> list[CommentOut]:
        discussion.add_comment(ws, actor, "entity", entity_id, comment.body)
        return _comments(ws, actor, "entity", entity_id)

    return await run_in_threadpool(work)


def _assignment(ws: Workspace, actor: Actor, report_id: str) -> AssignmentOut | None:
    view = discussion.assignment_of(ws, actor, report_id)
    if view is None:
        return None
    return AssignmentOut(
        assignee_id=view.assignee_id,
        assignee_name=view.assignee_name,
        assigned_by_name=view.assigned_by_name,
        assigned_at=view.assigned_at,
        deadline=view.deadline,
        note=view.note,
    )


@router.get("/reports/{report_id}/assignment", responses=errors(404))
async def report_assignment(
    report_id: str, actor: Actor = Depends(api_actor), ws: Workspace = Depends(workspace_of)
) -> AssignmentOut | None:
    """Who evaluates the report and by when (null: nobody yet)."""
    return await run_in_threadpool(_assignment, ws, actor, report_id)


@router.put("/reports/{report_id}/assignment", responses=errors(404, 409, 422, write=True))
async def assign_report(
    report_id: str,
    assignment: AssignmentIn,
    actor: Actor = Depends(api_actor),
    ws: Workspace = Depends(workspace_of),
) -> AssignmentOut | None:
    """A supervisor assigns a submitted report for evaluation (replacing any earlier one)."""

    def work() -> AssignmentOut | None:
        discussion.assign_report(
            ws,
            actor,
            report_id,
            assignment.assignee,
            deadline=assignment.deadline,
            note=assignment.note,
        )
        return _assignment(ws, actor, report_id)

    return await run_in_threadpool(work)


@router.get("/notifications", responses=errors())
async def my_notifications(
    unread: bool = False, actor: Actor = Depends(api_actor), ws: Workspace = Depends(workspace_of)
) -> list[NotificationOut]:
    """My notifications, newest first (about what I may still read only)."""
    items = await run_in_threadpool(
        lambda: notices.list_notifications(ws, actor, unread_only=unread)
    )
    return [
        NotificationOut(
            id=n.id,
            kind=n.kind,
            kind_label=n.kind_label,
            text=n.text,
            link=n.link,
            created_at=n.created_at,
            read=n.read,
        )
        for n in items
    ]


@router.post("/notifications/read", responses=errors(404, write=True))
async def read_notifications(
    marking: ReadIn, actor: Actor = Depends(api_actor), ws: Workspace = Depends(workspace_of)
) -> ReadOut:
    """Mark one of my notifications, or all of them, as read."""
    marked = await run_in_threadpool(notices.mark_read, ws, actor, marking.notification)
    return ReadOut(marked=marked)
