"""Dissemination: an analyst asks, a supervisor approves, the partner gets the dry run, signed.

:func:`request_dissemination` records the reports an analyst selects for one
partner (refused when the dry run would send nothing of them).
:func:`approve_dissemination` is the release: a supervisor other than the
requester approves; the dry run is run again **as the requester** (their
need-to-know, the partner's agreement as it stands now) and exactly what it
allows is sanitised, converted to STIX 2.1, signed with the node key and
stored as an outgoing package with the list of what it carries, and its
objects are published into the partner's TAXII collection
(:mod:`.publishing`), all in one transaction. Each
evaluated report in the package becomes ``disseminated`` through the
report's own transition, whose history names the recipient; a report's
recipients are read from the packages (:func:`report_recipients`), which
never leave the node. Acknowledgement and feedback from the partner are
recorded later. Every step is audited.
"""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import Connection, insert, select, true, update

from portintel.adapters.database import tables
from portintel.domain.access import may_work_with_intelligence
from portintel.domain.actors import SYSTEM, Actor, Role
from portintel.domain.report_fields import ReportStatus
from portintel.domain.reports import ReportAction
from portintel.domain.workflow import Workflow
from portintel.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from portintel.services import audit, intake
from portintel.services.events import transaction
from portintel.services.sharing.node import node_signer
from portintel.services.sharing.packages import (
    Verified,
    ftm_package_document,
    package_document,
    seal,
    seal_ftm,
    selection_of,
    verify_document,
)
from portintel.services.sharing.partners import find_partner
from portintel.services.sharing.preview import SharePreview, preview_share
from portintel.services.sharing.publishing import publish_package
from portintel.services.workspace import Workspace


class DisseminationStatus(StrEnum):
    PENDING = "pending"
    APPROVED = "approved"


@dataclass(frozen=True, slots=True)
class PackageView:
    id: str
    bundle_id: str
    sha256: str
    fingerprint: str
    created_at: datetime
    reports: tuple[str, ...]
    statements: int
    acknowledged_at: datetime | None
    feedback: tuple[tuple[datetime, str], ...]
    incidents: int = 0
    statistics: bool = False
    """Whether the package carries non-nominal statistics."""
    has_ftm: bool = False
    """Whether the package was also made as FtM JSON (every package approved since)."""


@dataclass(frozen=True, slots=True)
class DisseminationView:
    """One dissemination as the node's own staff see it (never shown to a partner)."""

    id: str
    partner: str
    status: DisseminationStatus
    requested_by: str
    requested_at: datetime
    approved_by: str | None
    approved_at: datetime | None
    note: str | None
    reports: tuple[str, ...]
    """What the analyst selected; the package holds what the agreement allows of it."""
    package: PackageView | None


@dataclass(frozen=True, slots=True)
class Recipient:
    partner: str
    package_id: str
    at: datetime


def _require_intelligence(actor: Actor, what: str) -> None:
    if not may_work_with_intelligence(actor):
        raise PermissionDenied(f"only those who work with intelligence may {what}")


def _require_supervisor(actor: Actor, what: str) -> None:
    if not (actor.is_system or actor.has(Role.SUPERVISOR)):
        raise PermissionDenied(f"only a supervisor may {what}")


def _visible(actor: Actor) -> Any:
    """Supervisors see every dissemination; others only those they requested (a
    dissemination names reports, and its requester's need-to-know chose them)."""
    if actor.is_system or actor.has(Role.SUPERVISOR):
        return true()
    return tables.disseminations.c.requested_by == actor.user_id


def _sent(preview: SharePreview) -> tuple[set[str], set[str]]:
    return (
        {item.id for item in preview.reports if item.allowed},
        {item.id for item in preview.statements if item.allowed},
    )


def _incidents_sent(preview: SharePreview) -> set[str]:
    return {item.id for item in preview.incidents if item.allowed}


def _statistics_sent(preview: SharePreview) -> list[str]:
    return [item.id for item in preview.statistics if item.allowed]


