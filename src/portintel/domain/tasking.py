"""Tasks and requests for information: who issues them, who answers, who closes.

A supervisor (at a CAU node, the CAU's supervisors; a partner node's request
arrives through sharing, see :mod:`portintel.services.tasking`) puts a
question to a person or to an agency of the unit, with a priority, a
deadline and the handling the answer must carry. The assignee answers by
linking reports, existing ones or new ones written for it; the issuer closes
the task with a note, or reopens it when the answer does not do.

The lifecycle is one table, :data:`TASK_STEPS`, read by :func:`check_step`:

=========== ========================= ========== ==================================
step        from                      to         who
=========== ========================= ========== ==================================
answer      open, answered            answered   an assignee (links a report)
close       open, answered            closed     the issuer or a supervisor, a note
reopen      answered, closed          open       the issuer or a supervisor, a note
cancel      open, answered            cancelled  the issuer or a supervisor, a note
=========== ========================= ========== ==================================

Closing, reopening and cancelling need words: the assignee and the record
must know why (:data:`NOTE_REQUIRED`). A task is **overdue** when it is
still open (nobody answered it) after its deadline; an answered task waits
for its issuer and is not overdue.

Who may know a task exists (:func:`may_read_task`): its issuer, its
assignee (the person, or every member of the agency it is assigned to) and
supervisors. Everyone else is told it does not exist. The reports that
answer a task keep their own need-to-know (:mod:`portintel.domain.access`):
a reader of the task sees, and counts, only the answers they may read.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from portintel.domain.actors import Actor, Role
from portintel.domain.languages import N_
from portintel.domain.storable_text import refuse_nul
from portintel.errors import Conflict, InvalidInput, PermissionDenied


class TaskKind(StrEnum):
    TASK = "task"
    RFI = "rfi"


KIND_LABELS = {TaskKind.TASK: N_("Task"), TaskKind.RFI: N_("Request for information")}


class TaskStatus(StrEnum):
    OPEN = "open"
    ANSWERED = "answered"
    CLOSED = "closed"
    CANCELLED = "cancelled"


STATUS_LABELS = {
    TaskStatus.OPEN: N_("Open"),
    TaskStatus.ANSWERED: N_("Answered"),
    TaskStatus.CLOSED: N_("Closed"),
    TaskStatus.CANCELLED: N_("Cancelled"),
}


class Priority(StrEnum):
    """How soon the answer is needed; ordered from the most urgent."""

    IMMEDIATE = "immediate"
    HIGH = "high"
    ROUTINE = "routine"
    LOW = "low"


PRIORITY_LABELS = {
    Priority.IMMEDIATE: N_("Immediate"),
    Priority.HIGH: N_("High"),
    Priority.ROUTINE: N_("Routine"),
    Priority.LOW: N_("Low"),
}
PRIORITY_RANK = {priority: rank for rank, priority in enumerate(Priority)}
"""Sorting by priority puts the most urgent first (0 = immediate)."""


class TaskStep(StrEnum):
    ANSWER = "answer"
    CLOSE = "close"
    REOPEN = "reopen"
    CANCEL = "cancel"


class Who(StrEnum):
    ASSIGNEE = "assignee"
    ISSUER = "issuer"  # the issuer, or any supervisor


@dataclass(frozen=True, slots=True)
class Step:
    step: TaskStep
    sources: frozenset[TaskStatus]
    target: TaskStatus
    who: Who


TASK_STEPS: dict[TaskStep, Step] = {
    s.step: s
    for s in (
        Step(
            TaskStep.ANSWER,
            frozenset({TaskStatus.OPEN, TaskStatus.ANSWERED}),
            TaskStatus.ANSWERED,
            Who.ASSIGNEE,
        ),
        Step(
            TaskStep.CLOSE,
            frozenset({TaskStatus.OPEN, TaskStatus.ANSWERED}),
            TaskStatus.CLOSED,
            Who.ISSUER,
        ),
        Step(
            TaskStep.REOPEN,
            frozenset({TaskStatus.ANSWERED, TaskStatus.CLOSED}),
            TaskStatus.OPEN,
            Who.ISSUER,
        ),
        Step(
            TaskStep.CANCEL,
            frozenset({TaskStatus.OPEN, TaskStatus.ANSWERED}),
            TaskStatus.CANCELLED,
            Who.ISSUER,
        ),
    )
}

NOTE_REQUIRED = frozenset({TaskStep.CLOSE, TaskStep.REOPEN, TaskStep.CANCEL})

QUESTION_MAX = 10_000
TITLE_MAX = 200
NOTE_MAX = 5_000


@dataclass(frozen=True, slots=True)
class TaskAccess:
    """The facts about a task that decide who may know of it and act on it."""

    issuer_id: str
    assignee_user_id: str | None
    assignee_agency_id: str | None


def may_issue_tasks(actor: Actor) -> bool:
    """Supervisors direct collection: they issue tasks and requests for information."""
    return actor.is_system or actor.has(Role.SUPERVISOR)


def is_assignee(actor: Actor, task: TaskAccess) -> bool:
    if task.assignee_user_id is not None:
        return actor.user_id == task.assignee_user_id
    return task.assignee_agency_id is not None and actor.agency_id == task.assignee_agency_id


def may_read_task(actor: Actor, task: TaskAccess) -> bool:
    """Issuer, assignee (the person or a member of the agency) and supervisors."""
    return (
        actor.is_system
        or actor.has(Role.SUPERVISOR)
        or actor.user_id == task.issuer_id
        or is_assignee(actor, task)
    )


def allowed_steps(actor: Actor, task: TaskAccess, status: TaskStatus) -> tuple[TaskStep, ...]:
    """The steps ``actor`` may take on the task now, in the table's order."""
    return tuple(
        step.step
        for step in TASK_STEPS.values()
        if status in step.sources and _may_take(actor, task, step.who)
    )


