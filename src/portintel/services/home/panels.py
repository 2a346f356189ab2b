"""The home page's panels, by role: what each person has to do now.

=============== ===============================================================
role            panels
=============== ===============================================================
supervisor      awaiting evaluation (oldest first, with age), overdue tasks,
                pending disseminations
officer         my tasks, returned reports, my drafts
analyst         new intelligence (evaluated in the last week), review queue,
                open alerts
administrator   users, failed sign-ins (last day), job queue
=============== ===============================================================

A user with several roles sees the panels of each, in that order (what waits
on a decision first, one's own work next, then the picture, then the
node's upkeep), each panel once. "My drafts" is everyone's who files
reports, so the page keeps what it showed before.

Every count is read through the same scope as the items it counts, by the
same service that opens them (``count_reports`` with ``list_reports``,
``count_tasks`` with ``list_tasks``): a number on the home page is the
number of things its reader can open, never more.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import func, select

from portintel.adapters.database import tables
from portintel.adapters.database.scope import readable_reports
from portintel.domain.access import may_work_with_intelligence, reader_scope
from portintel.domain.actors import Actor, Role
from portintel.domain.languages import N_
from portintel.domain.reports import ReportStatus
from portintel.services import admin, collation, jobs, sharing, targeting, tasking
from portintel.services.intake import ReportFilters, count_reports, list_reports
from portintel.services.workspace import Workspace

SHOWN = 5
"""Items listed in a panel; its count says how many there are in all."""
REVIEW_CAP = 20
"""The review queue is decided pair by pair in the reader's scope: counted up to here."""
NEW_INTELLIGENCE = timedelta(days=7)
FAILED_SIGN_INS = timedelta(days=1)

_R = tables.reports.c
_EV = tables.report_events.c


@dataclass(frozen=True, slots=True)
class Item:
    label: str
    href: str
    detail: str = ""
    at: datetime | None = None
    age: timedelta | None = None
    warning: bool = False


@dataclass(frozen=True, slots=True)
class Panel:
    key: str
    title: str
    count: int
    items: tuple[Item, ...] = ()
    more_href: str | None = None
    more_label: str = N_("All")
    empty: str = "Nothing here."
    capped: bool = False
    """``count`` stopped at a cap: there are at least that many."""
    figures: tuple[tuple[str, int], ...] = field(default_factory=tuple)
    """Labelled numbers (the administrator's panels)."""


def _age(now: datetime, then: datetime | None) -> timedelta | None:
    return now - then if then is not None else None


def _submitted_at() -> Any:
    return (
        select(func.max(_EV.at))
        .where(_EV.report_id == _R.id, _EV.action == "submit")
        .scalar_subquery()
    )


def awaiting_evaluation(ws: Workspace, actor: Actor) -> Panel:
    filters = ReportFilters(status=(ReportStatus.SUBMITTED,))
    submitted = _submitted_at().label("submitted_at")
    query = (
        readable_reports(reader_scope(actor).reports, _R.id, _R.title, _R.updated_at, submitted)
        .where(_R.status == ReportStatus.SUBMITTED.value)
        .order_by(func.coalesce(submitted, _R.updated_at), _R.id)
        .limit(SHOWN)
    )
    now = ws.clock()
    with ws.engine.connect() as connection:
        rows = connection.execute(query).all()
    return Panel(
        key="awaiting",
        title=N_("Awaiting evaluation"),
        count=count_reports(ws, actor, filters),
        items=tuple(
            Item(
                label=row.title,
                href=f"/reports/{row.id}",
                at=row.submitted_at or row.updated_at,
                age=_age(now, row.submitted_at or row.updated_at),
            )
            for row in rows
        ),
        more_href="/reports?status=submitted",
        more_label=N_("All awaiting evaluation"),
        empty=N_("Nothing is waiting."),
    )


def _task_items(found: list[tasking.TaskSummary]) -> tuple[Item, ...]:
    return tuple(
        Item(
            label=task.title,
            href=f"/tasks/{task.id}",
            detail=task.priority_label,
            at=task.deadline,
            warning=task.overdue,
        )
        for task in found
    )


def overdue_tasks(ws: Workspace, actor: Actor) -> Panel:
    filters = tasking.TaskFilters(overdue=True, sort="deadline", limit=SHOWN)
    return Panel(
        key="overdue",
        title=N_("Overdue tasks"),
        count=tasking.count_tasks(ws, actor, filters),
        items=_task_items(tasking.list_tasks(ws, actor, filters)),
        more_href="/tasks?overdue=true",
        more_label=N_("All overdue tasks"),
        empty=N_("No task is overdue."),
    )


