"""Which existing entities a writer may touch: writes cannot probe what exists.

A report's facts may name an existing entity (``entity:<id>``, or the value
of an entity-typed property) and may meet an existing entity on a strong
identifier (IMO, MMSI, passport number, phone). Both only ever reach an
entity the writer may *read* (at least one of its statements passes
need-to-know rule 5, :func:`portintel.domain.access.may_read_statement`). An
entity the writer may not read is, for the write, an entity that does not
exist: naming it is refused with the same NotFound as a missing id, and an
identifier it states starts a new entity instead of joining it. Both cases
run the same queries, in the writer's transaction, so neither the answer nor
the work done tells them apart.

:func:`readable_entity_ids` is the one place the scope is applied: the
reader's scope (:func:`portintel.domain.access.reader_scope`) rendered as SQL
by the store (:mod:`portintel.adapters.database.scope`), so the database
returns only what the writer may read.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import (
    Column,
    ColumnElement,
    Connection,
    func,
    select,
)

from portintel.adapters.database import tables
from portintel.adapters.database.scope import statement_condition, statements_with_reports
from portintel.domain.access import reader_scope
from portintel.domain.actors import Actor
from portintel.domain.reports import FactDraft
from portintel.services.intake.fact_statements import (
    Identifier,
    entity_references,
    strong_identifiers,
)

__all__ = [
    "WriterScope",
    "readable_entity_ids",
    "readable_references",
    "writer_scope",
]

_S = tables.statements.c
_R = tables.reports.c


def readable_entity_ids(
    connection: Connection,
    actor: Actor,
    condition: ColumnElement[bool],
    *,
    by: Column[str] = _S.entity_id,
) -> dict[str, datetime]:
    """Entity id -> earliest first seen, over the statements matching ``condition``
    that ``actor`` may read; entities with no such statement are absent.

    Statements are grouped by ``by``: their ``entity_id`` (the id a new fact
    attaches to) unless asked for ``canonical_id``. The scope is applied in
    the database: an entity the actor may not read returns no row, exactly as
    one that does not exist.
    """
    grouped = by.label("grouped_id")
    query = (
        select(grouped, func.min(_S.first_seen).label("first_seen"))
        .select_from(statements_with_reports())
        .where(condition, statement_condition(reader_scope(actor).statements))
        .group_by(by)
    )
    return {row.grouped_id: row.first_seen for row in connection.execute(query)}


@dataclass(frozen=True, slots=True)
class WriterScope:
    """What a report's facts may reach: the readable named entities, and namesakes."""

    readable: frozenset[str]
    namesakes: dict[Identifier, str]


def readable_references(
    connection: Connection, actor: Actor, named: Collection[str]
) -> frozenset[str]:
    """The ids among ``named`` of entities ``actor`` may read (the rest: missing or not)."""
    if not named:
        return frozenset()
    wanted = sorted(named)
    # an entity is named by its own id or, once merged, by its canonical id
    own = readable_entity_ids(connection, actor, _S.entity_id.in_(wanted))
    merged = readable_entity_ids(connection, actor, _S.canonical_id.in_(wanted), by=_S.canonical_id)
    return frozenset(entity for entity in wanted if entity in own or entity in merged)


def _namesake(connection: Connection, actor: Actor, identifier: Identifier) -> str | None:
    """The oldest entity the actor may read that states ``identifier`` validly."""
    found = readable_entity_ids(
        connection,
        actor,
        (_S.prop == identifier.prop)
        & (_S.value == identifier.value)
        & (_S.schema == identifier.schema)
        & _S.invalid_reason.is_(None),
    )
    if not found:
        return None
    return min(found, key=lambda entity: (found[entity], entity))


def writer_scope(
    connection: Connection, actor: Actor, facts: Sequence[FactDraft], *, region: str
) -> WriterScope:
    """The existing entities ``facts`` may reach for ``actor``, in the caller's transaction."""
    readable = readable_references(connection, actor, entity_references(facts))
    identifiers = {
        identifier
        for found in strong_identifiers(facts, region=region).values()
        for identifier in found
    }
    namesakes: dict[Identifier, str] = {}
    for identifier in sorted(identifiers, key=lambda i: (i.schema, i.prop, i.value)):
        entity = _namesake(connection, actor, identifier)
        if entity is not None:
            namesakes[identifier] = entity
    return WriterScope(readable=readable, namesakes=namesakes)
