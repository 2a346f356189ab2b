"""Link charts of the store, scoped to their reader: expand, find paths, brokers, communities.

:func:`neighbourhood` expands an entity's neighbourhood hop by hop. Every
query of a hop goes through the reader's scoped view (statements the reader
may read, with their reports), so a node or an edge the reader may not see
is absent, not greyed: an entity appears only when the reader can read at
least one of its statements, and an edge only when the reader can read a
statement that makes it and both its ends.

One hop, from the entities and value nodes of the frontier:

1. the frontier entities' linking statements (properties naming entities,
   phones, identifiers);
2. the statements naming a frontier entity (or an entity merged into it):
   referrers, and FtM edge entities (Ownership, Family ...) whose other end
   is then read at once (an edge entity is an edge, not a hop);
3. the entities sharing a frontier phone number or identifier;
4. the entities mentioned in the same reports (when asked for);
5. the vessels a frontier vessel met at sea: its MMSIs (its own ``mmsi``
   statements, and those of the entities sharing its IMO number) are looked
   up in the stored AIS encounters (:func:`portintel.services.maritime.encounters_of`),
   and the other vessel's MMSI is matched to the entities the reader may see
   that carry it.

The graph algorithms then run on the chart (:mod:`portintel.domain.analysis.algorithms`).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from functools import cache
from typing import Any

from followthemoney import model
from sqlalchemy import ColumnElement, Connection, func, select

from portintel.adapters.database import tables
from portintel.adapters.database.scope import statement_condition, statements_with_reports
from portintel.domain.access import reader_scope
from portintel.domain.actors import Actor
from portintel.domain.analysis import algorithms
from portintel.domain.analysis.graph import (
    LINKING_TYPES,
    Edge,
    EdgeKind,
    EventEvidence,
    Fact,
    Node,
    NodeKind,
    edge_schemata,
    identifier_node,
    links,
    mentioned_together,
    merge_edges,
    met_at_sea,
    phone_node,
)
from portintel.domain.entities import entity_caption
from portintel.errors import InvalidInput, NotFound
from portintel.services import audit, maritime
from portintel.services.workspace import Workspace

MAX_HOPS = 4
MAX_NODES = 2_000
_CHUNK = 500
_VALUE_PREFIXES = ("phone:", "identifier:")
_S = tables.statements.c
_R = tables.reports.c


@dataclass(frozen=True, slots=True)
class ChartOptions:
    """What a chart expands: hops, kinds of link, dates, a minimum grading."""

    hops: int = 2
    kinds: frozenset[EdgeKind] = frozenset(EdgeKind) - {EdgeKind.REPORT}
    since: datetime | None = None
    until: datetime | None = None
    min_grading: str | None = None
    """``B2``: statements from sources at least B and information at least 2 only."""
    max_nodes: int = 500

    def check(self) -> None:
        if not 1 <= self.hops <= MAX_HOPS:
            raise InvalidInput(f"hops must be 1 to {MAX_HOPS}, got {self.hops}", field="hops")
        if not 1 <= self.max_nodes <= MAX_NODES:
            raise InvalidInput(
                f"max_nodes must be 1 to {MAX_NODES}, got {self.max_nodes}", field="max_nodes"
            )
        grading = self.min_grading
        if grading is not None and (
            len(grading) != 2 or not grading[0].isalpha() or not grading[1].isdigit()
        ):
            raise InvalidInput(
                f"min_grading must be a source letter and an information digit such as B2, "
                f"got {grading!r}",
                field="min_grading",
            )
        if self.since and self.until and self.since > self.until:
            raise InvalidInput("since must not be after until", field="since")


@dataclass(frozen=True, slots=True)
class LinkChart:
    """Nodes and edges the reader may see, with the analysis of the chart."""

    root: str
    nodes: tuple[Node, ...]
    edges: tuple[Edge, ...]
    truncated: bool
    """True when ``max_nodes`` stopped the expansion before its last hop ended."""
    brokers: tuple[tuple[str, float], ...] = ()
    communities: dict[str, int] = field(default_factory=dict)


@cache
def _props_of_type(*types: str) -> tuple[str, ...]:
    names = {
        prop.name
        for schema in model.schemata.values()
        for prop in schema.properties.values()
        if prop.type.name in types
    }
    return tuple(sorted(names))


@cache
def _caption_props() -> tuple[str, ...]:
    return tuple(sorted({p for schema in model.schemata.values() for p in schema.caption}))


@cache
def _prop_labels() -> dict[str, str]:
    labels: dict[str, str] = {}
    for schema in model.schemata.values():
        for prop in schema.properties.values():
            labels.setdefault(prop.name, str(prop.label))
    return labels


def _chunks(values: Iterable[str]) -> Iterable[list[str]]:
    items = sorted(set(values))
    for start in range(0, len(items), _CHUNK):
        yield items[start : start + _CHUNK]


class _Reader:
    """The scoped queries of one chart: one reader, one set of options."""

    def __init__(self, connection: Connection, actor: Actor, options: ChartOptions) -> None:
        self.connection = connection
        self.options = options
        self.scope = statement_condition(reader_scope(actor).statements)
        self.reliability = func.coalesce(_S.reliability, _R.reliability)
        self.credibility = func.coalesce(_S.credibility, _R.credibility)

    def _where(self) -> list[ColumnElement[bool]]:
        conditions: list[ColumnElement[bool]] = [self.scope, _S.invalid_reason.is_(None)]
        if self.options.since is not None:
            conditions.append(_S.last_seen >= self.options.since)
        if self.options.until is not None:
            conditions.append(_S.first_seen <= self.options.until)
        if self.options.min_grading is not None:
            conditions.append(self.reliability <= self.options.min_grading[0].upper())
            conditions.append(self.credibility <= self.options.min_grading[1])
        return conditions

    def facts(self, *conditions: ColumnElement[bool]) -> list[Any]:
        query = (
            select(
                _S.id,
                _S.canonical_id,
                _S.schema,
                _S.prop,
                _S.prop_type,
                _S.value,
                _S.first_seen,
                _S.last_seen,
                _R.id.label("report_id"),
                self.reliability.label("reliability"),
                self.credibility.label("credibility"),
            )
            .select_from(statements_with_reports())
            .where(*self._where(), *conditions)
        )
        return list(self.connection.execute(query))

    def canonical(self, ids: Iterable[str]) -> dict[str, str]:
        """Entity id -> canonical id, for the ids a merge put under another."""
        found: dict[str, str] = {}
        er = tables.entity_resolution.c
        for chunk in _chunks(ids):
            found.update(
                self.connection.execute(
                    select(er.entity_id, er.canonical_id).where(er.entity_id.in_(chunk))
                ).all()
            )
        return found

    def members(self, canonical_ids: Iterable[str]) -> set[str]:
        """The canonical ids and every entity id merged into them."""
        ids = set(canonical_ids)
        er = tables.entity_resolution.c
        for chunk in _chunks(list(ids)):
            ids.update(
                self.connection.execute(
                    select(er.entity_id).where(er.canonical_id.in_(chunk))
                ).scalars()
            )
        return ids

    def visible(self, canonical_ids: Iterable[str]) -> dict[str, tuple[str, str]]:
        """Canonical id -> (schema, caption) of the entities the reader can see."""
        schemata: dict[str, set[str]] = defaultdict(set)
        values: dict[str, list[tuple[str, str]]] = defaultdict(list)
        captions = _caption_props()
        for chunk in _chunks(canonical_ids):
            rows = self.connection.execute(
                select(_S.canonical_id, _S.schema, _S.prop, _S.value, _S.invalid_reason)
                .select_from(statements_with_reports())
                .where(self.scope, _S.canonical_id.in_(chunk))
            )
            for row in rows:
                schemata[row.canonical_id].add(row.schema)
                if row.prop in captions and row.invalid_reason is None:
                    values[row.canonical_id].append((row.prop, row.value))
        return {
            entity: entity_caption(entity, sorted(found), sorted(values[entity]))
            for entity, found in schemata.items()
        }


def _fact(row: Any, resolved: dict[str, str]) -> Fact:
    value = resolved.get(row.value, row.value) if row.prop_type == "entity" else row.value
    grading = f"{row.reliability}{row.credibility}" if row.reliability and row.credibility else None
    return Fact(
        statement_id=row.id,
        entity=row.canonical_id,
        schema=row.schema,
        prop=row.prop,
        prop_type=row.prop_type,
        value=value,
        report_id=row.report_id,
        grading=grading,
        first_seen=row.first_seen,
        last_seen=row.last_seen,
    )


@dataclass(slots=True)
class _Expansion:
    reader: _Reader
    options: ChartOptions
    ws: Workspace
    actor: Actor
    hop_of: dict[str, int] = field(default_factory=dict)
    encounters: list[tuple[str, str, EventEvidence]] = field(default_factory=list)
    facts: dict[str, Fact] = field(default_factory=dict)
    mentions: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    shared_identifiers: set[str] = field(default_factory=set)
    truncated: bool = False

    def _add_rows(self, rows: Sequence[Any]) -> list[Fact]:
        entity_values = [r.value for r in rows if r.prop_type == "entity"]
        resolved = self.reader.canonical(entity_values)
        added = [_fact(row, resolved) for row in rows]
        for fact in added:
            self.facts[fact.statement_id] = fact
        return added

    def _entity_frontier_facts(self, frontier: set[str]) -> list[Fact]:
        found: list[Fact] = []
        linking = sorted(LINKING_TYPES)
        schemata = edge_schemata()
        entity_props = _props_of_type("entity")
        for chunk in _chunks(frontier):
            found += self._add_rows(
                self.reader.facts(_S.canonical_id.in_(chunk), _S.prop_type.in_(linking))
            )
        for chunk in _chunks(self.reader.members(frontier)):
            referring = self.reader.facts(
                _S.prop.in_(entity_props), _S.value.in_(chunk), _S.prop_type == "entity"
            )
            found += self._add_rows(referring)
            intervals = {r.canonical_id for r in referring if r.schema in schemata}
            for interval_chunk in _chunks(intervals):
                # every statement of a relationship is its evidence (its kind, its dates)
                found += self._add_rows(self.reader.facts(_S.canonical_id.in_(interval_chunk)))
        return found

    def _value_neighbours(self, values: set[tuple[str, str]]) -> list[Fact]:
        found: list[Fact] = []
        for prop_type in ("phone", "identifier"):
            wanted = {value for kind, value in values if kind == prop_type}
            props = _props_of_type(prop_type)
            for chunk in _chunks(wanted):
                found += self._add_rows(
                    self.reader.facts(
                        _S.prop.in_(props), _S.value.in_(chunk), _S.prop_type == prop_type
                    )
                )
        return found

    def _co_mentioned(self, frontier: set[str]) -> None:
        reports: set[str] = set()
        for chunk in _chunks(frontier):
            rows = self.reader.facts(_S.canonical_id.in_(chunk), _R.id.is_not(None))
            reports.update(r.report_id for r in rows)
        for chunk in _chunks(reports):
            for row in self.reader.facts(_S.origin.in_(chunk)):
                if row.schema not in edge_schemata():
                    self.mentions[row.report_id].add(row.canonical_id)

    def _mmsi_holders(self, prop: str, values: Iterable[str]) -> dict[str, set[str]]:
        """Value -> the canonical ids of the visible entities with ``prop`` of that value."""
        found: dict[str, set[str]] = defaultdict(set)
        for chunk in _chunks(values):
            rows = self.reader.facts(_S.prop == prop, _S.value.in_(chunk))
            for row in rows:
                found[row.value].add(row.canonical_id)
        return found

    def _met_at_sea(self, entities: set[str], facts: list[Fact]) -> set[str]:
        """Record the frontier vessels' encounters; the entities they met."""
        mmsi_of: dict[str, set[str]] = defaultdict(set)  # mmsi -> frontier entities
        imos: dict[str, set[str]] = defaultdict(set)
        for fact in facts:
            if fact.entity in entities and fact.prop == "mmsi":
                mmsi_of[fact.value].add(fact.entity)
            elif fact.entity in entities and fact.prop == "imoNumber":
                imos[fact.value].add(fact.entity)
        if imos:  # the AIS registry's vessel of the same IMO number has the MMSI
            twins = self._mmsi_holders("imoNumber", imos)
            by_twin = {twin: imos[imo] for imo, found in twins.items() for twin in found}
            for chunk in _chunks(by_twin):
                for row in self.reader.facts(_S.prop == "mmsi", _S.canonical_id.in_(chunk)):
                    mmsi_of[row.value] |= by_twin[row.canonical_id]
        numbers = {int(m) for m in mmsi_of if m.isdigit()}
        if not numbers:
            return set()
        found = maritime.encounters_of(
            self.ws, self.actor, numbers, since=self.options.since, until=self.options.until
        )
        others = {str(e.other_mmsi) for e in found} | {str(e.mmsi) for e in found}
        holders = self._mmsi_holders("mmsi", others)
        reached: set[str] = set()
        for event in found:
            evidence = EventEvidence(event.event_id, event.start, event.end, event.lat, event.lon)
            for mine, theirs in ((event.mmsi, event.other_mmsi), (event.other_mmsi, event.mmsi)):
                for vessel in mmsi_of.get(str(mine), ()):
                    for other in holders.get(str(theirs), ()):
                        self.encounters.append((vessel, other, evidence))
                        reached.add(other)
        return reached

    def run(self, root: str) -> None:
        kinds = self.options.kinds
        self.hop_of[root] = 0
        frontier: set[str] = {root}
        for hop in range(1, self.options.hops + 1):
            entities = {n for n in frontier if not n.startswith(_VALUE_PREFIXES)}
            value_nodes = {tuple(n.split(":", 1)) for n in frontier if n not in entities}
            facts = self._entity_frontier_facts(entities)
            values = {
                (f.prop_type, f.value)
                for f in facts
                if f.entity in entities and f.prop_type in ("phone", "identifier")
            }
            neighbours = self._value_neighbours(values | {(k, v) for k, v in value_nodes})
            holders: dict[str, set[str]] = defaultdict(set)
            for fact in neighbours:
                holders[fact.value].add(fact.entity)
            self.shared_identifiers |= {
                value
                for (kind, value) in values
                if kind == "identifier" and len(holders.get(value, ())) > 1
            }
            if EdgeKind.REPORT in kinds:
                self._co_mentioned(entities)
            reached = self._reached(entities, value_nodes, facts, neighbours)
            if EdgeKind.ENCOUNTER in kinds:
                reached |= self._met_at_sea(entities, facts) - entities
            new = sorted(n for n in reached if n not in self.hop_of)
            room = self.options.max_nodes - len(self.hop_of)
            if len(new) > room:
                new, self.truncated = new[: max(room, 0)], True
            for node in new:
                self.hop_of[node] = hop
            frontier = set(new)
            if not frontier or self.truncated:
                break

    def _reached(
        self,
        entities: set[str],
        value_nodes: set[tuple[str, ...]],
        facts: list[Fact],
        neighbours: list[Fact],
    ) -> set[str]:
        kinds = self.options.kinds
        schemata = edge_schemata()
        reached: set[str] = set()
        for fact in facts:
            if fact.schema in schemata:
                if EdgeKind.RELATIONSHIP in kinds and fact.prop_type == "entity":
                    reached.add(fact.value)
            elif fact.entity in entities:
                if fact.prop_type == "entity" and EdgeKind.PROPERTY in kinds:
                    reached.add(fact.value)
                elif fact.prop_type == "phone" and EdgeKind.PHONE in kinds:
                    reached.add(phone_node(fact.value))
                elif (
                    fact.prop_type == "identifier"
                    and EdgeKind.IDENTIFIER in kinds
                    and fact.value in self.shared_identifiers
                ):
                    reached.add(identifier_node(fact.value))
            elif fact.prop_type == "entity" and EdgeKind.PROPERTY in kinds:
                reached.add(fact.entity)  # a referrer
        for kind, value in value_nodes:
            if (kind == "phone" and EdgeKind.PHONE in kinds) or (
                kind == "identifier" and EdgeKind.IDENTIFIER in kinds
            ):
                reached |= {f.entity for f in neighbours if f.value == value}
        if EdgeKind.REPORT in kinds:
            for named in self.mentions.values():
                if named & entities and len(named) <= 25:
                    reached |= named
        return {n for n in reached if n not in entities}


