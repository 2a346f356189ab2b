"""The dry run: exactly what a partner would receive, and why everything else is withheld.

For the reports an analyst selects (every statement about the entities they
name, the incidents they record, and non-nominal statistics over those
incidents), :func:`preview_share` asks two questions and keeps both answers:
the partner's **scoped view** (the agreement compiled into SQL,
``portintel.adapters.database.partner_scope``, ANDed with the acting user's
own need-to-know) says what would go; the **pure policy**
(``portintel.domain.sharing.decide_report`` / ``decide_statement``) says why
an item is withheld. A property test holds the two equal; :attr:`PreviewItem.agrees`
shows it per item too. Only what the acting user may read is ever listed.

The preview never names other partners, nor who else received anything:
recipient lists never leave the node. It is audited (``share.preview``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import and_, select

from portintel.adapters.database import tables
from portintel.adapters.database.partner_scope import (
    partner_countable_condition,
    partner_incident_condition,
    partner_report_condition,
    partner_statement_condition,
)
from portintel.adapters.database.scope import (
    report_condition,
    statement_condition,
    statements_with_reports,
)
from portintel.adapters.vocabularies import load_handling
from portintel.domain.access import may_work_with_intelligence, reader_scope
from portintel.domain.actors import Actor
from portintel.domain.report_fields import ReportStatus
from portintel.domain.sharing import (
    PROTECTED_PERSON_TOPICS,
    SANITISED_FIELDS,
    Agreement,
    Decision,
    IncidentFacts,
    PartnerScope,
    Permission,
    Reason,
    ReportFacts,
    StatementFacts,
    decide_incident,
    decide_report,
    decide_statement,
    decide_statistics,
    partner_scope,
)
from portintel.errors import InvalidInput, NotFound, PermissionDenied
from portintel.services import audit
from portintel.services.events import transaction
from portintel.services.sharing.partners import current_agreement, find_partner
from portintel.services.sharing.permissions import permissions_of
from portintel.services.workspace import Workspace

DEFAULT_LIMIT = 100
NO_AGREEMENT = Reason("no-agreement", "there is no agreement with this partner")


@dataclass(frozen=True, slots=True)
class PreviewItem:
    """One report or statement: whether it would go, and every reason it would not."""

    kind: str  # "report", "statement" or "incident"
    id: str
    label: str
    in_view: bool
    """In the partner's scoped view (SQL): it would be sent."""
    decision: Decision
    """The pure policy's answer, with its reasons."""
    handling: str | None = None
    conditions: str | None = None
    """The originator's conditions (3x5x2 C, Europol H3): they travel with the item."""
    tlp: str | None = None
    """A report's own TLP marking, when one was chosen (else its handling's default)."""
    entity_id: str | None = None
    schema: str | None = None
    prop: str | None = None
    value: str | None = None
    """A statement's entity, schema, property and value, for pages to label."""
    counted: tuple[str, ...] = ()
    """Statistics: the incidents they would count."""

    @property
    def allowed(self) -> bool:
        return self.in_view

    @property
    def agrees(self) -> bool:
        return self.in_view == self.decision.allowed

    @property
    def reasons(self) -> tuple[Reason, ...]:
        return self.decision.reasons

    @property
    def releases(self) -> tuple[Reason, ...]:
        """Why a restriction does not hold for this partner (the provider's permission)."""
        return self.decision.releases if self.in_view else ()


@dataclass(frozen=True, slots=True)
class SharePreview:
    partner: str
    agreement_id: str | None
    at: datetime
    reports: tuple[PreviewItem, ...]
    statements: tuple[PreviewItem, ...]
    incidents: tuple[PreviewItem, ...] = ()
    """The incidents the chosen reports record (detected, intercepted, ...)."""
    statistics: tuple[PreviewItem, ...] = ()
    """Non-nominal statistics over those incidents: one item when they record any."""
    sanitised: tuple[tuple[str, str], ...] = SANITISED_FIELDS
    """Fields stripped from everything that goes, with why."""

    @property
    def items(self) -> tuple[PreviewItem, ...]:
        return self.reports + self.statements + self.incidents + self.statistics


Permissions = dict[str, tuple[Permission, ...]]


def _report_facts(row: Any, permissions: Permissions) -> ReportFacts:
    return ReportFacts(
        id=row.id,
        status=ReportStatus(row.status),
        handling=row.handling,
        tlp=row.tlp,
        received=row.origin_node is not None,
        provider=row.origin_node,
        permissions=permissions.get(row.id, ()),
    )


