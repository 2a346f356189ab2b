"""A supervisor assigns a submitted report to an analyst or supervisor for evaluation."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Connection, delete, insert, select

from portintel.adapters.database import tables
from portintel.domain.actors import Actor, Role
from portintel.domain.reports import ReportStatus
from portintel.domain.storable_text import refuse_nul
from portintel.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from portintel.services import audit, notices
from portintel.services.events import transaction
from portintel.services.workspace import Workspace

EVALUATORS = (Role.ANALYST, Role.SUPERVISOR)
"""Roles a report may be assigned to for evaluation."""

_A = tables.report_assignments.c
_U = tables.users.c
_R = tables.reports.c


@dataclass(frozen=True, slots=True)
class AssignmentView:
    assignee_id: str
    assignee_name: str
    assigned_by_name: str
    assigned_at: datetime
    deadline: datetime | None
    note: str | None

    def overdue(self, now: datetime) -> bool:
        return self.deadline is not None and self.deadline <= now


@dataclass(frozen=True, slots=True)
class Assignee:
    user_id: str
    name: str


def _readable(connection: Connection, actor: Actor, report_id: str) -> None:
    if not notices.may_read_report(connection, actor, report_id):
        raise NotFound(f"report {report_id} not found", hint="check the id, or ask its author")


def _name(row_display: str | None, row_username: str) -> str:
    return row_display or row_username


def assignment_of(ws: Workspace, actor: Actor, report_id: str) -> AssignmentView | None:
    """Who evaluates the report, by when; None when nobody is assigned."""
    by = tables.users.alias("assigner")
    with ws.engine.connect() as connection:
        _readable(connection, actor, report_id)
        row = connection.execute(
            select(
                tables.report_assignments,
                _U.display_name,
                _U.username,
                by.c.display_name.label("by_display"),
                by.c.username.label("by_username"),
            )
            .join(tables.users, _U.id == _A.assignee_id)
            .join(by, by.c.id == _A.assigned_by)
            .where(_A.report_id == report_id)
        ).first()
    if row is None:
        return None
    return AssignmentView(
        assignee_id=row.assignee_id,
        assignee_name=_name(row.display_name, row.username),
        assigned_by_name=_name(row.by_display, row.by_username),
        assigned_at=row.assigned_at,
        deadline=row.deadline,
        note=row.note,
    )


def assignees_of(ws: Workspace, actor: Actor, report_ids: Sequence[str]) -> dict[str, str]:
    """Report id -> its assignee's name, for the reports of a list (which the actor reads)."""
    if not report_ids:
        return {}
    from portintel.adapters.database.scope import report_condition
    from portintel.domain.access import reader_scope

    with ws.engine.connect() as connection:
        rows = connection.execute(
            select(_A.report_id, _U.display_name, _U.username)
            .join(tables.users, _U.id == _A.assignee_id)
            .join(tables.reports, _R.id == _A.report_id)
            .where(
                _A.report_id.in_(list(report_ids)),
                report_condition(reader_scope(actor).reports),
            )
        ).all()
    return {row.report_id: _name(row.display_name, row.username) for row in rows}


def possible_assignees(ws: Workspace, actor: Actor, report_id: str) -> list[Assignee]:
    """Active analysts and supervisors who may read the report (the assignment's picker)."""
    if not actor.has(Role.SUPERVISOR):
        return []
    with ws.engine.connect() as connection:
        _readable(connection, actor, report_id)
        rows = connection.execute(
            select(_U.id, _U.display_name, _U.username)
            .where(
                _U.active.is_(True),
                _U.id.in_(
                    select(tables.user_roles.c.user_id).where(
                        tables.user_roles.c.role.in_([r.value for r in EVALUATORS])
                    )
                ),
            )
            .order_by(_U.display_name, _U.username)
        ).all()
        return [
            Assignee(row.id, _name(row.display_name, row.username))
            for row in rows
            if _may_read(connection, row.id, report_id)
        ]


def _may_read(connection: Connection, user_id: str, report_id: str) -> bool:
    from portintel.services.notices.notifications import _actor_of

    reader = _actor_of(connection, user_id)
    return reader is not None and notices.may_read_report(connection, reader, report_id)


def assign_report(
    ws: Workspace,
    actor: Actor,
    report_id: str,
    assignee_id: str,
    *,
    deadline: datetime | None = None,
    note: str | None = None,
) -> None:
    """Assign a submitted report for evaluation (replacing an earlier assignee). Audited;
    the assignee is notified."""
    if not actor.has(Role.SUPERVISOR):
        raise PermissionDenied("only a supervisor assigns reports", hint="ask a supervisor")
    if deadline is not None and deadline.tzinfo is None:
        raise InvalidInput("the deadline needs a time zone", field="deadline")
    if note:
        refuse_nul(note, "note")
    now = ws.clock()
    with transaction(ws) as connection:
        _readable(connection, actor, report_id)
        report = connection.execute(select(_R.status, _R.title).where(_R.id == report_id)).one()
        if report.status != ReportStatus.SUBMITTED.value:
            raise Conflict(
                f"only a submitted report is assigned for evaluation (this one is {report.status})",
                hint="assign it once its author has submitted it",
            )
        assignee = connection.execute(
            select(_U.id, _U.display_name, _U.username).where(
                _U.id == assignee_id, _U.active.is_(True)
            )
        ).first()
        roles = set(
            connection.execute(
                select(tables.user_roles.c.role).where(tables.user_roles.c.user_id == assignee_id)
            ).scalars()
        )
        if assignee is None or not roles & {r.value for r in EVALUATORS}:
            raise InvalidInput(
                "assign the report to an active analyst or supervisor",
                field="assignee",
                hint="choose a name from the list",
            )
        if not _may_read(connection, assignee_id, report_id):
            raise InvalidInput(
                f"{_name(assignee.display_name, assignee.username)} may not read this report",
                field="assignee",
                hint="choose someone of an agency the report's handling allows",
            )
        previous = connection.execute(
            select(_A.assignee_id).where(_A.report_id == report_id)
        ).scalar()
        connection.execute(delete(tables.report_assignments).where(_A.report_id == report_id))
        connection.execute(
            insert(tables.report_assignments).values(
                report_id=report_id,
                assignee_id=assignee_id,
                assigned_by=actor.user_id,
                assigned_at=now,
                deadline=deadline,
                note=(note or "").strip() or None,
            )
        )
        audit.record(
            connection,
            actor,
            "report.assign",
            object_type="report",
            object_id=report_id,
            detail={
                "assignee": assignee_id,
                "previous": previous,
                "deadline": deadline.isoformat() if deadline else None,
            },
            at=now,
        )
        due = f" by {deadline:%Y-%m-%d %H:%M} UTC" if deadline else ""
        notices.notify(
            connection,
            ws,
            user_id=assignee_id,
            kind="assigned",
            text=f"{notices.name_of(connection, actor.user_id)} asks you to evaluate "
            f"“{report.title}”{due}.",
            now=now,
            report_id=report_id,
            actor_id=actor.user_id,
        )
    notices.deliver_mail(ws)
