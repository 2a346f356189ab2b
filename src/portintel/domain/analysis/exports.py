"""A link chart written for the tools analysts already use: Gephi, Analyst's Notebook, Aleph.

Each writer takes the chart the reader was given (already scoped: nothing
here can add what they may not see) and returns the file's bytes:

- **GraphML** and **GEXF** (Gephi, yEd, networkx): a directed multigraph, one
  edge per link with its kind, label, grading, dates and evidence ids; the
  chart's handling and root as graph attributes.
- **ANX**, the XML import format of i2 Analyst's Notebook: a ``Chart`` with
  its ``EntityTypeCollection`` and ``LinkTypeCollection``, and a
  ``ChartItemCollection`` in which each ``ChartItem`` holds either an
  ``End`` with an ``Entity`` (``EntityId``, ``Identity``, an ``Icon`` whose
  ``IconStyle`` names the entity type) or a ``Link`` (``End1Id``,
  ``End2Id``, a ``LinkStyle``). Links name their ends by ``EntityId``
  (``IdReferenceLinking="false"``). The handling goes into the chart's
  ``Summary``.
- **FtM JSON** (Aleph, followthemoney): one entity per line. Entity nodes
  keep their id and schema with their caption; a phone number becomes the
  ``phone`` of the entities that use it; every link between two entities is
  an ``UnknownLink`` (subject, object, role = the link's label, its dates),
  since its kind (a shared phone, an encounter at sea, a report) has no
  FtM schema of its own.
- **JSON**: the chart as the API gives it (``GET /api/v1/entities/{id}/chart``):
  nodes with their hop and community, edges with their evidence and grading,
  under the chart's title, root and handling, for scripts.
"""

from __future__ import annotations

import io
import json
import xml.etree.ElementTree as ET
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from xml.sax.saxutils import escape

import networkx as nx
from followthemoney import model

from portintel.domain.analysis.graph import Edge, EdgeKind, Node, NodeKind

FORMATS: dict[str, tuple[str, str]] = {
    "graphml": ("application/graphml+xml", "graphml"),
    "gexf": ("application/gexf+xml", "gexf"),
    "anx": ("application/xml", "anx"),
    "ftm": ("application/json", "ftm.json"),
    "json": ("application/json", "json"),
}
"""Format -> (media type, file extension)."""

ANX_ICONS = {
    "Person": "Person",
    "Vessel": "Ship",
    "Organization": "Organisation",
    "Company": "Organisation",
    "LegalEntity": "Organisation",
    "Passport": "Passport",
    "Address": "Address",
    "Phone": "Phone",
    "Identifier": "Document",
}
"""Entity type -> the Analyst's Notebook standard icon it is drawn with."""


@dataclass(frozen=True, slots=True)
class ChartForExport:
    title: str
    root: str
    handling: str | None
    handling_label: str | None
    nodes: Sequence[Node]
    edges: Sequence[Edge]
    communities: Mapping[str, int] = field(default_factory=dict)
    generated_at: datetime | None = None


def _day(value: datetime | None) -> str:
    return value.isoformat() if value is not None else ""


def _networkx(chart: ChartForExport) -> nx.MultiDiGraph:
    graph: nx.MultiDiGraph = nx.MultiDiGraph(
        name=chart.title,
        root=chart.root,
        handling=chart.handling or "",
        handling_label=chart.handling_label or "",
    )
    for node in chart.nodes:
        graph.add_node(
            node.id,
            label=node.label,
            type=node.schema,
            kind=node.kind.value,
            hop=node.hop,
            community=chart.communities.get(node.id, -1),
        )
    for edge in chart.edges:
        graph.add_edge(
            edge.source,
            edge.target,
            key=edge.id,
            id=edge.id,
            label=edge.label,
            kind=edge.kind.value,
            grading=edge.grading or "",
            first_seen=_day(edge.first_seen),
            last_seen=_day(edge.last_seen),
            statements=" ".join(edge.statements),
            reports=" ".join(edge.reports),
            events=" ".join(e.event_id for e in edge.events),
        )
    return graph


def to_graphml(chart: ChartForExport) -> bytes:
    out = io.BytesIO()
    nx.write_graphml_xml(_networkx(chart), out, encoding="utf-8", named_key_ids=True)
    return out.getvalue()


