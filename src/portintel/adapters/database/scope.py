"""A reader's scope rendered as SQL: the WHERE clause of every read of intelligence.

:func:`portintel.domain.access.reader_scope` compiles need-to-know for one
reader into predicates (pure data); this module renders them for
SQLAlchemy, so that lists, counts, pages and search are filtered, sorted and
paginated in the database (nomenklatura's ``View(store, scope)``, with the
scope compiled once per read). Services compose these clauses with their own
filters and never filter rows in Python after a fetch.

A statement's report is the report whose id is the statement's ``origin``:
render statements over :func:`statements_with_reports` (a LEFT OUTER JOIN),
where a statement from no report has NULL report columns.
"""

from __future__ import annotations

from dataclasses import replace
from types import SimpleNamespace
from typing import Any, cast

from sqlalchemy import (
    BindParameter,
    ColumnElement,
    FromClause,
    Select,
    and_,
    bindparam,
    exists,
    false,
    or_,
    select,
    true,
)

from portintel.adapters.database import tables
from portintel.domain.access import (
    ReportClause,
    ReportPredicate,
    StatementPredicate,
)


class ScopeParameter(str):
    """The name of a bound parameter standing for one reader's value in a scope *shape*.

    :func:`parameterised` puts these in place of a predicate's agency, author
    and releasable-to ids; rendered, they become ``bindparam`` (required: a
    statement built from a shape cannot run without the reader's values).
    """

    __slots__ = ()


def _value(value: str) -> str | BindParameter[str]:
    return bindparam(str(value), required=True) if isinstance(value, ScopeParameter) else value


def _clause(clause: ReportClause, reports: FromClause) -> ColumnElement[bool]:
    columns = reports.c
    conditions: list[ColumnElement[bool]] = []
    if clause.statuses is not None:
        if not clause.statuses:
            return false()
        conditions.append(columns.status.in_(sorted(status.value for status in clause.statuses)))
    if clause.agency_id is not None:
        conditions.append(columns.agency_id == _value(clause.agency_id))
    if clause.author_id is not None:
        conditions.append(columns.author_id == _value(clause.author_id))
    if clause.restrictive is not None:
        conditions.append(columns.restrictive == clause.restrictive)
    if clause.releasable_to is not None:
        released = tables.report_releasable_to.c
        conditions.append(
            exists().where(
                released.report_id == columns.id,
                released.agency_id == _value(clause.releasable_to),
            )
        )
    return and_(*conditions) if conditions else true()


def _implies(narrow: ReportClause, wide: ReportClause) -> bool:
    """Every report ``narrow`` admits, ``wide`` admits too (each of ``wide``'s conditions
    is one of ``narrow``'s, or looser)."""
    if wide.statuses is not None and (
        narrow.statuses is None or not narrow.statuses <= wide.statuses
    ):
        return False
    return all(
        getattr(wide, name) is None or getattr(wide, name) == getattr(narrow, name)
        for name in ("agency_id", "author_id", "restrictive", "releasable_to")
    )


def _without_implied(clauses: tuple[ReportClause, ...]) -> list[ReportClause]:
    """``clauses`` less those another one admits every report of: the same OR, fewer
    terms for the store to test on every row (a supervisor's "submitted or later in my
    agency" is inside "submitted or later in any agency")."""
    kept: list[ReportClause] = []
    for index, clause in enumerate(clauses):
        if any(
            _implies(clause, other) and (not _implies(other, clause) or other_index < index)
            for other_index, other in enumerate(clauses)
            if other_index != index
        ):
            continue
        kept.append(clause)
    return kept


def report_condition(
    predicate: ReportPredicate, reports: FromClause = tables.reports
) -> ColumnElement[bool]:
    """The WHERE clause of the reports ``predicate`` admits (``reports`` may be an alias)."""
    if predicate.everything:
        return true()
    if predicate.nothing:
        return false()
    return or_(*(_clause(clause, reports) for clause in _without_implied(predicate.clauses)))


def statements_with_reports(statements: FromClause = tables.statements) -> FromClause:
    """Statements LEFT OUTER JOIN the report each comes from (NULL columns when none)."""
    return statements.outerjoin(tables.reports, tables.reports.c.id == statements.c.origin)


def statement_condition(
    predicate: StatementPredicate, statements: FromClause = tables.statements
) -> ColumnElement[bool]:
    """The WHERE clause of the statements ``predicate`` admits, over
    :func:`statements_with_reports` (the report columns are ``tables.reports``)."""
    return _statement_condition(predicate, statements, tables.reports, tables.reports.c.id)


