"""Entities: assembled from the statements a reader may see, with their provenance.

An entity is the sum of its statements (followthemoney's model). Every read
goes statement by statement through need-to-know rule 5, compiled for the
reader (:func:`portintel.domain.access.reader_scope`) and rendered into the
query (:mod:`portintel.adapters.database.scope`): a value from a report the
reader may not read is simply not part of the entity *for that reader*; an
entity of which they may read nothing does not exist for them (NotFound).
Lists and search pick, count and caption entities in the database from the
readable statements only, one page at a time. Every read and search is
audited.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from typing import Any

from followthemoney import model
from sqlalchemy import (
    CTE,
    BindParameter,
    ColumnElement,
    CompoundSelect,
    Connection,
    Integer,
    Row,
    Select,
    String,
    and_,
    bindparam,
    case,
    exists,
    func,
    literal,
    or_,
    select,
    tuple_,
    union_all,
)

from portintel.adapters.database import tables
from portintel.adapters.database.scope import (
    parameterised,
    statement_condition,
    statements_with_reports,
)
from portintel.adapters.database.search import keys_match, value_contains
from portintel.domain.access import ReaderScope, StatementPredicate, reader_scope
from portintel.domain.actors import Actor
from portintel.domain.entities import entity_caption
from portintel.domain.grading import Grading
from portintel.errors import InvalidInput, NotFound
from portintel.services import audit
from portintel.services.collation.canonical import page_clusters, read_members
from portintel.services.workspace import Workspace

_S = tables.statements.c
_R = tables.reports.c
_COLUMNS = (
    tables.statements,
    _R.id.label("report_id"),
    _R.handling.label("report_handling"),
    _R.grading_scheme.label("report_grading_scheme"),
    _R.reliability.label("report_reliability"),
    _R.credibility.label("report_credibility"),
)


@dataclass(frozen=True, slots=True)
class StatementView:
    """One value with its provenance, as the reader may see it.

    ``grading`` and ``handling`` are the effective ones: the statement's own
    override, or else its report's (``*_inherited`` says which).
    """

    id: str
    entity_id: str
    schema: str
    prop: str
    prop_type: str
    value: str
    original_value: str | None
    lang: str | None
    dataset: str
    origin: str
    report_id: str | None
    grading: Grading | None
    grading_inherited: bool
    handling: str | None
    handling_inherited: bool
    first_seen: datetime
    last_seen: datetime
    invalid_reason: str | None


@dataclass(frozen=True, slots=True)
class EntityView:
    id: str
    schema: str
    caption: str
    statements: tuple[StatementView, ...]

    @property
    def report_ids(self) -> tuple[str, ...]:
        return tuple(sorted({s.report_id for s in self.statements if s.report_id}))

    def values(self, prop: str, *, valid_only: bool = True) -> list[str]:
        """The distinct values of ``prop`` (valid ones unless asked), in statement order."""
        found: list[str] = []
        for statement in self.statements:
            if statement.prop != prop or (valid_only and statement.invalid_reason):
                continue
            if statement.value not in found:
                found.append(statement.value)
        return found


@dataclass(frozen=True, slots=True)
class EntitySummary:
    id: str
    schema: str
    caption: str
    statement_count: int
    report_count: int


@dataclass(frozen=True, slots=True)
class ValueCount:
    """A distinct value of a property and how many readable statements state it."""

    value: str
    statements: int


@dataclass(frozen=True, slots=True)
class PropertyView:
    """One property of an entity page: what the reader may read of it, counted in SQL.

    ``top_values`` are its most stated distinct values (most statements first,
    then by value); the page shows its ``shown`` newest statements, and
    :func:`entity_statements` pages through the rest.
    """

    prop: str
    statement_count: int
    value_count: int
    top_values: tuple[ValueCount, ...]
    shown: int

    @property
    def complete(self) -> bool:
        """Every readable statement of the property is on the page."""
        return self.shown >= self.statement_count


@dataclass(frozen=True, slots=True)
class EntityPage:
    """An entity as its page shows it, however many statements it has.

    Counted and aggregated in the database from what the reader may read:
    per property its counts, most stated values and newest statements
    (``statements``: by property, newest first); the reports it comes from,
    counted, and the first of them by id. ``complete`` when nothing is left out.
    """

    id: str
    schema: str
    caption: str
    statement_count: int
    report_count: int
    properties: tuple[PropertyView, ...]
    statements: tuple[StatementView, ...]
    report_ids: tuple[str, ...]

    @property
    def complete(self) -> bool:
        return len(self.statements) >= self.statement_count and len(self.report_ids) >= (
            self.report_count
        )

    def values(self, prop: str) -> list[str]:
        """The most stated distinct values of ``prop`` on the page."""
        return [
            value.value
            for view in self.properties
            if view.prop == prop
            for value in view.top_values
        ]


@dataclass(frozen=True, slots=True)
class StatementPage:
    """One page of an entity's readable statements of one property, newest first."""

    entity_id: str
    prop: str
    total: int
    offset: int
    statements: tuple[StatementView, ...]
    value: str | None = None
    """The one value paged, when the page is of one value only."""