def pending_disseminations(ws: Workspace, actor: Actor) -> Panel:
    pending = sharing.list_disseminations(ws, actor, status=sharing.DisseminationStatus.PENDING)
    now = ws.clock()
    return Panel(
        key="disseminations",
        title=N_("Pending disseminations"),
        count=len(pending),
        items=tuple(
            Item(
                label=item.partner,
                href=f"/sharing/disseminations/{item.id}",
                detail=item.requested_by,
                at=item.requested_at,
                age=_age(now, item.requested_at),
            )
            for item in pending[:SHOWN]
        ),
        more_href="/sharing/disseminations",
        more_label=N_("All disseminations"),
        empty=N_("No dissemination waits for approval."),
    )


def my_tasks(ws: Workspace, actor: Actor) -> Panel:
    filters = tasking.TaskFilters(
        whose="assigned", status=(tasking.TaskStatus.OPEN,), sort="deadline", limit=SHOWN
    )
    return Panel(
        key="tasks",
        title=N_("My tasks"),
        count=tasking.count_tasks(ws, actor, filters),
        items=_task_items(tasking.list_tasks(ws, actor, filters)),
        more_href="/tasks?whose=assigned&status=open",
        more_label=N_("All my tasks"),
        empty=N_("No task waits for your answer."),
    )


def returned_reports(ws: Workspace, actor: Actor) -> Panel:
    """The actor's drafts whose last step was a supervisor's return, with the reason."""
    latest = (
        select(func.max(_EV.id)).where(_EV.report_id == _R.id).correlate(tables.reports)
    ).scalar_subquery()
    condition = (
        (_R.author_id == actor.user_id)
        & (_R.status == ReportStatus.DRAFT.value)
        & select(_EV.id)
        .where(_EV.id == latest, _EV.action == "return")
        .correlate(tables.reports)
        .exists()
    )
    note = (
        select(_EV.note).where(_EV.id == latest).correlate(tables.reports).scalar_subquery()
    ).label("note")
    at = (select(_EV.at).where(_EV.id == latest).correlate(tables.reports).scalar_subquery()).label(
        "returned_at"
    )
    scope = reader_scope(actor).reports
    with ws.engine.connect() as connection:
        rows = connection.execute(
            readable_reports(scope, _R.id, _R.title, note, at)
            .where(condition)
            .order_by(at.desc(), _R.id)
            .limit(SHOWN)
        ).all()
        count = connection.execute(readable_reports(scope, func.count()).where(condition))
        total = int(count.scalar_one())
    return Panel(
        key="returned",
        title=N_("Returned reports"),
        count=total,
        items=tuple(
            Item(
                label=row.title,
                href=f"/reports/{row.id}",
                detail=row.note or "",
                at=row.returned_at,
            )
            for row in rows
        ),
        empty=N_("No report was sent back to you."),
    )


def my_drafts(ws: Workspace, actor: Actor) -> Panel:
    filters = ReportFilters(status=(ReportStatus.DRAFT,), author_id=actor.user_id, limit=SHOWN)
    return Panel(
        key="drafts",
        title=N_("My drafts"),
        count=count_reports(ws, actor, filters),
        items=tuple(
            Item(label=r.title, href=f"/reports/{r.id}", at=r.reported_at)
            for r in list_reports(ws, actor, filters)
        ),
        more_href="/reports?status=draft",
        more_label=N_("All my drafts"),
        empty=N_("No drafts."),
    )


def new_intelligence(ws: Workspace, actor: Actor) -> Panel:
    """Reports evaluated or disseminated in the last week, as the reader may read them."""
    since = ws.clock() - NEW_INTELLIGENCE
    statuses = [ReportStatus.EVALUATED.value, ReportStatus.DISSEMINATED.value]
    scope = reader_scope(actor).reports
    with ws.engine.connect() as connection:
        rows = connection.execute(
            readable_reports(scope, _R.id, _R.title, _R.updated_at)
            .where(_R.status.in_(statuses), _R.updated_at >= since)
            .order_by(_R.updated_at.desc(), _R.id)
            .limit(SHOWN)
        ).all()
        total = connection.execute(
            readable_reports(scope, func.count()).where(
                _R.status.in_(statuses), _R.updated_at >= since
            )
        ).scalar_one()
    return Panel(
        key="intelligence",
        title=N_("New intelligence"),
        count=int(total),
        items=tuple(Item(label=r.title, href=f"/reports/{r.id}", at=r.updated_at) for r in rows),
        more_href="/reports?status=evaluated",
        more_label=N_("All evaluated reports"),
        empty=N_("Nothing evaluated in the last week."),
    )


