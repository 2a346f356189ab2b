"""Tasks and requests for information: issue, list, read, answer, close, reopen, cancel.

The rules are :mod:`portintel.domain.tasking`'s; this module applies them in
the database. A task the reader may not know of (not its issuer, not its
assignee or a member of the assigned agency, not a supervisor) answers
NotFound exactly as one that does not exist, in lists and counts too: the
condition is part of every query (:func:`visible`), never a filter after a
fetch. The reports that answer a task are read through the reader's own
report scope: a reader sees and counts only the answers they may read.

Every change is audited in the same transaction and kept in the task's
history (``task_events``), and announced to subscribers (the ``task_changed``
hook) once committed: in-app notifications of the assignee and the issuer
subscribe there.

A partner node's request for information (issue #15: "through sharing, when
that exists") is not received yet: the sharing intake would call
:func:`issue_task` as the system actor with the partner's question, assigned
to the agency the partner's agreement names.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal

from sqlalchemy import (
    ColumnElement,
    Connection,
    Select,
    and_,
    case,
    exists,
    func,
    insert,
    or_,
    select,
    true,
    update,
)
from sqlalchemy.orm import aliased

from portintel.adapters.database import tables
from portintel.adapters.database.scope import report_condition
from portintel.adapters.database.search import escaped
from portintel.adapters.vocabularies import load_handling
from portintel.domain.access import reader_scope
from portintel.domain.actors import Actor, Role
from portintel.domain.languages import N_
from portintel.domain.reports import ReportStatus
from portintel.domain.storable_text import refuse_nul
from portintel.domain.tasking import (
    KIND_LABELS,
    NOTE_MAX,
    PRIORITY_LABELS,
    PRIORITY_RANK,
    STATUS_LABELS,
    Priority,
    TaskAccess,
    TaskDraft,
    TaskKind,
    TaskStatus,
    TaskStep,
    allowed_steps,
    check_draft,
    check_step,
    is_overdue,
    may_issue_tasks,
)
from portintel.errors import Conflict, InvalidInput, NotFound, PermissionDenied, PortintelError
from portintel.services import audit
from portintel.services.events import announce, transaction
from portintel.services.workspace import Workspace

_T = tables.tasks.c
_A = tables.task_answers.c
_E = tables.task_events.c
_R = tables.reports.c
_U = tables.users.c

Sort = Literal["deadline", "priority", "created", "status", "title"]
SORTS: tuple[Sort, ...] = ("deadline", "priority", "created", "status", "title")
Whose = Literal["all", "assigned", "issued"]


@dataclass(frozen=True, slots=True)
class TaskFilters:
    """What to list; every field narrows."""

    status: tuple[TaskStatus, ...] = ()
    whose: Whose = "all"
    overdue: bool = False
    priority: Priority | None = None
    kind: TaskKind | None = None
    text: str | None = None
    sort: Sort = "deadline"
    descending: bool = False
    limit: int = 100
    offset: int = 0


@dataclass(frozen=True, slots=True)
class TaskSummary:
    """A task as lists show it: labels, names, and the answers the reader may read."""

    id: str
    kind: TaskKind
    title: str
    priority: Priority
    deadline: datetime | None
    status: TaskStatus
    issuer_name: str
    assignee_name: str
    """The person's name, or the agency's."""
    created_at: datetime
    answers: int
    """Answers the reader may read (counts leak nothing)."""
    overdue: bool

    @property
    def kind_label(self) -> str:
        return KIND_LABELS[self.kind]

    @property
    def priority_label(self) -> str:
        return PRIORITY_LABELS[self.priority]

    @property
    def status_label(self) -> str:
        return STATUS_LABELS[self.status]


@dataclass(frozen=True, slots=True)
class TaskAnswer:
    report_id: str
    title: str
    status_label: str
    linked_by: str
    linked_at: datetime


@dataclass(frozen=True, slots=True)
class TaskEvent:
    step: str
    label: str
    actor_name: str
    at: datetime
    note: str | None
    report_id: str | None
    """The answering report, only when the reader may read it."""


@dataclass(frozen=True, slots=True)
class TaskView:
    summary: TaskSummary
    question: str
    answer_handling: str
    answer_handling_label: str
    answer_handling_conditions: str | None
    assignee_username: str | None
    assignee_agency_id: str | None
    issuer_username: str
    answer_reports: tuple[TaskAnswer, ...]
    events: tuple[TaskEvent, ...]
    allowed_steps: tuple[TaskStep, ...]
    may_answer: bool


STEP_LABELS = {
    "issue": N_("Issued"),
    TaskStep.ANSWER.value: N_("Answered with a report"),
    TaskStep.CLOSE.value: N_("Closed"),
    TaskStep.REOPEN.value: N_("Reopened"),
    TaskStep.CANCEL.value: N_("Cancelled"),
}


def visible(actor: Actor) -> ColumnElement[bool]:
    """The tasks ``actor`` may know of, as SQL (:func:`~portintel.domain.tasking.may_read_task`)."""
    if actor.is_system or actor.has(Role.SUPERVISOR):
        return true()
    return or_(
        _T.issuer_id == actor.user_id,
        _T.assignee_user_id == actor.user_id,
        and_(_T.assignee_user_id.is_(None), _T.assignee_agency_id == actor.agency_id),
    )


def _assigned_to(actor: Actor) -> ColumnElement[bool]:
    return or_(
        _T.assignee_user_id == actor.user_id,
        and_(_T.assignee_user_id.is_(None), _T.assignee_agency_id == actor.agency_id),
    )


def _readable_answers(actor: Actor) -> ColumnElement[Any]:
    """How many answers of the row's task the actor may read (a correlated count)."""
    return (
        select(func.count())
        .select_from(tables.task_answers.join(tables.reports, _R.id == _A.report_id))
        .where(_A.task_id == _T.id, report_condition(reader_scope(actor).reports))
        .scalar_subquery()
    )


