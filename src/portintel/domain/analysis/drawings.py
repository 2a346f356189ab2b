"""Static SVG drawings for products: a link chart, a map of incidents, a bar chart, a timeline.

A product prints (WeasyPrint) and is read offline, so its pictures are drawn
on the server as plain SVG: no script, no fetched tile, every label escaped.
The chart's layout is networkx's spring layout with a fixed seed, so the same
chart draws the same way twice; a saved chart keeps the positions its
analyst gave the nodes (the others are placed around them), its pinned nodes
ringed and its groups boxed. The map is an equirectangular projection of the
Natural Earth land polygons around the incidents. A timeline has one swim
lane per entity, its facts numbered in date order (the product's table lists
them by number), spans (a gap in AIS, a stay) drawn as bars.
"""

from __future__ import annotations

import textwrap
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from html import escape

import networkx as nx

from portintel.domain.analysis.timeline import KIND_LABELS, ItemKind, Lane, TimelineItem

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


@dataclass(frozen=True, slots=True)
class ChartGroup:
    """A named group of nodes an analyst drew on a saved chart."""

    name: str
    members: tuple[str, ...]


def _spring(
    nodes: Sequence[ChartNode],
    links: Sequence[ChartLink],
    positions: Mapping[str, tuple[float, float]],
) -> dict[str, tuple[float, float]]:
    """Every node's position: the given ones kept, the others by the seeded spring layout."""
    graph = nx.Graph()
    graph.add_nodes_from(node.id for node in nodes)
    graph.add_edges_from((link.source, link.target) for link in links)
    kept = {node.id: positions[node.id] for node in nodes if node.id in positions}
    if len(kept) == len(nodes):
        return dict(kept)
    if len(nodes) == 1:
        return {nodes[0].id: (0.0, 0.0)}
    if not kept:
        return {
            key: (float(x), float(y)) for key, (x, y) in nx.spring_layout(graph, seed=7).items()
        }
    # the analyst's positions, brought to the unit square, hold; the others settle around them
    xs, ys = [p[0] for p in kept.values()], [p[1] for p in kept.values()]
    span = max(max(xs) - min(xs), max(ys) - min(ys)) or 1.0
    unit = {key: ((x - min(xs)) / span, (y - min(ys)) / span) for key, (x, y) in kept.items()}
    placed = nx.spring_layout(graph, pos=unit, fixed=sorted(unit), seed=7)
    return {
        key: (min(xs) + float(x) * span, min(ys) + float(y) * span)
        for key, (x, y) in placed.items()
    }


def chart_svg(
    nodes: Sequence[ChartNode],
    links: Sequence[ChartLink],
    *,
    width: int = 640,
    height: int = 420,
    positions: Mapping[str, tuple[float, float]] | None = None,
    pinned: Collection[str] = (),
    groups: Sequence[ChartGroup] = (),
) -> str:
    """The chart as SVG: nodes as coloured dots by type with their labels, links as lines.

    With ``positions`` (a saved chart's, y downwards as on the chart page) the
    nodes keep them, the drawing keeps their proportions, ``pinned`` nodes are
    ringed and ``groups`` boxed with their names.
    """
    if not nodes:
        return _empty(width, height, "Nothing to draw: no link within the author's scope.")
    placed = _spring(nodes, links, positions or {})
    margin = 60
    xs = [p[0] for p in placed.values()]
    ys = [p[1] for p in placed.values()]
    span_x = (max(xs) - min(xs)) or 1.0
    span_y = (max(ys) - min(ys)) or 1.0
    scale_x = (width - 2 * margin) / span_x
    scale_y = (height - 1.5 * margin) / span_y
    offset_x = offset_y = 0.0
    if positions:  # as the analyst laid it out: the same proportions, centred, no more height
        scale_x = scale_y = min(scale_x, scale_y)
        height = max(200, min(height, round(span_y * scale_y + 1.5 * margin + 30)))
        offset_x = (width - 2 * margin - span_x * scale_x) / 2
        offset_y = (height - 1.5 * margin - span_y * scale_y) / 2

    def place(node_id: str) -> tuple[float, float]:
        x, y = placed[node_id]
        return (
            margin + offset_x + (x - min(xs)) * scale_x,
            margin / 2 + offset_y + (y - min(ys)) * scale_y,
        )

    parts = [_open(width, height)]
    shown = {node.id for node in nodes}
    for group in groups:
        members = [place(member) for member in group.members if member in shown]
        if not members:
            continue
        left = min(x for x, _ in members) - 40
        top = min(y for _, y in members) - 22
        right = max(x for x, _ in members) + 40
        bottom = max(y for _, y in members) + 26
        parts.append(
            f'<rect x="{left:.1f}" y="{top:.1f}" width="{right - left:.1f}" '
            f'height="{bottom - top:.1f}" rx="8" fill="#f2f5f8" stroke="#7b8794" '
            f'stroke-dasharray="4 3"><title>{escape(group.name)}</title></rect>'
        )
        parts.append(_text(left + 4, top + 10, group.name[:40], size=9, anchor="start"))
    for link in links:
        (x1, y1), (x2, y2) = place(link.source), place(link.target)
        parts.append(
            f'<line x1="{x1:.1f}" y1="{y1:.1f}" x2="{x2:.1f}" y2="{y2:.1f}" '
            f'stroke="#9aa5b1" stroke-width="1.2"><title>{escape(link.label)}</title></line>'
        )
    for node in nodes:
        x, y = place(node.id)
        colour = COLOURS.get(node.type, OTHER)
        if node.id in pinned:
            parts.append(
                f'<circle cx="{x:.1f}" cy="{y:.1f}" r="11" fill="none" stroke="#16202b" '
                f'stroke-width="1.5" class="pinned"><title>Pinned</title></circle>'
            )
        parts.append(
            f'<circle cx="{x:.1f}" cy="{y:.1f}" r="7" fill="{colour}">'
            f"<title>{escape(node.type)}</title></circle>"
        )
        parts.append(_text(x, y + 19, node.label[:40]))
    parts.append(_legend(sorted({node.type for node in nodes}), height))
    if pinned and shown & set(pinned):
        parts.append(_text(width - 8, height - 6, "Ringed: pinned by the analyst.", size=9,
                           anchor="end"))  # fmt: skip
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


