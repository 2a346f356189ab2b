"""The entity summaries: per-entity sums of the statements, kept in step with them.

``entity_summaries`` sums the statements of one entity (their canonical id)
of one schema from one origin with one restrictiveness; need-to-know decides
a statement from its origin's report and its own restrictiveness alone
(:class:`portintel.domain.access.StatementPredicate`), so a reader's scope
(:func:`portintel.adapters.database.scope.statement_condition`, given the
summary table for the statements) admits a summary row exactly when it admits
every statement the row sums. ``entity_summary_captions`` keeps, per (entity,
origin, restrictiveness), the first valid value of each caption property;
``entity_bounds`` the entity's sums over every statement, whoever may read
them: an upper bound of any reader's count, which a sorted list walks in order.

Every writer of ``statements`` calls :func:`refresh` with the (canonical id,
origin) pairs it wrote, widened or deleted, in its own transaction: the rows of
those pairs are summed again from the statements (a sum, not an increment, so a
deletion or a first sighting moved earlier is right too), then the bounds of
their entities.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Connection,
    and_,
    case,
    delete,
    distinct,
    exists,
    func,
    insert,
    literal,
    select,
    tuple_,
    update,
)

from portintel.adapters.database import tables

__all__ = [
    "REPORT_COLUMNS",
    "caption_props",
    "fill",
    "refresh",
    "refresh_entities",
    "refresh_reports",
]


@functools.cache
def caption_props() -> tuple[str, ...]:
    """Every property some schema takes its caption from (followthemoney is read on first
    use: the AIS ingest path writes statements without loading it)."""
    from followthemoney import model

    return tuple(sorted({prop for schema in model.schemata.values() for prop in schema.caption}))


_CHUNK = 400
_S = tables.statements.c
_E = tables.entity_summaries.c
_C = tables.entity_summary_captions.c
_B = tables.entity_bounds.c
_R = tables.reports.c


REPORT_COLUMNS = ("report_status", "report_agency", "report_author", "report_restrictive")
"""The columns of a summary row that copy its origin's report (need-to-know reads them)."""
_FROM_REPORT = ("status", "agency_id", "author_id", "restrictive")


def _of_report(origin: Any) -> list[Any]:
    """The report columns a summary row copies, looked up by its ``origin``."""
    return [select(_R[name]).where(_R.id == origin).scalar_subquery() for name in _FROM_REPORT]


def refresh_reports(connection: Connection, report_ids: Iterable[str]) -> None:
    """Copy the reports ``report_ids`` into the summary rows of their statements again (a
    report's status, agency, author or handling changed), in the caller's transaction."""
    wanted = sorted(set(report_ids))
    summaries = tables.entity_summaries
    for start in range(0, len(wanted), _CHUNK):
        chunk = wanted[start : start + _CHUNK]
        copied = dict(zip(REPORT_COLUMNS, _of_report(summaries.c.origin), strict=True))
        connection.execute(
            update(summaries)
            .where(summaries.c.origin.in_(chunk))
            .values(
                reported=exists(select(literal(1)).where(_R.id == summaries.c.origin)), **copied
            )
        )


def _sum_rows(connection: Connection, pairs: list[tuple[str, str]]) -> None:
    entity_ids = sorted({entity for entity, _ in pairs})
    origins = sorted({origin for _, origin in pairs})
    # the lists let each store find the rows by index, the tuples keep exactly the pairs
    of_statements = and_(
        _S.canonical_id.in_(entity_ids),
        _S.origin.in_(origins),
        tuple_(_S.canonical_id, _S.origin).in_(pairs),
    )
    connection.execute(
        delete(tables.entity_summaries).where(
            _E.entity_id.in_(entity_ids),
            _E.origin.in_(origins),
            tuple_(_E.entity_id, _E.origin).in_(pairs),
        )
    )
    connection.execute(
        delete(tables.entity_summary_captions).where(
            _C.entity_id.in_(entity_ids),
            _C.origin.in_(origins),
            tuple_(_C.entity_id, _C.origin).in_(pairs),
        )
    )
    _insert_sums(connection, of_statements)


