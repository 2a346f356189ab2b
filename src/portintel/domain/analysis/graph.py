"""Link charts as data: readable facts in, nodes and edges with their evidence out.

A link chart is built from *facts*: readable statements that link (an entity
property pointing at another entity, a phone number, an identifier) and the
reports entities were mentioned in. The rules, pure and tested here:

- An entity of an FtM *edge* schema (Ownership, Family, Associate,
  Membership, Directorship, Employment, Representation, Occupancy,
  UnknownLink) is not a node: it is an edge between its source and target
  (owner -> asset), labelled with the schema's label ("owns"), carrying the
  statements that make it as evidence.
- Any other entity property of type entity is an edge from the entity to the
  one it names (a passport's holder, a vessel's owner), labelled by property.
- A phone number is a node of its own ("phone:+855..."), so two people who
  share a phone are two hops apart through it, as in an i2 chart; an
  identifier (IMO, MMSI, passport number) is a node only where two or more
  entities share it (a lone identifier is a property, not a link).
- Entities mentioned in the same report are linked "mentioned together",
  one edge per pair whatever the number of reports, which it lists.
- Two vessels that met at sea (an AIS encounter, a behaviour event) are
  linked "met at sea", one edge per pair whatever the number of encounters,
  each listed as evidence with its time and place (:func:`met_at_sea`).

Every edge keeps the ids of its statements and reports and its best grading
(the most reliable source, then the most credible information), so a reader
can follow it to its evidence. The facts are already scoped to the reader:
nothing here can add what the reader may not see, and an edge whose far end
the reader cannot see is dropped by the caller.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum

from followthemoney import model


class NodeKind(StrEnum):
    ENTITY = "entity"
    PHONE = "phone"
    IDENTIFIER = "identifier"


class EdgeKind(StrEnum):
    RELATIONSHIP = "relationship"  # an FtM edge entity: ownership, family, membership ...
    PROPERTY = "property"  # an entity property naming another entity: holder, owner ...
    PHONE = "phone"  # an entity and a phone number it uses
    IDENTIFIER = "identifier"  # an entity and an identifier it shares with another
    REPORT = "report"  # mentioned together in a report
    ENCOUNTER = "encounter"  # two vessels met at sea (AIS)


LINKING_TYPES = frozenset({"entity", "phone", "identifier"})
"""The property types whose statements can link one node to another."""


@dataclass(frozen=True, slots=True)
class EdgeSchema:
    source: str
    target: str
    label: str


def edge_schemata() -> dict[str, EdgeSchema]:
    """FtM's edge schemata with their source and target properties and label."""
    found = {}
    for schema in model.schemata.values():
        if schema.edge and schema.edge_source and schema.edge_target and not schema.abstract:
            found[schema.name] = EdgeSchema(
                schema.edge_source, schema.edge_target, str(schema.edge_label or schema.label)
            )
    return found


@dataclass(frozen=True, slots=True)
class Fact:
    """One readable statement that may link, already resolved to canonical ids."""

    statement_id: str
    entity: str
    """The canonical id of the entity the statement is about."""
    schema: str
    prop: str
    prop_type: str
    value: str
    """The canonical id of the entity named (type entity), else the value."""
    report_id: str | None
    grading: str | None
    """``reliability + credibility`` as a comparable code ("B2"), ``None`` when ungraded."""
    first_seen: datetime
    last_seen: datetime


@dataclass(frozen=True, slots=True)
class Node:
    id: str
    kind: NodeKind
    schema: str
    label: str
    hop: int


@dataclass(frozen=True, slots=True)
class EventEvidence:
    """A behaviour event that supports an edge: which, when and where."""

    event_id: str
    start: datetime
    end: datetime | None
    lat: float | None
    lon: float | None


@dataclass(frozen=True, slots=True)
class Edge:
    id: str
    source: str
    target: str
    kind: EdgeKind
    label: str
    statements: tuple[str, ...]
    reports: tuple[str, ...]
    grading: str | None
    first_seen: datetime | None
    last_seen: datetime | None
    events: tuple[EventEvidence, ...] = ()
    """The behaviour events behind an encounter edge, oldest first."""


@dataclass(slots=True)
class _Building:
    source: str
    target: str
    kind: EdgeKind
    label: str
    statements: set[str] = field(default_factory=set)
    reports: set[str] = field(default_factory=set)
    gradings: set[str] = field(default_factory=set)
    first_seen: datetime | None = None
    last_seen: datetime | None = None

    def add(self, fact: Fact | None = None, *, report: str | None = None) -> None:
        if report is not None:
            self.reports.add(report)
        if fact is None:
            return
        self.statements.add(fact.statement_id)
        if fact.report_id:
            self.reports.add(fact.report_id)
        if fact.grading:
            self.gradings.add(fact.grading)
        self.first_seen = min(filter(None, (self.first_seen, fact.first_seen)))
        self.last_seen = max(filter(None, (self.last_seen, fact.last_seen)))

    def edge(self) -> Edge:
        return Edge(
            id=edge_id(self.kind, self.source, self.target, self.label),
            source=self.source,
            target=self.target,
            kind=self.kind,
            label=self.label,
            statements=tuple(sorted(self.statements)),
            reports=tuple(sorted(self.reports)),
            grading=best_grading(self.gradings),
            first_seen=self.first_seen,
            last_seen=self.last_seen,
        )


def edge_id(kind: EdgeKind, source: str, target: str, label: str) -> str:
    """A stable id: the same link has the same id in every chart (saved charts keep it)."""
    if kind in (EdgeKind.REPORT, EdgeKind.ENCOUNTER):  # undirected
        source, target = sorted((source, target))
    digest = hashlib.sha256(f"{kind}\x1f{source}\x1f{target}\x1f{label}".encode()).hexdigest()
    return f"E-{digest[:20]}"