def _listed(actor: Actor) -> Select[Any]:
    issuer = aliased(tables.users)
    assignee = aliased(tables.users)
    return (
        select(
            tables.tasks,
            issuer.c.display_name.label("issuer_name"),
            issuer.c.username.label("issuer_username"),
            assignee.c.display_name.label("assignee_user_name"),
            assignee.c.username.label("assignee_username"),
            tables.agencies.c.name.label("assignee_agency_name"),
            _readable_answers(actor).label("answers"),
        )
        .select_from(
            tables.tasks.join(issuer, issuer.c.id == _T.issuer_id)
            .outerjoin(assignee, assignee.c.id == _T.assignee_user_id)
            .outerjoin(tables.agencies, tables.agencies.c.id == _T.assignee_agency_id)
        )
        .where(visible(actor))
    )


def _summary(row: Any, now: datetime) -> TaskSummary:
    status = TaskStatus(row.status)
    return TaskSummary(
        id=row.id,
        kind=TaskKind(row.kind),
        title=row.title,
        priority=Priority(row.priority),
        deadline=row.deadline,
        status=status,
        issuer_name=row.issuer_name,
        assignee_name=row.assignee_user_name or row.assignee_agency_name or "",
        created_at=row.created_at,
        answers=int(row.answers or 0),
        overdue=is_overdue(status, row.deadline, now),
    )


def _filtered(query: Select[Any], actor: Actor, filters: TaskFilters, now: datetime) -> Select[Any]:
    if filters.status:
        query = query.where(_T.status.in_([s.value for s in filters.status]))
    if filters.whose == "assigned":
        query = query.where(_assigned_to(actor))
    elif filters.whose == "issued":
        query = query.where(_T.issuer_id == actor.user_id)
    if filters.overdue:
        query = query.where(
            _T.status == TaskStatus.OPEN.value, _T.deadline.is_not(None), _T.deadline < now
        )
    if filters.priority is not None:
        query = query.where(_T.priority == filters.priority.value)
    if filters.kind is not None:
        query = query.where(_T.kind == filters.kind.value)
    if filters.text:
        pattern = f"%{escaped(filters.text.lower())}%"
        query = query.where(
            _T.title.ilike(pattern, escape="\\") | _T.question.ilike(pattern, escape="\\")
        )
    return query


def _order(filters: TaskFilters) -> list[Any]:
    rank = case(
        {priority.value: rank for priority, rank in PRIORITY_RANK.items()}, value=_T.priority
    )
    status_rank = case({status.value: i for i, status in enumerate(TaskStatus)}, value=_T.status)
    column: Any = {
        "deadline": _T.deadline,
        "priority": rank,
        "created": _T.created_at,
        "status": status_rank,
        "title": func.lower(_T.title),
    }[filters.sort]
    first = column.desc() if filters.descending else column.asc()
    if filters.sort == "deadline":
        # tasks without a deadline come last either way
        return [_T.deadline.is_(None), first, rank, _T.id]
    return [first, _T.deadline.is_(None), _T.deadline, _T.id]