def _visible(predicate: StatementPredicate, *columns: Any) -> Select[Any]:
    """``SELECT columns`` of the statements ``predicate`` admits, with their reports."""
    return (
        select(*columns)
        .select_from(statements_with_reports())
        .where(statement_condition(predicate))
    )


# --- statements built once per (backend, scope shape), executed with each reader's values ----
#
# Building these Core statements costs milliseconds of Python per call (the SQL of a small
# entity takes less); SQLAlchemy caches their compiled form but not the objects. So each is
# built once per backend and *shape* of the reader's scope (``parameterised``: the predicate
# with the reader's agency, author and releasable-to ids as required bound parameters) and
# executed with that reader's values. Nothing of one reader is in a built statement: a reader
# whose values are not passed cannot run it (a required parameter is missing).

_BUILT = 256
"""Statements kept per builder: one per (backend, scope shape, options), a few in practice."""


def forget_built_statements() -> None:
    """Drop every statement built so far (tests: prove a fresh build and a reuse agree)."""
    for builder in (
        _entity_statements_query,
        _summaries_query,
        _page_of_ids_query,
        _digest_query,
        _statement_rows_query,
        _property_queries,
    ):
        builder.cache_clear()


def built_statement_reuses() -> int:
    """How many times a built statement served a read instead of a new build."""
    return sum(
        builder.cache_info().hits
        for builder in (
            _entity_statements_query,
            _summaries_query,
            _page_of_ids_query,
            _digest_query,
            _statement_rows_query,
            _property_queries,
        )
    )


def _bound(scope: ReaderScope) -> tuple[StatementPredicate, dict[str, Any]]:
    """The shape of the reader's statement predicate and the values that fill it."""
    return parameterised(scope.statements)


def _statement_view(row: Row[Any]) -> StatementView:
    own_grading = row.reliability is not None or row.credibility is not None
    grading: Grading | None = None
    if own_grading:
        grading = Grading(
            row.grading_scheme or row.report_grading_scheme or "",
            row.reliability or row.report_reliability or "",
            row.credibility or row.report_credibility or "",
        )
    elif row.report_id:
        grading = Grading(row.report_grading_scheme, row.report_reliability, row.report_credibility)
    return StatementView(
        id=row.id,
        entity_id=row.entity_id,
        schema=row.schema,
        prop=row.prop,
        prop_type=row.prop_type,
        value=row.value,
        original_value=row.original_value,
        lang=row.lang,
        dataset=row.dataset,
        origin=row.origin,
        report_id=row.report_id,
        grading=grading,
        grading_inherited=not own_grading,
        handling=row.handling or row.report_handling,
        handling_inherited=row.handling is None,
        first_seen=row.first_seen,
        last_seen=row.last_seen,
        invalid_reason=row.invalid_reason,
    )


def _assemble(entity_id: str, statements: list[StatementView]) -> EntityView:
    schema, caption = entity_caption(
        entity_id,
        (s.schema for s in statements),
        ((s.prop, s.value) for s in statements if not s.invalid_reason),
    )
    return EntityView(
        id=entity_id,
        schema=schema,
        caption=caption,
        statements=tuple(statements),
    )


def _of_entity() -> ColumnElement[bool]:
    """The statements of the entity whose members are ``:members`` (expanding: the ids the
    resolver merged, :func:`~portintel.services.collation.canonical.read_members`), by
    their canonical id or their own."""
    members: BindParameter[list[str]] = bindparam("members", expanding=True, required=True)
    return or_(_S.canonical_id.in_(members), _S.entity_id.in_(members))


@lru_cache(maxsize=_BUILT)
def _entity_statements_query(dialect: str, shape: StatementPredicate) -> Select[Any]:
    del dialect  # the same statement on every backend, kept apart all the same
    return _visible(shape, *_COLUMNS).where(_of_entity()).order_by(_S.prop, _S.first_seen, _S.id)


