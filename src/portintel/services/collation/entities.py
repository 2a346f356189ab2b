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
from typing import Any

from followthemoney import model
from sqlalchemy import Connection, Row, Select, Subquery, func, or_, select, union_all

from portintel.adapters.database import tables
from portintel.adapters.database.scope import statement_condition, statements_with_reports
from portintel.adapters.database.search import value_contains
from portintel.domain.access import ReaderScope, reader_scope
from portintel.domain.actors import Actor
from portintel.domain.entities import entity_caption
from portintel.domain.grading import Grading
from portintel.errors import InvalidInput, NotFound
from portintel.services import audit
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


def _visible(scope: ReaderScope, *columns: Any) -> Select[Any]:
    """``SELECT columns`` of the statements the reader may read, with their reports."""
    return (
        select(*columns)
        .select_from(statements_with_reports())
        .where(statement_condition(scope.statements))
    )


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


def _visible_statements(
    connection: Connection, scope: ReaderScope, entity_id: str
) -> list[StatementView]:
    """The statements of one entity (its canonical id, or an entity id it merged) that
    the reader may read, by property, first sight and id."""
    query = (
        _visible(scope, *_COLUMNS)
        .where(or_(_S.canonical_id == entity_id, _S.entity_id == entity_id))
        .order_by(_S.prop, _S.first_seen, _S.id)
    )
    return [_statement_view(row) for row in connection.execute(query)]


@audit.audits_denial("entity", id_parameter="entity_id")
def get_entity(ws: Workspace, actor: Actor, entity_id: str, *, purpose: str = "read") -> EntityView:
    """The entity with every statement the actor may see; NotFound if none. Audited.

    ``purpose`` is ``"read"`` (audited as ``entity.read``) or ``"export"``
    (audited as ``export``: the entity leaves the application as data).
    """
    if purpose not in ("read", "export"):
        raise InvalidInput(f"unknown purpose {purpose!r}", field="purpose", hint="read or export")
    with ws.engine.begin() as connection:
        statements = _visible_statements(connection, reader_scope(actor), entity_id)
        if not statements:
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
    return _assemble(entity_id, statements)


_CAPTION_PROPS = tuple(
    sorted({prop for schema in model.schemata.values() for prop in schema.caption})
)
"""Every property some schema takes its caption from."""


def _members(scope: ReaderScope, entity_ids: list[str]) -> Subquery:
    """The readable statements of each entity as (key, statement, report) rows: an entity
    is its canonical id's statements and those of entity ids merged into it."""
    by_canonical = _visible(scope, _S.canonical_id.label("key"), *_MEMBER_COLUMNS).where(
        _S.canonical_id.in_(entity_ids)
    )
    by_entity = _visible(scope, _S.entity_id.label("key"), *_MEMBER_COLUMNS).where(
        _S.entity_id.in_(entity_ids), _S.canonical_id != _S.entity_id
    )
    return union_all(by_canonical, by_entity).subquery("members")


_MEMBER_COLUMNS = (
    _S.id,
    _S.schema,
    _S.prop,
    _S.value,
    _S.first_seen,
    _S.invalid_reason,
    _R.id.label("report_id"),
)


def _summaries(
    connection: Connection, scope: ReaderScope, entity_ids: list[str]
) -> list[EntitySummary]:
    """One summary per id, counted and captioned in SQL from what the reader may read."""
    if not entity_ids:
        return []
    members = _members(scope, entity_ids).c
    counts = {
        row.key: (row.statements, row.reports)
        for row in connection.execute(
            select(
                members.key,
                func.count().label("statements"),
                func.count(members.report_id.distinct()).label("reports"),
            ).group_by(members.key)
        )
    }
    schemata: dict[str, list[str]] = {}
    for key, schema in connection.execute(
        select(members.key, members.schema).distinct().order_by(members.key, members.schema)
    ):
        schemata.setdefault(key, []).append(schema)
    ranked = (
        select(
            members.key,
            members.prop,
            members.value,
            func.row_number()
            .over(
                partition_by=(members.key, members.prop),
                order_by=(members.first_seen, members.id),
            )
            .label("rank"),
        )
        .where(members.invalid_reason.is_(None), members.prop.in_(_CAPTION_PROPS))
        .subquery("ranked")
    )
    firsts: dict[str, list[tuple[str, str]]] = {}
    for key, prop, value in connection.execute(
        select(ranked.c.key, ranked.c.prop, ranked.c.value)
        .where(ranked.c.rank == 1)
        .order_by(ranked.c.key, ranked.c.prop)
    ):
        firsts.setdefault(key, []).append((prop, value))
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


def _page_of_ids(
    connection: Connection, query: Select[Any], *, limit: int, offset: int = 0
) -> list[str]:
    """Distinct canonical ids of ``query``'s readable statements, in order, one page."""
    page = (
        query.group_by(_S.canonical_id)
        .order_by(_S.canonical_id)
        .limit(max(limit, 0))
        .offset(max(offset, 0))
    )
    return list(connection.execute(page).scalars())


def _check_schema(schema: str | None) -> None:
    if schema is not None and model.get(schema) is None:
        raise InvalidInput(f"unknown entity type {schema!r}", field="schema")


def list_entities(
    ws: Workspace, actor: Actor, *, schema: str | None = None, limit: int = 50, offset: int = 0
) -> list[EntitySummary]:
    """Entities the actor may see, by id; ``schema`` narrows to one type. Audited."""
    _check_schema(schema)
    scope = reader_scope(actor)
    query = _visible(scope, _S.canonical_id)
    if schema:
        query = query.where(_S.schema == schema)
    with ws.engine.begin() as connection:
        ids = _page_of_ids(connection, query, limit=limit, offset=offset)
        summaries = _summaries(connection, scope, ids)
        audit.record(
            connection,
            actor,
            "entity.list",
            object_type="entity",
            detail={"schema": schema, "shown": len(summaries)},
            at=ws.clock(),
        )
    return summaries


def search_entities(
    ws: Workspace, actor: Actor, query: str, *, schema: str | None = None, limit: int = 50
) -> list[EntitySummary]:
    """Entities with a value the actor may see containing ``query`` (case-insensitive)."""
    text = query.strip()
    if not text:
        raise InvalidInput("search for at least one character", field="query")
    _check_schema(schema)
    scope = reader_scope(actor)
    by_value = _visible(scope, _S.canonical_id).where(
        value_contains(ws.engine.dialect.name, tables.statements, text)
    )
    by_id = _visible(scope, _S.canonical_id).where(_S.canonical_id == text)
    if schema:
        by_value, by_id = by_value.where(_S.schema == schema), by_id.where(_S.schema == schema)
    # the matching values are few: find them first (through the trigram index when the
    # text is long enough), rather than walk every canonical id in order and test its
    # values one by one; the id match is a branch of its own, so it keeps its index too
    hits = union_all(by_value, by_id).cte("hits").prefix_with("MATERIALIZED")
    found = (
        select(hits.c.canonical_id)
        .group_by(hits.c.canonical_id)
        .order_by(hits.c.canonical_id)
        .limit(max(limit, 0))
    )
    with ws.engine.begin() as connection:
        ids = list(connection.execute(found).scalars())
        summaries = _summaries(connection, scope, ids)
        audit.record(
            connection,
            actor,
            "search",
            object_type="entity",
            detail={"query": text, "schema": schema, "results": len(summaries)},
            at=ws.clock(),
        )
    return summaries
