"""Write, list, count and mark notifications; raise deadline notices; send e-mail."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Connection, and_, exists, func, insert, or_, select, update

from portintel.adapters import alert_transports
from portintel.adapters.database import tables
from portintel.adapters.database.scope import (
    report_condition,
    statement_condition,
    statements_with_reports,
)
from portintel.domain.access import reader_scope
from portintel.domain.actors import Actor
from portintel.domain.languages import N_
from portintel.domain.reports import ReportStatus
from portintel.errors import NotFound, PortintelError
from portintel.services import audit
from portintel.services.workspace import Workspace

logger = logging.getLogger(__name__)

DEADLINE_NEAR = timedelta(hours=24)
"""How long before an assignment's deadline its assignee is told it is near."""

KIND_LABELS = {
    "returned": N_("Report returned"),
    "comment": N_("New comment"),
    "assigned": N_("Assigned to you"),
    "deadline_near": N_("Deadline near"),
    "overdue": N_("Deadline passed"),
}
"""How each kind of notice is named on the page (human labels, never the code)."""

_N = tables.notifications.c
_A = tables.report_assignments.c
_R = tables.reports.c
_S = tables.statements.c


@dataclass(frozen=True, slots=True)
class NotificationView:
    id: int
    kind: str
    kind_label: str
    text: str
    link: str | None
    created_at: datetime
    read: bool


def may_read_report(connection: Connection, actor: Actor, report_id: str) -> bool:
    query = select(_R.id).where(_R.id == report_id, report_condition(reader_scope(actor).reports))
    return connection.execute(query).first() is not None


def may_read_entity(connection: Connection, actor: Actor, entity_id: str) -> bool:
    query = (
        select(_S.id)
        .select_from(statements_with_reports())
        .where(
            or_(_S.entity_id == entity_id, _S.canonical_id == entity_id),
            statement_condition(reader_scope(actor).statements),
        )
        .limit(1)
    )
    return connection.execute(query).first() is not None


def name_of(connection: Connection, user_id: str) -> str:
    """How a user is shown to others: their display name, else their username."""
    row = connection.execute(
        select(tables.users.c.display_name, tables.users.c.username).where(
            tables.users.c.id == user_id
        )
    ).first()
    if row is None:
        return user_id
    return str(row.display_name or row.username)


def _actor_of(connection: Connection, user_id: str) -> Actor | None:
    from portintel.domain.actors import Role

    row = connection.execute(select(tables.users).where(tables.users.c.id == user_id)).first()
    if row is None or not row.active:
        return None
    roles = connection.execute(
        select(tables.user_roles.c.role).where(tables.user_roles.c.user_id == user_id)
    ).scalars()
    return Actor(row.id, row.username, row.agency_id, frozenset(Role(r) for r in roles))


def notify(
    connection: Connection,
    ws: Workspace,
    *,
    user_id: str,
    kind: str,
    text: str,
    now: datetime,
    report_id: str | None = None,
    entity_id: str | None = None,
    actor_id: str | None = None,
    once_key: str | None = None,
) -> bool:
    """Write a notice for ``user_id`` if they may read what it is about; whether written."""
    if kind not in KIND_LABELS:
        raise ValueError(f"unknown kind of notification {kind!r}")
    recipient = _actor_of(connection, user_id)
    if recipient is None:
        return False
    if report_id is not None and not may_read_report(connection, recipient, report_id):
        return False
    if entity_id is not None and not may_read_entity(connection, recipient, entity_id):
        return False
    if once_key is not None:
        seen = connection.execute(select(_N.id).where(_N.once_key == once_key)).first()
        if seen is not None:
            return False
    connection.execute(
        insert(tables.notifications).values(
            user_id=user_id,
            kind=kind,
            report_id=report_id,
            entity_id=entity_id,
            actor_id=actor_id,
            text=text,
            created_at=now,
            once_key=once_key,
            mail_status="pending" if ws.settings.alert_smtp_host else None,
        )
    )
    return True


def _raise_deadline_notices(ws: Workspace, actor: Actor) -> None:
    """The assignee's deadlines within a day, or past, each told once (near, then past)."""
    now = ws.clock()
    with ws.engine.begin() as connection:
        due = connection.execute(
            select(_A.report_id, _A.deadline, _R.title)
            .join(tables.reports, _R.id == _A.report_id)
            .where(
                _A.assignee_id == actor.user_id,
                _A.deadline.is_not(None),
                _A.deadline <= now + DEADLINE_NEAR,
                _R.status == ReportStatus.SUBMITTED.value,
            )
        ).all()
        for row in due:
            kind = "overdue" if row.deadline <= now else "deadline_near"
            when = row.deadline.strftime("%Y-%m-%d %H:%M UTC")
            text = (
                f"The evaluation of “{row.title}” was due {when}."
                if kind == "overdue"
                else f"The evaluation of “{row.title}” is due {when}."
            )
            notify(
                connection,
                ws,
                user_id=actor.user_id,
                kind=kind,
                text=text,
                now=now,
                report_id=row.report_id,
                once_key=f"{kind}:{row.report_id}:{actor.user_id}:{row.deadline.isoformat()}",
            )
    deliver_mail(ws)


