"""Alerts as readers see them, and what people do with them: acknowledge, assign, close.

Every read goes through :func:`~portintel.services.targeting.visibility.visible_alert`
in SQL: a reader receives an alert only if they may read all of its
evidence, so an alert about restricted intelligence reaches only those who
may read that intelligence (lists, counts, one alert, the live stream, and
the deliveries, which read as their recipient).

Lifecycle (each change audited)::

    open --acknowledge--> acknowledged --close (with a note)--> closed
      \\__________________close (with a note)__________________/

Each change is also logged in ``alert_changes`` (in the same transaction), in
order: the live lists follow that log (:func:`alert_changes`), so a list open in
another browser shows the new status or assignee without a reload.

Assigning (to a person who may read the alert) does not change the status:
an assigned alert is still open until someone acknowledges it. Closing a
closed alert is a conflict; acknowledging an acknowledged one changes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, func, select, update

from portintel.adapters.database import tables
from portintel.adapters.vocabularies import load_handling
from portintel.domain.access import may_work_with_intelligence
from portintel.domain.actors import Actor
from portintel.errors import Conflict, InvalidInput, NotFound, PermissionDenied, PortintelError
from portintel.services import admin, audit
from portintel.services.targeting.visibility import visible_alert
from portintel.services.workspace import Workspace

KIND_LABELS = {
    "watchlist_hit": "Watchlist hit",
    "score": "Risk score over the threshold",
    "behaviour": "Watched vessel's behaviour",
}
STATUS_LABELS = {"open": "Open", "acknowledged": "Acknowledged", "closed": "Closed"}
STATUSES = tuple(STATUS_LABELS)
MAX_NOTE = 4_000

_A = tables.alerts.c
_AE = tables.alert_evidence.c
_C = tables.alert_changes.c
_U = tables.users.c


def require_alert_reader(actor: Actor) -> None:
    """Alerts are for roles that work with intelligence (administrators alone read none)."""
    if not (actor.is_system or may_work_with_intelligence(actor)):
        raise PermissionDenied(
            "alerts are for roles that work with intelligence",
            hint="ask an administrator for the officer or analyst role",
        )


@dataclass(frozen=True, slots=True)
class AlertEvidence:
    kind: str
    id: str
    label: str
    report_id: str | None


@dataclass(frozen=True, slots=True)
class AlertReason:
    indicator_id: str
    description: str
    weight: float


@dataclass(frozen=True, slots=True)
class AlertView:
    """One alert as a reader sees it (only ever built for a reader who may read it all)."""

    id: int
    kind: str
    title: str
    reason: str
    entity_id: str | None
    mmsi: int | None
    entry_id: str | None
    event_id: str | None
    score: float | None
    reasons: tuple[AlertReason, ...]
    handling: str | None
    raised_at: datetime
    status: str
    acknowledged_at: datetime | None
    acknowledged_by: str | None
    assigned_to: str | None
    assigned_name: str | None
    closed_at: datetime | None
    closed_by: str | None
    close_note: str | None
    updated_at: datetime
    evidence: tuple[AlertEvidence, ...] = ()

    @property
    def kind_label(self) -> str:
        return KIND_LABELS.get(self.kind, self.kind)

    @property
    def status_label(self) -> str:
        return STATUS_LABELS.get(self.status, self.status)

    @property
    def handling_label(self) -> str:
        if not self.handling:
            return ""
        try:
            return load_handling().label(self.handling)
        except PortintelError:
            return self.handling

    @property
    def is_open(self) -> bool:
        return self.status != "closed"


def _query(actor: Actor) -> Any:
    return (
        select(tables.alerts, _U.display_name.label("assigned_name"))
        .select_from(tables.alerts.outerjoin(tables.users, _U.id == _A.assigned_to))
        .where(visible_alert(actor))
    )


def _evidence(connection: Connection, ids: list[int]) -> dict[int, list[AlertEvidence]]:
    found: dict[int, list[AlertEvidence]] = {}
    for start in range(0, len(ids), 500):
        for row in connection.execute(
            select(tables.alert_evidence)
            .where(_AE.alert_id.in_(ids[start : start + 500]))
            .order_by(_AE.alert_id, _AE.kind, _AE.item_id)
        ).all():
            found.setdefault(row.alert_id, []).append(
                AlertEvidence(row.kind, row.item_id, row.label, row.report_id)
            )
    return found


def _view(row: Any, evidence: list[AlertEvidence] | None = None) -> AlertView:
    return AlertView(
        id=int(row.id),
        kind=row.kind,
        title=row.title,
        reason=row.reason,
        entity_id=row.entity_id,
        mmsi=int(row.mmsi) if row.mmsi is not None else None,
        entry_id=row.entry_id,
        event_id=row.event_id,
        score=row.score,
        reasons=tuple(
            AlertReason(str(r.get("indicator_id", "")), str(r["description"]), float(r["weight"]))
            for r in (row.reasons or ())
        ),
        handling=row.handling,
        raised_at=row.raised_at,
        status=row.status,
        acknowledged_at=row.acknowledged_at,
        acknowledged_by=row.acknowledged_by,
        assigned_to=row.assigned_to,
        assigned_name=row.assigned_name,
        closed_at=row.closed_at,
        closed_by=row.closed_by,
        close_note=row.close_note,
        updated_at=row.updated_at,
        evidence=tuple(evidence or ()),
    )


def list_alerts(
    ws: Workspace,
    actor: Actor,
    *,
    status: str | None = None,
    mine: bool = False,
    after_id: int | None = None,
    limit: int = 100,
    offset: int = 0,
) -> list[AlertView]:
    """The alerts ``actor`` may read, newest first (oldest first after ``after_id``: a stream)."""
    require_alert_reader(actor)
    if status is not None and status not in STATUSES:
        raise InvalidInput(
            f"status must be one of {', '.join(STATUSES)}, got {status!r}", field="status"
        )
    query = _query(actor)
    if status is not None:
        query = query.where(_A.status == status)
    if mine:
        query = query.where(_A.assigned_to == actor.user_id)
    if after_id is not None:
        query = query.where(_A.id > int(after_id)).order_by(_A.id)
    else:
        query = query.order_by(_A.id.desc())
    query = query.limit(max(1, min(limit, 1000))).offset(max(0, offset))
    with ws.engine.connect() as connection:
        rows = connection.execute(query).all()
        evidence = _evidence(connection, [int(row.id) for row in rows])
    return [_view(row, evidence.get(int(row.id))) for row in rows]


def count_alerts(ws: Workspace, actor: Actor, *, status: str | None = None) -> int:
    """How many alerts ``actor`` may read (in ``status``)."""
    require_alert_reader(actor)
    query = select(func.count()).select_from(tables.alerts).where(visible_alert(actor))
    if status is not None:
        query = query.where(_A.status == status)
    with ws.engine.connect() as connection:
        return int(connection.execute(query).scalar_one())


def get_alert(ws: Workspace, actor: Actor, alert_id: int) -> AlertView:
    """One alert; NotFound for one ``actor`` may not read, as for one that does not exist."""
    require_alert_reader(actor)
    with ws.engine.connect() as connection:
        row = connection.execute(_query(actor).where(_A.id == int(alert_id))).first()
        if row is None:
            raise NotFound(
                f"alert {alert_id} not found", hint="the alert list shows the alerts you may read"
            )
        evidence = _evidence(connection, [int(row.id)])
    return _view(row, evidence.get(int(row.id)))


def latest_alert_change(ws: Workspace) -> int:
    """The newest change's number (0 before any): a live list follows the changes after it."""
    with ws.engine.connect() as connection:
        return int(connection.execute(select(func.max(_C.id))).scalar_one() or 0)