def _may_take(actor: Actor, task: TaskAccess, who: Who) -> bool:
    if actor.is_system:
        return True
    if who is Who.ASSIGNEE:
        return is_assignee(actor, task)
    return actor.user_id == task.issuer_id or actor.has(Role.SUPERVISOR)


def check_step(
    actor: Actor, step: TaskStep, status: TaskStatus, task: TaskAccess, note: str | None
) -> TaskStatus:
    """The status the step leads to; PermissionDenied, Conflict or InvalidInput otherwise."""
    rule = TASK_STEPS[step]
    if not _may_take(actor, task, rule.who):
        who = "its assignee" if rule.who is Who.ASSIGNEE else "its issuer or a supervisor"
        raise PermissionDenied(
            f"only {who} may {step.value} this task",
            hint="ask the task's issuer" if rule.who is Who.ASSIGNEE else "ask a supervisor",
        )
    if status not in rule.sources:
        raise Conflict(
            f"a task that is {STATUS_LABELS[status].lower()} cannot be {_past(step)}",
            hint="reload the task to see its current status",
        )
    if step in NOTE_REQUIRED and not (note or "").strip():
        raise InvalidInput(
            f"{_doing(step)} a task needs a note",
            field="note",
            hint="say why, so the assignee and the record know",
        )
    return rule.target


def _past(step: TaskStep) -> str:
    return {
        TaskStep.ANSWER: "answered",
        TaskStep.CLOSE: "closed",
        TaskStep.REOPEN: "reopened",
        TaskStep.CANCEL: "cancelled",
    }[step]


def _doing(step: TaskStep) -> str:
    return {
        TaskStep.ANSWER: "answering",
        TaskStep.CLOSE: "closing",
        TaskStep.REOPEN: "reopening",
        TaskStep.CANCEL: "cancelling",
    }[step]


def is_overdue(status: TaskStatus, deadline: datetime | None, now: datetime) -> bool:
    """Still open (nobody answered) after its deadline."""
    return status is TaskStatus.OPEN and deadline is not None and deadline < now


@dataclass(frozen=True, slots=True)
class TaskDraft:
    """What an issuer writes; :func:`check_draft` refuses what cannot be stored."""

    title: str
    question: str
    kind: TaskKind = TaskKind.RFI
    priority: Priority = Priority.ROUTINE
    deadline: datetime | None = None
    answer_handling: str = ""
    answer_handling_conditions: str | None = None
    assignee_username: str | None = None
    assignee_agency_id: str | None = None


def check_draft(draft: TaskDraft, now: datetime) -> None:
    """InvalidInput naming the field for a draft that cannot be issued."""
    title = draft.title.strip()
    if not title:
        raise InvalidInput(
            "a task needs a title", field="title", hint="say in a line what is asked"
        )
    if len(title) > TITLE_MAX:
        raise InvalidInput(
            f"the title is longer than {TITLE_MAX} characters",
            field="title",
            hint="put the detail in the question",
        )
    if not draft.question.strip():
        raise InvalidInput(
            "a task needs its question", field="question", hint="write what the answer must say"
        )
    if len(draft.question) > QUESTION_MAX:
        raise InvalidInput(
            f"the question is longer than {QUESTION_MAX} characters",
            field="question",
            hint="attach the background to a report and link it",
        )
    for name, value in (
        ("title", draft.title),
        ("question", draft.question),
        ("answer_handling_conditions", draft.answer_handling_conditions),
        ("assignee", draft.assignee_username),
        ("assignee", draft.assignee_agency_id),
    ):
        refuse_nul(value, name)
    if bool(draft.assignee_username) == bool(draft.assignee_agency_id):
        raise InvalidInput(
            "assign the task to one person or to one agency",
            field="assignee",
            hint="choose a colleague, or an agency whose members may all answer",
        )
    if draft.deadline is not None and draft.deadline.tzinfo is None:
        raise InvalidInput(
            "the deadline needs a time zone", field="deadline", hint="give it in UTC, e.g. ...Z"
        )
    if draft.deadline is not None and draft.deadline <= now:
        raise InvalidInput(
            "the deadline is already past",
            field="deadline",
            hint="give a date and time in the future, or none",
        )
    if not draft.answer_handling:
        raise InvalidInput(
            "a task says how its answer must be handled",
            field="answer_handling",
            hint="choose a handling code",
        )
