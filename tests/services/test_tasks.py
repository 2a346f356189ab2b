"""Tasks and requests for information: issued, answered by reports, closed; scoped and audited."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from portintel.adapters.database import tables
from portintel.domain.actors import Actor, Role
from portintel.domain.reports import ReportDraft
from portintel.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from portintel.services import tasking
from portintel.services.events import hookimpl
from portintel.services.intake import reports
from portintel.services.workspace import Workspace
from tests.services.staff import IMMIGRATION, MARITIME, make_user


@pytest.fixture
def people(workspace: Workspace) -> dict[str, Actor]:
    return {
        "sam": make_user(workspace, "sam", IMMIGRATION, Role.SUPERVISOR),
        "olga": make_user(workspace, "olga", IMMIGRATION, Role.OFFICER),
        "oscar": make_user(workspace, "oscar", IMMIGRATION, Role.OFFICER),
        "mia": make_user(workspace, "mia", MARITIME, Role.OFFICER),
        "ana": make_user(workspace, "ana", MARITIME, Role.ANALYST),
    }


def _draft(**changes: object) -> tasking.TaskDraft:
    values: dict[str, object] = {
        "title": "Who crews the Mekong Star?",
        "question": "List the crew seen aboard since March.",
        "kind": tasking.TaskKind.RFI,
        "priority": tasking.Priority.HIGH,
        "answer_handling": "uk-3x5x2:P",
        "assignee_username": "olga",
    }
    values.update(changes)
    return tasking.TaskDraft(**values)  # type: ignore[arg-type]


def _report(ws: Workspace, author: Actor, title: str, *, handling: str = "uk-3x5x2:P") -> str:
    draft = ReportDraft(
        title=title,
        text="Seen at the pier.",
        reliability="B",
        credibility="2",
        handling=handling,
        handling_conditions="Immigration only" if handling.endswith(":C") else None,
    )
    return reports.create_report(ws, author, draft, submit=True)


def test_a_supervisor_issues_the_officer_answers_the_issuer_closes(
    workspace: Workspace, people: dict[str, Actor]
) -> None:
    sam, olga = people["sam"], people["olga"]
    task_id = tasking.issue_task(workspace, sam, _draft())
    view = tasking.get_task(workspace, olga, task_id)
    assert view.summary.status is tasking.TaskStatus.OPEN
    assert view.may_answer and view.allowed_steps == ()
    assert view.answer_handling_label  # a label, not the code
    assert view.answer_handling_label != "uk-3x5x2:P"

    report_id = _report(workspace, olga, "Crew of the Mekong Star")
    assert tasking.answer_task(workspace, olga, task_id, report_id) is tasking.TaskStatus.ANSWERED
    with pytest.raises(Conflict):
        tasking.answer_task(workspace, olga, task_id, report_id)
    with pytest.raises(InvalidInput, match="note"):
        tasking.close_task(workspace, sam, task_id, "  ")
    with pytest.raises(PermissionDenied):
        tasking.close_task(workspace, olga, task_id, "done")
    assert (
        tasking.close_task(workspace, sam, task_id, "Thanks, enough.") is tasking.TaskStatus.CLOSED
    )
    assert tasking.reopen_task(workspace, sam, task_id, "Need the captain too.") is (
        tasking.TaskStatus.OPEN
    )
    view = tasking.get_task(workspace, sam, task_id)
    assert [event.step for event in view.events] == ["issue", "answer", "close", "reopen"]
    assert [a.report_id for a in view.answer_reports] == [report_id]
    with workspace.engine.connect() as connection:
        actions = (
            connection.execute(
                select(tables.audit_log.c.action).where(tables.audit_log.c.object_id == task_id)
            )
            .scalars()
            .all()
        )
    assert {"task.issued", "task.answer", "task.close", "task.reopen", "task.read"} <= set(actions)


def test_only_supervisors_issue_and_the_draft_is_checked(
    workspace: Workspace, people: dict[str, Actor]
) -> None:
    with pytest.raises(PermissionDenied):
        tasking.issue_task(workspace, people["ana"], _draft())
    with pytest.raises(InvalidInput) as refused:
        tasking.issue_task(workspace, people["sam"], _draft(assignee_agency_id=MARITIME))
    assert refused.value.field == "assignee"
    with pytest.raises(InvalidInput) as refused:
        tasking.issue_task(workspace, people["sam"], _draft(assignee_username="nobody"))
    assert refused.value.field == "assignee"
    with pytest.raises(InvalidInput) as refused:
        tasking.issue_task(workspace, people["sam"], _draft(answer_handling="uk-3x5x2:Z"))
    assert refused.value.field == "answer_handling"
    past = workspace.clock() - timedelta(days=1)
    with pytest.raises(InvalidInput) as refused:
        tasking.issue_task(workspace, people["sam"], _draft(deadline=past))
    assert refused.value.field == "deadline"


def test_a_task_is_known_to_its_issuer_assignees_and_supervisors_only(
    workspace: Workspace, people: dict[str, Actor]
) -> None:
    sam = people["sam"]
    to_olga = tasking.issue_task(workspace, sam, _draft())
    to_maritime = tasking.issue_task(
        workspace, sam, _draft(assignee_username=None, assignee_agency_id=MARITIME)
    )
    mine = {t.id for t in tasking.list_tasks(workspace, people["olga"])}
    assert mine == {to_olga}
    assert {t.id for t in tasking.list_tasks(workspace, people["mia"])} == {to_maritime}
    assert {t.id for t in tasking.list_tasks(workspace, people["ana"])} == {to_maritime}
    assert tasking.count_tasks(workspace, people["oscar"]) == 0
    with pytest.raises(NotFound):
        tasking.get_task(workspace, people["oscar"], to_olga)
    with pytest.raises(NotFound):
        tasking.close_task(workspace, people["oscar"], to_olga, "not mine")
    # any member of the agency answers a task assigned to it
    report_id = _report(workspace, people["mia"], "Maritime answer")
    tasking.answer_task(workspace, people["mia"], to_maritime, report_id)
    with pytest.raises(PermissionDenied):
        tasking.answer_task(workspace, sam, to_olga, report_id)  # sees it, is not its assignee


def test_answers_keep_their_own_scope_and_counts_leak_nothing(
    workspace: Workspace, people: dict[str, Actor]
) -> None:
    sam, mia, ana, olga = people["sam"], people["mia"], people["ana"], people["olga"]
    task_id = tasking.issue_task(
        workspace, sam, _draft(assignee_username=None, assignee_agency_id=MARITIME)
    )
    # an Immigration report, evaluated: the Maritime analyst reads it, the Maritime officer not
    immigration = _report(workspace, olga, "Immigration's answer")
    reports.evaluate_report(workspace, sam, immigration)
    own = _report(workspace, mia, "Maritime's answer")
    tasking.answer_task(workspace, ana, task_id, immigration)
    tasking.answer_task(workspace, mia, task_id, own)
    assert tasking.get_task(workspace, sam, task_id).summary.answers == 2
    assert tasking.get_task(workspace, ana, task_id).summary.answers == 2
    seen_by_mia = tasking.get_task(workspace, mia, task_id)
    assert seen_by_mia.summary.answers == 1
    assert [a.report_id for a in seen_by_mia.answer_reports] == [own]
    # the history names the answer only to who may read it
    assert {e.report_id for e in seen_by_mia.events if e.step == "answer"} == {None, own}
    assert [t.answers for t in tasking.list_tasks(workspace, mia)] == [1]
    # a draft does not answer; a report the assignee cannot read is not found
    draft_id = reports.create_report(
        workspace,
        mia,
        ReportDraft(
            title="Draft", text="x", reliability="B", credibility="2", handling="uk-3x5x2:P"
        ),
    )
    with pytest.raises(InvalidInput, match="draft"):
        tasking.answer_task(workspace, mia, task_id, draft_id)
    task_for_olga = tasking.issue_task(workspace, sam, _draft())
    with pytest.raises(InvalidInput, match="not found"):
        tasking.answer_task(workspace, olga, task_for_olga, own)


def test_overdue_tasks_are_open_after_their_deadline(
    workspace: Workspace, people: dict[str, Actor]
) -> None:
    sam = people["sam"]
    soon = workspace.clock() + timedelta(seconds=30)
    late = tasking.issue_task(workspace, sam, _draft(title="Late", deadline=soon))
    later = tasking.issue_task(
        workspace, sam, _draft(title="Later", deadline=soon + timedelta(days=3))
    )
    workspace.clock.now += timedelta(minutes=5)  # type: ignore[attr-defined]
    overdue = tasking.list_tasks(workspace, sam, tasking.TaskFilters(overdue=True))
    assert [t.id for t in overdue] == [late]
    assert overdue[0].overdue
    assert tasking.count_tasks(workspace, sam, tasking.TaskFilters(overdue=True)) == 1
    by_deadline = tasking.list_tasks(workspace, sam, tasking.TaskFilters(sort="deadline"))
    assert [t.id for t in by_deadline] == [late, later]
    descending = tasking.TaskFilters(sort="deadline", descending=True)
    assert [t.id for t in tasking.list_tasks(workspace, sam, descending)] == [later, late]
    tasking.cancel_task(workspace, sam, late, "Overtaken by events.")
    assert tasking.count_tasks(workspace, sam, tasking.TaskFilters(overdue=True)) == 0


def test_each_step_is_announced_once_committed(
    workspace: Workspace, people: dict[str, Actor]
) -> None:
    heard: list[tuple[str, str, str]] = []

    class Listener:
        @hookimpl
        def task_changed(self, workspace: Workspace, task_id: str, change: str) -> None:
            with workspace.engine.connect() as connection:
                status = connection.execute(
                    select(tables.tasks.c.status).where(tables.tasks.c.id == task_id)
                ).scalar_one()
            heard.append((task_id, change, status))

    workspace.hooks.register(Listener())
    sam, olga = people["sam"], people["olga"]
    task_id = tasking.issue_task(workspace, sam, _draft())
    tasking.answer_task(workspace, olga, task_id, _report(workspace, olga, "Answer"))
    tasking.close_task(workspace, sam, task_id, "Done.")
    with pytest.raises(Conflict):
        tasking.close_task(workspace, sam, task_id, "Again.")
    assert heard == [
        (task_id, "issue", "open"),
        (task_id, "answer", "answered"),
        (task_id, "close", "closed"),
    ]