def alert_changes(
    ws: Workspace, actor: Actor, *, after: int, limit: int = 200
) -> list[tuple[int, AlertView]]:
    """The changes after number ``after`` to the alerts ``actor`` may read, oldest first.

    Each comes with the alert as it is now (read through the reader's scoped view,
    as every read); a change to an alert the reader may not read is not returned.
    """
    require_alert_reader(actor)
    query = (
        select(tables.alerts, _U.display_name.label("assigned_name"), _C.id.label("change_id"))
        .select_from(
            tables.alert_changes.join(tables.alerts, _A.id == _C.alert_id).outerjoin(
                tables.users, _U.id == _A.assigned_to
            )
        )
        .where(visible_alert(actor), _C.id > int(after))
        .order_by(_C.id)
        .limit(max(1, min(limit, 1000)))
    )
    with ws.engine.connect() as connection:
        rows = connection.execute(query).all()
    return [(int(row.change_id), _view(row)) for row in rows]


def _change(
    ws: Workspace,
    actor: Actor,
    alert: AlertView,
    action: str,
    values: dict[str, Any],
    detail: dict[str, object],
) -> AlertView:
    now = ws.clock()
    with ws.engine.begin() as connection:
        changed = connection.execute(
            update(tables.alerts)
            .where(_A.id == alert.id, _A.updated_at == alert.updated_at)
            .values(**values, updated_at=now)
        )
        if changed.rowcount != 1:
            raise Conflict(
                f"alert {alert.id} was changed by someone else meanwhile",
                hint="reload the alert and try again",
            )
        connection.execute(tables.alert_changes.insert().values(alert_id=alert.id, changed_at=now))
        audit.record(
            connection,
            actor,
            action,
            object_type="alert",
            object_id=str(alert.id),
            detail=detail,
            at=now,
        )
    return get_alert(ws, actor, alert.id)


def acknowledge_alert(ws: Workspace, actor: Actor, alert_id: int) -> AlertView:
    """Say the alert was seen and is being looked at (idempotent; a closed one stays closed)."""
    alert = get_alert(ws, actor, alert_id)
    if alert.status == "closed":
        raise Conflict(
            f"alert {alert_id} is closed", hint="a closed alert needs no acknowledgement"
        )
    if alert.status == "acknowledged":
        return alert
    now = ws.clock()
    return _change(
        ws,
        actor,
        alert,
        "alert.acknowledge",
        {"status": "acknowledged", "acknowledged_at": now, "acknowledged_by": actor.user_id},
        {},
    )


