"""How the entity list reads the entity summaries, one plan per kind of reader.

The list reads ``entity_summaries`` (:mod:`portintel.adapters.database.entity_summaries`)
rather than the statements: a row sums the statements of one entity, schema,
origin and restrictiveness, and the reader's scope (need-to-know rule 5,
:func:`~portintel.adapters.database.scope.statement_condition`) admits the row
exactly when it admits each statement it sums. So an entity's readable
statements, reports and last sighting are sums over its readable rows, as exact
as if counted statement by statement.

* A **narrow** reader (at most :data:`NARROW_REPORTS` readable reports) is read
  exactly: the rows of their readable reports and the few rows of no report,
  grouped by canonical entity, sorted, counted and paged in one query.
* A **wide** reader (a supervisor sees almost everything) walks
  ``entity_bounds`` in the order of the sort: an entity's count over every
  statement bounds any reader's count of it, so once a page's worth of exactly
  counted entities sort before the next bound the walk stops. The total and the
  counts by type are counted up to :data:`MAX_COUNTED` and said to be more
  beyond ("more than 1,000"), as search does.

Entities the resolver merged (``entity_resolution``, few) are counted exactly as
clusters, apart from the walk; a cluster is listed under its smallest readable
member. Nothing the reader may not read is counted, not even as a number.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from typing import Any

from sqlalchemy import (
    BindParameter,
    ColumnElement,
    Connection,
    Integer,
    Select,
    String,
    and_,
    bindparam,
    case,
    exists,
    false,
    func,
    literal,
    or_,
    select,
    union_all,
)

from portintel.adapters.database import tables
from portintel.adapters.database.entity_summaries import caption_props
from portintel.adapters.database.scope import (
    report_condition,
    statement_condition,
    summary_condition,
)
from portintel.domain.access import StatementPredicate
from portintel.domain.entities import caption_properties

_E = tables.entity_summaries.c
_C = tables.entity_summary_captions.c
_B = tables.entity_bounds.c
_R = tables.reports.c
_M = tables.entity_resolution.c

MAX_COUNTED = 1_000
"""A wide reader's total and counts by type are counted up to here ("more than 1,000")."""
NARROW_REPORTS = 2_000
"""A reader of at most this many reports is listed exactly, from their reports."""
_BUILT = 256
_FIRST_WALK = 64


def _summaries_with_reports() -> Any:
    """The summary rows: each copies its origin's report, need-to-know needs no join."""
    return tables.entity_summaries


def _readable(shape: StatementPredicate) -> ColumnElement[bool]:
    """The summary rows ``shape`` admits."""
    return summary_condition(shape, tables.entity_summaries)


_REPORT_ID = case((_E.report_status.is_not(None), _E.origin), else_=None)
"""A summary row's report id (its origin, when that is a report)."""


# --- narrow readers: everything exact, in one query -------------------------------------------


@lru_cache(maxsize=_BUILT)
def reports_counted_query(dialect: str, shape: StatementPredicate) -> Select[Any]:
    """How many reports the reader may read, up to ``:cap``."""
    del dialect
    reports = tables.reports.alias("readable_reports")
    first = (
        select(reports.c.id)
        .where(report_condition(shape.report, reports))
        .limit(bindparam("cap", type_=Integer, required=True))
        .subquery("first")
    )
    return select(func.count()).select_from(first)


def is_narrow(connection: Connection, shape: StatementPredicate, values: dict[str, Any]) -> bool:
    """Whether the reader reads few enough reports to be listed exactly."""
    if shape.report.everything:
        return False
    if shape.report.nothing:
        return True
    query = reports_counted_query(connection.dialect.name, shape)
    counted = connection.execute(query, {**values, "cap": NARROW_REPORTS + 1}).scalar_one()
    return int(counted) <= NARROW_REPORTS