def _decide(agreement: Agreement | None, decide: Any, facts: Any, at: datetime) -> Decision:
    if agreement is None:
        return Decision((NO_AGREEMENT,))
    decision: Decision = decide(facts, agreement, load_handling(), at)
    return decision


def preview_share(
    ws: Workspace,
    actor: Actor,
    partner_name: str,
    report_ids: Sequence[str] = (),
    *,
    limit: int = DEFAULT_LIMIT,
) -> SharePreview:
    """What ``partner_name`` would receive of these reports (default: the newest
    ``limit`` the actor may read) and the statements about their entities."""
    if not may_work_with_intelligence(actor):
        raise PermissionDenied("only those who work with intelligence may prepare a share")
    if limit < 1:
        raise InvalidInput("limit must be at least 1", field="limit")
    partner = find_partner(ws, partner_name)
    agreement = current_agreement(ws, partner.id)
    at = ws.clock()
    vocabularies = load_handling()
    scope = reader_scope(actor)
    reports = tables.reports
    statements = tables.statements
    readable = report_condition(scope.reports)
    wanted = sorted(set(report_ids))
    query = select(reports).where(readable)
    if wanted:
        query = query.where(reports.c.id.in_(wanted))
    else:
        query = query.order_by(reports.c.reported_at.desc(), reports.c.id.desc()).limit(limit)
    partner_view = (
        partner_scope(agreement, vocabularies, at, dataset=ws.settings.node_id)
        if agreement is not None
        else None
    )
    with transaction(ws) as connection:
        report_rows = connection.execute(query).all()
        found = {row.id for row in report_rows}
        missing = [report_id for report_id in wanted if report_id not in found]
        if missing:  # absent and unreadable alike: no response reveals a report
            raise NotFound(f"no report {missing[0]!r}")
        ids = sorted(found)
        in_view: set[str] = set()
        if partner_view is not None and ids:
            in_view = set(
                connection.execute(
                    select(reports.c.id).where(
                        readable, reports.c.id.in_(ids), partner_report_condition(partner_view)
                    )
                ).scalars()
            )
        entity_ids = (
            sorted(
                set(
                    connection.execute(
                        select(statements.c.canonical_id).where(statements.c.origin.in_(ids))
                    ).scalars()
                )
            )
            if ids
            else []
        )
        statement_rows: list[Any] = []
        statements_in_view: set[str] = set()
        protected: set[str] = set()
        if entity_ids:
            joined = statements_with_reports()
            readable_statements = and_(
                statement_condition(scope.statements), statements.c.canonical_id.in_(entity_ids)
            )
            statement_rows = list(
                connection.execute(
                    select(
                        statements,
                        reports.c.id.label("report_id"),
                        reports.c.status.label("report_status"),
                        reports.c.handling.label("report_handling"),
                        reports.c.tlp.label("report_tlp"),
                        reports.c.origin_node.label("report_origin_node"),
                    )
                    .select_from(joined)
                    .where(readable_statements)
                    .order_by(statements.c.canonical_id, statements.c.prop, statements.c.id)
                ).all()
            )
            protected = set(
                connection.execute(
                    select(statements.c.canonical_id).where(
                        statements.c.canonical_id.in_(entity_ids),
                        statements.c.prop == "topics",
                        statements.c.value.in_(sorted(PROTECTED_PERSON_TOPICS)),
                    )
                ).scalars()
            )
            if partner_view is not None:
                statements_in_view = set(
                    connection.execute(
                        select(statements.c.id)
                        .select_from(joined)
                        .where(readable_statements, partner_statement_condition(partner_view))
                    ).scalars()
                )
        incident_rows, incidents_in_view, countable = _incidents(connection, ids, partner_view)
        permissions = permissions_of(
            connection,
            {*ids, *(row.report_id for row in statement_rows if row.report_id is not None)},
        )
        report_items = tuple(
            PreviewItem(
                kind="report",
                id=row.id,
                label=row.title,
                in_view=row.id in in_view,
                decision=_decide(agreement, decide_report, _report_facts(row, permissions), at),
                handling=row.handling,
                conditions=row.handling_conditions,
                tlp=row.tlp,
            )
            for row in sorted(report_rows, key=lambda row: row.id)
        )
        statement_items = tuple(
            PreviewItem(
                kind="statement",
                id=row.id,
                label=f"{row.schema} {row.canonical_id}: {row.prop} = {row.value}",
                in_view=row.id in statements_in_view,
                decision=_decide(
                    agreement,
                    decide_statement,
                    _statement_facts(ws, row, protected, permissions),
                    at,
                ),
                handling=row.handling or row.report_handling,
                entity_id=row.canonical_id,
                schema=row.schema,
                prop=row.prop,
                value=row.value,
            )
            for row in statement_rows
        )
        incident_items = tuple(
            PreviewItem(
                kind="incident",
                id=row.id,
                label=f"{row.kind} {row.occurred_at:%Y-%m-%d}: {row.migrants} migrants",
                in_view=row.id in incidents_in_view,
                decision=_decide(agreement, decide_incident, _incident_facts(row, permissions), at),
                handling=row.report_handling,
                tlp=row.report_tlp,
            )
            for row in incident_rows
        )
        statistics_items = (
            (
                PreviewItem(
                    kind="statistics",
                    id="statistics",
                    label=f"Non-nominal statistics over {len(countable)} of "
                    f"{len(incident_rows)} incident(s) of these reports",
                    in_view=bool(countable),
                    decision=_decide(
                        agreement,
                        decide_statistics,
                        tuple(_incident_facts(row, permissions) for row in incident_rows),
                        at,
                    ),
                    counted=tuple(sorted(countable)),
                ),
            )
            if incident_rows
            else ()
        )
        audit.record(
            connection,
            actor,
            "share.preview",
            object_type="partner",
            object_id=partner.id,
            detail={
                "agreement": agreement.id if agreement else None,
                "reports": len(report_items),
                "reports_allowed": sum(item.allowed for item in report_items),
                "statements": len(statement_items),
                "statements_allowed": sum(item.allowed for item in statement_items),
                "incidents": len(incident_items),
                "incidents_allowed": sum(item.allowed for item in incident_items),
                "statistics": bool(statistics_items and statistics_items[0].allowed),
            },
            at=at,
        )
    return SharePreview(
        partner=partner.name,
        agreement_id=agreement.id if agreement else None,
        at=at,
        reports=report_items,
        statements=statement_items,
        incidents=incident_items,
        statistics=statistics_items,
    )


