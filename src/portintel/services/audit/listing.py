"""Read the audit log: who did what and when, and for supervisors what exactly.

Why two depths: the log's detail (search terms, filters) and entity ids
(which may embed a passport or phone number) are intelligence. Administrators
read the log to see who did what and when; supervisors also see what
(:func:`portintel.domain.audit.may_read_audit_detail`). The service withholds
the rest, so every face (page, API, CLI) shows the same thing and none can
forget: a withheld field is ``None`` and flagged, never silently empty. The
entry's hash goes with the detail, since it is a function of it and would
let a guess (a passport number) be confirmed offline.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Row, Select, select

from portintel.adapters.database.tables import audit_log
from portintel.domain.actors import Actor
from portintel.domain.audit import OPAQUE_OBJECT_TYPES, may_read_audit_detail, may_read_audit_log
from portintel.errors import InvalidInput, PermissionDenied
from portintel.services.audit import denials, log
from portintel.services.workspace import Workspace


@dataclass(frozen=True, slots=True)
class AuditFilters:
    """What to list: every field narrows; ``limit`` caps the newest entries."""

    actor: str | None = None
    action: str | None = None
    object_type: str | None = None
    object_id: str | None = None
    since: datetime | None = None
    until: datetime | None = None
    limit: int = 100


@dataclass(frozen=True, slots=True)
class AuditEntryView:
    """One entry as its reader may see it.

    ``detail`` and ``hash`` are ``None`` when ``detail_withheld``;
    ``object_id`` is ``None`` when ``object_id_withheld``.
    """

    seq: int
    at: datetime
    actor: str
    action: str
    object_type: str | None
    object_id: str | None
    detail: Mapping[str, object] | None
    hash: str | None
    detail_withheld: bool = False
    object_id_withheld: bool = False


@denials.audits_denial("audit")
def list_entries(ws: Workspace, actor: Actor, filters: AuditFilters) -> list[AuditEntryView]:
    """Newest entries first, narrowed by ``filters``; supervisors and administrators only.

    Reading the log is itself recorded (``audit.list``). Refused reads whose
    minute is over are summarised first, so the reader sees them.
    """
    if not may_read_audit_log(actor.roles):
        raise PermissionDenied(
            "only supervisors and administrators may read the audit log",
            hint="ask a supervisor",
        )
    if filters.limit < 1 or filters.limit > 10_000:
        raise InvalidInput("limit must be between 1 and 10000", field="limit")
    full = may_read_audit_detail(actor.roles)
    query = _query(filters, full=full)
    denials.flush_denials(ws)
    with ws.engine.begin() as connection:
        rows = connection.execute(query).all()
        log.record(
            connection,
            actor,
            "audit.list",
            detail={
                key: value
                for key, value in {
                    "actor": filters.actor,
                    "action": filters.action,
                    "object_type": filters.object_type,
                    "object_id": filters.object_id,
                    "since": filters.since,
                    "until": filters.until,
                    "limit": filters.limit,
                }.items()
                if value is not None
            },
            at=ws.clock(),
        )
    return [_view(row, full=full) for row in rows]


def _query(filters: AuditFilters, *, full: bool) -> Select[Any]:
    query = select(audit_log).order_by(audit_log.c.seq.desc()).limit(filters.limit)
    if filters.actor:
        query = query.where(audit_log.c.actor == filters.actor)
    if filters.action:
        if filters.action.endswith(".*"):
            query = query.where(audit_log.c.action.startswith(filters.action[:-1], autoescape=True))
        else:
            query = query.where(audit_log.c.action == filters.action)
    if filters.object_type:
        query = query.where(audit_log.c.object_type == filters.object_type)
    if filters.object_id:
        query = query.where(audit_log.c.object_id == filters.object_id)
        if not full:
            # a withheld id must not be confirmed by filtering on a guess
            query = query.where(audit_log.c.object_type.in_(sorted(OPAQUE_OBJECT_TYPES)))
    if filters.since:
        query = query.where(audit_log.c.at >= log.as_utc(filters.since))
    if filters.until:
        query = query.where(audit_log.c.at < log.as_utc(filters.until))
    return query


def _view(row: Row[Any], *, full: bool) -> AuditEntryView:
    id_shown = full or row.object_type is None or row.object_type in OPAQUE_OBJECT_TYPES
    return AuditEntryView(
        seq=row.seq,
        at=log.as_utc(row.at),
        actor=row.actor,
        action=row.action,
        object_type=row.object_type,
        object_id=row.object_id if id_shown else None,
        detail=log.parse_detail(row.detail) if full else None,
        hash=row.hash if full else None,
        detail_withheld=not full,
        object_id_withheld=not id_shown and row.object_id is not None,
    )