def request_dissemination(
    ws: Workspace,
    actor: Actor,
    partner_name: str,
    report_ids: Sequence[str],
    *,
    note: str | None = None,
) -> str:
    """A pending dissemination of these reports to one partner; its id."""
    _require_intelligence(actor, "request a dissemination")
    wanted = sorted({report_id.strip() for report_id in report_ids if report_id.strip()})
    if not wanted:
        raise InvalidInput("select at least one report to disseminate", field="report")
    preview = preview_share(ws, actor, partner_name, wanted)
    reports_sent, _ = _sent(preview)
    if not reports_sent:
        raise InvalidInput(
            f"nothing of this may go to {preview.partner}",
            field="report",
            hint=f"see why: portintel share preview --partner {preview.partner}",
        )
    partner = find_partner(ws, partner_name)
    dissemination_id = f"D-{secrets.token_hex(8)}"
    at = ws.clock()
    with transaction(ws) as connection:
        connection.execute(
            insert(tables.disseminations).values(
                id=dissemination_id,
                partner_id=partner.id,
                status=DisseminationStatus.PENDING.value,
                requested_by=actor.user_id,
                requested_at=at,
                note=note,
            )
        )
        connection.execute(
            insert(tables.dissemination_reports),
            [{"dissemination_id": dissemination_id, "report_id": rid} for rid in wanted],
        )
        audit.record(
            connection,
            actor,
            "share.requested",
            object_type="dissemination",
            object_id=dissemination_id,
            detail={"partner": partner.id, "reports": wanted},
            at=at,
        )
    return dissemination_id


def _actor_of_user(connection: Connection, user_id: str) -> Actor:
    if user_id == SYSTEM.user_id:
        return SYSTEM
    row = connection.execute(select(tables.users).where(tables.users.c.id == user_id)).first()
    if row is None or not row.active:
        raise Conflict(
            "the analyst who requested this dissemination is no longer active",
            hint="ask another analyst to request it again",
        )
    roles = connection.execute(
        select(tables.user_roles.c.role).where(tables.user_roles.c.user_id == user_id)
    ).scalars()
    return Actor(
        user_id=row.id,
        username=row.username,
        agency_id=row.agency_id,
        roles=frozenset(Role(role) for role in roles),
    )


