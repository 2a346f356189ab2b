"""Area entries and exits: polygons an analyst draws or imports (GeoJSON).

Point-in-polygon is vectorised ray casting over numpy (shapely is not a
dependency): a point is inside a polygon when inside its outer ring and in
none of its holes; a MultiPolygon is inside when any of its polygons is.
Per segment, a fix inside after a fix outside is an ``area_entry``, the
reverse an ``area_exit``; the first fix of a segment enters nothing.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from portintel.domain.maritime.behaviour.common import (
    EventRow,
    FloatArray,
    Track,
    evidence,
)
from portintel.domain.maritime.behaviour.settings import BehaviourSettings
from portintel.errors import InvalidInput

Ring = FloatArray
"""``(n, 2)`` array of lon, lat."""


@dataclass(frozen=True, slots=True)
class Area:
    id: str
    name: str
    polygons: tuple[tuple[Ring, tuple[Ring, ...]], ...]
    """Each polygon: its outer ring and its holes."""

    def contains(self, lat: FloatArray, lon: FloatArray) -> np.ndarray:
        inside = np.zeros(np.shape(lat), dtype=bool)
        for outer, holes in self.polygons:
            here = _in_ring(outer, lat, lon)
            for hole in holes:
                here &= ~_in_ring(hole, lat, lon)
            inside |= here
        return inside


def _in_ring(ring: Ring, lat: FloatArray, lon: FloatArray) -> np.ndarray:
    x = np.asarray(lon, dtype=float)
    y = np.asarray(lat, dtype=float)
    inside = np.zeros(x.shape, dtype=bool)
    xs, ys = ring[:, 0], ring[:, 1]
    # bounding box first: most points are far from most areas
    box = (x >= xs.min()) & (x <= xs.max()) & (y >= ys.min()) & (y <= ys.max())
    if not box.any():
        return inside
    bx, by = x[box], y[box]
    result = np.zeros(bx.shape, dtype=bool)
    j = len(xs) - 1
    for i in range(len(xs)):
        xi, yi, xj, yj = xs[i], ys[i], xs[j], ys[j]
        crosses = (yi > by) != (yj > by)
        with np.errstate(divide="ignore", invalid="ignore"):
            at = (xj - xi) * (by - yi) / (yj - yi) + xi
        result ^= crosses & (bx < at)
        j = i
    inside[box] = result
    return inside


def _ring(coordinates: Any, where: str) -> Ring:
    try:
        ring = np.asarray(coordinates, dtype=float)[:, :2]
    except (TypeError, ValueError, IndexError) as exc:
        raise InvalidInput(f"{where}: a ring is a list of [lon, lat] pairs") from exc
    if ring.shape[0] < 4:
        raise InvalidInput(
            f"{where}: a ring needs at least 4 positions (closed), got {ring.shape[0]}"
        )
    if np.any(np.abs(ring[:, 1]) > 90) or np.any(np.abs(ring[:, 0]) > 180):
        raise InvalidInput(f"{where}: coordinates out of range (GeoJSON order is lon, lat)")
    return ring


def areas_from_geojson(document: Mapping[str, Any], *, source: str) -> list[Area]:
    """Areas of a GeoJSON FeatureCollection, Feature or bare (Multi)Polygon."""
    kind = document.get("type")
    features: Sequence[Mapping[str, Any]]
    if kind == "FeatureCollection":
        features = document.get("features") or []
    elif kind == "Feature":
        features = [document]
    elif kind in ("Polygon", "MultiPolygon"):
        features = [{"type": "Feature", "geometry": document, "properties": {}}]
    else:
        raise InvalidInput(
            f"{source}: expected GeoJSON FeatureCollection, Feature or Polygon, got {kind!r}"
        )
    areas: list[Area] = []
    for number, feature in enumerate(features):
        where = f"{source} feature {number}"
        geometry = feature.get("geometry") or {}
        properties = feature.get("properties") or {}
        if geometry.get("type") == "Polygon":
            polygons = [geometry.get("coordinates") or []]
        elif geometry.get("type") == "MultiPolygon":
            polygons = geometry.get("coordinates") or []
        else:
            raise InvalidInput(
                f"{where}: geometry must be Polygon or MultiPolygon, got {geometry.get('type')!r}"
            )
        built = []
        for polygon in polygons:
            if not polygon:
                raise InvalidInput(f"{where}: empty polygon")
            built.append((_ring(polygon[0], where), tuple(_ring(h, where) for h in polygon[1:])))
        area_id = str(properties.get("id") or feature.get("id") or f"{source}#{number}")
        areas.append(Area(area_id, str(properties.get("name") or area_id), tuple(built)))
    return areas


def load_areas(text: str, *, source: str) -> list[Area]:
    try:
        document = json.loads(text)
    except json.JSONDecodeError as exc:
        raise InvalidInput(f"{source}: not valid JSON (line {exc.lineno}): {exc.msg}") from exc
    if not isinstance(document, Mapping):
        raise InvalidInput(f"{source}: expected a GeoJSON object")
    return areas_from_geojson(document, source=source)


def detect_area_crossings(
    track: Track, settings: BehaviourSettings, areas: Sequence[Area]
) -> list[EventRow]:
    rows: list[EventRow] = []
    size = int(settings.evidence.positions)
    for area in areas:
        inside = area.contains(track.lat, track.lon)
        if not inside.any():
            continue
        for segment in np.unique(track.segment):
            idx = np.flatnonzero(track.segment == segment)
            if idx.size < 2:
                continue
            flags = inside[idx].astype(np.int8)
            for k in np.flatnonzero(np.diff(flags) != 0) + 1:
                i = int(idx[k])
                kind = "area_entry" if flags[k] else "area_exit"
                rows.append(
                    EventRow(
                        type=kind,
                        mmsi=track.mmsi,
                        start=int(track.ts[i]),
                        end=int(track.ts[i]),
                        lat=float(track.lat[i]),
                        lon=float(track.lon[i]),
                        parameters={"area_id": area.id},
                        details={"area_id": area.id, "area_name": area.name},
                        evidence=evidence(track, range(i - size + 1, i + size)),
                        discriminator=area.id,
                    )
                )
    return rows
