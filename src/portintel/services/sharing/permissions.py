"""The provider's permission: what lets a received report go on to one more partner.

A report this node received under a restrictive code (3x5x2 C, Europol
H2/H3, TLP AMBER+STRICT/RED) is withheld from every partner (rule 6 of
:mod:`portintel.domain.sharing.policy`) until a supervisor records that its
provider (the node it came from) permits it to go to that partner: with the
provider's reference (a letter, a message number) and the day it was given.
A permission names one report and one partner; recorded for a whole delivery
(a receipt), it is recorded for each report the delivery brought. The dry
run then shows the report as going, "released with the permission of ...";
the partner's scoped view (SQL) and the pure policy read the same rows.

Only what the supervisor may read can be permitted (an unreadable report
answers like a missing one), and every permission is audited
(``share.permission``).

A supervisor withdraws a permission (the provider took it back, or it was
recorded in error) with a reason: the row goes, so the dry run, the
partner's scoped view and the policy withhold the report again at once, and
the audit log keeps what was withdrawn, by whom and why
(``share.permission_withdrawn``). It can then be recorded afresh.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import Connection, Row, Select, and_, delete, insert, select

from portintel.adapters.database import tables
from portintel.adapters.database.scope import report_condition
from portintel.adapters.vocabularies import load_handling
from portintel.domain.access import reader_scope
from portintel.domain.actors import Actor, Role
from portintel.domain.sharing import Permission
from portintel.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from portintel.services import audit
from portintel.services.events import transaction
from portintel.services.sharing.partners import find_partner
from portintel.services.workspace import Workspace

MAX_REFERENCE = 200
MAX_REASON = 500


@dataclass(frozen=True, slots=True)
class PermissionView:
    """One recorded permission, for pages and the CLI."""

    id: str
    report_id: str
    report_title: str
    partner: str
    provider: str
    reference: str
    granted_on: date
    recorded_by: str
    recorded_at: datetime
    receipt_id: str | None = None


def permissions_of(
    connection: Connection, report_ids: Iterable[str]
) -> dict[str, tuple[Permission, ...]]:
    """The permissions recorded for these reports, by report id (for the policy)."""
    ids = sorted(set(report_ids))
    found: dict[str, list[Permission]] = {}
    c = tables.provider_permissions.c
    for start in range(0, len(ids), 500):
        for row in connection.execute(
            select(c.report_id, c.partner_id, c.provider, c.reference, c.granted_on).where(
                c.report_id.in_(ids[start : start + 500])
            )
        ):
            found.setdefault(row.report_id, []).append(
                Permission(row.partner_id, row.provider, row.reference, row.granted_on)
            )
    return {report_id: tuple(held) for report_id, held in found.items()}


def _require_supervisor(actor: Actor, what: str = "records") -> None:
    if not actor.has(Role.SUPERVISOR):
        raise PermissionDenied(
            f"only a supervisor {what} a provider's permission",
            hint="ask a supervisor of the unit",
        )


def _clean_reference(reference: str) -> str:
    cleaned = " ".join(reference.split())
    if not cleaned:
        raise InvalidInput(
            "the provider's reference is missing",
            field="reference",
            hint="the number or subject of the provider's message that gives the permission",
        )
    if len(cleaned) > MAX_REFERENCE:
        raise InvalidInput(
            f"the reference is longer than {MAX_REFERENCE} characters", field="reference"
        )
    return cleaned


def _reports_to_permit(
    connection: Connection, actor: Actor, report_id: str | None, receipt_id: str | None
) -> list[tuple[str, str, str]]:
    """``(id, title, provider)`` of the received, readable reports meant."""
    reports = tables.reports
    readable = report_condition(reader_scope(actor).reports)
    query = select(reports.c.id, reports.c.title, reports.c.origin_node, reports.c.handling)
    if report_id is not None:
        rows = connection.execute(query.where(readable, reports.c.id == report_id)).all()
        if not rows:  # absent and unreadable alike
            raise NotFound(f"no report {report_id!r}")
    else:
        received = tables.received_objects.c
        rows = connection.execute(
            query.where(
                readable,
                reports.c.id.in_(
                    select(received.report_id).where(
                        received.receipt_id == receipt_id, received.report_id.is_not(None)
                    )
                ),
            ).order_by(reports.c.id)
        ).all()
        if not rows:
            raise NotFound(
                f"no delivery {receipt_id!r} with reports you may read",
                hint="see the inbox for deliveries",
            )
    vocabularies = load_handling()
    chosen = []
    for row in rows:
        if row.origin_node is None:
            raise InvalidInput(
                f"report {row.id} was not received from another node: it needs no provider's "
                "permission",
                field="report",
            )
        if vocabularies.is_restrictive(row.handling):
            chosen.append((row.id, row.title, row.origin_node))
        elif report_id is not None:
            raise InvalidInput(
                f"report {row.id} needs no provider's permission: its handling, {row.handling}, "
                "lets it go where the agreement allows",
                field="report",
            )
    if not chosen:
        raise InvalidInput(
            "no report of this delivery needs a provider's permission", field="receipt"
        )
    return chosen


def record_permission(
    ws: Workspace,
    actor: Actor,
    partner_name: str,
    *,
    reference: str,
    granted_on: date,
    report_id: str | None = None,
    receipt_id: str | None = None,
) -> list[PermissionView]:
    """Record that the provider of a received report (or of every report of a delivery)
    permits it to go to ``partner_name``; audited. Conflict when recorded already."""
    _require_supervisor(actor)
    if (report_id is None) == (receipt_id is None):
        raise InvalidInput("name either a report or a delivery", field="report")
    cleaned = _clean_reference(reference)
    at = ws.clock()
    if granted_on > at.date():
        raise InvalidInput(
            f"the permission's date {granted_on.isoformat()} is in the future",
            field="granted_on",
            hint="the day the provider gave it",
        )
    partner = find_partner(ws, partner_name)
    permissions = tables.provider_permissions
    views: list[PermissionView] = []
    with transaction(ws) as connection:
        chosen = _reports_to_permit(connection, actor, report_id, receipt_id)
        held = set(
            connection.execute(
                select(permissions.c.report_id).where(
                    permissions.c.partner_id == partner.id,
                    permissions.c.report_id.in_([found[0] for found in chosen]),
                )
            ).scalars()
        )
        if report_id is not None and held:
            raise Conflict(
                f"the provider's permission for report {report_id} to go to {partner.name} "
                "is recorded already"
            )
        for found_id, title, provider in chosen:
            if found_id in held:
                continue
            permission_id = f"PP-{secrets.token_hex(8)}"
            connection.execute(
                insert(permissions).values(
                    id=permission_id,
                    report_id=found_id,
                    partner_id=partner.id,
                    provider=provider,
                    reference=cleaned,
                    granted_on=granted_on,
                    receipt_id=receipt_id,
                    recorded_by=actor.user_id,
                    recorded_at=at,
                )
            )
            audit.record(
                connection,
                actor,
                "share.permission",
                object_type="report",
                object_id=found_id,
                detail={
                    "partner": partner.id,
                    "provider": provider,
                    "reference": cleaned,
                    "granted_on": granted_on.isoformat(),
                    "receipt": receipt_id,
                },
                at=at,
            )
            views.append(
                PermissionView(
                    id=permission_id, report_id=found_id, report_title=title,
                    partner=partner.name, provider=provider, reference=cleaned,
                    granted_on=granted_on, recorded_by=actor.username, recorded_at=at,
                    receipt_id=receipt_id,
                )
            )  # fmt: skip
        if not views:
            raise Conflict(
                f"the provider's permission for every report of this delivery to go to "
                f"{partner.name} is recorded already"
            )
    return views


def _query() -> Select[Any]:
    permissions, reports, partners = (
        tables.provider_permissions,
        tables.reports,
        tables.partners,
    )
    users = tables.users
    return select(
        permissions,
        reports.c.title,
        partners.c.name.label("partner_name"),
        users.c.username,
    ).select_from(
        permissions.join(reports, reports.c.id == permissions.c.report_id)
        .join(partners, partners.c.id == permissions.c.partner_id)
        .outerjoin(users, users.c.id == permissions.c.recorded_by)
    )


def _view(row: Row[Any]) -> PermissionView:
    return PermissionView(
        id=row.id, report_id=row.report_id, report_title=row.title,
        partner=row.partner_name, provider=row.provider, reference=row.reference,
        granted_on=row.granted_on, recorded_by=row.username or row.recorded_by,
        recorded_at=row.recorded_at, receipt_id=row.receipt_id,
    )  # fmt: skip


def list_permissions(
    ws: Workspace, actor: Actor, *, report_ids: Sequence[str] | None = None
) -> list[PermissionView]:
    """The permissions recorded for reports the actor may read, newest first."""
    if not (actor.has(Role.SUPERVISOR) or actor.has(Role.ANALYST)):
        raise PermissionDenied("only analysts and supervisors see providers' permissions")
    permissions = tables.provider_permissions
    query = (
        _query()
        .where(report_condition(reader_scope(actor).reports))
        .order_by(permissions.c.recorded_at.desc(), permissions.c.id)
    )
    if report_ids is not None:
        query = query.where(and_(permissions.c.report_id.in_(sorted(set(report_ids)))))
    with ws.engine.connect() as connection:
        rows = connection.execute(query).all()
    return [_view(row) for row in rows]


def _clean_reason(reason: str) -> str:
    cleaned = " ".join(reason.split())
    if not cleaned:
        raise InvalidInput(
            "the reason for withdrawing is missing",
            field="reason",
            hint="e.g. the provider's message that takes the permission back",
        )
    if len(cleaned) > MAX_REASON:
        raise InvalidInput(f"the reason is longer than {MAX_REASON} characters", field="reason")
    return cleaned


def withdraw_permission(
    ws: Workspace, actor: Actor, permission_id: str, *, reason: str
) -> PermissionView:
    """Withdraw a recorded permission (supervisors, with a reason; audited as
    ``share.permission_withdrawn``): the report is withheld from that partner again.
    A permission for a report the actor may not read answers like a missing one."""
    _require_supervisor(actor, "withdraws")
    cleaned = _clean_reason(reason)
    permissions = tables.provider_permissions
    at = ws.clock()
    with transaction(ws) as connection:
        row = connection.execute(
            _query().where(
                permissions.c.id == permission_id.strip(),
                report_condition(reader_scope(actor).reports),
            )
        ).first()
        if row is None:
            raise NotFound(
                f"no provider's permission {permission_id.strip()!r}",
                hint="see the providers' permissions for their ids",
            )
        withdrawn = _view(row)
        connection.execute(delete(permissions).where(permissions.c.id == withdrawn.id))
        audit.record(
            connection,
            actor,
            "share.permission_withdrawn",
            object_type="report",
            object_id=withdrawn.report_id,
            detail={
                "permission": withdrawn.id,
                "partner": row.partner_id,
                "provider": withdrawn.provider,
                "reference": withdrawn.reference,
                "granted_on": withdrawn.granted_on.isoformat(),
                "recorded_by": row.recorded_by,
                "receipt": withdrawn.receipt_id,
                "reason": cleaned,
            },
            at=at,
        )
    return withdrawn
