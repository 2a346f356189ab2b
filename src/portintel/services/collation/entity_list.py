"""The entity list: every entity the reader may see, a page at a time, sorted and filtered,
with the total and the counts by type.

One query over the reader's readable statements (need-to-know rule 5,
rendered by :mod:`portintel.adapters.database.scope`) groups them by
canonical entity: statements of entities the resolver merged
(``entity_resolution``) fall into one group, shown under its smallest member
the reader may read (the canonical id they see everywhere else), so a merged
entity counts once and a page holds exactly as many entities as asked. The
total and the counts by type come from the same groups: nothing the reader may
not read is counted, not even as a number. Filters: the type (FtM schema; an
entity is of a type when one of its readable statements is) and a property it
has a valid value of, e.g. ``phone`` for every entity with a phone number,
bare phone entities and persons alike. Audited as ``entity.list``.

Without a property filter the list reads the entity summaries instead of the
statements (:mod:`portintel.services.collation.list_plans`): exactly for a
reader of few reports; for a wide reader by a walk over the entities' bounds
that stops after the page, with the total and the counts by type counted up to
:data:`~portintel.services.collation.list_plans.MAX_COUNTED` ("more than
1,000"). The name sort is always exact.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from typing import Any

from followthemoney import model
from sqlalchemy import (
    CTE,
    Connection,
    Integer,
    String,
    and_,
    bindparam,
    case,
    func,
    literal,
    select,
    union_all,
)

from portintel.adapters.database import tables
from portintel.adapters.database.scope import statement_condition
from portintel.domain.access import StatementPredicate, reader_scope
from portintel.domain.actors import Actor
from portintel.domain.entities import entity_caption
from portintel.errors import InvalidInput
from portintel.services import audit
from portintel.services.collation import list_plans
from portintel.services.collation.entities import _BUILT, _bound, _check_schema
from portintel.services.workspace import Workspace

_S = tables.statements.c
_R = tables.reports.c
_M = tables.entity_resolution.c

SORTS = ("name", "latest", "reports", "statements")
"""How a list may be sorted: by name (A to Z, entities without a name last), most recently
seen first, most reports first, most statements first."""
MAX_LIMIT = 500
FILTER_PROPS = ("phone", "imoNumber", "mmsi", "callSign", "passportNumber", "email")
"""Properties the page offers as "has a ..." filters (the API takes any property)."""


@dataclass(frozen=True, slots=True)
class EntityListItem:
    id: str
    schema: str
    caption: str
    statement_count: int
    report_count: int
    last_seen: datetime
    members: int
    """How many entities (that the reader may read) the resolver merged into this one."""


@dataclass(frozen=True, slots=True)
class TypeCount:
    schema: str
    count: int
    exact: bool = True
    """False when there are more than ``count`` (:data:`MAX_COUNTED`) of the type."""


@dataclass(frozen=True, slots=True)
class EntityListPage:
    """One page of the entities the reader may see, with the total (of the filters) and
    the counts by type (of the property filter, whatever the type filter)."""

    schema: str | None
    prop: str | None
    sort: str
    total: int
    offset: int
    limit: int
    entities: tuple[EntityListItem, ...]
    types: tuple[TypeCount, ...]
    total_exact: bool = True
    """False when there are more than ``total`` (:data:`MAX_COUNTED`) entities: a wide
    reader's list is counted only so far."""
    more: bool | None = None
    """Whether entities follow this page (known when the total is not)."""

    @property
    def next_offset(self) -> int | None:
        following = self.offset + len(self.entities)
        if self.more is not None:
            return following if self.more else None
        return following if following < self.total else None

    @property
    def previous_offset(self) -> int | None:
        return max(self.offset - self.limit, 0) if self.offset > 0 else None