def _visible_statements(
    connection: Connection, scope: ReaderScope, members: tuple[str, ...]
) -> list[StatementView]:
    """The statements of one entity (its canonical id, or an entity id it merged) that
    the reader may read, by property, first sight and id."""
    shape, values = _bound(scope)
    query = _entity_statements_query(connection.dialect.name, shape)
    rows = connection.execute(query, {**values, "members": list(members)})
    return [_statement_view(row) for row in rows]


@audit.audits_denial("entity", id_parameter="entity_id")
def get_entity(ws: Workspace, actor: Actor, entity_id: str, *, purpose: str = "read") -> EntityView:
    """The entity with every statement the actor may see; NotFound if none. Audited.

    ``purpose`` is ``"read"`` (audited as ``entity.read``) or ``"export"``
    (audited as ``export``: the entity leaves the application as data).
    """
    if purpose not in ("read", "export"):
        raise InvalidInput(f"unknown purpose {purpose!r}", field="purpose", hint="read or export")
    with ws.engine.begin() as connection:
        found = read_members(connection, actor, entity_id)
        statements = (
            _visible_statements(connection, reader_scope(actor), found.member_ids) if found else []
        )
        if not statements or found is None:
            raise NotFound(f"entity {entity_id} not found", hint="check the id, or search")
        audit.record(
            connection,
            actor,
            "entity.read" if purpose == "read" else "export",
            object_type="entity",
            object_id=entity_id,
            detail={"statements": len(statements)},
            at=ws.clock(),
        )
    return _assemble(found.canonical_id, statements)


_CAPTION_PROPS = tuple(
    sorted({prop for schema in model.schemata.values() for prop in schema.caption})
)
"""Every property some schema takes its caption from."""


_MEMBER_COLUMNS = (
    _S.id,
    _S.schema,
    _S.prop,
    _S.value,
    _S.first_seen,
    _S.invalid_reason,
    _R.id.label("report_id"),
)


@lru_cache(maxsize=_BUILT)
def _summaries_query(dialect: str, shape: StatementPredicate) -> CompoundSelect[Any]:
    """The summaries of the entities ``:entity_ids`` (expanding): ``(kind, key, prop,
    value, n, m)`` rows, see :func:`_summaries`."""
    del dialect
    members, _ = _readable_members(shape, single=False)
    m = members.c
    none = literal(None, String)
    first_values = (
        select(
            m.key,
            m.prop,
            m.value,
            func.row_number()
            .over(partition_by=(m.key, m.prop), order_by=(m.first_seen, m.id))
            .label("rank"),
        )
        .where(m.invalid_reason.is_(None), m.prop.in_(_CAPTION_PROPS))
        .subquery("first_values")
    )
    # one query, the readable statements found once: (kind, key, prop, value, n, m)
    query: CompoundSelect[Any] = union_all(
        select(
            literal("count"),
            m.key,
            none,
            none,
            func.count(),
            func.count(m.report_id.distinct()),
        ).group_by(m.key),
        select(literal("schema"), m.key, none, m.schema, literal(0), literal(0)).group_by(
            m.key, m.schema
        ),
        select(
            literal("caption"),
            first_values.c.key,
            first_values.c.prop,
            first_values.c.value,
            literal(0),
            literal(0),
        ).where(first_values.c.rank == 1),
    )
    return query


def _summaries(
    connection: Connection, scope: ReaderScope, entity_ids: list[str]
) -> list[EntitySummary]:
    """One summary per id, counted and captioned in SQL from what the reader may read."""
    if not entity_ids:
        return []
    shape, scope_values = _bound(scope)
    query = _summaries_query(connection.dialect.name, shape)
    counts: dict[str, tuple[int, int]] = {}
    schemata: dict[str, list[str]] = {}
    firsts: dict[str, list[tuple[str, str]]] = {}
    rows = connection.execute(query, {**scope_values, "entity_ids": entity_ids})
    for kind, key, prop, value, statements, reports in rows:
        if kind == "count":
            counts[key] = (statements, reports)
        elif kind == "schema":
            schemata.setdefault(key, []).append(value)
        else:
            firsts.setdefault(key, []).append((prop, value))
    for found in (schemata, firsts):
        for values in found.values():
            values.sort()
    summaries = []
    for entity_id in entity_ids:
        if entity_id not in counts:
            continue
        schema, caption = entity_caption(entity_id, schemata[entity_id], firsts.get(entity_id, []))
        statement_count, report_count = counts[entity_id]
        summaries.append(
            EntitySummary(entity_id, schema, caption, int(statement_count), int(report_count))
        )
    return summaries


