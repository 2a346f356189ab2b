"""Graph algorithms over a link chart: paths, brokers, communities (networkx).

They run on the chart the reader was given, never on the store: a path, a
broker or a community can only be made of nodes and edges the reader may
see. Edges count as undirected (a family tie or a shared phone links both
ways); their direction stays in the chart for display.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from itertools import islice, pairwise

import networkx as nx

from portintel.domain.analysis.graph import Edge

EXACT_BROKERS = 100
BROKER_SOURCES = 64
MAX_PATHS = 50
"""At most this many simple paths are listed: past that, a longer cutoff helps no one."""


@dataclass(frozen=True, slots=True)
class Path:
    nodes: tuple[str, ...]
    edges: tuple[str, ...]
    """The edge ids along the path (one per step; the best-graded of parallel edges)."""


def graph_of(nodes: Iterable[str], edges: Iterable[Edge]) -> nx.Graph:
    """An undirected networkx graph; parallel edges keep the best-graded one's id."""
    graph: nx.Graph = nx.Graph()
    graph.add_nodes_from(nodes)
    for edge in edges:
        if edge.source not in graph or edge.target not in graph:
            continue
        known = graph.get_edge_data(edge.source, edge.target)
        rank = edge.grading or "~"
        if known is None or rank < known["rank"]:
            graph.add_edge(edge.source, edge.target, id=edge.id, rank=rank)
    return graph


def _path(graph: nx.Graph, nodes: list[str]) -> Path:
    return Path(
        nodes=tuple(nodes),
        edges=tuple(graph.edges[a, b]["id"] for a, b in pairwise(nodes)),
    )


def shortest_path(graph: nx.Graph, source: str, target: str) -> Path | None:
    """A shortest path (fewest steps; ties broken by node id, so it is stable)."""
    if source not in graph or target not in graph:
        return None
    try:
        lengths = nx.single_source_shortest_path_length(graph, target)
    except nx.NetworkXError:
        return None
    if source not in lengths:
        return None
    nodes = [source]
    while nodes[-1] != target:
        here = nodes[-1]
        nodes.append(
            min(n for n in graph.neighbors(here) if lengths.get(n, -1) == lengths[here] - 1)
        )
    return _path(graph, nodes)


def simple_paths(graph: nx.Graph, source: str, target: str, max_length: int) -> list[Path]:
    """Every simple path of at most ``max_length`` steps, shortest first (at most MAX_PATHS)."""
    if source not in graph or target not in graph or source == target:
        return []
    found = islice(nx.all_simple_paths(graph, source, target, cutoff=max_length), 10 * MAX_PATHS)
    ordered = sorted((list(p) for p in found), key=lambda p: (len(p), p))
    return [_path(graph, p) for p in ordered[:MAX_PATHS]]


def brokers(graph: nx.Graph, top: int = 10) -> list[tuple[str, float]]:
    """The nodes most often on shortest paths between others (betweenness), highest first.

    Exact up to EXACT_BROKERS nodes; above, estimated from BROKER_SOURCES
    sampled sources with a fixed seed (the same chart gives the same brokers).
    Exact betweenness is O(nodes x links): on a 2-hop chart of a few hundred
    nodes it took two thirds of the request (benchmarks/graph.py), while the
    top ten brokers of a sample of 64 sources are the same nodes in practice.
    """
    if graph.number_of_nodes() < 3:
        return []
    sample = None if graph.number_of_nodes() <= EXACT_BROKERS else BROKER_SOURCES
    scores = nx.betweenness_centrality(graph, k=sample, normalized=True, seed=7)
    ranked = sorted(((v, n) for n, v in scores.items() if v > 0), key=lambda p: (-p[0], p[1]))
    return [(node, round(value, 4)) for value, node in ranked[:top]]


def communities(graph: nx.Graph) -> dict[str, int]:
    """Louvain communities (fixed seed): node -> community number, largest community 0."""
    if graph.number_of_nodes() == 0:
        return {}
    groups = nx.community.louvain_communities(graph, seed=7)
    ordered = sorted(groups, key=lambda g: (-len(g), min(g)))
    return {node: number for number, group in enumerate(ordered) for node in group}