def review_queue(ws: Workspace, actor: Actor) -> Panel:
    pairs = collation.review_queue(ws, actor, limit=REVIEW_CAP)
    return Panel(
        key="review",
        title=N_("Review queue"),
        count=len(pairs),
        capped=len(pairs) >= REVIEW_CAP,
        more_href="/review",
        more_label=N_("Review"),
        empty=N_("No pair waits for a judgement."),
    )


def open_alerts(ws: Workspace, actor: Actor) -> Panel:
    alerts = targeting.list_alerts(ws, actor, status="open", limit=SHOWN)
    return Panel(
        key="alerts",
        title=N_("Open alerts"),
        count=targeting.count_alerts(ws, actor, status="open"),
        items=tuple(
            Item(label=a.title, href=f"/alerts/{a.id}", detail=a.kind_label, at=a.raised_at)
            for a in alerts
        ),
        more_href="/alerts",
        more_label=N_("All alerts"),
        empty=N_(
            "No open alerts. Watchlist hits, risky vessels and what watched vessels do "
            "will be listed here."
        ),
    )


def users_panel(ws: Workspace, actor: Actor) -> Panel:
    now = ws.clock()
    users = admin.list_users(ws, actor)
    active = [u for u in users if u.active]
    locked = [u for u in active if u.locked_until is not None and u.locked_until > now]
    return Panel(
        key="users",
        title=N_("Users"),
        count=len(users),
        figures=(
            (N_("Active"), len(active)),
            (N_("Disabled"), len(users) - len(active)),
            (N_("Locked out now"), len(locked)),
        ),
        items=tuple(
            Item(label=u.display_name, href="/admin/users", detail=u.username, warning=True)
            for u in locked[:SHOWN]
        ),
        more_href="/admin/users",
        more_label=N_("Users"),
    )


def failed_sign_ins(ws: Workspace, actor: Actor) -> Panel:
    since = ws.clock() - FAILED_SIGN_INS
    summary = admin.sign_in_failures(ws, actor, since=since)
    return Panel(
        key="sign-ins",
        title=N_("Failed sign-ins (last 24 hours)"),
        count=summary.failures,
        figures=((N_("Failed sign-ins"), summary.failures), (N_("Lockouts"), summary.lockouts)),
        more_href="/audit?action=login.*",
        more_label=N_("In the audit log"),
    )


def job_queue(ws: Workspace, actor: Actor) -> Panel:
    counts = jobs.count_jobs(ws, actor)
    return Panel(
        key="jobs",
        title=N_("Job queue"),
        count=counts.get(jobs.JobState.FAILED, 0),
        figures=tuple(
            (jobs.STATE_LABELS[state], counts.get(state, 0))
            for state in (
                jobs.JobState.QUEUED,
                jobs.JobState.RUNNING,
                jobs.JobState.RETRYING,
                jobs.JobState.FAILED,
            )
        ),
        more_href="/admin/jobs",
        more_label=N_("Jobs"),
    )


Builder = Callable[[Workspace, Actor], Panel]

PANELS_BY_ROLE: tuple[tuple[Role, tuple[Builder, ...]], ...] = (
    (Role.SUPERVISOR, (awaiting_evaluation, overdue_tasks, pending_disseminations)),
    (Role.OFFICER, (my_tasks, returned_reports, my_drafts)),
    (Role.ANALYST, (new_intelligence, review_queue, open_alerts)),
    (Role.ADMINISTRATOR, (users_panel, failed_sign_ins, job_queue)),
)
"""Which panels each role sees, in the order the page shows them."""


def home_panels(ws: Workspace, actor: Actor) -> list[Panel]:
    """The panels of every role the actor holds, each once, in the table's order.

    Everyone who files reports also sees their drafts, the tasks assigned to
    them (a supervisor or analyst may be tasked too) and open alerts, as the
    home page did before it had panels by role.
    """
    builders: list[Builder] = []
    for role, panels in PANELS_BY_ROLE:
        if actor.has(role):
            builders.extend(b for b in panels if b not in builders)
    if may_work_with_intelligence(actor):
        everyone = (my_tasks, returned_reports, my_drafts, open_alerts)
        builders.extend(b for b in everyone if b not in builders)
    return [build(ws, actor) for build in builders]