def list_tasks(
    ws: Workspace, actor: Actor, filters: TaskFilters | None = None
) -> list[TaskSummary]:
    """The tasks the reader may know of that match ``filters``. Audited."""
    filters = filters or TaskFilters()
    now = ws.clock()
    query = (
        _filtered(_listed(actor), actor, filters, now)
        .order_by(*_order(filters))
        .limit(max(filters.limit, 0))
        .offset(max(filters.offset, 0))
    )
    with ws.engine.begin() as connection:
        rows = connection.execute(query).all()
        audit.record(
            connection,
            actor,
            "task.list",
            object_type="task",
            detail={"offset": filters.offset, "shown": len(rows), "whose": filters.whose},
            at=now,
        )
    return [_summary(row, now) for row in rows]


def count_tasks(ws: Workspace, actor: Actor, filters: TaskFilters | None = None) -> int:
    """How many tasks the reader may know of match ``filters``."""
    filters = filters or TaskFilters()
    query = _filtered(
        select(func.count()).select_from(tables.tasks).where(visible(actor)),
        actor,
        filters,
        ws.clock(),
    )
    with ws.engine.connect() as connection:
        return int(connection.execute(query).scalar_one())


def _task_row(connection: Connection, actor: Actor, task_id: str) -> Any:
    row = connection.execute(_listed(actor).where(_T.id == task_id)).first()
    if row is None:
        raise NotFound(f"task {task_id} not found", hint="check the link, or ask the task's issuer")
    return row


def _access(row: Any) -> TaskAccess:
    return TaskAccess(row.issuer_id, row.assignee_user_id, row.assignee_agency_id)


def get_task(ws: Workspace, actor: Actor, task_id: str) -> TaskView:
    """One task with its answers (those the reader may read) and history. Audited."""
    scope = reader_scope(actor).reports
    now = ws.clock()
    with ws.engine.begin() as connection:
        row = _task_row(connection, actor, task_id)
        linker = aliased(tables.users)
        answers = connection.execute(
            select(_R.id, _R.title, _R.status, linker.c.display_name, _A.linked_at)
            .select_from(
                tables.task_answers.join(tables.reports, _R.id == _A.report_id).join(
                    linker, linker.c.id == _A.linked_by
                )
            )
            .where(_A.task_id == task_id, report_condition(scope))
            .order_by(_A.linked_at, _R.id)
        ).all()
        readable = {answer.id for answer in answers}
        events = connection.execute(
            select(tables.task_events, _U.display_name)
            .select_from(tables.task_events.outerjoin(tables.users, _U.id == _E.actor_id))
            .where(_E.task_id == task_id)
            .order_by(_E.id)
        ).all()
        audit.record(connection, actor, "task.read", object_type="task", object_id=task_id, at=now)
    status = TaskStatus(row.status)
    access = _access(row)
    steps = allowed_steps(actor, access, status)
    return TaskView(
        summary=_summary(row, now),
        question=row.question,
        answer_handling=row.answer_handling,
        answer_handling_label=_handling_label(row.answer_handling),
        answer_handling_conditions=row.answer_handling_conditions,
        assignee_username=row.assignee_username,
        assignee_agency_id=row.assignee_agency_id,
        issuer_username=row.issuer_username,
        answer_reports=tuple(
            TaskAnswer(
                report_id=a.id,
                title=a.title,
                status_label=ReportStatus(a.status).value.capitalize(),
                linked_by=a.display_name,
                linked_at=a.linked_at,
            )
            for a in answers
        ),
        events=tuple(
            TaskEvent(
                step=e.step,
                label=STEP_LABELS.get(e.step, e.step),
                actor_name=e.display_name or "portintel",
                at=e.at,
                note=e.note,
                report_id=e.report_id if e.report_id in readable else None,
            )
            for e in events
        ),
        allowed_steps=tuple(s for s in steps if s is not TaskStep.ANSWER),
        may_answer=TaskStep.ANSWER in steps,
    )


def _handling_label(code: str) -> str:
    try:
        return load_handling().label(code)
    except PortintelError:
        return code


