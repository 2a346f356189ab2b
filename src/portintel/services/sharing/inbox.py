"""The inbox: intelligence received from partners, read through the reader's scope.

What a reader sees, and why:

- **Received reports**: only those the reader's need-to-know admits (the
  same compiled predicate as every report read, rendered in the query's
  WHERE clause): from whom, when, the status an analyst moved it to, its
  handling, and its grade in the sender's scheme beside the same grade in
  this node's scheme.
- **Quarantined objects and deliveries** (receipts): supervisors only. A
  quarantined object was not trusted, so nobody has said who may read it;
  the supervisors, who read every report anyway, decide what to ask the
  partner. Everyone else sees how many are quarantined, not what.

Reads are audited like other reads of intelligence (``share.inbox_read``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select

from portintel.adapters.database import tables
from portintel.adapters.database.scope import report_condition
from portintel.adapters.vocabularies import load_grading_schemes, load_handling
from portintel.domain.access import may_work_with_intelligence, reader_scope
from portintel.domain.actors import Actor, Role
from portintel.domain.grading import Grading, GradingSchemes
from portintel.domain.handling import HandlingVocabularies
from portintel.errors import InvalidInput, PermissionDenied, PortintelError
from portintel.services import audit
from portintel.services.events import transaction
from portintel.services.sharing.receiving import Outcome
from portintel.services.workspace import Workspace

MAX_LIMIT = 500


@dataclass(frozen=True, slots=True)
class InboxReport:
    """A received report as the inbox lists it."""

    report_id: str
    title: str
    partner: str
    origin_node: str | None
    sender_report: str | None
    received_at: datetime
    status: str
    outcome: str
    handling: str
    handling_conditions: str | None
    tlp: str | None
    grading: Grading
    """As the sender graded it, in the sender's scheme."""
    mapped: Grading | None
    """The same grade read in this node's scheme (None if no mapping is configured)."""
    grading_label: str
    """The sender's grade in words, e.g. "UK 3x5x2: Untested; Known indirectly, corroborated"."""
    mapped_label: str | None
    handling_label: str


@dataclass(frozen=True, slots=True)
class QuarantinedObject:
    stix_id: str
    stix_type: str
    partner: str
    received_at: datetime
    reason: str


@dataclass(frozen=True, slots=True)
class ReceiptSummary:
    id: str
    partner: str
    source: str
    received_at: datetime
    objects: int
    imported: int
    quarantined: int
    unchanged: int


@dataclass(frozen=True, slots=True)
class Inbox:
    reports: tuple[InboxReport, ...]
    total: int
    """Received reports the reader may read (all pages)."""
    quarantined_total: int
    """Objects in quarantine (a count every reader of the inbox may know)."""
    quarantined: tuple[QuarantinedObject, ...]
    """Supervisors only (module docstring); empty for everyone else."""
    receipts: tuple[ReceiptSummary, ...]
    """Supervisors only."""
    sees_quarantine: bool


def grading_words(schemes: GradingSchemes, grading: Grading) -> str:
    """A grade in words (labels, not codes); the codes if the scheme is unknown here."""
    try:
        scheme = schemes.get(grading.scheme)
        return (
            f"{scheme.name}: {scheme.reliability_grade(grading.reliability).label}; "
            f"{scheme.credibility_grade(grading.credibility).label}"
        )
    except PortintelError:
        return f"{grading.scheme} {grading.label}"


def sees_quarantine(actor: Actor) -> bool:
    return actor.is_system or actor.has(Role.SUPERVISOR)


def _handling_label(vocabularies: HandlingVocabularies, code: str) -> str:
    try:
        return vocabularies.label(code)
    except PortintelError:
        return code