def notice_svg(message: str, *, width: int = 640, height: int = 120) -> str:
    """A framed message where a picture would be (what is not drawn, and why)."""
    lines = textwrap.wrap(message, 84)[:4]
    parts = [
        _open(width, height),
        f'<rect x="1" y="1" width="{width - 2}" height="{height - 2}" fill="#fdf3f2" '
        'stroke="#a1261b" stroke-dasharray="6 4"/>',
    ]
    first = height / 2 - (len(lines) - 1) * 8 + 4
    parts += [_text(width / 2, first + 16 * n, line, size=12) for n, line in enumerate(lines)]
    parts.append("</svg>")
    return "".join(parts)


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


KIND_COLOURS = {
    ItemKind.REPORT: "#0b5cad",
    ItemKind.INCIDENT: "#a1261b",
    ItemKind.PORT_CALL: "#1f6f3a",
    ItemKind.AIS_EVENT: "#c75a00",
    ItemKind.IDENTITY: "#8a3ea8",
    ItemKind.PHONE: "#6b5e00",
}
LANE_LABEL = 150
"""Room on the left for the lanes' names."""


def _ticks(start: datetime, end: datetime, count: int = 6) -> list[tuple[datetime, str]]:
    span = end - start
    shape = "%Y-%m-%d" if span >= timedelta(days=3) else "%m-%d %H:%M"
    return [(start + span * n / (count - 1), f"{start + span * n / (count - 1):{shape}}")
            for n in range(count)]  # fmt: skip


def timeline_svg(
    lanes: Sequence[Lane], items: Sequence[TimelineItem], *, width: int = 640, lane_height: int = 34
) -> str:
    """Swim lanes (one per entity) with each fact numbered in date order: a dot at its date,
    a bar from its start to its end when it lasts (a gap in AIS), coloured by kind."""
    if not lanes or not items:
        return _empty(width, 120, "No dated fact within the author's scope in this period.")
    first = min(item.start for item in items)
    last = max(item.end or item.start for item in items)
    pad = max((last - first) / 40, timedelta(hours=12))
    first, last = first - pad, last + pad
    top, right = 14, 36
    height = top + lane_height * len(lanes) + 56
    usable = width - LANE_LABEL - right

    def x_of(when: datetime) -> float:
        return LANE_LABEL + (when - first) / (last - first) * usable

    row = {lane.id: index for index, lane in enumerate(lanes)}
    parts = [_open(width, height)]
    for lane in lanes:
        y = top + row[lane.id] * lane_height
        fill = "#f5f7fa" if row[lane.id] % 2 == 0 else "#ffffff"
        parts.append(f'<rect x="0" y="{y}" width="{width}" height="{lane_height}" fill="{fill}"/>')
        parts.append(
            f'<circle cx="8" cy="{y + lane_height / 2:.1f}" r="4" '
            f'fill="{COLOURS.get(lane.schema, OTHER)}"/>'
        )
        parts.append(_text(16, y + lane_height / 2 + 3, lane.label[:26], size=9, anchor="start"))
    axis = top + lane_height * len(lanes)
    parts.append(f'<line x1="{LANE_LABEL}" y1="{axis}" x2="{width - right}" y2="{axis}" '
                 'stroke="#52606d"/>')  # fmt: skip
    for when, label in _ticks(first, last):
        x = x_of(when)
        parts.append(f'<line x1="{x:.1f}" y1="{top}" x2="{x:.1f}" y2="{axis + 4}" '
                     'stroke="#d5dbe1" stroke-width=".6"/>')  # fmt: skip
        parts.append(_text(x, axis + 15, label, size=8))
    numbered = len(items) <= 80
    for number, item in enumerate(items, start=1):
        if item.lane not in row:
            continue
        mid = top + row[item.lane] * lane_height + lane_height / 2 + 4
        x = x_of(item.start)
        colour = KIND_COLOURS.get(item.kind, OTHER)
        title = f"<title>{escape(f'{item.start:%Y-%m-%d %H:%M}: {item.label}')}</title>"
        if item.end is not None and item.end > item.start:
            parts.append(
                f'<rect x="{x:.1f}" y="{mid - 3.5:.1f}" width="{max(x_of(item.end) - x, 2):.1f}" '
                f'height="7" fill="{colour}" fill-opacity=".75">{title}</rect>'
            )
        else:
            parts.append(
                f'<circle cx="{x:.1f}" cy="{mid:.1f}" r="4" fill="{colour}">{title}</circle>'
            )
        if numbered:
            parts.append(_text(x, mid - 7, str(number), size=7))
    kinds = [kind for kind in ItemKind if any(item.kind is kind for item in items)]
    for index, kind in enumerate(kinds):
        x = 10 + index * 104
        parts.append(f'<circle cx="{x + 5}" cy="{height - 14}" r="4" fill="{KIND_COLOURS[kind]}"/>')
        parts.append(_text(x + 13, height - 11, KIND_LABELS[kind], size=9, anchor="start"))
    parts.append("</svg>")
    return "".join(parts)


__all__ = [
    "ChartGroup",
    "ChartLink",
    "ChartNode",
    "MapPoint",
    "bars_svg",
    "chart_svg",
    "map_svg",
    "notice_svg",
    "timeline_svg",
]