class _CopiedReport:
    """The report columns an entity summary row copies, under the reports table's names
    (``id`` is the row's origin, the report's id when it has one)."""

    def __init__(self, summaries: FromClause) -> None:
        columns = summaries.c
        self.c = SimpleNamespace(
            id=columns.origin,
            status=columns.report_status,
            agency_id=columns.report_agency,
            author_id=columns.report_author,
            restrictive=columns.report_restrictive,
        )


def summary_condition(
    predicate: StatementPredicate, summaries: FromClause = tables.entity_summaries
) -> ColumnElement[bool]:
    """The WHERE clause of the entity summary rows ``predicate`` admits, decided on the row
    alone: a row copies its origin's report (status, agency, author, handling; null when
    there is none), so the rule is :func:`statement_condition`'s, without the join."""
    copied = cast(FromClause, _CopiedReport(summaries))
    return _statement_condition(
        predicate, summaries, copied, summaries.c.report_status, own_reports=False
    )


def _statement_condition(
    predicate: StatementPredicate,
    statements: FromClause,
    reports: FromClause,
    present: ColumnElement[Any],
    *,
    own_reports: bool = True,
) -> ColumnElement[bool]:
    """:func:`statement_condition` over ``reports`` (the report's columns), ``present``
    null when the statement has no report."""
    restrictive = statements.c.restrictive
    branches: list[ColumnElement[bool]] = []
    if not predicate.report.nothing:
        readable = report_condition(predicate.report, reports)
        if not predicate.handling.everything:
            readable = and_(
                readable,
                or_(restrictive == False, report_condition(predicate.handling, reports)),  # noqa: E712
            )
        if own_reports and all(clause.author_id is not None for clause in predicate.report.clauses):
            # a reader of their own reports only: let the store start from those few
            # reports (by author) rather than walk every statement
            mine = tables.reports.alias("own_reports")
            own = select(mine.c.id).where(report_condition(predicate.report, mine))
            readable = and_(statements.c.origin.in_(own.scalar_subquery()), readable)
        branches.append(and_(present.is_not(None), readable))
    if predicate.without_report and predicate.without_report_restrictive:
        branches.append(present.is_(None))
    elif predicate.without_report:
        branches.append(and_(present.is_(None), restrictive == False))  # noqa: E712
    elif predicate.without_report_restrictive:
        branches.append(and_(present.is_(None), restrictive == True))  # noqa: E712
    if not branches:
        return false()
    return or_(*branches) if len(branches) > 1 else branches[0]


def parameterised(
    predicate: StatementPredicate,
) -> tuple[StatementPredicate, dict[str, str]]:
    """The *shape* of ``predicate`` and the values that fill it.

    The shape is the same predicate with every reader-specific id (agency,
    author, releasable-to) replaced by a :class:`ScopeParameter` named by
    its position, ``scope_0``, ``scope_1``...; statuses, restrictiveness and
    the without-report flags stay as they are. Two readers whose predicates
    differ only in those ids have equal (hashable) shapes, so a statement
    rendered once from a shape (:func:`statement_condition` renders the
    parameters as required ``bindparam``) serves them both, executed with
    each reader's own values. Rendered and filled, it is the same WHERE
    clause as ``statement_condition(predicate)``.
    """
    values: dict[str, str] = {}

    def bound(value: str | None) -> str | None:
        if value is None:
            return None
        name = ScopeParameter(f"scope_{len(values)}")
        values[name] = value
        return name

    def shaped(report: ReportPredicate) -> ReportPredicate:
        return ReportPredicate(
            tuple(
                replace(
                    clause,
                    agency_id=bound(clause.agency_id),
                    author_id=bound(clause.author_id),
                    releasable_to=bound(clause.releasable_to),
                )
                for clause in report.clauses
            )
        )

    shape = replace(predicate, report=shaped(predicate.report), handling=shaped(predicate.handling))
    return shape, {str(name): value for name, value in values.items()}


def readable_reports(predicate: ReportPredicate, *columns: Any) -> Select[Any]:
    """``SELECT columns FROM reports WHERE <readable>``: the start of every report read."""
    return (
        select(*(columns or (tables.reports,)))
        .select_from(tables.reports)
        .where(report_condition(predicate))
    )


__all__ = [
    "ScopeParameter",
    "parameterised",
    "readable_reports",
    "report_condition",
    "statement_condition",
    "statements_with_reports",
    "summary_condition",
]
