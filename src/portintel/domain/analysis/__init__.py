"""Analysis: link charts, their algorithms, timelines and statistics, as pure data."""

from portintel.domain.analysis.graph import (
    Edge,
    EdgeKind,
    EventEvidence,
    Fact,
    Node,
    NodeKind,
    edge_id,
    links,
    mentioned_together,
    merge_edges,
    met_at_sea,
)

__all__ = [
    "Edge",
    "EdgeKind",
    "EventEvidence",
    "Fact",
    "Node",
    "NodeKind",
    "edge_id",
    "links",
    "mentioned_together",
    "merge_edges",
    "met_at_sea",
]
