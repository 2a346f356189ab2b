"""Static SVG drawings for products: a link chart, a map of incidents, a bar chart.

A product prints (WeasyPrint) and is read offline, so its pictures are drawn
on the server as plain SVG: no script, no fetched tile, every label escaped.
The chart's layout is networkx's spring layout with a fixed seed, so the same
chart draws the same way twice; the map is an equirectangular projection of
the Natural Earth land polygons around the incidents.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from html import escape

import networkx as nx

COLOURS = {
    "Person": "#0b5cad",
    "Vessel": "#c75a00",
    "Company": "#1f6f3a",
    "Organization": "#1f6f3a",
    "Phone": "#8a3ea8",
    "Identifier": "#6b5e00",
}
OTHER = "#4a5a6a"


@dataclass(frozen=True, slots=True)
class ChartNode:
    id: str
    label: str
    type: str


@dataclass(frozen=True, slots=True)
class ChartLink:
    source: str
    target: str
    label: str


def _text(x: float, y: float, text: str, *, size: int = 10, anchor: str = "middle") -> str:
    return (
        f'<text x="{x:.1f}" y="{y:.1f}" font-size="{size}" text-anchor="{anchor}" '
        f'fill="#16202b">{escape(text)}</text>'
    )


def chart_svg(
    nodes: Sequence[ChartNode], links: Sequence[ChartLink], *, width: int = 640, height: int = 420
) -> str:
    """The chart as SVG: nodes as coloured dots by type with their labels, links as lines."""
    graph = nx.Graph()
    graph.add_nodes_from(node.id for node in nodes)
    graph.add_edges_from((link.source, link.target) for link in links)
    if not nodes:
        return _empty(width, height, "Nothing to draw: no link within the author's scope.")
    positions = nx.spring_layout(graph, seed=7) if len(nodes) > 1 else {nodes[0].id: (0.0, 0.0)}
    margin = 60
    xs = [float(p[0]) for p in positions.values()]
    ys = [float(p[1]) for p in positions.values()]
    span_x = (max(xs) - min(xs)) or 1.0
    span_y = (max(ys) - min(ys)) or 1.0

    def place(node_id: str) -> tuple[float, float]:
        x, y = positions[node_id]
        return (
            margin + (float(x) - min(xs)) / span_x * (width - 2 * margin),
            margin / 2 + (float(y) - min(ys)) / span_y * (height - 1.5 * margin),
        )

    parts = [_open(width, height)]
    for link in links:
        (x1, y1), (x2, y2) = place(link.source), place(link.target)
        parts.append(
            f'<line x1="{x1:.1f}" y1="{y1:.1f}" x2="{x2:.1f}" y2="{y2:.1f}" '
            f'stroke="#9aa5b1" stroke-width="1.2"><title>{escape(link.label)}</title></line>'
        )
    for node in nodes:
        x, y = place(node.id)
        colour = COLOURS.get(node.type, OTHER)
        parts.append(
            f'<circle cx="{x:.1f}" cy="{y:.1f}" r="7" fill="{colour}">'
            f"<title>{escape(node.type)}</title></circle>"
        )
        parts.append(_text(x, y + 19, node.label[:40]))
    parts.append(_legend(sorted({node.type for node in nodes}), height))
    parts.append("</svg>")
    return "".join(parts)


def _legend(types: Sequence[str], height: int) -> str:
    parts = []
    for index, kind in enumerate(types[:6]):
        x = 10 + index * 100
        parts.append(
            f'<circle cx="{x + 5}" cy="{height - 10}" r="5" fill="{COLOURS.get(kind, OTHER)}"/>'
        )
        parts.append(_text(x + 14, height - 6, kind, size=9, anchor="start"))
    return "".join(parts)


def _open(width: int, height: int) -> str:
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
        f'width="{width}" height="{height}" role="img">'
    )


def _empty(width: int, height: int, message: str) -> str:
    return f"{_open(width, height)}{_text(width / 2, height / 2, message, size=12)}</svg>"


@dataclass(frozen=True, slots=True)
class MapPoint:
    longitude: float
    latitude: float
    migrants: int
    label: str


Ring = Sequence[Sequence[float]]


def map_svg(
    land: Sequence[Ring], points: Sequence[MapPoint], *, width: int = 640, height: int = 420
) -> str:
    """Incidents as circles (area by migrants) over the land around them."""
    if not points:
        return _empty(width, height, "No incident within the author's scope in this period.")
    west = min(p.longitude for p in points) - 1.5
    east = max(p.longitude for p in points) + 1.5
    south = min(p.latitude for p in points) - 1.5
    north = max(p.latitude for p in points) + 1.5
    # keep the degrees square: widen the narrower side
    scale = min(width / (east - west), height / (north - south))
    centre_x, centre_y = (west + east) / 2, (south + north) / 2
    west, east = centre_x - width / scale / 2, centre_x + width / scale / 2
    south, north = centre_y - height / scale / 2, centre_y + height / scale / 2

    def place(longitude: float, latitude: float) -> tuple[float, float]:
        return (longitude - west) * scale, (north - latitude) * scale

    parts = [_open(width, height), f'<rect width="{width}" height="{height}" fill="#dcebf5"/>']
    for ring in land:
        lons = [pt[0] for pt in ring]
        lats = [pt[1] for pt in ring]
        if max(lons) < west or min(lons) > east or max(lats) < south or min(lats) > north:
            continue
        path = " ".join(
            f"{'M' if i == 0 else 'L'}{x:.1f},{y:.1f}"
            for i, (x, y) in enumerate(place(pt[0], pt[1]) for pt in ring)
        )
        parts.append(f'<path d="{path}Z" fill="#eef0e8" stroke="#9aa5b1" stroke-width=".5"/>')
    biggest = max(p.migrants for p in points) or 1
    for point in sorted(points, key=lambda p: -p.migrants):
        x, y = place(point.longitude, point.latitude)
        radius = 3 + 9 * (point.migrants / biggest) ** 0.5
        parts.append(
            f'<circle cx="{x:.1f}" cy="{y:.1f}" r="{radius:.1f}" fill="#a1261b" '
            f'fill-opacity=".6" stroke="#ffffff" stroke-width=".8">'
            f"<title>{escape(point.label)}</title></circle>"
        )
    parts.append(
        _text(8, height - 8, "Circles: incidents, area by migrants. Land: Natural Earth.",
              size=9, anchor="start")
    )  # fmt: skip
    parts.append("</svg>")
    return "".join(parts)


def bars_svg(
    labels: Sequence[str], values: Sequence[int], *, width: int = 640, height: int = 240
) -> str:
    """One bar per label (incidents by period)."""
    if not labels:
        return _empty(width, height, "No incident within the author's scope in this period.")
    top = max(values) or 1
    slot = (width - 40) / len(labels)
    parts = [_open(width, height)]
    for index, (label, value) in enumerate(zip(labels, values, strict=True)):
        bar = (height - 50) * value / top
        x = 30 + index * slot
        parts.append(
            f'<rect x="{x + slot * 0.15:.1f}" y="{height - 30 - bar:.1f}" width="{slot * 0.7:.1f}" '
            f'height="{bar:.1f}" fill="#0b5cad"/>'
        )
        parts.append(_text(x + slot / 2, height - 34 - bar, str(value), size=9))
        parts.append(_text(x + slot / 2, height - 14, label, size=9))
    parts.append(f'<line x1="25" y1="{height - 30}" x2="{width - 5}" y2="{height - 30}" '
                 'stroke="#52606d"/>')  # fmt: skip
    parts.append("</svg>")
    return "".join(parts)


__all__ = ["ChartLink", "ChartNode", "MapPoint", "bars_svg", "chart_svg", "map_svg"]