@lru_cache(maxsize=_BUILT)
def narrow_query(dialect: str, shape: StatementPredicate, by_schema: bool, sort: str) -> Any:
    """The rows ``(kind, id, statements, reports, last_seen, members, rank)`` of one page
    (``page``), the counts by type (``type``) and the total (``total``), exact."""
    del dialect
    reports = tables.reports.alias("readable_reports")
    of_reports = select(reports.c.id).where(report_condition(shape.report, reports))
    cluster = func.coalesce(_M.canonical_id, _E.entity_id)
    readable = (
        select(
            cluster.label("cluster"),
            _E.entity_id.label("member"),
            _E.schema,
            _E.statements,
            _E.last_seen,
            _E.sort_name,
            _REPORT_ID.label("report_id"),
        )
        .select_from(
            _summaries_with_reports().outerjoin(
                tables.entity_resolution, _M.entity_id == _E.entity_id
            )
        )
        # the rows of the reader's reports, and the few of no report: by index, not a scan
        .where(
            or_(_E.origin.in_(of_reports), _E.reported == false()),
            _readable(shape),
        )
        .cte("readable")
        .prefix_with("MATERIALIZED")
    )
    r = readable.c
    groups = (
        select(
            r.cluster,
            func.min(r.member).label("id"),
            func.sum(r.statements).label("statements"),
            func.count(r.report_id.distinct()).label("reports"),
            func.max(r.last_seen).label("last_seen"),
            func.count(r.member.distinct()).label("members"),
            func.min(r.sort_name).label("sort_name"),
        )
        .group_by(r.cluster)
        .cte("groups")
        .prefix_with("MATERIALIZED")
    )
    g = groups.c
    filtered = []
    if by_schema:
        typed = select(r.cluster).where(
            r.schema == bindparam("schema", type_=String, required=True)
        )
        filtered.append(g.cluster.in_(typed))
    page = ranked_page(g, filtered, sort)
    p = page.c
    zero = literal(0, Integer)
    never = literal(None, _E.last_seen.type)
    ranked = select(
        literal("page", String), p.id, p.statements, p.reports, p.last_seen, p.members, p.rank
    )
    types = select(
        literal("type", String), r.schema, func.count(r.cluster.distinct()), zero, never, zero, zero
    ).group_by(r.schema)
    total = (
        select(literal("total", String), literal("", String), func.count(), zero, never, zero, zero)
        .select_from(groups)
        .where(*filtered)
    )
    return union_all(ranked, types, total)


# --- wide readers: a walk over the bounds, counts capped --------------------------------------


@dataclass(frozen=True, slots=True)
class Counted:
    """An entity (or a merged cluster, under its smallest readable member) as the reader
    may read it."""

    id: str
    statements: int
    reports: int
    last_seen: datetime
    members: int


_BOUND_COLUMN = {"reports": _B.reports, "statements": _B.statements, "latest": _B.last_seen}


@lru_cache(maxsize=_BUILT)
def _walk_query(dialect: str, sort: str, by_schema: bool, after: bool) -> Select[Any]:
    """The next ``:n`` bound rows in the order of ``sort`` (after ``:value``, ``:after_id``
    if ``after``), of schema ``:schema`` if ``by_schema``."""
    del dialect
    column = _BOUND_COLUMN[sort]
    query = select(_B.entity_id, column.label("bound"))
    if by_schema:
        query = query.where(_B.schema == bindparam("schema", type_=String, required=True))
    if after:
        value = bindparam("value", type_=column.type, required=True)
        after_id = bindparam("after_id", type_=String, required=True)
        query = query.where(or_(column < value, and_(column == value, _B.entity_id > after_id)))
    return query.order_by(column.desc(), _B.entity_id).limit(
        bindparam("n", type_=Integer, required=True)
    )


@lru_cache(maxsize=_BUILT)
def _exact_query(dialect: str, shape: StatementPredicate, by_schema: bool) -> Select[Any]:
    """The readable sums of the entities ``:ids`` (not merged ones), with whether one of
    their readable rows is of schema ``:schema`` if ``by_schema``."""
    del dialect
    ids: BindParameter[list[str]] = bindparam("ids", expanding=True, required=True)
    columns: list[Any] = [
        _E.entity_id,
        func.sum(_E.statements),
        func.count(_REPORT_ID.distinct()),
        func.max(_E.last_seen),
    ]
    if by_schema:
        wanted = _E.schema == bindparam("schema", type_=String, required=True)
        columns.append(func.max(case((wanted, 1), else_=0)))
    else:
        columns.append(literal(1, Integer))
    return (
        select(*columns)
        .select_from(_summaries_with_reports())
        .where(_E.entity_id.in_(ids), _readable(shape))
        .group_by(_E.entity_id)
    )


