"""Relationships of a profiled entity, within the reader's scope (see :mod:`.profile`).

An entity is tied to others both ways: an FtM link entity (an Ownership, a
Family tie) names it and another entity, with the words of its role; a
statement of another entity names it (a passport's holder), or one of its own
names another; an entity states the same phone number; or entities are
stated in the same reports (a vessel's crew). Every statement read is one the
reader may read (rule 5, in SQL), and a related entity is named only when the
reader may read it, under the canonical id the reader sees.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from sqlalchemy import (
    BindParameter,
    Connection,
    Integer,
    Select,
    bindparam,
    func,
    or_,
    select,
)

from portintel.adapters.database import tables
from portintel.domain.access import ReaderScope, StatementPredicate
from portintel.domain.actors import Actor
from portintel.domain.entity_labels import (
    ROLE_PROPS,
    entity_properties,
    is_link,
    link_ends,
    property_label,
    reverse_label,
    schema_label,
)
from portintel.services.collation.canonical import canonical_entities
from portintel.services.collation.entities import _BUILT, _bound, _summaries, _visible

_S = tables.statements.c

RELATED_SHOWN = 60
"""Related entities a profile names at most (links first, then shared numbers, then
entities stated in the same reports)."""


@dataclass(frozen=True, slots=True)
class Relationship:
    """An entity tied to the profiled one, as the reader may see it.

    ``kind``: ``link`` (an FtM link entity such as an Ownership ties them),
    ``reference`` (one names the other in a property: a passport's holder),
    ``phone`` (they state the same phone number) or ``together`` (stated in the
    same reports, ``reports`` of them). ``label`` is the role of the other
    entity (FtM's property label: ``Owner``, ``Relative``), ``role`` the words
    the link states (``registered owner``, ``brother``).
    """

    kind: str
    label: str
    entity_id: str
    schema: str
    caption: str
    role: str | None = None
    via: str | None = None
    via_schema: str | None = None
    reports: int = 0


@lru_cache(maxsize=_BUILT)
def _pointing_query(dialect: str, shape: StatementPredicate) -> Select[Any]:
    """Readable statements of other entities whose entity-typed value names ``:members``."""
    del dialect
    members: BindParameter[list[str]] = bindparam("members", expanding=True, required=True)
    return _visible(shape, _S.canonical_id, _S.schema, _S.prop, _S.value).where(
        _S.prop.in_(entity_properties()), _S.value.in_(members)
    )


@lru_cache(maxsize=_BUILT)
def _links_query(dialect: str, shape: StatementPredicate) -> Select[Any]:
    """Readable statements of the link entities ``:links`` (their ends and role words)."""
    del dialect
    links: BindParameter[list[str]] = bindparam("links", expanding=True, required=True)
    return _visible(shape, _S.canonical_id, _S.schema, _S.prop, _S.value).where(
        _S.canonical_id.in_(links),
        or_(_S.prop.in_(entity_properties()), _S.prop.in_(ROLE_PROPS)),
        _S.invalid_reason.is_(None),
    )


@lru_cache(maxsize=_BUILT)
def _phones_query(dialect: str, shape: StatementPredicate) -> Select[Any]:
    """Other entities with a readable statement of one of the phone numbers ``:phones``."""
    del dialect
    phones: BindParameter[list[str]] = bindparam("phones", expanding=True, required=True)
    members: BindParameter[list[str]] = bindparam("members", expanding=True, required=True)
    return (
        _visible(shape, _S.canonical_id, _S.value)
        .where(
            _S.prop == "phone",
            _S.value.in_(phones),
            _S.invalid_reason.is_(None),
            _S.canonical_id.not_in(members),
        )
        .group_by(_S.canonical_id, _S.value)
    )


@lru_cache(maxsize=_BUILT)
def _together_query(dialect: str, shape: StatementPredicate) -> Select[Any]:
    """Other entities with readable statements in the reports ``:report_ids``, by how many
    of those reports state them (most first)."""
    del dialect
    reports: BindParameter[list[str]] = bindparam("report_ids", expanding=True, required=True)
    members: BindParameter[list[str]] = bindparam("members", expanding=True, required=True)
    shared = func.count(_S.origin.distinct())
    return (
        _visible(shape, _S.canonical_id, shared.label("shared"))
        .where(_S.origin.in_(reports), _S.canonical_id.not_in(members))
        .group_by(_S.canonical_id)
        .order_by(shared.desc(), _S.canonical_id)
        .limit(bindparam("together_shown", type_=Integer, required=True))
    )


def _named(
    connection: Connection, actor: Actor, scope: ReaderScope, ids: Iterable[str]
) -> dict[str, tuple[str, str, str]]:
    """id -> (canonical id, schema, caption) as the reader sees it; unreadable ids absent."""
    wanted = sorted(set(ids))
    if not wanted:
        return {}
    # only merged ids need their cluster (few); any other id is its own canonical entity,
    # and the scoped summaries below leave it out if the reader may read nothing of it
    merged_ids = set(
        connection.execute(
            select(tables.entity_resolution.c.entity_id).where(
                tables.entity_resolution.c.entity_id.in_(wanted)
            )
        ).scalars()
    )
    clusters = canonical_entities(connection, actor, merged_ids) if merged_ids else {}
    canonical = {
        entity: clusters[entity].canonical_id if entity in clusters else entity
        for entity in wanted
        if entity not in merged_ids or entity in clusters
    }
    keys = sorted(set(canonical.values()))
    summaries = {summary.id: summary for summary in _summaries(connection, scope, keys)}
    named = {}
    for entity, key in canonical.items():
        summary = summaries.get(key)
        if summary is not None:
            named[entity] = (key, summary.schema, summary.caption)
    return named


def _relationships(
    connection: Connection,
    actor: Actor,
    scope: ReaderScope,
    members: tuple[str, ...],
    own_links: Sequence[tuple[str, str]],
    phones: Sequence[str],
    recent_reports: Sequence[str],
    schema: str,
) -> tuple[list[Relationship], dict[str, tuple[str, str, str]]]:
    """The entities tied to ``members`` (see :class:`Relationship`), and the names of the
    entity ids the entity's own values point at."""
    shape, values = _bound(scope)
    dialect = connection.dialect.name
    member_list = list(members)
    pointing = list(
        connection.execute(_pointing_query(dialect, shape), {**values, "members": member_list})
    )
    link_ids = sorted({row.canonical_id for row in pointing if is_link(row.schema)})
    link_rows = (
        list(connection.execute(_links_query(dialect, shape), {**values, "links": link_ids}))
        if link_ids
        else []
    )
    ends: dict[str, dict[str, list[str]]] = {}
    for row in link_rows:
        ends.setdefault(row.canonical_id, {}).setdefault(row.prop, []).append(row.value)
    # (kind, label, other id, role, via, via schema)
    found: list[tuple[str, str, str, str | None, str | None, str | None]] = []
    member_set = set(members)
    for row in pointing:
        if row.canonical_id in member_set:
            continue
        if is_link(row.schema):
            statements = ends.get(row.canonical_id, {})
            role = (
                "; ".join(dict.fromkeys(v for prop in ROLE_PROPS for v in statements.get(prop, ())))
                or None
            )
            for end in link_ends(row.schema) or tuple(statements):
                if end == row.prop or end in ROLE_PROPS:
                    continue
                for other in statements.get(end, ()):
                    if other not in member_set:
                        found.append(
                            (
                                "link",
                                property_label(row.schema, end),
                                other,
                                role,
                                row.canonical_id,
                                row.schema,
                            )
                        )
        else:
            found.append(
                (
                    "reference",
                    reverse_label(row.schema, row.prop),
                    row.canonical_id,
                    None,
                    None,
                    None,
                )
            )
    for prop, target in own_links:
        if target not in member_set:
            found.append(("reference", property_label(schema, prop), target, None, None, None))
    phone_rows = (
        list(
            connection.execute(
                _phones_query(dialect, shape),
                {**values, "phones": list(phones), "members": member_list},
            )
        )
        if phones
        else []
    )
    together_rows = (
        list(
            connection.execute(
                _together_query(dialect, shape),
                {
                    **values,
                    "report_ids": list(recent_reports),
                    "members": member_list,
                    "together_shown": RELATED_SHOWN,
                },
            )
        )
        if recent_reports
        else []
    )
    targets = [item[2] for item in found]
    own_targets = [target for _, target in own_links]
    names = _named(
        connection,
        actor,
        scope,
        [
            *targets,
            *own_targets,
            *(r.canonical_id for r in phone_rows),
            *(r.canonical_id for r in together_rows),
        ],
    )
    relationships: list[Relationship] = []
    seen: set[tuple[str, str, str | None]] = set()

    def add(relationship: Relationship) -> None:
        key = (relationship.kind, relationship.entity_id, relationship.via or relationship.label)
        if relationship.entity_id in member_set or key in seen:
            return
        seen.add(key)
        relationships.append(relationship)

    for kind, label, other, role, via, via_schema in found:
        if other in names:
            canonical, other_schema, caption = names[other]
            add(Relationship(kind, label, canonical, other_schema, caption, role, via, via_schema))
    for row in phone_rows:
        if row.canonical_id in names:
            canonical, other_schema, caption = names[row.canonical_id]
            add(
                Relationship(
                    "phone",
                    property_label(other_schema, "phone"),
                    canonical,
                    other_schema,
                    caption,
                    role=row.value,
                )
            )
    linked = {r.entity_id for r in relationships}
    for row in together_rows:
        if row.canonical_id in names:
            canonical, other_schema, caption = names[row.canonical_id]
            if canonical in linked:
                continue
            add(
                Relationship(
                    "together",
                    schema_label(other_schema),
                    canonical,
                    other_schema,
                    caption,
                    reports=int(row.shared),
                )
            )
    return relationships[:RELATED_SHOWN], names