def _canonical_summaries(
    connection: Connection, actor: Actor, scope: ReaderScope, entity_ids: list[str]
) -> list[EntitySummary]:
    """The summaries of a page of ids as canonical entities: a merged entity once, under
    its canonical id, counted over the members the reader may read."""
    clusters = page_clusters(connection, actor, entity_ids)
    members = [member for _, group in clusters for member in group]
    by_id = {summary.id: summary for summary in _summaries(connection, scope, members)}
    shape, values = _bound(scope)
    summaries = []
    for key, group in clusters:
        if len(group) == 1:
            if key in by_id:
                summaries.append(by_id[key])
            continue
        first = next((by_id[m] for m in group if m in by_id), None)
        if first is None:
            continue
        counts = _visible(shape, func.count(), func.count(_R.id.distinct())).where(_of_entity())
        statements, reports = connection.execute(counts, {**values, "members": list(group)}).one()
        summaries.append(
            EntitySummary(key, first.schema, first.caption, int(statements), int(reports))
        )
    return summaries


def _hidden_members(shape: StatementPredicate, by_schema: bool) -> CTE:
    """The merged entity ids a list leaves out for the reader: those with a smaller member
    of their cluster that the reader may read (of schema ``:schema`` if ``by_schema``).
    A cluster is so listed once, under its smallest readable member (the canonical id the
    reader is shown, :mod:`~portintel.services.collation.canonical`), and a page holds as
    many entities as asked. Found from ``entity_resolution`` (merged ids only: few)."""
    merged = tables.entity_resolution.c
    ids = select(merged.entity_id)
    branches = []
    for column in (_S.canonical_id, _S.entity_id):  # statements found by merged id: few
        branch = _visible(shape, column.label("member")).where(column.in_(ids))
        if by_schema:
            branch = branch.where(_S.schema == bindparam("schema", type_=String, required=True))
        branches.append(branch)
    found = union_all(*branches).subquery("found")
    readable = select(merged.entity_id, merged.canonical_id).where(
        merged.entity_id.in_(select(found.c.member))
    )
    members = readable.subquery("readable_merged")
    ranked = select(
        members.c.entity_id,
        func.min(members.c.entity_id).over(partition_by=members.c.canonical_id).label("first"),
    ).subquery("ranked")
    return (
        select(ranked.c.entity_id)
        .where(ranked.c.entity_id > ranked.c.first)
        .cte("hidden")
        .prefix_with("MATERIALIZED")
    )


@lru_cache(maxsize=_BUILT)
def _page_of_ids_query(dialect: str, shape: StatementPredicate, by_schema: bool) -> Select[Any]:
    """Distinct canonical ids of the readable statements (of schema ``:schema`` if
    ``by_schema``), in order, one page (``:limit``, ``:offset``); of a merged entity only
    the smallest member the reader may read (:func:`_hidden_members`)."""
    del dialect
    hidden = _hidden_members(shape, by_schema)
    query = _visible(shape, _S.canonical_id)
    if by_schema:
        query = query.where(_S.schema == bindparam("schema", type_=String, required=True))
    return (
        query.group_by(_S.canonical_id)
        .having(_S.canonical_id.not_in(select(hidden.c.entity_id)))
        .order_by(_S.canonical_id)
        .limit(bindparam("limit", type_=Integer, required=True))
        .offset(bindparam("offset", type_=Integer, required=True))
    )


def _check_schema(schema: str | None) -> None:
    if schema is not None and model.get(schema) is None:
        raise InvalidInput(f"unknown entity type {schema!r}", field="schema")


def list_entities(
    ws: Workspace, actor: Actor, *, schema: str | None = None, limit: int = 50, offset: int = 0
) -> list[EntitySummary]:
    """Entities the actor may see, by id; ``schema`` narrows to one type. Audited."""
    _check_schema(schema)
    scope = reader_scope(actor)
    shape, values = _bound(scope)
    page = {**values, "limit": max(limit, 0), "offset": max(offset, 0)}
    if schema:
        page["schema"] = schema
    with ws.engine.begin() as connection:
        query = _page_of_ids_query(connection.dialect.name, shape, bool(schema))
        ids = list(connection.execute(query, page).scalars())
        summaries = _canonical_summaries(connection, actor, scope, ids)
        audit.record(
            connection,
            actor,
            "entity.list",
            object_type="entity",
            detail={"schema": schema, "shown": len(summaries)},
            at=ws.clock(),
        )
    return summaries


