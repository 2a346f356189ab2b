"""The task lifecycle table, who may know of a task, and when it is overdue."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from portintel.domain.actors import SYSTEM, Actor, Role
from portintel.domain.tasking import (
    TaskAccess,
    TaskStatus,
    TaskStep,
    allowed_steps,
    check_step,
    is_overdue,
    may_read_task,
)
from portintel.errors import Conflict, InvalidInput, PermissionDenied

NOW = datetime(2026, 3, 1, 8, 0, tzinfo=UTC)
SAM = Actor("U-sam", "sam", "immigration", frozenset({Role.SUPERVISOR}))
OLGA = Actor("U-olga", "olga", "immigration", frozenset({Role.OFFICER}))
MIA = Actor("U-mia", "mia", "maritime-police", frozenset({Role.OFFICER}))
TO_OLGA = TaskAccess("U-sam", "U-olga", None)
TO_MARITIME = TaskAccess("U-sam", None, "maritime-police")


def test_who_may_know_of_a_task() -> None:
    assert may_read_task(OLGA, TO_OLGA) and not may_read_task(MIA, TO_OLGA)
    assert may_read_task(MIA, TO_MARITIME) and not may_read_task(OLGA, TO_MARITIME)
    assert may_read_task(SAM, TO_MARITIME) and may_read_task(SYSTEM, TO_OLGA)


def test_the_assignee_answers_the_issuer_closes_reopens_and_cancels() -> None:
    assert allowed_steps(OLGA, TO_OLGA, TaskStatus.OPEN) == (TaskStep.ANSWER,)
    assert allowed_steps(SAM, TO_OLGA, TaskStatus.OPEN) == (TaskStep.CLOSE, TaskStep.CANCEL)
    assert allowed_steps(SAM, TO_OLGA, TaskStatus.CLOSED) == (TaskStep.REOPEN,)
    assert allowed_steps(OLGA, TO_OLGA, TaskStatus.CANCELLED) == ()
    with pytest.raises(PermissionDenied):
        check_step(OLGA, TaskStep.CLOSE, TaskStatus.ANSWERED, TO_OLGA, "done")
    with pytest.raises(Conflict):
        check_step(SAM, TaskStep.REOPEN, TaskStatus.OPEN, TO_OLGA, "again")
    with pytest.raises(InvalidInput):
        check_step(SAM, TaskStep.CANCEL, TaskStatus.OPEN, TO_OLGA, " ")
    assert check_step(OLGA, TaskStep.ANSWER, TaskStatus.OPEN, TO_OLGA, None) is (
        TaskStatus.ANSWERED
    )


def test_only_an_open_task_past_its_deadline_is_overdue() -> None:
    past = NOW - timedelta(minutes=1)
    assert is_overdue(TaskStatus.OPEN, past, NOW)
    assert not is_overdue(TaskStatus.ANSWERED, past, NOW)
    assert not is_overdue(TaskStatus.OPEN, NOW + timedelta(minutes=1), NOW)
    assert not is_overdue(TaskStatus.OPEN, None, NOW)
