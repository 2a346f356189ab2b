"""Tasking: tasks and requests for information, answered by reports.

The public face of the capability: other capabilities and the faces import
from here.
"""

from portintel.domain.tasking import (
    KIND_LABELS,
    PRIORITY_LABELS,
    STATUS_LABELS,
    Priority,
    TaskDraft,
    TaskKind,
    TaskStatus,
    TaskStep,
)
from portintel.services.tasking.tasks import (
    SORTS,
    Assignee,
    TaskAnswer,
    TaskEvent,
    TaskFilters,
    TaskSummary,
    TaskView,
    answer_task,
    answerable,
    assignable_people,
    cancel_task,
    close_task,
    count_tasks,
    get_task,
    issue_task,
    list_tasks,
    reopen_task,
)

__all__ = [
    "KIND_LABELS",
    "PRIORITY_LABELS",
    "SORTS",
    "STATUS_LABELS",
    "Assignee",
    "Priority",
    "TaskAnswer",
    "TaskDraft",
    "TaskEvent",
    "TaskFilters",
    "TaskKind",
    "TaskStatus",
    "TaskStep",
    "TaskSummary",
    "TaskView",
    "answer_task",
    "answerable",
    "assignable_people",
    "cancel_task",
    "close_task",
    "count_tasks",
    "get_task",
    "issue_task",
    "list_tasks",
    "reopen_task",
]