def _matching_entities(
    dialect: str, scope: ReaderScope, text: str, schema: str | None, limit: int
) -> Select[Any]:
    """The first ``limit`` canonical ids with a readable statement matching ``text``.

    The matching statements are found first, through the trigram index when
    the text is long enough (``value_contains``), with a branch of their own
    for an id match so it keeps its index and one for the search keys (a name
    in another script or spelling, an identifier written otherwise:
    ``keys_match``); rather than walk every canonical id in order and test its
    values one by one. Then they are walked in
    canonical id order and each is checked against the reader's scope
    (``statement_condition``, for that one statement and its report) only
    until ``limit`` entities are found: a common term matches thousands of
    statements, most of them from reports a narrow reader may not read, and
    joining every one to its report cost more than finding them.
    """
    columns = (_S.canonical_id, _S.origin, _S.restrictive)
    by_value = select(*columns).where(value_contains(dialect, tables.statements, text))
    by_id = select(*columns).where(_S.canonical_id == text)
    branches = [by_value, by_id]
    keyed = keys_match(dialect, text)
    if keyed is not None:  # names across scripts and spellings, identifiers however written
        branches.append(select(*columns).where(_S.id.in_(keyed)))
    if schema:
        branches = [branch.where(_S.schema == schema) for branch in branches]
    candidates = union_all(*branches).cte("candidates").prefix_with("MATERIALIZED")
    ordered = select(candidates).order_by(candidates.c.canonical_id).subquery("ordered")
    one = (
        select(ordered.c.origin.label("origin"), ordered.c.restrictive.label("restrictive"))
        .correlate(ordered)
        .subquery("candidate")
    )
    readable = exists(
        select(literal(1))
        .select_from(one.outerjoin(tables.reports, _R.id == one.c.origin))
        .where(statement_condition(scope.statements, one))
    )
    return (
        select(ordered.c.canonical_id)
        .where(readable)
        .group_by(ordered.c.canonical_id)
        .order_by(ordered.c.canonical_id)
        .limit(max(limit, 0))
    )


def search_entities(
    ws: Workspace, actor: Actor, query: str, *, schema: str | None = None, limit: int = 50
) -> list[EntitySummary]:
    """Entities with a value the actor may see containing ``query`` (case-insensitive)."""
    text = query.strip()
    if not text:
        raise InvalidInput("search for at least one character", field="query")
    _check_schema(schema)
    scope = reader_scope(actor)
    found = _matching_entities(ws.engine.dialect.name, scope, text, schema, limit)
    with ws.engine.begin() as connection:
        ids = list(connection.execute(found).scalars())
        summaries = _canonical_summaries(connection, actor, scope, ids)
        audit.record(
            connection,
            actor,
            "search",
            object_type="entity",
            detail={"query": text, "schema": schema, "results": len(summaries)},
            at=ws.clock(),
        )
    return summaries


# --- an entity's page: aggregated and paged in SQL ------------------------------------------

PER_PROPERTY = 20
"""Newest statements an entity page shows per property (the rest are paged)."""
VALUES_PER_PROPERTY = 10
"""Most stated distinct values an entity page shows per property."""
REPORTS_SHOWN = 100
"""Report ids an entity page names (all of them are counted)."""
STATEMENT_PAGE = 100
"""Statements per page of one property (:func:`entity_statements`)."""


