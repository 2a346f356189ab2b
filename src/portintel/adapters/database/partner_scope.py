"""A partner's scope rendered as SQL: the WHERE clause of what an agreement lets go.

:func:`portintel.domain.sharing.partner_scope` compiles the sharing policy
for one agreement into a :class:`~portintel.domain.sharing.PartnerScope`
(pure data); this module renders it for SQLAlchemy, like
:mod:`portintel.adapters.database.scope` renders a user's need-to-know. A
service ANDs it with the acting user's own scope, so a dry run shows only
what its reader may read, filtered in the database.
"""

from __future__ import annotations

from sqlalchemy import ColumnElement, FromClause, and_, exists, false, not_, or_, select

from portintel.adapters.database import tables
from portintel.domain.sharing import PartnerScope


def _sorted(values: frozenset[str]) -> list[str]:
    return sorted(values)


def _permitted(scope: PartnerScope, reports: FromClause) -> ColumnElement[bool]:
    """Rule 6 lifted: the provider's permission to pass the report on to this partner."""
    permissions = tables.provider_permissions.c
    return exists(
        select(permissions.id).where(
            permissions.partner_id == scope.partner_id, permissions.report_id == reports.c.id
        )
    )


def _not_withheld_as_received(
    scope: PartnerScope, reports: FromClause, restrictive: ColumnElement[bool]
) -> ColumnElement[bool]:
    """Rule 6: not received, or not under a restrictive code, or released by permission."""
    return or_(
        reports.c.origin_node.is_(None),
        restrictive == False,  # noqa: E712
        _permitted(scope, reports),
    )


def _report_content(scope: PartnerScope, reports: FromClause) -> ColumnElement[bool]:
    """Rules 3 to 6 over a report (category and expiry are the caller's)."""
    columns = reports.c
    if not scope.handling or not scope.statuses:
        return false()
    return and_(
        columns.status.in_(sorted(status.value for status in scope.statuses)),
        columns.handling.in_(_sorted(scope.handling)),
        or_(
            and_(columns.tlp.is_(None), columns.handling.in_(_sorted(scope.handling_default_tlp))),
            columns.tlp.in_(_sorted(scope.tlp_levels)),
        ),
        _not_withheld_as_received(scope, reports, columns.restrictive),
    )


def partner_report_condition(
    scope: PartnerScope, reports: FromClause = tables.reports
) -> ColumnElement[bool]:
    """The WHERE clause of the reports the partner may receive."""
    if not scope.reports:
        return false()
    return _report_content(scope, reports)


def partner_statement_condition(
    scope: PartnerScope, statements: FromClause = tables.statements
) -> ColumnElement[bool]:
    """The WHERE clause of the statements the partner may receive, over
    :func:`portintel.adapters.database.scope.statements_with_reports`."""
    if not scope.entities or not scope.handling_default_tlp:
        return false()
    reports = tables.reports
    columns = statements.c
    own_handling_passes = columns.handling.in_(_sorted(scope.handling_default_tlp))
    with_report = and_(
        reports.c.id.is_not(None),
        _report_content(scope, reports),
        or_(columns.handling.is_(None), own_handling_passes),
        _not_withheld_as_received(scope, reports, columns.restrictive),
    )
    without_report = and_(
        reports.c.id.is_(None),
        own_handling_passes,
        or_(columns.dataset == scope.dataset, columns.restrictive == False),  # noqa: E712
    )
    conditions: list[ColumnElement[bool]] = [or_(with_report, without_report)]
    if scope.never_properties:
        conditions.append(not_(columns.prop.in_(_sorted(scope.never_properties))))
    if scope.protected_topics:
        marker = tables.statements.alias("protected_marker")
        conditions.append(
            not_(
                exists(
                    select(marker.c.id).where(
                        marker.c.canonical_id == columns.canonical_id,
                        marker.c.prop == "topics",
                        marker.c.value.in_(_sorted(scope.protected_topics)),
                    )
                )
            )
        )
    return and_(*conditions)


def partner_incident_condition(
    scope: PartnerScope, incidents: FromClause = tables.incidents
) -> ColumnElement[bool]:
    """The WHERE clause of the incidents the partner may receive, over incidents LEFT OUTER
    JOIN reports on the incident's report (an incident goes under its report's rules)."""
    if not scope.incidents:
        return false()
    return and_(incidents.c.report_id.is_not(None), _report_content(scope, tables.reports))


def partner_countable_condition(
    scope: PartnerScope, incidents: FromClause = tables.incidents
) -> ColumnElement[bool]:
    """The WHERE clause of the incidents statistics for the partner may count (same join)."""
    if not scope.statistics:
        return false()
    return and_(incidents.c.report_id.is_not(None), _report_content(scope, tables.reports))


__all__ = [
    "partner_countable_condition",
    "partner_incident_condition",
    "partner_report_condition",
    "partner_statement_condition",
]