@lru_cache(maxsize=_BUILT)
def _merged_query(dialect: str, shape: StatementPredicate) -> Select[Any]:
    """The readable sums of each merged cluster (``entity_resolution``: few), with its
    readable schemata: rows ``(cluster, id, statements, reports, last_seen, members,
    schema)``, one per schema."""
    del dialect
    readable = (
        select(
            _M.canonical_id.label("cluster"),
            _E.entity_id.label("member"),
            _E.schema,
            _E.statements,
            _E.last_seen,
            _REPORT_ID.label("report_id"),
        )
        .select_from(
            _summaries_with_reports().join(tables.entity_resolution, _M.entity_id == _E.entity_id)
        )
        .where(
            _E.entity_id.in_(bindparam("merged", expanding=True, required=True)),
            _readable(shape),
        )
        .cte("merged_readable")
    )
    r = readable.c
    sums = (
        select(
            r.cluster,
            func.min(r.member).label("id"),
            func.sum(r.statements).label("statements"),
            func.count(r.report_id.distinct()).label("reports"),
            func.max(r.last_seen).label("last_seen"),
            func.count(r.member.distinct()).label("members"),
        )
        .group_by(r.cluster)
        .subquery("sums")
    )
    schemata = select(r.cluster, r.schema).group_by(r.cluster, r.schema).subquery("schemata")
    s = sums.c
    return select(
        s.cluster, s.id, s.statements, s.reports, s.last_seen, s.members, schemata.c.schema
    ).select_from(sums.join(schemata, schemata.c.cluster == s.cluster))


@lru_cache(maxsize=_BUILT)
def _counted_query(dialect: str, shape: StatementPredicate, by_schema: bool) -> Select[Any]:
    """How many unmerged entities (of schema ``:schema`` if ``by_schema``) the reader may
    read, up to ``:cap``."""
    del dialect
    one = (
        select(literal(1))
        .select_from(_summaries_with_reports())
        .where(_E.entity_id == _B.entity_id, _readable(shape))
    )
    if by_schema:
        schema = bindparam("schema", type_=String, required=True)
        one = one.where(_E.schema == schema)
        found = select(_B.entity_id).where(_B.schema == schema)
    else:
        found = select(_B.entity_id).distinct()
    found = found.where(
        exists(one.correlate(tables.entity_bounds)),
        _B.entity_id.not_in(select(_M.entity_id)),
    ).limit(bindparam("cap", type_=Integer, required=True))
    return select(func.count()).select_from(found.subquery("found"))


@lru_cache(maxsize=_BUILT)
def _schemata_query(dialect: str) -> Select[Any]:
    del dialect
    return select(_B.schema).distinct()


def _sort_key(sort: str) -> Any:
    if sort == "reports":
        return lambda c: (-c.reports, c.id)
    if sort == "statements":
        return lambda c: (-c.statements, c.id)
    return lambda c: (-c.last_seen.timestamp(), c.id)


def _bound_key(sort: str, bound: Any, entity_id: str) -> tuple[Any, str]:
    return (-bound.timestamp() if sort == "latest" else -int(bound), entity_id)


@dataclass(frozen=True, slots=True)
class WidePage:
    entities: list[Counted]
    more: bool
    total: int
    total_exact: bool
    types: list[tuple[str, int, bool]]


