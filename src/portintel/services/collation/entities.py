"""Entities: assembled from the statements a reader may see, with their provenance.

An entity is the sum of its statements (followthemoney's model). Every read
goes statement by statement through need-to-know rule 5
(:func:`portintel.domain.access.may_read_statement`): a value from a report
the reader may not read is simply not part of the entity *for that reader*;
an entity of which they may read nothing does not exist for them (NotFound).
Search and lists apply the same filter before anything is counted or shown.
Every read and search is audited.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from followthemoney import model
from followthemoney.exc import InvalidData
from followthemoney.schema import Schema
from sqlalchemy import Connection, Row, Select, or_, select

from portintel.adapters.database import tables
from portintel.domain.access import may_read_statement
from portintel.domain.actors import Actor
from portintel.domain.grading import Grading
from portintel.errors import InvalidInput, NotFound
from portintel.services import audit
from portintel.services.intake.views import access_of, is_restrictive
from portintel.services.workspace import Workspace

_S = tables.statements.c
_R = tables.reports.c
_COLUMNS = (
    tables.statements,
    _R.id.label("report_id"),
    _R.author_id,
    _R.agency_id,
    _R.status,
    _R.handling.label("report_handling"),
    _R.releasable_to,
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


def _joined() -> Select[Any]:
    return select(*_COLUMNS).join(tables.reports, _R.id == _S.origin, isouter=True)


def _visible(actor: Actor, row: Row[Any]) -> bool:
    access = access_of(_ReportFacts(row)) if row.report_id else None
    return may_read_statement(actor, access, statement_restrictive=is_restrictive(row.handling))


class _ReportFacts:
    """Adapts a joined row to what :func:`access_of` reads."""

    __slots__ = ("agency_id", "author_id", "handling", "releasable_to", "status")

    def __init__(self, row: Row[Any]) -> None:
        self.author_id = row.author_id
        self.agency_id = row.agency_id
        self.status = row.status
        self.handling = row.report_handling
        self.releasable_to = row.releasable_to


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


def _common_schema(names: Iterable[str]) -> Schema | None:
    schema: Schema | None = None
    for name in names:
        found = model.get(name)
        if found is None:
            continue
        if schema is None:
            schema = found
        elif schema is not found:
            try:
                schema = model.common_schema(schema, found)
            except InvalidData:  # unrelated types: keep the first one
                continue
    return schema


def entity_caption(
    entity_id: str, schemata: Iterable[str], values: Iterable[tuple[str, str]]
) -> tuple[str, str]:
    """The schema and caption of an entity from its valid (prop, value) pairs.

    The caption is the first value of the schema's caption properties, in
    followthemoney's order (a vessel's name before its IMO number); the id
    when none is known.
    """
    schema_names = list(schemata)
    schema = _common_schema(schema_names)
    pairs = list(values)
    caption = entity_id
    if schema is not None:
        for prop in schema.caption:
            found = [value for name, value in pairs if name == prop]
            if found:
                caption = found[0]
                break
    return (schema.name if schema else schema_names[0]), caption


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
    connection: Connection, actor: Actor, entity_ids: list[str]
) -> dict[str, list[StatementView]]:
    if not entity_ids:
        return {}
    query = (
        _joined()
        .where(or_(_S.canonical_id.in_(entity_ids), _S.entity_id.in_(entity_ids)))
        .order_by(_S.prop, _S.first_seen, _S.id)
    )
    grouped: dict[str, list[StatementView]] = {}
    wanted = set(entity_ids)
    for row in connection.execute(query):
        if not _visible(actor, row):
            continue
        key = row.canonical_id if row.canonical_id in wanted else row.entity_id
        grouped.setdefault(key, []).append(_statement_view(row))
    return grouped


def get_entity(ws: Workspace, actor: Actor, entity_id: str, *, purpose: str = "read") -> EntityView:
    """The entity with every statement the actor may see; NotFound if none. Audited.

    ``purpose`` is ``"read"`` (audited as ``entity.read``) or ``"export"``
    (audited as ``export``: the entity leaves the application as data).
    """
    if purpose not in ("read", "export"):
        raise InvalidInput(f"unknown purpose {purpose!r}", field="purpose", hint="read or export")
    with ws.engine.begin() as connection:
        statements = _visible_statements(connection, actor, [entity_id]).get(entity_id)
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


def _summaries(connection: Connection, actor: Actor, entity_ids: list[str]) -> list[EntitySummary]:
    grouped = _visible_statements(connection, actor, entity_ids)
    summaries = []
    for entity_id in entity_ids:
        statements = grouped.get(entity_id)
        if not statements:
            continue
        entity = _assemble(entity_id, statements)
        summaries.append(
            EntitySummary(
                entity.id,
                entity.schema,
                entity.caption,
                len(statements),
                len(entity.report_ids),
            )
        )
    return summaries


def _matching_ids(
    connection: Connection, actor: Actor, query: Select[Any], wanted: int
) -> list[str]:
    """Distinct canonical ids of rows the actor may see, in query order, up to ``wanted``."""
    found: list[str] = []
    seen: set[str] = set()
    result = connection.execute(query.execution_options(yield_per=2000))
    try:
        for row in result:
            if row.canonical_id in seen or not _visible(actor, row):
                continue
            seen.add(row.canonical_id)
            found.append(row.canonical_id)
            if len(found) >= wanted:
                break
    finally:
        result.close()
    return found


def _check_schema(schema: str | None) -> None:
    if schema is not None and model.get(schema) is None:
        raise InvalidInput(f"unknown entity type {schema!r}", field="schema")


def list_entities(
    ws: Workspace, actor: Actor, *, schema: str | None = None, limit: int = 50, offset: int = 0
) -> list[EntitySummary]:
    """Entities the actor may see, by id; ``schema`` narrows to one type. Audited."""
    _check_schema(schema)
    query = _joined().order_by(_S.canonical_id)
    if schema:
        query = query.where(_S.schema == schema)
    with ws.engine.begin() as connection:
        ids = _matching_ids(connection, actor, query, offset + limit)[offset:]
        summaries = _summaries(connection, actor, ids)
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
    statement = (
        _joined()
        .where(_S.value.ilike(f"%{text}%") | (_S.canonical_id == text))
        .order_by(_S.canonical_id)
    )
    if schema:
        statement = statement.where(_S.schema == schema)
    with ws.engine.begin() as connection:
        ids = _matching_ids(connection, actor, statement, limit)
        summaries = _summaries(connection, actor, ids)
        audit.record(
            connection,
            actor,
            "search",
            object_type="entity",
            detail={"query": text, "schema": schema, "results": len(summaries)},
            at=ws.clock(),
        )
    return summaries