def _visible(actor: Actor) -> Any:
    """Notices of ``actor`` about nothing, or about a report or entity they may read now."""
    scope = reader_scope(actor)
    readable_report = exists(
        select(_R.id).where(_R.id == _N.report_id, report_condition(scope.reports))
    )
    readable_entity = exists(
        select(_S.id)
        .select_from(statements_with_reports())
        .where(
            or_(_S.entity_id == _N.entity_id, _S.canonical_id == _N.entity_id),
            statement_condition(scope.statements),
        )
    )
    return and_(
        _N.user_id == actor.user_id,
        or_(_N.report_id.is_(None), readable_report),
        or_(_N.entity_id.is_(None), readable_entity),
    )


def _link(row: Any) -> str | None:
    if row.report_id:
        return f"/reports/{row.report_id}"
    if row.entity_id:
        return f"/entities/{row.entity_id}"
    return None


def list_notifications(
    ws: Workspace, actor: Actor, *, unread_only: bool = False, limit: int = 200
) -> list[NotificationView]:
    """The actor's notices, newest first (deadline notices raised first)."""
    _raise_deadline_notices(ws, actor)
    query = select(tables.notifications).where(_visible(actor))
    if unread_only:
        query = query.where(_N.read_at.is_(None))
    with ws.engine.connect() as connection:
        rows = connection.execute(query.order_by(_N.id.desc()).limit(limit)).all()
    return [
        NotificationView(
            id=row.id,
            kind=row.kind,
            kind_label=KIND_LABELS.get(row.kind, row.kind),
            text=row.text,
            link=_link(row),
            created_at=row.created_at,
            read=row.read_at is not None,
        )
        for row in rows
    ]


def unread_count(ws: Workspace, actor: Actor) -> int:
    """How many unread notices the actor may see (the bell in the header)."""
    if actor.is_system:
        return 0
    _raise_deadline_notices(ws, actor)
    query = (
        select(func.count())
        .select_from(tables.notifications)
        .where(_visible(actor), _N.read_at.is_(None))
    )
    with ws.engine.connect() as connection:
        return int(connection.execute(query).scalar_one())


def mark_read(ws: Workspace, actor: Actor, notification_id: int | None = None) -> int:
    """Mark one notice (or all of the actor's) as read; how many changed. Audited."""
    now = ws.clock()
    condition = and_(_N.user_id == actor.user_id, _N.read_at.is_(None))
    if notification_id is not None:
        condition = and_(condition, _N.id == notification_id)
    with ws.engine.begin() as connection:
        if notification_id is not None:
            mine = connection.execute(
                select(_N.id).where(_N.id == notification_id, _N.user_id == actor.user_id)
            ).first()
            if mine is None:
                raise NotFound(
                    f"notification {notification_id} not found",
                    hint="open your notifications page and choose one from the list",
                )
        changed = connection.execute(
            update(tables.notifications).where(condition).values(read_at=now)
        ).rowcount
        audit.record(
            connection,
            actor,
            "notification.read",
            object_type="notification",
            object_id=str(notification_id) if notification_id is not None else "all",
            detail={"marked": changed},
            at=now,
        )
    return int(changed)


def deliver_mail(ws: Workspace, send: Callable[..., None] = alert_transports.send_mail) -> int:
    """Send the pending notices by e-mail to recipients with an address; how many were sent.

    Nothing is sent (and nothing pending is written) without ``alert_smtp_host``.
    A failure is logged by its kind, never with the password, and the notice is
    marked failed: it stays in the app.
    """
    settings = ws.settings
    if not settings.alert_smtp_host:
        return 0
    with ws.engine.connect() as connection:
        pending = connection.execute(
            select(
                _N.id,
                _N.text,
                _N.kind,
                _N.report_id,
                _N.entity_id,
                tables.alert_preferences.c.email,
            )
            .select_from(
                tables.notifications.outerjoin(
                    tables.alert_preferences,
                    tables.alert_preferences.c.user_id == _N.user_id,
                )
            )
            .where(_N.mail_status == "pending")
            .order_by(_N.id)
        ).all()
    sent = 0
    for row in pending:
        status = "skipped"
        if row.email:
            link = _link(row) or "/notifications"
            base = (settings.public_url or "").rstrip("/")
            try:
                send(
                    host=settings.alert_smtp_host,
                    port=settings.alert_smtp_port,
                    starttls=settings.alert_smtp_starttls,
                    user=settings.alert_smtp_user,
                    password=settings.alert_smtp_password,
                    sender=settings.alert_mail_from,
                    recipient=row.email,
                    subject=f"[portintel] {KIND_LABELS.get(row.kind, row.kind)}",
                    text=f"{row.text}\n\n{base}{link}\n",
                )
                status = "sent"
                sent += 1
            except PortintelError as exc:
                logger.warning("notification %s not e-mailed: %s", row.id, exc.message)
                status = "failed"
        with ws.engine.begin() as connection:
            connection.execute(
                update(tables.notifications)
                .where(_N.id == row.id, _N.mail_status == "pending")
                .values(mail_status=status)
            )
    return sent