def _handling_line(chart: ChartForExport) -> str:
    if not chart.handling:
        return "Handling: none"
    return f"Handling: {chart.handling_label} ({chart.handling})"


def to_gexf(chart: ChartForExport) -> bytes:
    """GEXF 1.2; the title and handling go into ``meta/description`` (GEXF keeps no graph data)."""
    out = io.BytesIO()
    nx.write_gexf(_networkx(chart), out, encoding="utf-8", version="1.2draft")
    description = escape(f"{chart.title}. {_handling_line(chart)}")
    return out.getvalue().replace(
        b"</creator>", f"</creator>\n    <description>{description}</description>".encode(), 1
    )


def _description(edge: Edge) -> str:
    parts = [edge.kind.value]
    if edge.grading:
        parts.append(f"graded {edge.grading}")
    if edge.first_seen:
        parts.append(f"from {edge.first_seen.date().isoformat()}")
    if edge.last_seen:
        parts.append(f"to {edge.last_seen.date().isoformat()}")
    if edge.reports:
        parts.append("reports " + ", ".join(edge.reports))
    if edge.events:
        parts.append(
            "encounters "
            + ", ".join(f"{e.start.isoformat()} ({e.lat}, {e.lon})" for e in edge.events)
        )
    return "; ".join(parts)