def approve_dissemination(
    ws: Workspace, actor: Actor, dissemination_id: str, *, note: str | None = None
) -> str:
    """Release a pending dissemination; the id of the signed package it made."""
    _require_supervisor(actor, "approve a dissemination")
    with ws.engine.connect() as connection:
        row = _dissemination_row(connection, dissemination_id)
        requester = _actor_of_user(connection, row.requested_by)
        partner_name = connection.execute(
            select(tables.partners.c.name).where(tables.partners.c.id == row.partner_id)
        ).scalar_one()
        wanted = list(
            connection.execute(
                select(tables.dissemination_reports.c.report_id)
                .where(tables.dissemination_reports.c.dissemination_id == dissemination_id)
                .order_by(tables.dissemination_reports.c.report_id)
            ).scalars()
        )
    if row.status != DisseminationStatus.PENDING.value:
        raise Conflict(f"dissemination {dissemination_id} is {row.status} already")
    if not actor.is_system and actor.user_id == row.requested_by:
        raise PermissionDenied(
            "no one approves their own dissemination", hint="ask another supervisor"
        )
    preview = preview_share(ws, requester, partner_name, wanted)
    reports_sent, statements_sent = _sent(preview)
    if not reports_sent:
        raise Conflict(
            f"nothing of this may go to {partner_name} any more",
            hint=f"see why: portintel share preview --partner {partner_name}",
        )
    package_id = f"P-{secrets.token_hex(8)}"
    at = ws.clock()
    with transaction(ws) as connection:
        selection = selection_of(connection, ws.settings.node_code, preview)
        sealed = seal(selection, node_signer(ws))
        # the same selection as FtM JSON, signed the same way: exactly what the bundle holds
        sealed_ftm = seal_ftm(selection, node_signer(ws))
        done = connection.execute(
            update(tables.disseminations)
            .where(
                tables.disseminations.c.id == dissemination_id,
                tables.disseminations.c.status == DisseminationStatus.PENDING.value,
            )
            .values(
                status=DisseminationStatus.APPROVED.value,
                approved_by=actor.user_id,
                approved_at=at,
            )
        )
        if done.rowcount != 1:
            raise Conflict(f"dissemination {dissemination_id} changed meanwhile")
        connection.execute(
            insert(tables.outgoing_packages).values(
                id=package_id,
                dissemination_id=dissemination_id,
                partner_id=row.partner_id,
                agreement_id=preview.agreement_id,
                bundle_id=sealed.bundle_id,
                bundle=sealed.text,
                sha256=sealed.sha256,
                fingerprint=sealed.fingerprint,
                signature=sealed.signature,
                ftm=sealed_ftm.text,
                ftm_signature=sealed_ftm.signature,
                created_at=at,
            )
        )
        connection.execute(
            insert(tables.package_items),
            [{"package_id": package_id, "kind": "report", "item_id": i} for i in reports_sent]
            + [
                {"package_id": package_id, "kind": "statement", "item_id": i}
                for i in statements_sent
            ]
            + [
                {"package_id": package_id, "kind": "incident", "item_id": i}
                for i in sorted(_incidents_sent(preview))
            ]
            + [
                {"package_id": package_id, "kind": "statistics", "item_id": i}
                for i in _statistics_sent(preview)
            ],
        )
        if preview.agreement_id is not None:  # made available: the partner's TAXII collection
            publish_package(
                connection,
                package_id=package_id,
                partner_id=row.partner_id,
                agreement_id=preview.agreement_id,
                bundle_text=sealed.text,
                at=at,
            )
        _mark_disseminated(
            connection, actor, sorted(reports_sent), at, partner_name, note, ws.workflow
        )
        audit.record(
            connection,
            actor,
            "share.approved",
            object_type="dissemination",
            object_id=dissemination_id,
            detail={
                "partner": row.partner_id,
                "package": package_id,
                "reports": sorted(reports_sent),
                "statements": len(statements_sent),
                "incidents": sorted(_incidents_sent(preview)),
                "statistics": bool(_statistics_sent(preview)),
                "sha256": sealed.sha256,
                "fingerprint": sealed.fingerprint,
            },
            at=at,
        )
    return package_id


def _mark_disseminated(
    connection: Connection,
    actor: Actor,
    report_ids: list[str],
    at: datetime,
    partner_name: str,
    note: str | None,
    workflow: Workflow,
) -> None:
    """Evaluated reports become disseminated; the transition names the recipient."""
    statuses = dict(
        connection.execute(
            select(tables.reports.c.id, tables.reports.c.status).where(
                tables.reports.c.id.in_(report_ids)
            )
        ).all()
    )
    for report_id in report_ids:
        if statuses.get(report_id) == ReportStatus.EVALUATED.value:
            intake.apply_transition(
                connection,
                actor,
                report_id,
                ReportAction.DISSEMINATE,
                now=at,
                note=note,
                detail={"recipient": partner_name},
                workflow=workflow,
            )


def _dissemination_row(connection: Connection, dissemination_id: str) -> Any:
    row = connection.execute(
        select(tables.disseminations).where(tables.disseminations.c.id == dissemination_id)
    ).first()
    if row is None:
        raise NotFound(f"no dissemination {dissemination_id!r}", hint="see portintel share list")
    return row


def _package_view(connection: Connection, row: Any) -> PackageView:
    items = connection.execute(
        select(tables.package_items.c.kind, tables.package_items.c.item_id)
        .where(tables.package_items.c.package_id == row.id)
        .order_by(tables.package_items.c.kind, tables.package_items.c.item_id)
    ).all()
    feedback = connection.execute(
        select(tables.package_feedback.c.recorded_at, tables.package_feedback.c.text)
        .where(tables.package_feedback.c.package_id == row.id)
        .order_by(tables.package_feedback.c.id)
    ).all()
    return PackageView(
        id=row.id,
        bundle_id=row.bundle_id,
        sha256=row.sha256,
        fingerprint=row.fingerprint,
        created_at=row.created_at,
        reports=tuple(item.item_id for item in items if item.kind == "report"),
        statements=sum(item.kind == "statement" for item in items),
        incidents=sum(item.kind == "incident" for item in items),
        statistics=any(item.kind == "statistics" for item in items),
        has_ftm=row.ftm is not None,
        acknowledged_at=row.acknowledged_at,
        feedback=tuple((entry.recorded_at, entry.text) for entry in feedback),
    )