def read_inbox(
    ws: Workspace,
    actor: Actor,
    *,
    partner: str | None = None,
    limit: int = 100,
    offset: int = 0,
) -> Inbox:
    """One page of the inbox for ``actor`` (optionally of one partner, by name)."""
    if not may_work_with_intelligence(actor):
        raise PermissionDenied("the inbox is for those who work with intelligence")
    if not 1 <= limit <= MAX_LIMIT:
        raise InvalidInput(f"limit must be between 1 and {MAX_LIMIT}", field="limit")
    if offset < 0:
        raise InvalidInput("offset must not be negative", field="offset")
    received = tables.received_objects.c
    reports = tables.reports.c
    partners = tables.partners.c
    scope = reader_scope(actor)
    condition = [
        received.report_id.is_not(None),
        received.outcome.in_((Outcome.IMPORTED.value, Outcome.WITHDRAWN.value)),
        report_condition(scope.reports),
    ]
    if partner:
        condition.append(partners.name == partner.strip().upper())
    joined = tables.received_objects.join(tables.reports, reports.id == received.report_id).join(
        tables.partners, partners.id == received.partner_id
    )
    schemes = load_grading_schemes()
    local_scheme = ws.settings.grading_scheme
    with transaction(ws) as connection:
        total = connection.execute(
            select(func.count()).select_from(joined).where(*condition)
        ).scalar_one()
        rows = connection.execute(
            select(
                received.report_id,
                received.outcome,
                received.sender_ref,
                received.received_at,
                partners.name.label("partner"),
                reports.title,
                reports.status,
                reports.origin_node,
                reports.handling,
                reports.handling_conditions,
                reports.tlp,
                reports.grading_scheme,
                reports.reliability,
                reports.credibility,
            )
            .select_from(joined)
            .where(*condition)
            .order_by(received.received_at.desc(), received.id.desc())
            .limit(limit)
            .offset(offset)
        ).all()
        quarantine_where = [received.outcome == Outcome.QUARANTINED.value]
        if partner:
            quarantine_where.append(partners.name == partner.strip().upper())
        with_partner = tables.received_objects.join(
            tables.partners, partners.id == received.partner_id
        )
        quarantined_total = connection.execute(
            select(func.count()).select_from(with_partner).where(*quarantine_where)
        ).scalar_one()
        quarantined: list[QuarantinedObject] = []
        receipts: list[ReceiptSummary] = []
        if sees_quarantine(actor):
            for quarantined_row in connection.execute(
                select(
                    received.stix_id,
                    received.stix_type,
                    received.received_at,
                    received.reason,
                    partners.name.label("partner"),
                )
                .select_from(with_partner)
                .where(*quarantine_where)
                .order_by(received.received_at.desc(), received.id.desc())
                .limit(limit)
            ):
                quarantined.append(
                    QuarantinedObject(
                        quarantined_row.stix_id,
                        quarantined_row.stix_type,
                        quarantined_row.partner,
                        quarantined_row.received_at,
                        quarantined_row.reason or "",
                    )
                )
            kept = tables.receipts.c
            receipt_query = (
                select(tables.receipts, partners.name.label("partner"))
                .select_from(tables.receipts.join(tables.partners, partners.id == kept.partner_id))
                .order_by(kept.received_at.desc(), kept.id.desc())
                .limit(limit)
            )
            if partner:
                receipt_query = receipt_query.where(partners.name == partner.strip().upper())
            for kept_row in connection.execute(receipt_query):
                receipts.append(
                    ReceiptSummary(
                        kept_row.id, kept_row.partner, kept_row.source, kept_row.received_at,
                        kept_row.objects, kept_row.imported, kept_row.quarantined,
                        kept_row.unchanged,
                    )
                )  # fmt: skip
        audit.record(
            connection,
            actor,
            "share.inbox_read",
            object_type="inbox",
            object_id=partner or "*",
            detail={"reports": len(rows), "offset": offset},
            at=ws.clock(),
        )
    handling = load_handling()
    found = []
    for row in rows:
        grading = Grading(row.grading_scheme, row.reliability, row.credibility)
        try:
            mapped: Grading | None = schemes.map(grading, local_scheme)
        except PortintelError:
            mapped = None
        found.append(
            InboxReport(
                report_id=row.report_id,
                title=row.title,
                partner=row.partner,
                origin_node=row.origin_node,
                sender_report=row.sender_ref,
                received_at=row.received_at,
                status=row.status,
                outcome=row.outcome,
                handling=row.handling,
                handling_conditions=row.handling_conditions,
                tlp=row.tlp,
                grading=grading,
                mapped=mapped,
                grading_label=grading_words(schemes, grading),
                mapped_label=None if mapped is None else grading_words(schemes, mapped),
                handling_label=_handling_label(handling, row.handling),
            )
        )
    return Inbox(
        reports=tuple(found),
        total=total,
        quarantined_total=quarantined_total,
        quarantined=tuple(quarantined),
        receipts=tuple(receipts),
        sees_quarantine=sees_quarantine(actor),
    )
