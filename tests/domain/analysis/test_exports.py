"""Chart exports: GraphML and GEXF load in networkx, ANX has the i2 import structure,
FtM JSON round-trips through followthemoney's model (#16)."""

from __future__ import annotations

import io
import json
import xml.etree.ElementTree as ET
from datetime import UTC, datetime

import networkx as nx
import pytest
from followthemoney import model

from portintel.domain.analysis import Edge, EdgeKind, EventEvidence, Node, NodeKind
from portintel.domain.analysis.exports import ChartForExport, to_anx, to_ftm, to_gexf, to_graphml

SEEN = datetime(2026, 3, 1, tzinfo=UTC)
NODES = [
    Node("p-sok", NodeKind.ENTITY, "Person", "Sok Chanthy & <co>", 0),
    Node("phone:+85512345678", NodeKind.PHONE, "Phone", "+85512345678", 1),
    Node("p-dara", NodeKind.ENTITY, "Person", "Dara Sok", 1),
    Node("v-boat", NodeKind.ENTITY, "Vessel", "KM Sinar Jaya", 2),
    Node("v-mother", NodeKind.ENTITY, "Vessel", "MOTHER SHIP", 3),
    Node("identifier:IMO9074729", NodeKind.IDENTIFIER, "Identifier", "IMO9074729", 3),
]


def _edge(id_: str, source: str, target: str, kind: EdgeKind, label: str, **extra: object) -> Edge:
    values: dict[str, object] = {
        "statements": ("s1", "s2"), "reports": ("R-1",), "grading": "B2",
        "first_seen": SEEN, "last_seen": SEEN,
    }  # fmt: skip
    values.update(extra)
    return Edge(id_, source, target, kind, label, **values)  # type: ignore[arg-type]


EDGES = [
    _edge("E-1", "p-sok", "phone:+85512345678", EdgeKind.PHONE, "Phone"),
    _edge("E-2", "p-sok", "p-dara", EdgeKind.RELATIONSHIP, "related to"),
    _edge("E-3", "p-dara", "v-boat", EdgeKind.RELATIONSHIP, "owns"),
    _edge("E-4", "p-dara", "v-boat", EdgeKind.REPORT, "mentioned together", grading=None),
    _edge(
        "E-5",
        "v-boat",
        "v-mother",
        EdgeKind.ENCOUNTER,
        "met at sea",
        statements=(),
        reports=(),
        grading=None,
        events=(EventEvidence("ev-1", SEEN, None, 10.1, 103.2),),
    ),
    _edge("E-6", "v-boat", "identifier:IMO9074729", EdgeKind.IDENTIFIER, "IMO Number"),
]
CHART = ChartForExport(
    title="Sok network", root="p-sok", handling="europol:H1",
    handling_label="Not in judicial proceedings without permission",
    nodes=NODES, edges=EDGES, communities={"p-sok": 0, "p-dara": 0},
)  # fmt: skip


@pytest.mark.parametrize(
    ("write", "read"), [(to_graphml, nx.read_graphml), (to_gexf, nx.read_gexf)]
)
def test_graphml_and_gexf_load_in_networkx_with_every_node_edge_and_attribute(
    write: object, read: object
) -> None:
    graph = read(io.BytesIO(write(CHART)))  # type: ignore[operator]
    assert set(graph.nodes) == {n.id for n in NODES}
    assert graph.number_of_edges() == len(EDGES)
    assert graph.nodes["p-sok"]["label"] == "Sok Chanthy & <co>"
    assert graph.nodes["v-boat"]["type"] == "Vessel"
    kinds = sorted(data["kind"] for _, _, data in graph.edges(data=True))
    assert kinds == sorted(e.kind.value for e in EDGES)
    owns = [d for _, _, d in graph.edges(data=True) if d.get("label") == "owns"]
    assert owns and owns[0]["grading"] == "B2" and owns[0]["reports"] == "R-1"
    handling = graph.graph["handling"] if write is to_graphml else ""
    assert handling == "europol:H1" or b"(europol:H1)</description>" in write(CHART)  # type: ignore[operator]


def test_anx_has_the_structure_of_the_i2_import_schema() -> None:
    chart = ET.fromstring(to_anx(CHART))  # well-formed, or this raises
    assert chart.tag == "Chart" and chart.get("IdReferenceLinking") == "false"
    # the order the schema's sequence requires
    children = [child.tag for child in chart]
    assert children == [
        "LinkTypeCollection", "EntityTypeCollection", "ChartItemCollection", "Summary",
    ]  # fmt: skip
    assert {t.get("Name") for t in chart.iter("EntityType")} == {
        "Person", "Phone", "Vessel", "Identifier",
    }  # fmt: skip
    assert all(t.get("IconFile") for t in chart.iter("EntityType"))
    items = chart.find("ChartItemCollection")
    assert items is not None
    entities, links = [], []
    for item in items:
        assert item.tag == "ChartItem" and item.get("Label") is not None
        assert item.get("DateSet") in ("true", "false")
        (body,) = list(item)
        assert body.tag in ("End", "Link")
        if body.tag == "End":
            (entity,) = list(body)
            assert entity.tag == "Entity" and entity.get("Identity") and entity.get("EntityId")
            style = entity.find("Icon/IconStyle")
            assert style is not None and style.get("Type")
            entities.append(entity.get("EntityId"))
        else:
            (style,) = list(body)
            assert style.tag == "LinkStyle" and style.get("ArrowStyle") in (
                "ArrowNone", "ArrowOnHead", "ArrowOnTail", "ArrowOnBoth",
            )  # fmt: skip
            links.append((body.get("End1Id"), body.get("End2Id")))
    assert sorted(entities) == sorted(n.id for n in NODES)
    assert all(a in entities and b in entities for a, b in links) and len(links) == len(EDGES)
    comments = [f.get("Content") for f in chart.iter("Field")]
    assert any("europol:H1" in (c or "") for c in comments)


def test_ftm_json_round_trips_through_the_model() -> None:
    lines = to_ftm(CHART).decode().splitlines()
    proxies = [model.get_proxy(json.loads(line)) for line in lines]
    by_id = {p.id: p for p in proxies}
    assert set(by_id) == {"p-sok", "p-dara", "v-boat", "v-mother", "E-2", "E-3", "E-4", "E-5"}
    assert by_id["p-sok"].get("phone") == ["+85512345678"]
    assert by_id["v-boat"].get("imoNumber") == ["IMO9074729"]
    link = by_id["E-5"]
    assert link.schema.name == "UnknownLink"
    assert link.get("subject") == ["v-boat"] and link.get("object") == ["v-mother"]
    assert link.get("role") == ["met at sea"]
    for proxy in proxies:  # every value is valid for its property: the round trip is lossless
        again = model.get_proxy(proxy.to_dict())
        assert again.to_dict() == proxy.to_dict()
        for prop, value in proxy.itervalues():
            assert prop.type.clean(value, proxy=proxy) is not None, (proxy.id, prop.name, value)
