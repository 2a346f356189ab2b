"""Link-chart rules and algorithms, pure: facts in, edges and paths out."""

from __future__ import annotations

from datetime import UTC, datetime

from hypothesis import given
from hypothesis import strategies as st

from portintel.domain.analysis import EdgeKind, Fact, links, mentioned_together, merge_edges
from portintel.domain.analysis.algorithms import (
    brokers,
    communities,
    graph_of,
    shortest_path,
    simple_paths,
)
from portintel.domain.analysis.graph import best_grading, edge_id, phone_node

T0 = datetime(2026, 1, 1, tzinfo=UTC)
T1 = datetime(2026, 3, 1, tzinfo=UTC)


def fact(
    sid: str, entity: str, schema: str, prop: str, prop_type: str, value: str, *,
    report: str | None = "R-1", grading: str | None = "B2", seen: datetime = T0,
) -> Fact:  # fmt: skip
    return Fact(sid, entity, schema, prop, prop_type, value, report, grading, seen, seen)


def test_an_edge_entity_is_an_edge_between_its_ends_with_its_evidence() -> None:
    facts = [
        fact("s1", "own-1", "Ownership", "owner", "entity", "sok"),
        fact("s2", "own-1", "Ownership", "asset", "entity", "boat", report="R-2", grading="A1"),
        fact("s3", "own-1", "Ownership", "startDate", "date", "2025"),
    ]
    (edge,) = links(facts)
    assert (edge.source, edge.target, edge.kind, edge.label) == (
        "sok", "boat", EdgeKind.RELATIONSHIP, "owns",
    )  # fmt: skip
    assert edge.statements == ("s1", "s2", "s3")
    assert edge.reports == ("R-1", "R-2")
    assert edge.grading == "A1"


def test_properties_phones_and_shared_identifiers_link() -> None:
    facts = [
        fact("s1", "pp-1", "Passport", "holder", "entity", "sok"),
        fact("s2", "sok", "Person", "phone", "phone", "+85512345678"),
        fact("s3", "chan", "Person", "phone", "phone", "+85512345678"),
        fact("s4", "boat-a", "Vessel", "imoNumber", "identifier", "IMO9074729"),
        fact("s5", "boat-b", "Vessel", "imoNumber", "identifier", "IMO9074729"),
        fact("s6", "boat-c", "Vessel", "imoNumber", "identifier", "IMO9999999"),
        fact("s7", "sok", "Person", "name", "name", "Sok"),
    ]
    edges = links(
        facts, shared_identifiers=frozenset({"IMO9074729"}), prop_labels={"holder": "Holder"}
    )
    got = {(e.source, e.target, e.kind.value, e.label) for e in edges}
    assert got == {
        ("pp-1", "sok", "property", "Holder"),
        ("sok", phone_node("+85512345678"), "phone", "phone"),
        ("chan", phone_node("+85512345678"), "phone", "phone"),
        ("boat-a", "identifier:IMO9074729", "identifier", "imoNumber"),
        ("boat-b", "identifier:IMO9074729", "identifier", "imoNumber"),
    }


def test_mentioned_together_is_one_edge_per_pair_and_skips_crowded_reports() -> None:
    edges = mentioned_together(
        {"R-1": ["a", "b"], "R-2": ["b", "a", "c"], "R-3": [f"x{i}" for i in range(30)]},
        max_per_report=25,
    )
    got = {(e.source, e.target): e.reports for e in edges}
    assert got == {("a", "b"): ("R-1", "R-2"), ("a", "c"): ("R-2",), ("b", "c"): ("R-2",)}


def test_edge_ids_are_stable_and_undirected_only_for_symmetric_kinds() -> None:
    assert edge_id(EdgeKind.REPORT, "a", "b", "x") == edge_id(EdgeKind.REPORT, "b", "a", "x")
    assert edge_id(EdgeKind.PROPERTY, "a", "b", "x") != edge_id(EdgeKind.PROPERTY, "b", "a", "x")


@given(st.lists(st.sampled_from(["A1", "B2", "C3", "B1", "F6"]), min_size=1))
def test_the_best_grading_is_the_most_reliable_then_most_credible(codes: list[str]) -> None:
    best = best_grading(codes)
    assert best in codes
    assert all((best[0], best[1]) <= (code[0], code[1]) for code in codes)  # type: ignore[index]


def test_merging_joins_the_evidence_of_one_edge() -> None:
    first = links([fact("s1", "a", "Person", "phone", "phone", "+1")])
    second = links([fact("s2", "a", "Person", "phone", "phone", "+1", grading="A1", seen=T1)])
    (edge,) = merge_edges([*first, *second])
    assert edge.statements == ("s1", "s2") and edge.grading == "A1"
    assert (edge.first_seen, edge.last_seen) == (T0, T1)


def _chain() -> tuple[list[str], list]:  # type: ignore[type-arg]
    facts = [
        fact("s1", "a", "Person", "phone", "phone", "+1"),
        fact("s2", "b", "Person", "phone", "phone", "+1"),
        fact("s3", "b", "Person", "phone", "phone", "+2"),
        fact("s4", "c", "Person", "phone", "phone", "+2"),
        fact("s5", "fam", "Family", "person", "entity", "a"),
        fact("s6", "fam", "Family", "relative", "entity", "d"),
        fact("s7", "own", "Ownership", "owner", "entity", "d"),
        fact("s8", "own", "Ownership", "asset", "entity", "c"),
    ]
    edges = links(facts)
    nodes = sorted({e.source for e in edges} | {e.target for e in edges})
    return nodes, edges


def test_paths_brokers_and_communities_on_a_small_network() -> None:
    nodes, edges = _chain()
    graph = graph_of(nodes, edges)
    path = shortest_path(graph, "a", "c")
    assert path is not None
    assert path.nodes == ("a", "d", "c")  # 2 steps through family and ownership
    assert len(path.edges) == 2
    everything = simple_paths(graph, "a", "c", 4)
    assert [p.nodes for p in everything] == [
        ("a", "d", "c"),
        ("a", "phone:+1", "b", "phone:+2", "c"),
    ]
    assert simple_paths(graph, "a", "c", 2) == everything[:1]
    top = brokers(graph)
    assert top and top[0][1] > 0
    groups = communities(graph)
    assert set(groups) == set(nodes)
    assert shortest_path(graph, "a", "nowhere") is None