def _checked_handling(code: str, conditions: str | None) -> tuple[str, str | None]:
    try:
        parsed = load_handling().parse(code, conditions)
    except PortintelError as exc:
        raise InvalidInput(
            f"answer handling: {exc.message}", field="answer_handling", hint=exc.hint
        ) from exc
    return str(parsed), parsed.conditions


def _assignee(connection: Connection, draft: TaskDraft) -> tuple[str | None, str | None]:
    if draft.assignee_username:
        user = connection.execute(
            select(_U.id, _U.active).where(_U.username == draft.assignee_username.strip())
        ).first()
        if user is None or not user.active:
            raise InvalidInput(
                f"no active user named {draft.assignee_username}",
                field="assignee",
                hint="choose a colleague from the list, or assign the task to an agency",
            )
        return user.id, None
    agency = connection.execute(
        select(tables.agencies.c.id).where(tables.agencies.c.id == draft.assignee_agency_id)
    ).first()
    if agency is None:
        raise InvalidInput(
            f"no agency {draft.assignee_agency_id}",
            field="assignee",
            hint="choose an agency from the list",
        )
    return None, agency.id


def issue_task(ws: Workspace, actor: Actor, draft: TaskDraft) -> str:
    """A supervisor issues a task or request for information; returns its id (audited)."""
    if not may_issue_tasks(actor):
        raise PermissionDenied(
            "only supervisors issue tasks and requests for information",
            hint="ask a supervisor to task it",
        )
    now = ws.clock()
    check_draft(draft, now)
    handling, conditions = _checked_handling(
        draft.answer_handling, draft.answer_handling_conditions
    )
    task_id = f"T-{now:%Y%m%d}-{secrets.token_hex(4)}"
    with transaction(ws) as connection:
        user_id, agency_id = _assignee(connection, draft)
        connection.execute(
            insert(tables.tasks).values(
                id=task_id,
                kind=draft.kind.value,
                title=draft.title.strip(),
                question=draft.question,
                priority=draft.priority.value,
                deadline=draft.deadline,
                answer_handling=handling,
                answer_handling_conditions=conditions,
                status=TaskStatus.OPEN.value,
                issuer_id=actor.user_id,
                assignee_user_id=user_id,
                assignee_agency_id=agency_id,
                created_at=now,
                updated_at=now,
            )
        )
        _event(connection, actor, task_id, "issue", None, TaskStatus.OPEN, now, None, None)
        audit.record(
            connection,
            actor,
            "task.issued",
            object_type="task",
            object_id=task_id,
            detail={
                "kind": draft.kind.value,
                "priority": draft.priority.value,
                "assignee": draft.assignee_username or agency_id,
                "deadline": draft.deadline.isoformat() if draft.deadline else None,
                "answer_handling": handling,
            },
            at=now,
        )
    return task_id


def _event(
    connection: Connection,
    actor: Actor,
    task_id: str,
    step: str,
    before: TaskStatus | None,
    after: TaskStatus,
    now: datetime,
    note: str | None,
    report_id: str | None,
) -> None:
    connection.execute(
        insert(tables.task_events).values(
            task_id=task_id,
            step=step,
            from_status=before.value if before else None,
            to_status=after.value,
            actor_id=None if actor.is_system else actor.user_id,
            at=now,
            note=note,
            report_id=report_id,
        )
    )
    announce(
        connection, "task_changed", task_id=task_id, change=step, actor_id=actor.user_id, at=now
    )


def _move(
    connection: Connection,
    actor: Actor,
    row: Any,
    step: TaskStep,
    now: datetime,
    note: str | None,
    report_id: str | None = None,
) -> TaskStatus:
    before = TaskStatus(row.status)
    after = check_step(actor, step, before, _access(row), note)
    result = connection.execute(
        update(tables.tasks)
        .where(_T.id == row.id, _T.status == before.value)
        .values(
            status=after.value,
            updated_at=now,
            closed_at=now if after in (TaskStatus.CLOSED, TaskStatus.CANCELLED) else None,
        )
    )
    if result.rowcount != 1:
        raise Conflict(f"task {row.id} changed meanwhile", hint="reload it and try again")
    _event(connection, actor, row.id, step.value, before, after, now, note, report_id)
    detail: dict[str, object] = {"from": before.value, "to": after.value}
    if report_id:
        detail["report"] = report_id
    audit.record(
        connection,
        actor,
        f"task.{step.value}",
        object_type="task",
        object_id=row.id,
        detail=detail,
        at=now,
    )
    return after