def assign_alert(ws: Workspace, actor: Actor, alert_id: int, username: str) -> AlertView:
    """Give the alert to a person, who must be able to read it (and work with intelligence)."""
    alert = get_alert(ws, actor, alert_id)
    if alert.status == "closed":
        raise Conflict(f"alert {alert_id} is closed", hint="it needs nobody to follow it up")
    name = username.strip().lower()
    if not name:
        raise InvalidInput("say whom to assign it to", field="username")
    with ws.engine.connect() as connection:
        row = connection.execute(
            select(_U.id).where(func.lower(_U.username) == name, _U.active.is_(True))
        ).first()
    if row is None:
        raise InvalidInput(
            f"there is no active user {username.strip()!r}",
            field="username",
            hint="give the username, as on the user list",
        )
    assignee = admin.get_actor(ws, row.id)
    readable = may_work_with_intelligence(assignee)
    if readable:
        with ws.engine.connect() as connection:
            readable = (
                connection.execute(
                    select(_A.id).where(_A.id == alert.id, visible_alert(assignee))
                ).first()
                is not None
            )
    if not readable:
        raise InvalidInput(
            f"{assignee.username} may not read this alert",
            field="username",
            hint="assign it to someone whose need-to-know covers its evidence",
        )
    return _change(
        ws,
        actor,
        alert,
        "alert.assign",
        {"assigned_to": assignee.user_id, "assigned_at": ws.clock(), "assigned_by": actor.user_id},
        {"assigned_to": assignee.user_id},
    )


def close_alert(ws: Workspace, actor: Actor, alert_id: int, note: str) -> AlertView:
    """Close the alert with a note saying what was done (the note is required)."""
    cleaned = note.strip()
    if not cleaned:
        raise InvalidInput("say what was done about it before closing", field="note")
    if len(cleaned) > MAX_NOTE:
        raise InvalidInput(f"the note is longer than {MAX_NOTE} characters", field="note")
    alert = get_alert(ws, actor, alert_id)
    if alert.status == "closed":
        raise Conflict(f"alert {alert_id} is already closed", hint="reload the alert")
    now = ws.clock()
    values: dict[str, Any] = {
        "status": "closed",
        "closed_at": now,
        "closed_by": actor.user_id,
        "close_note": cleaned,
    }
    if alert.acknowledged_at is None:
        values.update(acknowledged_at=now, acknowledged_by=actor.user_id)
    return _change(ws, actor, alert, "alert.close", values, {"note_length": len(cleaned)})


@dataclass(frozen=True, slots=True)
class AlertPreferences:
    email: str | None
    by_email: bool


def get_alert_preferences(ws: Workspace, actor: Actor) -> AlertPreferences:
    """How ``actor`` wants alerts by e-mail (nothing set: not by e-mail)."""
    with ws.engine.connect() as connection:
        row = connection.execute(
            select(tables.alert_preferences).where(
                tables.alert_preferences.c.user_id == actor.user_id
            )
        ).first()
    return AlertPreferences(row.email, bool(row.by_email)) if row else AlertPreferences(None, False)


def set_alert_preferences(
    ws: Workspace, actor: Actor, *, email: str | None, by_email: bool
) -> AlertPreferences:
    """Set one's own address for alerts and whether to receive them by e-mail (audited)."""
    require_alert_reader(actor)
    address = (email or "").strip() or None
    if address is not None and (
        len(address) > 320 or address.count("@") != 1 or " " in address or "\n" in address
    ):
        raise InvalidInput(f"{address!r} is not an e-mail address", field="email")
    if by_email and address is None:
        raise InvalidInput("give the address alerts should go to", field="email")
    now = ws.clock()
    prefs = tables.alert_preferences
    with ws.engine.begin() as connection:
        exists = connection.execute(
            select(prefs.c.user_id).where(prefs.c.user_id == actor.user_id)
        ).first()
        values = {"email": address, "by_email": by_email, "updated_at": now}
        if exists:
            connection.execute(
                update(prefs).where(prefs.c.user_id == actor.user_id).values(**values)
            )
        else:
            connection.execute(prefs.insert().values(user_id=actor.user_id, **values))
        audit.record(
            connection,
            actor,
            "alert.preferences",
            object_type="user",
            object_id=actor.user_id,
            detail={"by_email": by_email, "address": address is not None},
            at=now,
        )
    return AlertPreferences(address, by_email)


__all__ = [
    "KIND_LABELS",
    "STATUSES",
    "STATUS_LABELS",
    "AlertEvidence",
    "AlertPreferences",
    "AlertReason",
    "AlertView",
    "acknowledge_alert",
    "alert_changes",
    "assign_alert",
    "close_alert",
    "count_alerts",
    "get_alert",
    "get_alert_preferences",
    "latest_alert_change",
    "list_alerts",
    "require_alert_reader",
    "set_alert_preferences",
]