def best_grading(gradings: Iterable[str]) -> str | None:
    """The best of codes such as ``B2``: the most reliable source, then the most credible."""
    found = sorted(g for g in gradings if g)
    return found[0] if found else None


def phone_node(value: str) -> str:
    return f"phone:{value}"


def identifier_node(value: str) -> str:
    return f"identifier:{value}"


def links(
    facts: Iterable[Fact],
    *,
    shared_identifiers: frozenset[str] = frozenset(),
    prop_labels: Mapping[str, str] | None = None,
) -> list[Edge]:
    """The edges the facts make (see the module docstring).

    ``shared_identifiers`` are the identifier values two or more visible
    entities have: only those become nodes. ``prop_labels`` label property
    edges (``holder`` -> "Holder"); the property name otherwise.
    """
    schemata = edge_schemata()
    labels = prop_labels or {}
    edges: dict[tuple[EdgeKind, str, str, str], _Building] = {}
    by_interval: dict[str, list[Fact]] = defaultdict(list)

    def add(kind: EdgeKind, source: str, target: str, label: str, fact: Fact) -> None:
        if source == target:
            return
        key = (kind, source, target, label)
        if key not in edges:
            edges[key] = _Building(source, target, kind, label)
        edges[key].add(fact)

    for fact in facts:
        if fact.schema in schemata:
            by_interval[fact.entity].append(fact)
            continue
        if fact.prop_type == "entity":
            add(EdgeKind.PROPERTY, fact.entity, fact.value, labels.get(fact.prop, fact.prop), fact)
        elif fact.prop_type == "phone":
            label = labels.get(fact.prop, "phone")
            add(EdgeKind.PHONE, fact.entity, phone_node(fact.value), label, fact)
        elif fact.prop_type == "identifier" and fact.value in shared_identifiers:
            add(
                EdgeKind.IDENTIFIER,
                fact.entity,
                identifier_node(fact.value),
                labels.get(fact.prop, fact.prop),
                fact,
            )
    for interval_facts in by_interval.values():
        spec = schemata[interval_facts[0].schema]
        sources = {f.value for f in interval_facts if f.prop == spec.source}
        targets = {f.value for f in interval_facts if f.prop == spec.target}
        for source in sources:
            for target in targets:
                for fact in interval_facts:
                    add(EdgeKind.RELATIONSHIP, source, target, spec.label, fact)
    return [building.edge() for building in edges.values()]


def mentioned_together(
    mentions: Mapping[str, Iterable[str]], *, max_per_report: int = 25
) -> list[Edge]:
    """One undirected edge per pair of entities mentioned in the same report(s).

    ``mentions`` maps a report id to the canonical ids of the (visible)
    entities it mentions. A report naming more than ``max_per_report``
    entities (a crew list, a bulk import) links none of them: it would tie
    everyone to everyone and hide the network.
    """
    pairs: dict[tuple[str, str], _Building] = {}
    for report_id, entities in mentions.items():
        named = sorted(set(entities))
        if len(named) > max_per_report:
            continue
        for i, left in enumerate(named):
            for right in named[i + 1 :]:
                key = (left, right)
                if key not in pairs:
                    pairs[key] = _Building(left, right, EdgeKind.REPORT, "mentioned together")
                pairs[key].add(report=report_id)
    return [building.edge() for building in pairs.values()]


MET_AT_SEA = "met at sea"


def met_at_sea(encounters: Iterable[tuple[str, str, EventEvidence]]) -> list[Edge]:
    """One undirected edge per pair of vessel entities that met, every encounter its evidence.

    ``encounters`` are (entity, other entity, event): the caller resolved each
    MMSI to the entities the reader may see; a vessel meeting itself is no link.
    """
    found: dict[tuple[str, str], dict[str, EventEvidence]] = defaultdict(dict)
    for left, right, event in encounters:
        if left == right:
            continue
        pair = (left, right) if left < right else (right, left)
        found[pair][event.event_id] = event
    edges = []
    for (left, right), events in found.items():
        ordered = tuple(sorted(events.values(), key=lambda e: (e.start, e.event_id)))
        ends = [e.end or e.start for e in ordered]
        edges.append(
            Edge(
                id=edge_id(EdgeKind.ENCOUNTER, left, right, MET_AT_SEA),
                source=left,
                target=right,
                kind=EdgeKind.ENCOUNTER,
                label=MET_AT_SEA,
                statements=(),
                reports=(),
                grading=None,
                first_seen=ordered[0].start,
                last_seen=max(ends),
                events=ordered,
            )
        )
    return edges


def merge_edges(edges: Iterable[Edge]) -> list[Edge]:
    """Edges by id, the evidence of duplicates joined (one id, one edge)."""
    merged: dict[str, Edge] = {}
    for edge in edges:
        known = merged.get(edge.id)
        if known is None:
            merged[edge.id] = edge
            continue
        firsts = [d for d in (known.first_seen, edge.first_seen) if d is not None]
        lasts = [d for d in (known.last_seen, edge.last_seen) if d is not None]
        merged[edge.id] = Edge(
            id=edge.id,
            source=known.source,
            target=known.target,
            kind=known.kind,
            label=known.label,
            statements=tuple(sorted({*known.statements, *edge.statements})),
            reports=tuple(sorted({*known.reports, *edge.reports})),
            grading=best_grading(g for g in (known.grading, edge.grading) if g),
            first_seen=min(firsts) if firsts else None,
            last_seen=max(lasts) if lasts else None,
            events=tuple(
                sorted(
                    {e.event_id: e for e in (*known.events, *edge.events)}.values(),
                    key=lambda e: (e.start, e.event_id),
                )
            ),
        )
    return sorted(merged.values(), key=lambda e: e.id)