def _view(connection: Connection, row: Any) -> DisseminationView:
    reports = tuple(
        connection.execute(
            select(tables.dissemination_reports.c.report_id)
            .where(tables.dissemination_reports.c.dissemination_id == row.id)
            .order_by(tables.dissemination_reports.c.report_id)
        ).scalars()
    )
    package = connection.execute(
        select(tables.outgoing_packages).where(
            tables.outgoing_packages.c.dissemination_id == row.id
        )
    ).first()
    names = dict(
        connection.execute(
            select(tables.users.c.id, tables.users.c.username).where(
                tables.users.c.id.in_([row.requested_by, row.approved_by or ""])
            )
        ).all()
    )
    return DisseminationView(
        id=row.id,
        partner=row.partner_name,
        status=DisseminationStatus(row.status),
        requested_by=names.get(row.requested_by, row.requested_by),
        requested_at=row.requested_at,
        approved_by=names.get(row.approved_by, row.approved_by) if row.approved_by else None,
        approved_at=row.approved_at,
        note=row.note,
        reports=reports,
        package=_package_view(connection, package) if package is not None else None,
    )


def _with_partner() -> Any:
    return select(tables.disseminations, tables.partners.c.name.label("partner_name")).join(
        tables.partners, tables.partners.c.id == tables.disseminations.c.partner_id
    )


def list_disseminations(
    ws: Workspace, actor: Actor, *, status: DisseminationStatus | None = None
) -> list[DisseminationView]:
    """Every dissemination, newest first (pending ones are what supervisors approve)."""
    _require_intelligence(actor, "list disseminations")
    query = (
        _with_partner()
        .where(_visible(actor))
        .order_by(tables.disseminations.c.requested_at.desc(), tables.disseminations.c.id)
    )
    if status is not None:
        query = query.where(tables.disseminations.c.status == status.value)
    with ws.engine.connect() as connection:
        return [_view(connection, row) for row in connection.execute(query).all()]


def get_dissemination(ws: Workspace, actor: Actor, dissemination_id: str) -> DisseminationView:
    _require_intelligence(actor, "read a dissemination")
    with ws.engine.connect() as connection:
        row = connection.execute(
            _with_partner().where(tables.disseminations.c.id == dissemination_id, _visible(actor))
        ).first()
        if row is None:
            raise NotFound(
                f"no dissemination {dissemination_id!r}", hint="see portintel share list"
            )
        return _view(connection, row)


def visible_package_row(connection: Connection, actor: Actor, package_id: str) -> Any:
    packages = tables.outgoing_packages
    row = connection.execute(
        select(packages)
        .join(tables.disseminations, tables.disseminations.c.id == packages.c.dissemination_id)
        .where(packages.c.id == package_id, _visible(actor))
    ).first()
    if row is None:
        raise NotFound(f"no package {package_id!r}", hint="see portintel share list")
    return row


def get_package(ws: Workspace, actor: Actor, package_id: str) -> PackageView:
    """One package as its dissemination's readers see it; NotFound otherwise."""
    _require_intelligence(actor, "read a package")
    with ws.engine.connect() as connection:
        return _package_view(connection, visible_package_row(connection, actor, package_id))


def package_file(ws: Workspace, actor: Actor, package_id: str) -> str:
    """The signed package as the partner receives it (audited: it leaves the node)."""
    _require_intelligence(actor, "export a package")
    at = ws.clock()
    with transaction(ws) as connection:
        row = visible_package_row(connection, actor, package_id)
        audit.record(
            connection,
            actor,
            "share.exported",
            object_type="package",
            object_id=package_id,
            detail={"sha256": row.sha256},
            at=at,
        )
    return package_document(row.id, row.bundle, row.fingerprint, row.signature)