def _insert_sums(connection: Connection, of_statements: ColumnElement[bool] | None) -> None:
    """Sum the statements ``of_statements`` (all if None) into their summary rows."""
    where = () if of_statements is None else (of_statements,)
    named = and_(_S.prop == "name", _S.invalid_reason.is_(None))
    sums = select(
        _S.canonical_id,
        _S.schema,
        _S.origin,
        _S.restrictive,
        func.count(),
        func.max(_S.last_seen),
        func.min(case((named, func.lower(_S.value)), else_=None)),
        exists(select(literal(1)).where(_R.id == _S.origin)),
        *_of_report(_S.origin),
    ).where(*where)
    sums = sums.group_by(_S.canonical_id, _S.schema, _S.origin, _S.restrictive)
    connection.execute(
        insert(tables.entity_summaries).from_select(
            [
                "entity_id",
                "schema",
                "origin",
                "restrictive",
                "statements",
                "last_seen",
                "sort_name",
                "reported",
                *REPORT_COLUMNS,
            ],
            sums,
        )
    )
    ranked = (
        select(
            _S.canonical_id,
            _S.origin,
            _S.restrictive,
            _S.prop,
            _S.first_seen,
            _S.id,
            _S.value,
            func.row_number()
            .over(
                partition_by=(_S.canonical_id, _S.origin, _S.restrictive, _S.prop),
                order_by=(_S.first_seen, _S.id),
            )
            .label("rank"),
        )
        .where(*where, _S.invalid_reason.is_(None), _S.prop.in_(caption_props()))
        .subquery("ranked")
    )
    k = ranked.c
    connection.execute(
        insert(tables.entity_summary_captions).from_select(
            ["entity_id", "origin", "restrictive", "prop", "first_seen", "statement_id", "value"],
            select(
                k.canonical_id, k.origin, k.restrictive, k.prop, k.first_seen, k.id, k.value
            ).where(k.rank == 1),
        )
    )


def _insert_bounds(connection: Connection, entity_ids: list[str] | None) -> None:
    """Sum the bounds of ``entity_ids`` (every entity if None) from their summary rows."""
    where = () if entity_ids is None else (_E.entity_id.in_(entity_ids),)
    totals = (
        select(
            _E.entity_id,
            func.sum(_E.statements).label("statements"),
            func.count(distinct(_E.origin)).label("reports"),
            func.max(_E.last_seen).label("last_seen"),
            func.min(_E.sort_name).label("sort_name"),
        )
        .where(*where)
        .group_by(_E.entity_id)
        .subquery("totals")
    )
    schemata = (
        select(_E.entity_id, _E.schema)
        .where(*where)
        .group_by(_E.entity_id, _E.schema)
        .subquery("schemata")
    )
    t = totals.c
    connection.execute(
        insert(tables.entity_bounds).from_select(
            ["entity_id", "schema", "statements", "reports", "last_seen", "sort_name"],
            select(
                schemata.c.entity_id,
                schemata.c.schema,
                t.statements,
                t.reports,
                t.last_seen,
                t.sort_name,
            ).select_from(schemata.join(totals, t.entity_id == schemata.c.entity_id)),
        )
    )


def refresh_entities(connection: Connection, entity_ids: Iterable[str]) -> None:
    """Sum the bounds of ``entity_ids`` again from their summary rows."""
    wanted = sorted(set(entity_ids))
    for start in range(0, len(wanted), _CHUNK):
        chunk = wanted[start : start + _CHUNK]
        connection.execute(delete(tables.entity_bounds).where(_B.entity_id.in_(chunk)))
        _insert_bounds(connection, chunk)


def fill(connection: Connection) -> None:
    """Sum every statement afresh: the summaries, captions and bounds emptied and filled
    again (a migration's back-fill; a store loaded without :func:`refresh`)."""
    for table in (tables.entity_bounds, tables.entity_summary_captions, tables.entity_summaries):
        connection.execute(delete(table))
    _insert_sums(connection, None)
    _insert_bounds(connection, None)


def refresh(connection: Connection, pairs: Iterable[tuple[str, str]]) -> None:
    """Sum the rows of the (canonical id, origin) ``pairs`` again from the statements, in
    the caller's transaction, then the bounds of their entities."""
    wanted = sorted(set(pairs))
    if not wanted:
        return
    for start in range(0, len(wanted), _CHUNK):
        _sum_rows(connection, wanted[start : start + _CHUNK])
    refresh_entities(connection, (entity for entity, _ in wanted))