def _nodes_and_edges(expansion: _Expansion) -> tuple[list[Node], list[Edge]]:
    reader = expansion.reader
    entity_ids = [n for n in expansion.hop_of if not n.startswith(_VALUE_PREFIXES)]
    seen = reader.visible(entity_ids)
    nodes: list[Node] = []
    for node_id, hop in expansion.hop_of.items():
        if node_id.startswith("phone:"):
            nodes.append(Node(node_id, NodeKind.PHONE, "Phone", node_id[6:], hop))
        elif node_id.startswith("identifier:"):
            nodes.append(Node(node_id, NodeKind.IDENTIFIER, "Identifier", node_id[11:], hop))
        elif node_id in seen:
            schema, caption = seen[node_id]
            nodes.append(Node(node_id, NodeKind.ENTITY, schema, caption, hop))
    present = {n.id for n in nodes}
    kinds = expansion.options.kinds
    edges = links(
        expansion.facts.values(),
        shared_identifiers=frozenset(expansion.shared_identifiers),
        prop_labels=_prop_labels(),
    )
    if EdgeKind.REPORT in kinds:
        edges += mentioned_together({r: named & present for r, named in expansion.mentions.items()})
    if EdgeKind.ENCOUNTER in kinds:
        edges += met_at_sea(expansion.encounters)
    kept = [
        e
        for e in merge_edges(edges)
        if e.kind in kinds and e.source in present and e.target in present
    ]
    # a value node (phone, identifier) whose every edge was dropped has nothing to show
    linked = {e.source for e in kept} | {e.target for e in kept}
    nodes = [n for n in nodes if n.kind is NodeKind.ENTITY or n.id in linked]
    nodes.sort(key=lambda n: (n.hop, n.id))
    return nodes, kept