def package_ftm_file(ws: Workspace, actor: Actor, package_id: str) -> str:
    """The package as signed FtM JSON, for portintel partners (audited: it leaves the node).
    It carries exactly what the STIX package carries: both were made from one selection."""
    _require_intelligence(actor, "export a package")
    at = ws.clock()
    with transaction(ws) as connection:
        row = visible_package_row(connection, actor, package_id)
        if row.ftm is None or row.ftm_signature is None:
            raise Conflict(
                f"package {package_id} was approved before packages were also made as FtM JSON",
                hint="export it as the STIX package, or approve a new dissemination",
            )
        audit.record(
            connection,
            actor,
            "share.exported",
            object_type="package",
            object_id=package_id,
            detail={"sha256": row.sha256, "format": "ftm"},
            at=at,
        )
    return ftm_package_document(row.id, row.ftm, row.fingerprint, row.ftm_signature)


def acknowledge_package(ws: Workspace, actor: Actor, package_id: str) -> datetime:
    """Record that the partner acknowledged receipt; the first acknowledgement stands."""
    _require_intelligence(actor, "record an acknowledgement")
    at = ws.clock()
    with transaction(ws) as connection:
        row = visible_package_row(connection, actor, package_id)
        if row.acknowledged_at is not None:
            raise Conflict(
                f"package {package_id} was acknowledged already ({row.acknowledged_at:%Y-%m-%d})"
            )
        connection.execute(
            update(tables.outgoing_packages)
            .where(tables.outgoing_packages.c.id == package_id)
            .values(acknowledged_at=at, acknowledged_by=actor.user_id)
        )
        audit.record(
            connection, actor, "share.acknowledged", object_type="package", object_id=package_id,
            at=at,
        )  # fmt: skip
    return at


def record_feedback(ws: Workspace, actor: Actor, package_id: str, text: str) -> None:
    """What the partner later said it did with the package ("used in operation X")."""
    _require_intelligence(actor, "record feedback")
    cleaned = text.strip()
    if not cleaned:
        raise InvalidInput("feedback is empty", field="text")
    if len(cleaned) > 4000:
        raise InvalidInput(f"feedback has {len(cleaned)} characters, at most 4000", field="text")
    at = ws.clock()
    with transaction(ws) as connection:
        visible_package_row(connection, actor, package_id)
        connection.execute(
            insert(tables.package_feedback).values(
                package_id=package_id, text=cleaned, recorded_by=actor.user_id, recorded_at=at
            )
        )
        audit.record(
            connection, actor, "share.feedback", object_type="package", object_id=package_id,
            detail={"characters": len(cleaned)}, at=at,
        )  # fmt: skip


def report_recipients(ws: Workspace, actor: Actor, report_id: str) -> list[Recipient]:
    """The partners a report was sent to (for this node's staff only)."""
    _require_intelligence(actor, "read a report's recipients")
    intake.get_report(ws, actor, report_id)  # NotFound unless the actor may read it
    packages = tables.outgoing_packages
    with ws.engine.connect() as connection:
        rows = connection.execute(
            select(tables.partners.c.name, packages.c.id, packages.c.created_at)
            .select_from(
                tables.package_items.join(
                    packages, packages.c.id == tables.package_items.c.package_id
                ).join(tables.partners, tables.partners.c.id == packages.c.partner_id)
            )
            .where(
                tables.package_items.c.kind == "report",
                tables.package_items.c.item_id == report_id,
            )
            .order_by(packages.c.created_at, packages.c.id)
        ).all()
    return [Recipient(row.name, row.id, row.created_at) for row in rows]


def verify_package(ws: Workspace, text: str) -> Verified:
    """Check a package file against this node's keys and its partners' keys."""
    signer = node_signer(ws)
    known = {key.fingerprint: ("this node", key.public_key) for key in signer.public_keys()}
    with ws.engine.connect() as connection:
        for row in connection.execute(
            select(
                tables.partners.c.name, tables.partners.c.public_key, tables.partners.c.fingerprint
            ).where(tables.partners.c.public_key.is_not(None))
        ):
            known[row.fingerprint] = (row.name, row.public_key)
    return verify_document(text, known, signer)