def _readable_members(
    predicate: StatementPredicate, *, single: bool, extra: tuple[str, ...] = ()
) -> tuple[CTE, CTE]:
    """The readable statements of each entity as (key, ``_MEMBER_COLUMNS``, ``extra``)
    rows, found once: an entity is its canonical id's statements and those of entity ids
    merged in. The entities are bound parameters: ``:entity_id`` if ``single``, else the
    expanding ``:entity_ids``. ``extra`` names more statement columns (not in the entity
    page's covering index: the rows are then read from the table).

    A big entity has thousands of statements from far fewer reports: the
    scope is decided once per (report, statement restrictiveness) pair, not
    once per statement, so the reports table is probed a few hundred times
    rather than ten thousand. Same rule (``statement_condition``), same rows.
    Returns the members and the readable pairs (origin, restrictive, report_id).
    """
    if single:  # one canonical entity: the members the resolver merged (or itself alone)
        merged: BindParameter[list[str]] = bindparam("members", expanding=True, required=True)
        by_canonical = _S.canonical_id.in_(merged)
        by_entity = and_(
            _S.entity_id.in_(merged),
            _S.canonical_id != _S.entity_id,
            _S.canonical_id.not_in(merged),
        )
    else:
        entity_ids: BindParameter[list[str]] = bindparam(
            "entity_ids", expanding=True, required=True
        )
        by_canonical = _S.canonical_id.in_(entity_ids)
        by_entity = and_(_S.entity_id.in_(entity_ids), _S.canonical_id != _S.entity_id)
    # the pairs come from indexes alone (ix_statements_canonical_scope, ix_statements_merged)
    found = union_all(
        select(_S.origin, _S.restrictive).where(by_canonical),
        select(_S.origin, _S.restrictive).where(by_entity),
    ).subquery("found")
    pairs = (
        select(found.c.origin, found.c.restrictive)
        .group_by(found.c.origin, found.c.restrictive)
        .subquery("pairs")
    )
    readable = (
        select(pairs.c.origin, pairs.c.restrictive, _R.id.label("report_id"))
        .select_from(pairs.outerjoin(tables.reports, _R.id == pairs.c.origin))
        .where(statement_condition(predicate, pairs))
        .cte("readable")
        .prefix_with("MATERIALIZED")  # once per pair: SQLite would flatten it into the join
    )
    r = readable.c
    # membership tests, not a join: each store looks a statement's pair up in the few
    # readable pairs (a join to the CTE let SQLite scan it once per statement). The
    # statements are found by entity; ``origin || ''`` keeps SQLite from finding them by
    # report instead (every statement of every readable report, then the entity's)
    is_readable = tuple_(_S.origin + "", _S.restrictive).in_(select(r.origin, r.restrictive))
    report_id = case((_S.origin.in_(select(r.report_id)), _S.origin), else_=None)
    columns = (
        *_MEMBER_COLUMNS[:-1],
        report_id.label("report_id"),
        *(tables.statements.c[name] for name in extra),
    )
    key = bindparam("entity_id", type_=String, required=True) if single else _S.canonical_id
    merged_key = bindparam("entity_id", type_=String, required=True) if single else _S.entity_id
    # two disjoint branches (a merged statement's canonical id is another entity's): the
    # first is read from the entity page's covering index alone, without the table; the
    # second from the partial index of merged statements (``canonical_id >= ''`` holds for
    # every id: it lets SQLite's planner, which takes entities for small, see that index
    # as the narrower one, rather than fetch each of a big entity's rows to find none)
    members: CompoundSelect[Any] = union_all(
        select(key.label("key"), *columns).where(by_canonical, is_readable),
        select(merged_key.label("key"), *columns).where(
            by_entity, _S.canonical_id >= "", is_readable
        ),
    )
    return members.cte("members").prefix_with("MATERIALIZED"), readable


@lru_cache(maxsize=_BUILT)
def _digest_query(dialect: str, shape: StatementPredicate) -> CompoundSelect[Any]:
    """Everything an entity page counts, in one query over its readable statements.

    Bound parameters: the scope's values, ``:entity_id``, ``:per_property``,
    ``:values_per_property`` and ``:reports`` (see :func:`_digest_rows`).

    The readable statements are found once (a materialized CTE) and every
    aggregate reads them from there; rows are ``(kind, prop, value, n, m)``:

    * ``total``: ``n`` statements, ``m`` distinct reports;
    * ``schema``: each distinct schema (``value``);
    * ``caption``: the first valid value of each caption property;
    * ``prop``: ``n`` statements and ``m`` distinct values of ``prop``;
    * ``value``: a most stated value of ``prop``, ``n`` its statements, ``m`` its rank;
    * ``statement``: the id (``value``) of a newest statement of ``prop``, ``n`` its rank;
    * ``report``: a report id, the first ``reports`` by id.
    """
    del dialect
    members, readable = _readable_members(shape, single=True)
    m, r = members.c, readable.c
    none = literal(None, String)
    # each distinct value of each property, counted once and ranked: the properties'
    # counts and their most stated values both come from it
    stated = (
        select(
            m.prop,
            m.value,
            func.count().label("statements"),
            func.row_number()
            .over(partition_by=m.prop, order_by=(func.count().desc(), m.value))
            .label("rank"),
        )
        .group_by(m.prop, m.value)
        .cte("stated")
        .prefix_with("MATERIALIZED")
    )
    v = stated.c
    # reports come from the readable (report, restrictiveness) pairs: a few hundred rows
    # where the statements are thousands; every readable pair has a readable statement
    report_ids = select(r.report_id).where(r.report_id.is_not(None)).group_by(r.report_id)
    total = select(
        literal("total").label("kind"),
        none.label("prop"),
        none.label("value"),
        select(func.coalesce(func.sum(v.statements), 0)).scalar_subquery().label("n"),
        select(func.count()).select_from(report_ids.subquery()).scalar_subquery().label("m"),
    )
    schemata = select(literal("schema"), none, m.schema, literal(0), literal(0)).group_by(m.schema)
    first_values = (
        select(
            m.prop,
            m.value,
            func.row_number()
            .over(partition_by=m.prop, order_by=(m.first_seen, m.id))
            .label("rank"),
        )
        .where(m.invalid_reason.is_(None), m.prop.in_(_CAPTION_PROPS))
        .subquery("first_values")
    )
    captions = select(
        literal("caption"), first_values.c.prop, first_values.c.value, literal(0), literal(0)
    ).where(first_values.c.rank == 1)
    props = select(literal("prop"), v.prop, none, func.sum(v.statements), func.count()).group_by(
        v.prop
    )
    values = select(literal("value"), v.prop, v.value, v.statements, v.rank).where(
        v.rank <= bindparam("values_per_property", type_=Integer, required=True)
    )
    newest = select(
        m.prop,
        m.id,
        func.row_number()
        .over(partition_by=m.prop, order_by=(m.first_seen.desc(), m.id.desc()))
        .label("rank"),
    ).subquery("newest")
    statements = select(
        literal("statement"), newest.c.prop, newest.c.id, newest.c.rank, literal(0)
    ).where(newest.c.rank <= bindparam("per_property", type_=Integer, required=True))
    first_reports = (
        report_ids.order_by(r.report_id)
        .limit(bindparam("reports", type_=Integer, required=True))
        .subquery("first")
    )
    report_rows = select(literal("report"), none, first_reports.c.report_id, literal(0), literal(0))
    return union_all(total, schemata, captions, props, values, statements, report_rows)