def _grouped(shape: StatementPredicate, by_prop: bool) -> tuple[CTE, CTE]:
    """The readable statements (``readable``), and their groups by canonical entity
    (``groups``: the cluster, the id shown, counts, last seen, the sort name, whether it
    has a valid value of ``:prop`` if ``by_prop``)."""
    cluster = func.coalesce(_M.canonical_id, _S.canonical_id)
    readable = (
        select(
            cluster.label("cluster"),
            _S.canonical_id.label("member"),
            _S.schema,
            _S.prop,
            _S.value,
            _S.first_seen,
            _S.last_seen,
            _S.invalid_reason,
            _R.id.label("report_id"),
        )
        .select_from(
            tables.statements.outerjoin(tables.reports, _R.id == _S.origin).outerjoin(
                tables.entity_resolution, _M.entity_id == _S.canonical_id
            )
        )
        .where(statement_condition(shape))
        .cte("readable")
        .prefix_with("MATERIALIZED")
    )
    r = readable.c
    named = and_(r.prop == "name", r.invalid_reason.is_(None))
    columns: list[Any] = [
        r.cluster,
        func.min(r.member).label("id"),
        func.count().label("statements"),
        func.count(r.report_id.distinct()).label("reports"),
        func.max(r.last_seen).label("last_seen"),
        func.count(r.member.distinct()).label("members"),
        func.min(case((named, func.lower(r.value)), else_=None)).label("sort_name"),
    ]
    if by_prop:
        wanted = and_(
            r.prop == bindparam("prop", type_=String, required=True), r.invalid_reason.is_(None)
        )
        columns.append(func.max(case((wanted, 1), else_=0)).label("has_prop"))
    groups = select(*columns).group_by(r.cluster).cte("groups").prefix_with("MATERIALIZED")
    return readable, groups


@lru_cache(maxsize=_BUILT)
def _list_query(
    dialect: str, shape: StatementPredicate, by_schema: bool, by_prop: bool, sort: str
) -> Any:
    """One query, the readable statements and their groups found once: rows ``(kind, id,
    statements, reports, last_seen, members)``: ``page`` rows, one page of groups
    (``:limit``, ``:offset``) in order (``members`` carries the rank); ``type`` rows, a
    schema (``id``) and its count of groups (``statements``); the ``total`` row."""
    del dialect
    readable, groups = _grouped(shape, by_prop)
    r, g = readable.c, groups.c
    chosen = []
    if by_prop:
        chosen.append(g.has_prop == 1)
    typed = select(r.cluster).where(r.schema == bindparam("schema", type_=String, required=True))
    filtered = [*chosen, g.cluster.in_(typed)] if by_schema else chosen
    page = list_plans.ranked_page(g, filtered, sort)
    ranked = select(
        literal("page", String),
        page.c.id,
        page.c.statements,
        page.c.reports,
        page.c.last_seen,
        page.c.members,
        page.c.rank,
    )
    of_type = select(r.schema, func.count(r.cluster.distinct()))
    if by_prop:
        of_type = of_type.where(r.cluster.in_(select(g.cluster).where(*chosen)))
    zero = literal(0, Integer)
    never = literal(None, tables.statements.c.last_seen.type)
    types = select(
        literal("type", String),
        r.schema,
        func.count(r.cluster.distinct()),
        zero,
        never,
        zero,
        zero,
    ).group_by(r.schema)
    if by_prop:
        types = types.where(r.cluster.in_(select(g.cluster).where(*chosen)))
    total = (
        select(literal("total", String), literal("", String), func.count(), zero, never, zero, zero)
        .select_from(groups)
        .where(*filtered)
    )
    return union_all(ranked, types, total)