def _incidents(
    connection: Any, report_ids: list[str], partner_view: PartnerScope | None
) -> tuple[list[Any], set[str], set[str]]:
    """The incidents of these (readable) reports, those in the partner's view, and those
    its statistics may count."""
    if not report_ids:
        return [], set(), set()
    incidents = tables.incidents
    reports = tables.reports
    joined = incidents.outerjoin(reports, reports.c.id == incidents.c.report_id)
    mine = incidents.c.report_id.in_(report_ids)
    rows = list(
        connection.execute(
            select(
                incidents,
                reports.c.status.label("report_status"),
                reports.c.handling.label("report_handling"),
                reports.c.tlp.label("report_tlp"),
                reports.c.origin_node.label("report_origin_node"),
            )
            .select_from(joined)
            .where(mine)
            .order_by(incidents.c.occurred_at, incidents.c.id)
        ).all()
    )
    in_view: set[str] = set()
    countable: set[str] = set()
    if partner_view is not None and rows:
        in_view = set(
            connection.execute(
                select(incidents.c.id)
                .select_from(joined)
                .where(mine, partner_incident_condition(partner_view))
            ).scalars()
        )
        countable = set(
            connection.execute(
                select(incidents.c.id)
                .select_from(joined)
                .where(mine, partner_countable_condition(partner_view))
            ).scalars()
        )
    return rows, in_view, countable


def _incident_facts(row: Any, permissions: Permissions) -> IncidentFacts:
    report = (
        ReportFacts(
            id=row.report_id,
            status=ReportStatus(row.report_status),
            handling=row.report_handling,
            tlp=row.report_tlp,
            received=row.report_origin_node is not None,
            provider=row.report_origin_node,
            permissions=permissions.get(row.report_id, ()),
        )
        if row.report_id is not None and row.report_status is not None
        else None
    )
    return IncidentFacts(id=row.id, report=report)


def _statement_facts(
    ws: Workspace, row: Any, protected: set[str], permissions: Permissions
) -> StatementFacts:
    report = (
        ReportFacts(
            id=row.report_id,
            status=ReportStatus(row.report_status),
            handling=row.report_handling,
            tlp=row.report_tlp,
            received=row.report_origin_node is not None,
            provider=row.report_origin_node,
            permissions=permissions.get(row.report_id, ()),
        )
        if row.report_id is not None
        else None
    )
    return StatementFacts(
        report=report,
        prop=row.prop,
        handling=row.handling,
        received=row.dataset != ws.settings.node_id,
        protected_person=row.canonical_id in protected,
    )