def _digest_rows(
    connection: Connection,
    scope: ReaderScope,
    entity_id: str,
    members: tuple[str, ...],
    *,
    per_property: int,
    values_per_property: int,
    reports: int,
) -> list[Row[Any]]:
    """The rows of :func:`_digest_query` for the reader and the entity."""
    shape, values = _bound(scope)
    query = _digest_query(connection.dialect.name, shape)
    page = {
        **values,
        "entity_id": entity_id,
        "members": list(members),
        "per_property": per_property,
        "values_per_property": values_per_property,
        "reports": max(reports, 0),
    }
    return list(connection.execute(query, page))


@lru_cache(maxsize=_BUILT)
def _statement_rows_query(dialect: str, shape: StatementPredicate) -> Select[Any]:
    del dialect
    ids: BindParameter[list[str]] = bindparam("ids", expanding=True, required=True)
    return _visible(shape, *_COLUMNS).where(_S.id.in_(ids))


def _statement_rows(
    connection: Connection, scope: ReaderScope, ids: list[str]
) -> dict[str, StatementView]:
    if not ids:
        return {}
    shape, values = _bound(scope)
    query = _statement_rows_query(connection.dialect.name, shape)
    rows = connection.execute(query, {**values, "ids": ids})
    return {row.id: _statement_view(row) for row in rows}