def browse_entities(
    ws: Workspace,
    actor: Actor,
    *,
    schema: str | None = None,
    prop: str | None = None,
    sort: str = "name",
    limit: int = 50,
    offset: int = 0,
) -> EntityListPage:
    """One page of the canonical entities the actor may see, of type ``schema`` and with a
    valid value of ``prop`` if given, sorted by ``sort`` (:data:`SORTS`); with the total
    and the counts by type. Audited (``entity.list``)."""
    _check_schema(schema)
    if sort not in SORTS:
        raise InvalidInput(f"unknown sort {sort!r}", field="sort", hint=", ".join(SORTS))
    if not 0 <= limit <= MAX_LIMIT:
        raise InvalidInput(f"limit must be between 0 and {MAX_LIMIT}, got {limit}", field="limit")
    if offset < 0:
        raise InvalidInput(f"offset must not be negative, got {offset}", field="offset")
    if prop is not None and not any(prop in s.properties for s in model.schemata.values()):
        raise InvalidInput(f"no entity type has a property {prop!r}", field="prop")
    scope = reader_scope(actor)
    shape, values = _bound(scope)
    params: dict[str, Any] = {**values, "limit": limit, "offset": offset}
    if schema:
        params["schema"] = schema
    if prop:
        params["prop"] = prop
    total_exact, more = True, None
    with ws.engine.begin() as connection:
        dialect = connection.dialect.name
        if prop is None and sort != "name" and not list_plans.is_narrow(connection, shape, values):
            wide = list_plans.wide_page(
                connection, shape, values, schema=schema, sort=sort, limit=limit, offset=offset
            )
            page_rows: list[Any] = [
                ("page", c.id, c.statements, c.reports, c.last_seen, c.members, rank)
                for rank, c in enumerate(wide.entities, start=1)
            ]
            rows: list[Any] = [("type", name, n, exact) for name, n, exact in wide.types]
            total, total_exact, more = wide.total, wide.total_exact, wide.more
        else:
            if prop is None:  # exact, from the summaries
                query = list_plans.narrow_query(dialect, shape, bool(schema), sort)
            else:  # a property filter reads the statements
                query = _list_query(dialect, shape, bool(schema), bool(prop), sort)
            rows = [(*row, True) for row in connection.execute(query, params)]
            page_rows = sorted((row for row in rows if row[0] == "page"), key=lambda row: row[6])
            total = next(int(row[2]) for row in rows if row[0] == "total")
        items = _items(connection, actor, page_rows if limit else [])
        audit.record(
            connection,
            actor,
            "entity.list",
            object_type="entity",
            detail={
                "schema": schema,
                "prop": prop,
                "sort": sort,
                "offset": offset,
                "shown": len(items),
                "total": total,
                "total_exact": total_exact,
            },
            at=ws.clock(),
        )
    counted = [(str(row[1]), int(row[2]), bool(row[-1])) for row in rows if row[0] == "type"]
    types = tuple(
        TypeCount(value, n, exact)
        for value, n, exact in sorted(counted, key=lambda c: (-c[1], c[0]))
    )
    return EntityListPage(
        schema, prop, sort, total, offset, limit, tuple(items), types, total_exact, more
    )


def _items(connection: Connection, actor: Actor, rows: list[Any]) -> list[EntityListItem]:
    """The page's groups with their type and caption, from the summary rows of the members
    the reader may read (counted already)."""
    from portintel.services.collation.canonical import canonical_entities

    merged = [row[1] for row in rows if row[5] > 1]
    clusters = canonical_entities(connection, actor, merged) if merged else {}
    members = {
        row[1]: (clusters[row[1]].member_ids if row[1] in clusters else (row[1],)) for row in rows
    }
    wanted = sorted({member for group in members.values() for member in group})
    shape, values = _bound(reader_scope(actor))
    schemata, firsts = list_plans.described(connection, shape, values, wanted)
    items = []
    for _, entity_id, statements, reports, last_seen, *_rest in rows:
        found = [m for m in members[entity_id] if m in schemata]
        if not found:  # pragma: no cover - the group has readable statements
            continue
        captions = [entity_caption(m, schemata[m], firsts.get(m, [])) for m in found]
        schema, _ = entity_caption(entity_id, [member_schema for member_schema, _ in captions], ())
        items.append(
            EntityListItem(
                id=entity_id,
                schema=schema,
                caption=captions[0][1],
                statement_count=int(statements),
                report_count=int(reports),
                last_seen=last_seen,
                members=len(found),
            )
        )
    return items