def wide_page(
    connection: Connection,
    shape: StatementPredicate,
    values: dict[str, Any],
    *,
    schema: str | None,
    sort: str,
    limit: int,
    offset: int,
) -> WidePage:
    """One page sorted by ``sort`` (reports, statements or latest), walked over the bounds;
    the total and the counts by type counted up to :data:`MAX_COUNTED`."""
    dialect = connection.dialect.name
    by_schema = schema is not None
    params: dict[str, Any] = dict(values)
    if schema is not None:
        params["schema"] = schema
    key = _sort_key(sort)
    merged_members = set(connection.execute(select(_M.entity_id)).scalars())
    merged_rows = (
        list(
            connection.execute(
                _merged_query(dialect, shape), {**values, "merged": sorted(merged_members)}
            )
        )
        if merged_members
        else []
    )
    clusters: dict[str, Counted] = {}
    cluster_schemata: dict[str, set[str]] = {}
    for cluster, id_, statements, reports, last_seen, members, row_schema in merged_rows:
        clusters[cluster] = Counted(id_, int(statements), int(reports), last_seen, int(members))
        cluster_schemata.setdefault(cluster, set()).add(row_schema)
    found: list[Counted] = [
        counted
        for cluster, counted in clusters.items()
        if schema is None or schema in cluster_schemata[cluster]
    ]
    need = offset + limit + 1  # one more: whether a page follows
    seen: set[str] = set()
    n = need + max(_FIRST_WALK // 4, need // 4)
    last: tuple[Any, str] | None = None
    while True:
        walk = _walk_query(dialect, sort, by_schema, last is not None)
        page_params: dict[str, Any] = {**params, "n": n}
        if last is not None:
            page_params.update(value=last[0], after_id=last[1])
        bounds = list(connection.execute(walk, page_params))
        ids = []
        for entity_id, bound in bounds:
            last = (bound, entity_id)
            if entity_id in seen or entity_id in merged_members:
                continue
            seen.add(entity_id)
            ids.append(entity_id)
        if ids:
            exact = _exact_query(dialect, shape, by_schema)
            for entity_id, statements, reports, last_seen, typed in connection.execute(
                exact, {**params, "ids": ids}
            ):
                if typed:
                    found.append(Counted(entity_id, int(statements), int(reports), last_seen, 1))
        found.sort(key=key)
        if len(bounds) < n or last is None:
            break  # every bound walked
        if len(found) >= need and key(found[need - 1]) <= _bound_key(sort, *last):
            break  # nothing unwalked sorts before the page's last
        n = min(n * 4, 20_000)
    entities = found[offset : offset + limit]
    more = len(found) > offset + limit
    listed_clusters = sum(
        1 for cluster in clusters if schema is None or schema in cluster_schemata[cluster]
    )
    total, total_exact = _capped_total(connection, shape, params, by_schema, listed_clusters)
    types = _capped_types(connection, shape, values, cluster_schemata)
    return WidePage(entities, more, total, total_exact, types)


def _capped_total(
    connection: Connection,
    shape: StatementPredicate,
    params: dict[str, Any],
    by_schema: bool,
    clusters: int,
) -> tuple[int, bool]:
    """How many entities of the filter the reader may read (``clusters`` of them merged),
    counted up to :data:`MAX_COUNTED`; and whether that is all of them."""
    query = _counted_query(connection.dialect.name, shape, by_schema)
    n = int(connection.execute(query, {**params, "cap": MAX_COUNTED + 1}).scalar_one())
    n += clusters
    return min(n, MAX_COUNTED), n <= MAX_COUNTED


def _capped_types(
    connection: Connection,
    shape: StatementPredicate,
    values: dict[str, Any],
    cluster_schemata: dict[str, set[str]],
) -> list[tuple[str, int, bool]]:
    dialect = connection.dialect.name
    merged_by_schema: dict[str, int] = {}
    for schemata in cluster_schemata.values():
        for schema in schemata:
            merged_by_schema[schema] = merged_by_schema.get(schema, 0) + 1
    counted = []
    for (schema,) in connection.execute(_schemata_query(dialect)):
        query = _counted_query(dialect, shape, True)
        n = connection.execute(
            query, {**values, "schema": schema, "cap": MAX_COUNTED + 1}
        ).scalar_one()
        n = int(n) + merged_by_schema.get(schema, 0)
        if n:
            counted.append((schema, min(n, MAX_COUNTED), n <= MAX_COUNTED))
    return counted


# --- the page's captions and types, from the summaries ------------------------------------------


@lru_cache(maxsize=_BUILT)
def _schemata_of_query(dialect: str, shape: StatementPredicate) -> Select[Any]:
    """Rows ``(entity_id, schema)``: each schema of the members ``:ids`` of which the reader
    may read a statement (looked up by index, stopping at the first readable row)."""
    del dialect
    ids: BindParameter[list[str]] = bindparam("ids", expanding=True, required=True)
    readable_schema = exists(
        select(literal(1))
        .select_from(_summaries_with_reports())
        .where(_E.entity_id == _B.entity_id, _E.schema == _B.schema, _readable(shape))
        .correlate(tables.entity_bounds)
    )
    return select(_B.entity_id, _B.schema).where(_B.entity_id.in_(ids), readable_schema)


@lru_cache(maxsize=_BUILT)
def _first_values_query(dialect: str, shape: StatementPredicate) -> Select[Any]:
    """Rows ``(entity_id, value)``: the first valid value of ``:prop`` the reader may read
    of each of ``:ids``, by first sighting (by index: the walk stops at the first readable)."""
    del dialect
    ids: BindParameter[list[str]] = bindparam("ids", expanding=True, required=True)
    prop = bindparam("prop", type_=String, required=True)
    first = (
        select(_C.value)
        .select_from(tables.entity_summary_captions.outerjoin(tables.reports, _R.id == _C.origin))
        .where(
            _C.entity_id == _B.entity_id,
            _C.prop == prop,
            statement_condition(shape, tables.entity_summary_captions),
        )
        .order_by(_C.first_seen, _C.statement_id)
        .limit(1)
        .correlate(tables.entity_bounds)
        .scalar_subquery()
    )
    found = (
        select(_B.entity_id.label("entity_id"), first.label("value"))
        .where(_B.entity_id.in_(ids))
        .group_by(_B.entity_id)
        .subquery("found")
    )
    return select(found.c.entity_id, found.c.value).where(found.c.value.is_not(None))


def described(
    connection: Connection, shape: StatementPredicate, values: dict[str, Any], ids: list[str]
) -> tuple[dict[str, list[str]], dict[str, list[tuple[str, str]]]]:
    """The readable schemata of each of ``ids`` and the first readable valid values of the
    caption properties its caption is taken from (:func:`~portintel.domain.entities.
    entity_caption` takes the first of its type's caption properties that has one): each
    entity's properties asked in that order, only as far as one answers."""
    schemata: dict[str, list[str]] = {}
    firsts: dict[str, list[tuple[str, str]]] = {}
    if not ids:
        return schemata, firsts
    dialect = connection.dialect.name
    for entity_id, schema in connection.execute(
        _schemata_of_query(dialect, shape), {**values, "ids": ids}
    ):
        schemata.setdefault(entity_id, []).append(schema)
    for listed in schemata.values():
        listed.sort()
    waiting: dict[str, list[str]] = {}
    for entity_id, names in schemata.items():
        props = [prop for prop in caption_properties(names) if prop in caption_props()]
        if props:
            waiting[entity_id] = props
    query = _first_values_query(dialect, shape)
    while waiting:
        by_prop: dict[str, list[str]] = {}
        for entity_id, props in waiting.items():
            by_prop.setdefault(props[0], []).append(entity_id)
        for prop, asked in sorted(by_prop.items()):
            found = connection.execute(query, {**values, "ids": sorted(asked), "prop": prop})
            for entity_id, value in found:
                firsts.setdefault(entity_id, []).append((prop, value))
                waiting.pop(entity_id, None)
            for entity_id in asked:
                if entity_id in waiting:
                    waiting[entity_id] = waiting[entity_id][1:]
                    if not waiting[entity_id]:
                        del waiting[entity_id]
    return schemata, firsts


__all__ = [
    "MAX_COUNTED",
    "NARROW_REPORTS",
    "Counted",
    "WidePage",
    "described",
    "is_narrow",
    "narrow_query",
    "wide_page",
]


def ranked_page(g: Any, filtered: list[Any], sort: str) -> Any:
    """One page (``:limit``, ``:offset``) of the grouped entities ``g`` that pass
    ``filtered``, in the list's ``sort`` order, each with its rank: the exact list's page,
    whichever plan counted it."""
    order = {
        "name": (g.sort_name.is_(None), g.sort_name, g.id),
        "latest": (g.last_seen.desc(), g.id),
        "reports": (g.reports.desc(), g.id),
        "statements": (g.statements.desc(), g.id),
    }[sort]
    return (
        select(
            g.id,
            g.statements,
            g.reports,
            g.last_seen,
            g.members,
            func.row_number().over(order_by=order).label("rank"),
        )
        .where(*filtered)
        .order_by(*order)
        .limit(bindparam("limit", type_=Integer, required=True))
        .offset(bindparam("offset", type_=Integer, required=True))
        .subquery("page")
    )