@audit.audits_denial("entity", id_parameter="entity_id")
def entity_page(
    ws: Workspace,
    actor: Actor,
    entity_id: str,
    *,
    per_property: int = PER_PROPERTY,
    values_per_property: int = VALUES_PER_PROPERTY,
    reports: int = REPORTS_SHOWN,
) -> EntityPage:
    """The entity as its page shows it: counts, most stated values and newest statements
    per property, the reports it comes from; NotFound if the actor may read none. Audited.

    However many statements the entity has, the page reads at most
    ``per_property`` statements a property (:func:`entity_statements` pages
    the rest) and ``reports`` report ids; everything else is counted in SQL.
    """
    for name, number in (
        ("per_property", per_property),
        ("values_per_property", values_per_property),
        ("reports", reports),
    ):
        if number < 0:
            raise InvalidInput(f"{name} must not be negative, got {number}", field=name)
    scope = reader_scope(actor)
    with ws.engine.begin() as connection:
        canonical = read_members(connection, actor, entity_id)
        if canonical is None:
            raise NotFound(f"entity {entity_id} not found", hint="check the id, or search")
        rows = _digest_rows(
            connection,
            scope,
            canonical.canonical_id,
            canonical.member_ids,
            per_property=per_property,
            values_per_property=values_per_property,
            reports=reports,
        )
        by_kind: dict[str, list[Row[Any]]] = {}
        for row in rows:
            by_kind.setdefault(row.kind, []).append(row)
        total = by_kind["total"][0]
        if not total.n:
            raise NotFound(f"entity {entity_id} not found", hint="check the id, or search")
        shown_ids = [
            row.value for row in sorted(by_kind.get("statement", []), key=lambda r: (r.prop, r.n))
        ]
        found = _statement_rows(connection, scope, shown_ids)
        audit.record(
            connection,
            actor,
            "entity.read",
            object_type="entity",
            object_id=entity_id,
            detail={"statements": int(total.n), "shown": len(found)},
            at=ws.clock(),
        )
    schema, caption = entity_caption(
        canonical.canonical_id,
        sorted(row.value for row in by_kind.get("schema", [])),
        sorted((row.prop, row.value) for row in by_kind.get("caption", [])),
    )
    top: dict[str, list[ValueCount]] = {}
    for row in sorted(by_kind.get("value", []), key=lambda r: (r.prop, r.m)):
        top.setdefault(row.prop, []).append(ValueCount(row.value, int(row.n)))
    shown: dict[str, int] = {}
    for row in by_kind.get("statement", []):
        shown[row.prop] = shown.get(row.prop, 0) + 1
    properties = tuple(
        PropertyView(
            prop=row.prop,
            statement_count=int(row.n),
            value_count=int(row.m),
            top_values=tuple(top.get(row.prop, ())),
            shown=shown.get(row.prop, 0),
        )
        for row in sorted(by_kind.get("prop", []), key=lambda r: r.prop)
    )
    return EntityPage(
        id=canonical.canonical_id,
        schema=schema,
        caption=caption,
        statement_count=int(total.n),
        report_count=int(total.m),
        properties=properties,
        statements=tuple(found[id_] for id_ in shown_ids if id_ in found),
        report_ids=tuple(sorted(row.value for row in by_kind.get("report", []))),
    )


@lru_cache(maxsize=_BUILT)
def _property_queries(
    dialect: str, shape: StatementPredicate, by_value: bool = False
) -> tuple[Select[Any], Select[Any], Select[Any]]:
    """For :func:`entity_statements`: a readable statement of ``:entity_id`` (if any), the
    count of its readable statements of ``:prop`` (of value ``:value`` if ``by_value``),
    and one page of them, newest first."""
    del dialect
    of_property = _S.prop == bindparam("prop", type_=String, required=True)
    if by_value:
        of_property = and_(of_property, _S.value == bindparam("value", type_=String, required=True))
    return (
        _visible(shape, _S.id).where(_of_entity()).limit(1),
        _visible(shape, func.count()).where(_of_entity(), of_property),
        _visible(shape, *_COLUMNS)
        .where(_of_entity(), of_property)
        .order_by(_S.first_seen.desc(), _S.id.desc())
        .limit(bindparam("limit", type_=Integer, required=True))
        .offset(bindparam("offset", type_=Integer, required=True)),
    )


@audit.audits_denial("entity", id_parameter="entity_id")
def entity_statements(
    ws: Workspace,
    actor: Actor,
    entity_id: str,
    prop: str,
    *,
    limit: int = STATEMENT_PAGE,
    offset: int = 0,
    value: str | None = None,
) -> StatementPage:
    """One page of the entity's readable statements of ``prop`` (and ``value``, if given),
    newest first, with their total; NotFound if the actor may read nothing of the entity.
    Audited."""
    if limit < 0 or offset < 0:
        raise InvalidInput("limit and offset must not be negative", field="limit")
    shape, values = _bound(reader_scope(actor))
    with ws.engine.begin() as connection:
        found = read_members(connection, actor, entity_id)
        if found is None:
            raise NotFound(f"entity {entity_id} not found", hint="check the id, or search")
        page: dict[str, Any] = {**values, "members": list(found.member_ids), "prop": prop}
        page.update(limit=limit, offset=offset)
        if value is not None:
            page["value"] = value
        any_one, count, one_page = _property_queries(
            connection.dialect.name, shape, value is not None
        )
        readable = connection.execute(any_one, page).first()
        if readable is None:
            raise NotFound(f"entity {entity_id} not found", hint="check the id, or search")
        total = connection.execute(count, page).scalar_one()
        rows = connection.execute(one_page, page)
        statements = tuple(_statement_view(row) for row in rows)
        audit.record(
            connection,
            actor,
            "entity.read",
            object_type="entity",
            object_id=entity_id,
            detail={"prop": prop, "value": value, "offset": offset, "shown": len(statements)},
            at=ws.clock(),
        )
    return StatementPage(found.canonical_id, prop, int(total), offset, statements, value)