def answer_task(ws: Workspace, actor: Actor, task_id: str, report_id: str) -> TaskStatus:
    """An assignee answers with a report they may read, handed in (submitted or later)."""
    now = ws.clock()
    with transaction(ws) as connection:
        row = _task_row(connection, actor, task_id)
        link_answer(connection, actor, row, report_id.strip(), now)
        return TaskStatus.ANSWERED


def link_answer(
    connection: Connection, actor: Actor, row: Any, report_id: str, now: datetime
) -> None:
    report = connection.execute(
        select(_R.id, _R.status).where(
            _R.id == report_id, report_condition(reader_scope(actor).reports)
        )
    ).first()
    if report is None:
        raise InvalidInput(
            f"report {report_id} not found",
            field="report_id",
            hint="give the id of a report you can open (R-...)",
        )
    if report.status == ReportStatus.DRAFT.value:
        raise InvalidInput(
            f"report {report_id} is a draft",
            field="report_id",
            hint="submit it for evaluation first: an answer is a report the issuer can read",
        )
    linked = connection.execute(
        select(_A.report_id).where(_A.task_id == row.id, _A.report_id == report_id)
    ).first()
    if linked is not None:
        raise Conflict(f"report {report_id} already answers this task", hint="link another report")
    _move(connection, actor, row, TaskStep.ANSWER, now, None, report_id=report_id)
    connection.execute(
        insert(tables.task_answers).values(
            task_id=row.id, report_id=report_id, linked_by=actor.user_id, linked_at=now
        )
    )


def answerable(ws: Workspace, actor: Actor, task_id: str) -> Any:
    """The task's row if ``actor`` may answer it now (for the report form's link back)."""
    with ws.engine.connect() as connection:
        row = _task_row(connection, actor, task_id)
    check_step(actor, TaskStep.ANSWER, TaskStatus(row.status), _access(row), None)
    return row


def _step(ws: Workspace, actor: Actor, task_id: str, step: TaskStep, note: str) -> TaskStatus:
    if len(note) > NOTE_MAX:
        raise InvalidInput(f"the note is longer than {NOTE_MAX} characters", field="note")
    refuse_nul(note, "note")
    with transaction(ws) as connection:
        row = _task_row(connection, actor, task_id)
        return _move(connection, actor, row, step, ws.clock(), note.strip() or None)


def close_task(ws: Workspace, actor: Actor, task_id: str, note: str) -> TaskStatus:
    """The issuer (or a supervisor) closes the task, saying why (audited)."""
    return _step(ws, actor, task_id, TaskStep.CLOSE, note)


def reopen_task(ws: Workspace, actor: Actor, task_id: str, note: str) -> TaskStatus:
    """The issuer (or a supervisor) reopens it: the answer does not do, and why."""
    return _step(ws, actor, task_id, TaskStep.REOPEN, note)


def cancel_task(ws: Workspace, actor: Actor, task_id: str, note: str) -> TaskStatus:
    """The issuer (or a supervisor) withdraws the question, saying why."""
    return _step(ws, actor, task_id, TaskStep.CANCEL, note)


@dataclass(frozen=True, slots=True)
class Assignee:
    username: str
    display_name: str
    agency_name: str


def assignable_people(ws: Workspace, actor: Actor) -> list[Assignee]:
    """Active colleagues who work with intelligence, for the issuer's picker."""
    if not may_issue_tasks(actor):
        raise PermissionDenied("only supervisors issue tasks and requests for information")
    roles = tables.user_roles.c
    working = exists().where(
        roles.user_id == _U.id,
        roles.role.in_(
            [r.value for r in (Role.OFFICER, Role.ANALYST, Role.SUPERVISOR, Role.SOURCE_HANDLER)]
        ),
    )
    with ws.engine.connect() as connection:
        rows = connection.execute(
            select(_U.username, _U.display_name, tables.agencies.c.name)
            .select_from(tables.users.join(tables.agencies, tables.agencies.c.id == _U.agency_id))
            .where(_U.active.is_(True), working)
            .order_by(func.lower(_U.display_name), _U.username)
        ).all()
    return [Assignee(row.username, row.display_name, row.name) for row in rows]