@audit.audits_denial("entity", id_parameter="entity_id")
def neighbourhood(
    ws: Workspace, actor: Actor, entity_id: str, options: ChartOptions | None = None
) -> LinkChart:
    """The entity's neighbourhood as the reader may see it; NotFound if they see none of it."""
    chosen = options or ChartOptions()
    chosen.check()
    with ws.engine.begin() as connection:
        reader = _Reader(connection, actor, chosen)
        root = reader.canonical([entity_id]).get(entity_id, entity_id)
        if root not in reader.visible([root]):
            raise NotFound(f"entity {entity_id} not found", hint="check the id, or search")
        expansion = _Expansion(reader, chosen, ws, actor)
        expansion.run(root)
        nodes, edges = _nodes_and_edges(expansion)
        audit.record(
            connection,
            actor,
            "chart.expanded",
            object_type="entity",
            object_id=root,
            detail={"hops": chosen.hops, "nodes": len(nodes), "edges": len(edges)},
            at=ws.clock(),
        )
    graph = algorithms.graph_of((n.id for n in nodes), edges)
    return LinkChart(
        root=root,
        nodes=tuple(nodes),
        edges=tuple(edges),
        truncated=expansion.truncated,
        brokers=tuple(algorithms.brokers(graph)),
        communities=algorithms.communities(graph),
    )


