"""Canonical reads: which entity an id belongs to, and its members, as one reader sees it.

A cluster's canonical id and members come from ``entity_resolution``
(:mod:`portintel.services.collation.resolver`), computed from judgements;
statements keep the entity ids they were written with. For a reader, only
the members of which they may read at least one statement count (their
scoped view, need-to-know rule 5 rendered in SQL): the canonical id they
are shown is the smallest *readable* member, and an entity they cannot read
is not found, exactly as an id that does not exist. So a merge never shows
a reader a statement, or an entity id, they could not see before: it only
gathers on one page what they could already read on several.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass

from sqlalchemy import ColumnElement, Connection, func, or_, select

from portintel.adapters.database import tables
from portintel.adapters.database.scope import statement_condition, statements_with_reports
from portintel.domain.access import reader_scope
from portintel.domain.actors import Actor
from portintel.errors import NotFound
from portintel.services.workspace import Workspace

_S = tables.statements.c
_M = tables.entity_resolution.c


@dataclass(frozen=True, slots=True)
class CanonicalEntity:
    """An entity as one reader sees it: the canonical id and the member ids (in id order,
    the canonical first) of which they may read something."""

    canonical_id: str
    member_ids: tuple[str, ...]

    @property
    def merged(self) -> bool:
        return len(self.member_ids) > 1


def cluster_members(
    connection: Connection, entity_ids: Collection[str]
) -> dict[str, tuple[str, ...]]:
    """Every member of each id's cluster, unscoped (the resolver's own view), in id order."""
    wanted = sorted(set(entity_ids))
    if not wanted:
        return {}
    canonical: dict[str, str] = {
        member: key
        for member, key in connection.execute(
            select(_M.entity_id, _M.canonical_id).where(_M.entity_id.in_(wanted))
        )
    }
    groups: dict[str, list[str]] = {}
    if canonical:
        for member, key in connection.execute(
            select(_M.entity_id, _M.canonical_id).where(
                _M.canonical_id.in_(sorted(set(canonical.values())))
            )
        ):
            groups.setdefault(key, []).append(member)
    return {
        entity: tuple(sorted(groups[canonical[entity]])) if entity in canonical else (entity,)
        for entity in wanted
    }


def readable_ids(connection: Connection, actor: Actor, entity_ids: Collection[str]) -> set[str]:
    """The ids among ``entity_ids`` of which ``actor`` may read at least one statement."""
    wanted = sorted(set(entity_ids))
    if not wanted:
        return set()
    condition = statement_condition(reader_scope(actor).statements)
    found: set[str] = set()
    for start in range(0, len(wanted), 500):
        chunk = wanted[start : start + 500]
        for column in (_S.entity_id, _S.canonical_id):
            query = (
                select(column, func.count())
                .select_from(statements_with_reports())
                .where(column.in_(chunk), condition)
                .group_by(column)
            )
            found.update(row[0] for row in connection.execute(query))
    return found


def canonical_entities(
    connection: Connection, actor: Actor, entity_ids: Collection[str]
) -> dict[str, CanonicalEntity]:
    """Each readable id's canonical entity for ``actor``; ids they cannot read are absent."""
    clusters = cluster_members(connection, entity_ids)
    readable = readable_ids(connection, actor, {m for ms in clusters.values() for m in ms})
    found: dict[str, CanonicalEntity] = {}
    for entity, members in clusters.items():
        if entity not in readable:
            continue
        shown = tuple(member for member in members if member in readable)
        found[entity] = CanonicalEntity(canonical_id=shown[0], member_ids=shown)
    return found


def canonical_entity(ws: Workspace, actor: Actor, entity_id: str) -> CanonicalEntity:
    """The canonical entity ``entity_id`` belongs to, for ``actor``; NotFound if they may
    read nothing of ``entity_id`` itself (as if it did not exist)."""
    with ws.engine.connect() as connection:
        found = canonical_entities(connection, actor, [entity_id]).get(entity_id)
    if found is None:
        raise NotFound(f"entity {entity_id} not found", hint="check the id, or search")
    return found


def member_condition(member_ids: Collection[str]) -> ColumnElement[bool]:
    """The statements of these members (by their own id, or a canonical id they were
    written with)."""
    wanted = sorted(set(member_ids))
    return or_(_S.entity_id.in_(wanted), _S.canonical_id.in_(wanted))


def read_members(connection: Connection, actor: Actor, entity_id: str) -> CanonicalEntity | None:
    """For an entity read: the canonical entity of ``entity_id`` as ``actor`` sees it, or
    None when ``entity_id`` is merged and the actor may read nothing of it. An entity in no
    cluster costs one primary-key lookup and comes back as itself, unchecked: the read
    that follows finds its statements in scope, or none (then it is not found)."""
    merged = connection.execute(select(_M.canonical_id).where(_M.entity_id == entity_id)).first()
    if merged is None:
        return CanonicalEntity(canonical_id=entity_id, member_ids=(entity_id,))
    return canonical_entities(connection, actor, [entity_id]).get(entity_id)


def page_clusters(
    connection: Connection, actor: Actor, entity_ids: list[str]
) -> list[tuple[str, tuple[str, ...]]]:
    """For a page of entity ids (a list, a search): ``(canonical id, members)`` as the actor
    sees each, in page order, each canonical entity once. One lookup when none is merged."""
    if not entity_ids:
        return []
    merged = {
        member
        for member in connection.execute(
            select(_M.entity_id).where(_M.entity_id.in_(sorted(set(entity_ids))))
        ).scalars()
    }
    clusters = canonical_entities(connection, actor, merged) if merged else {}
    page: list[tuple[str, tuple[str, ...]]] = []
    seen: set[str] = set()
    for entity in entity_ids:
        cluster = clusters.get(entity)
        key, members = (
            (cluster.canonical_id, cluster.member_ids) if cluster else (entity, (entity,))
        )
        if key not in seen:
            seen.add(key)
            page.append((key, members))
    return page
