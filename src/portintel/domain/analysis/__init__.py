"""Analysis: link charts, their algorithms, timelines and statistics, as pure data."""

from portintel.domain.analysis.graph import (
    Edge,
    EdgeKind,
    Fact,
    Node,
    NodeKind,
    edge_id,
    links,
    mentioned_together,
    merge_edges,
)

__all__ = [
    "Edge",
    "EdgeKind",
    "Fact",
    "Node",
    "NodeKind",
    "edge_id",
    "links",
    "mentioned_together",
    "merge_edges",
]
