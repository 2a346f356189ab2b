"""Every count on the home page is the number of items its reader can open (property-based).

The oracle opens every report and task as the reader (``get_report``,
``get_task``: NotFound for what they may not read) and counts those that fit
each panel; the panels must count exactly these.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from portintel.adapters.database import tables
from portintel.domain.actors import Actor, Role
from portintel.domain.reports import ReportDraft, ReportStatus
from portintel.domain.tasking import TaskAccess, may_read_task
from portintel.errors import NotFound
from portintel.services import home, tasking
from portintel.services.home.panels import SHOWN
from portintel.services.intake import reports
from portintel.services.workspace import Workspace
from tests.services.staff import IMMIGRATION, MARITIME, make_user

PEOPLE = (
    ("olga", IMMIGRATION, (Role.OFFICER,)),
    ("mia", MARITIME, (Role.OFFICER,)),
    ("ana", MARITIME, (Role.ANALYST,)),
    ("sam", IMMIGRATION, (Role.SUPERVISOR,)),
    ("sue", MARITIME, (Role.SUPERVISOR, Role.OFFICER)),
)
AUTHORS = ("olga", "mia", "ana", "sue")
FATES = ("draft", "submitted", "returned", "evaluated")

report_plans = st.lists(
    st.tuples(st.sampled_from(AUTHORS), st.sampled_from(FATES), st.booleans()),
    max_size=6,
)
task_plans = st.lists(
    st.tuples(
        st.sampled_from(("olga", "mia", "ana", "sue", IMMIGRATION, MARITIME)),
        st.integers(min_value=1, max_value=120),  # deadline, minutes ahead
        st.sampled_from(("open", "answered", "closed")),
    ),
    max_size=5,
)


@pytest.fixture
def people(workspace: Workspace) -> dict[str, Actor]:
    return {name: make_user(workspace, name, agency, *roles) for name, agency, roles in PEOPLE}


def _file(ws: Workspace, author: Actor, fate: str, restrictive: bool, sam: Actor) -> str:
    draft = ReportDraft(
        title=f"{author.username} {fate}",
        text="Seen at the pier.",
        reliability="B",
        credibility="2",
        handling="uk-3x5x2:C" if restrictive else "uk-3x5x2:P",
        handling_conditions="Own agency only" if restrictive else None,
    )
    report_id = reports.create_report(ws, author, draft, submit=fate != "draft")
    if fate == "returned":
        reports.return_report(ws, sam, report_id, note="Add the vessel's name.")
    elif fate == "evaluated":
        reports.evaluate_report(ws, sam, report_id)
    return report_id


def _opens(read: object, *args: object) -> bool:
    try:
        read(*args)  # type: ignore[operator]
    except NotFound:
        return False
    return True


@settings(
    max_examples=8,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(report_plan=report_plans, task_plan=task_plans)
def test_home_counts_equal_what_the_reader_can_open(
    workspace: Workspace,
    people: dict[str, Actor],
    report_plan: list[tuple[str, str, bool]],
    task_plan: list[tuple[str, int, str]],
) -> None:
    ws, sam = workspace, people["sam"]
    for author, fate, restrictive in report_plan:
        _file(ws, people[author], fate, restrictive, sam)
    for assignee, minutes, fate in task_plan:
        person = assignee if assignee in people else None
        task_id = tasking.issue_task(
            ws,
            sam,
            tasking.TaskDraft(
                title=f"to {assignee}",
                question="?",
                deadline=ws.clock() + timedelta(minutes=minutes),
                answer_handling="uk-3x5x2:P",
                assignee_username=person,
                assignee_agency_id=None if person else assignee,
            ),
        )
        if fate != "open":
            member = "olga" if assignee == IMMIGRATION else "mia"
            answerer = people[person or member]
            answer = _file(ws, answerer, "submitted", False, sam)
            tasking.answer_task(ws, answerer, task_id, answer)
        if fate == "closed":
            tasking.close_task(ws, sam, task_id, "done")
    ws.clock.now += timedelta(minutes=60)  # type: ignore[attr-defined]
    now = ws.clock()

    with ws.engine.connect() as connection:
        every_report = connection.execute(
            select(
                tables.reports.c.id,
                tables.reports.c.status,
                tables.reports.c.author_id,
                tables.reports.c.updated_at,
            )
        ).all()
        every_task = connection.execute(select(tables.tasks)).all()
        last_step = dict(
            connection.execute(
                select(tables.report_events.c.report_id, tables.report_events.c.action).order_by(
                    tables.report_events.c.id
                )
            ).all()
        )

    for reader in people.values():
        readable = [r for r in every_report if _opens(reports.get_report, ws, reader, r.id)]
        tasks_seen = [t for t in every_task if _opens(tasking.get_task, ws, reader, t.id)]
        # what opens is what the rule allows (the pure oracle of who may know of a task)
        assert {t.id for t in tasks_seen} == {
            t.id
            for t in every_task
            if may_read_task(
                reader, TaskAccess(t.issuer_id, t.assignee_user_id, t.assignee_agency_id)
            )
        }
        expected = {
            "awaiting": sum(r.status == ReportStatus.SUBMITTED.value for r in readable),
            "drafts": sum(r.status == "draft" and r.author_id == reader.user_id for r in readable),
            "returned": sum(
                r.status == "draft"
                and r.author_id == reader.user_id
                and last_step.get(r.id) == "return"
                for r in readable
            ),
            "intelligence": sum(
                r.status in ("evaluated", "disseminated")
                and r.updated_at >= now - timedelta(days=7)
                for r in readable
            ),
            "overdue": sum(
                t.status == "open" and t.deadline is not None and t.deadline < now
                for t in tasks_seen
            ),
            "tasks": sum(
                t.status == "open"
                and (
                    t.assignee_user_id == reader.user_id
                    or (t.assignee_user_id is None and t.assignee_agency_id == reader.agency_id)
                )
                for t in tasks_seen
            ),
        }
        panels = {panel.key: panel for panel in home.home_panels(ws, reader)}
        for key, count in expected.items():
            if key in panels:
                assert panels[key].count == count, (reader.username, key)
                assert len(panels[key].items) == min(count, SHOWN), (reader.username, key)
        assert reader.has(Role.SUPERVISOR) == ("awaiting" in panels)