def to_anx(chart: ChartForExport) -> bytes:
    """The chart as an Analyst's Notebook import file (see the module docstring)."""
    root = ET.Element("Chart", IdReferenceLinking="false", Rigorous="true")
    types = ET.SubElement(root, "LinkTypeCollection")
    for label in sorted({edge.label for edge in chart.edges}):
        ET.SubElement(types, "LinkType", Name=label, Colour="0")
    entity_types = ET.SubElement(root, "EntityTypeCollection")
    for schema in sorted({node.schema for node in chart.nodes}):
        ET.SubElement(
            entity_types, "EntityType", Name=schema, IconFile=ANX_ICONS.get(schema, "General")
        )
    items = ET.SubElement(root, "ChartItemCollection")
    present = {node.id for node in chart.nodes}
    for index, node in enumerate(chart.nodes):
        item = ET.SubElement(
            items,
            "ChartItem",
            Label=node.label,
            Description=f"{node.schema} ({node.id})",
            DateSet="false",
            XPosition=str(100 * (index % 20)),
        )
        end = ET.SubElement(item, "End", Y=str(100 * (index // 20)))
        entity = ET.SubElement(
            end, "Entity", EntityId=node.id, Identity=node.id, LabelIsIdentity="false"
        )
        icon = ET.SubElement(entity, "Icon")
        ET.SubElement(icon, "IconStyle", Type=node.schema)
    directed = (EdgeKind.RELATIONSHIP, EdgeKind.PROPERTY)
    for edge in chart.edges:
        if edge.source not in present or edge.target not in present:
            continue
        item = ET.SubElement(
            items,
            "ChartItem",
            Label=edge.label,
            Description=_description(edge),
            DateSet="false",
        )
        link = ET.SubElement(item, "Link", End1Id=edge.source, End2Id=edge.target)
        ET.SubElement(
            link,
            "LinkStyle",
            Type=edge.label,
            ArrowStyle="ArrowOnHead" if edge.kind in directed else "ArrowNone",
            MlStyle="MultiplicityMultiple",
            Strength="1",
        )
    summary = ET.SubElement(root, "Summary")
    fields = ET.SubElement(summary, "FieldCollection")
    ET.SubElement(fields, "Field", Type="SummaryFieldTitle", Content=chart.title)
    ET.SubElement(fields, "Field", Type="SummaryFieldSubject", Content=chart.root)
    handling = (
        f"Handling: {chart.handling_label} ({chart.handling})"
        if chart.handling
        else "Handling: none"
    )
    ET.SubElement(fields, "Field", Type="SummaryFieldComments", Content=handling)
    ET.indent(root)
    text = ET.tostring(root, encoding="unicode")
    return f'<?xml version="1.0" encoding="UTF-8"?>\n{text}\n'.encode()


def _caption_prop(schema_name: str) -> str | None:
    schema = model.get(schema_name)
    if schema is None:
        return None
    for prop in (*schema.caption, "name"):
        if prop in schema.properties:
            return prop
    return None


def _identifier_prop(schema_name: str, label: str) -> str | None:
    """The identifier property of the schema whose label (or name) the edge carries."""
    schema = model.get(schema_name)
    if schema is None:
        return None
    for prop in schema.properties.values():
        if prop.type.name == "identifier" and label in (prop.label, prop.name):
            return prop.name
    return None


def ftm_entities(chart: ChartForExport) -> list[dict[str, object]]:
    """The chart as FtM entity dicts (see the module docstring)."""
    phones: dict[str, set[str]] = defaultdict(set)
    identifiers: dict[str, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
    schema_of = {node.id: node.schema for node in chart.nodes}
    for edge in chart.edges:
        if edge.kind is EdgeKind.PHONE and edge.target.startswith("phone:"):
            phones[edge.source].add(edge.target[len("phone:") :])
        elif edge.kind is EdgeKind.IDENTIFIER and edge.target.startswith("identifier:"):
            prop = _identifier_prop(schema_of.get(edge.source, ""), edge.label)
            if prop is not None:
                identifiers[edge.source][prop].add(edge.target[len("identifier:") :])
    entities: list[dict[str, object]] = []
    kept: set[str] = set()
    for node in chart.nodes:
        if node.kind is not NodeKind.ENTITY or model.get(node.schema) is None:
            continue
        schema = model.get(node.schema)
        assert schema is not None
        properties: dict[str, list[str]] = {}
        caption = _caption_prop(node.schema)
        if caption and node.label != node.id:
            properties[caption] = [node.label]
        if node.id in phones and "phone" in schema.properties:
            properties["phone"] = sorted(phones[node.id])
        for prop, values in identifiers.get(node.id, {}).items():
            properties[prop] = sorted(values)
        proxy = model.get_proxy({"id": node.id, "schema": node.schema, "properties": properties})
        entities.append(proxy.to_dict())
        kept.add(node.id)
    for edge in chart.edges:
        if edge.source not in kept or edge.target not in kept:
            continue  # links to a phone or an identifier live on the entities
        properties = {
            "subject": [edge.source],
            "object": [edge.target],
            "role": [edge.label],
            "summary": [_description(edge)],
        }
        if edge.first_seen:
            properties["startDate"] = [edge.first_seen.date().isoformat()]
        if edge.last_seen:
            properties["endDate"] = [edge.last_seen.date().isoformat()]
        proxy = model.get_proxy({"id": edge.id, "schema": "UnknownLink", "properties": properties})
        entities.append(proxy.to_dict())
    return entities


def to_ftm(chart: ChartForExport) -> bytes:
    lines = [
        json.dumps(entity, sort_keys=True, ensure_ascii=False) for entity in ftm_entities(chart)
    ]
    return ("\n".join(lines) + "\n").encode("utf-8")


def to_json(chart: ChartForExport) -> bytes:
    """The chart as one JSON document: the API's nodes and edges, with title and handling."""
    document = {
        "title": chart.title,
        "root": chart.root,
        "handling": chart.handling,
        "handling_label": chart.handling_label,
        "generated_at": _day(chart.generated_at) or None,
        "nodes": [
            {
                "id": node.id,
                "kind": node.kind.value,
                "type": node.schema,
                "label": node.label,
                "hop": node.hop,
                "community": chart.communities.get(node.id),
            }
            for node in chart.nodes
        ],
        "edges": [
            {
                "id": edge.id,
                "source": edge.source,
                "target": edge.target,
                "kind": edge.kind.value,
                "label": edge.label,
                "statements": list(edge.statements),
                "reports": list(edge.reports),
                "grading": edge.grading,
                "first_seen": _day(edge.first_seen) or None,
                "last_seen": _day(edge.last_seen) or None,
                "events": [
                    {
                        "event_id": e.event_id,
                        "start": e.start.isoformat(),
                        "end": _day(e.end) or None,
                        "lat": e.lat,
                        "lon": e.lon,
                    }
                    for e in edge.events
                ],
            }
            for edge in chart.edges
        ],
    }
    return (json.dumps(document, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


WRITERS = {
    "graphml": to_graphml,
    "gexf": to_gexf,
    "anx": to_anx,
    "ftm": to_ftm,
    "json": to_json,
}