@dataclass(frozen=True, slots=True)
class Paths:
    chart: LinkChart
    shortest: algorithms.Path | None
    all_paths: tuple[algorithms.Path, ...]


def paths_between(
    ws: Workspace,
    actor: Actor,
    source: str,
    target: str,
    *,
    max_length: int = 4,
    options: ChartOptions | None = None,
) -> Paths:
    """The shortest path and every simple path up to ``max_length`` steps, in the reader's scope.

    The search space is the source's neighbourhood of ``max_length`` hops; the
    paths are found in it, so no path can pass through what the reader cannot see.
    """
    if not 1 <= max_length <= MAX_HOPS:
        raise InvalidInput(f"max_length must be 1 to {MAX_HOPS}", field="max_length")
    base = options or ChartOptions()
    chosen = ChartOptions(
        hops=max_length,
        kinds=base.kinds,
        since=base.since,
        until=base.until,
        min_grading=base.min_grading,
        max_nodes=max(base.max_nodes, MAX_NODES),
    )
    chart = neighbourhood(ws, actor, source, chosen)
    with ws.engine.connect() as connection:
        er = tables.entity_resolution.c
        resolved = connection.execute(
            select(er.canonical_id).where(er.entity_id == target)
        ).scalar_one_or_none()
    goal = resolved or target
    graph = algorithms.graph_of((n.id for n in chart.nodes), chart.edges)
    return Paths(
        chart=chart,
        shortest=algorithms.shortest_path(graph, chart.root, goal),
        all_paths=tuple(algorithms.simple_paths(graph, chart.root, goal, max_length)),
    )
