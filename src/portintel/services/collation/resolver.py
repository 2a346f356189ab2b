"""The resolver's store: judgements in ``judgements``, the clusters in ``entity_resolution``.

Why our own store rather than nomenklatura's ``Resolver``: its semantics
(positive, negative and unsure edges; connected components give the
canonical id; a negative edge blocks a transitive merge) are kept in
:mod:`portintel.domain.resolution` as a pure function, while its storage
(its own SQL table, rewritten in place, one process holding it in memory)
fits neither our transactions nor our audit: a judgement, the resolution it
makes and the audit entry must commit together, keep who and why with the
rule version, stay as history when undone, and run the same on SQLite and
PostgreSQL under our migrations.

Statements are never touched: ``entity_resolution`` holds one row per
member of a cluster of two or more (entity id -> canonical id), rebuilt
from the judgements in the same transaction as each judgement. Undoing a
merge deletes mapping rows and nothing else, so every statement and its
provenance are as they were, byte for byte, by construction.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from typing import Any

from sqlalchemy import Connection, delete, insert, or_, select, text

from portintel.adapters.database import tables
from portintel.domain.resolution import Judgement, Resolution, Verdict, resolve

_J = tables.judgements.c
_M = tables.entity_resolution.c

_LOCK_KEY = 150015
"""PostgreSQL advisory lock serialising resolution rebuilds (one writer at a time)."""


def _judgement(row: Any) -> Judgement:
    return Judgement(
        id=row.id,
        left=row.left_id,
        right=row.right_id,
        verdict=Verdict(row.verdict),
        judged_by=row.judged_by,
        judged_at=row.judged_at,
        rule=row.rule,
        reason=row.reason,
        retracted_at=row.retracted_at,
        retracted_by=row.retracted_by,
    )


def lock(connection: Connection) -> None:
    """Serialise writers of judgements for the rest of the transaction (PostgreSQL; SQLite
    serialises writers already)."""
    if connection.dialect.name == "postgresql":
        connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _LOCK_KEY})


def load_judgements(
    connection: Connection, entity_ids: Collection[str] | None = None
) -> list[Judgement]:
    """Every judgement (or those touching ``entity_ids``), retracted ones included, oldest first."""
    query = select(tables.judgements).order_by(_J.judged_at, _J.id)
    if entity_ids is not None:
        wanted = sorted(set(entity_ids))
        if not wanted:
            return []
        query = query.where(or_(_J.left_id.in_(wanted), _J.right_id.in_(wanted)))
    return [_judgement(row) for row in connection.execute(query)]


def store_judgement(connection: Connection, judgement: Judgement) -> None:
    connection.execute(
        insert(tables.judgements).values(
            id=judgement.id,
            left_id=judgement.left,
            right_id=judgement.right,
            verdict=judgement.verdict.value,
            judged_by=judgement.judged_by,
            rule=judgement.rule,
            reason=judgement.reason,
            judged_at=judgement.judged_at,
            retracted_at=judgement.retracted_at,
            retracted_by=judgement.retracted_by,
        )
    )


def stored_mapping(connection: Connection) -> dict[str, str]:
    return {
        row.entity_id: row.canonical_id
        for row in connection.execute(select(_M.entity_id, _M.canonical_id))
    }


def rebuild(connection: Connection) -> tuple[Resolution, dict[str, str]]:
    """Resolve every judgement again and bring ``entity_resolution`` in line, in the
    caller's transaction. Returns the resolution and the mapping it replaced."""
    resolution = resolve(load_judgements(connection))
    before = stored_mapping(connection)
    after = dict(resolution.canonical)
    gone = sorted(entity for entity in before if before[entity] != after.get(entity))
    new = sorted(entity for entity in after if before.get(entity) != after[entity])
    for start in range(0, len(gone), 500):
        connection.execute(
            delete(tables.entity_resolution).where(_M.entity_id.in_(gone[start : start + 500]))
        )
    if new:
        connection.execute(
            insert(tables.entity_resolution),
            [{"entity_id": entity, "canonical_id": after[entity]} for entity in new],
        )
    return resolution, before


def clusters_of(mapping: dict[str, str], entity_ids: Iterable[str]) -> dict[str, frozenset[str]]:
    """Each id's cluster under ``mapping`` (itself alone when unmapped)."""
    by_canonical: dict[str, set[str]] = {}
    for member, canonical in mapping.items():
        by_canonical.setdefault(canonical, set()).add(member)
    return {
        entity: frozenset(by_canonical.get(mapping.get(entity, ""), {entity}))
        for entity in entity_ids
    }
