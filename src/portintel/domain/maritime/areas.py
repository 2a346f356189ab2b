"""Analyst areas: polygons an analyst draws or imports (landing beaches, restricted zones).

An area is stored as a GeoJSON ``Polygon`` (RFC 7946: longitude first, WGS84,
rings closed). :func:`clean_polygon` accepts what a map or a file gives and
either returns the canonical polygon or raises ``InvalidInput`` naming what
is wrong and where (ring and vertex), so a bad drawing never reaches the store.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from typing import Any

import numpy as np

from portintel.errors import InvalidInput

MAX_VERTICES = 5_000
MAX_NAME_LENGTH = 200


def clean_name(name: str) -> str:
    cleaned = " ".join(name.split())
    if not cleaned:
        raise InvalidInput("an area needs a name", field="name")
    if len(cleaned) > MAX_NAME_LENGTH:
        raise InvalidInput(f"an area name has at most {MAX_NAME_LENGTH} characters", field="name")
    return cleaned


def _position(value: Any, where: str) -> list[float]:
    if not isinstance(value, list | tuple) or len(value) < 2:
        raise InvalidInput(f"{where} is not a [longitude, latitude] pair", field="geometry")
    try:
        lon, lat = float(value[0]), float(value[1])
    except (TypeError, ValueError) as exc:
        raise InvalidInput(f"{where} is not numeric", field="geometry") from exc
    if not (math.isfinite(lon) and math.isfinite(lat)):
        raise InvalidInput(f"{where} is not a finite number", field="geometry")
    if not -180.0 <= lon <= 180.0:
        raise InvalidInput(f"{where} has longitude {lon} outside -180..180", field="geometry")
    if not -90.0 <= lat <= 90.0:
        raise InvalidInput(f"{where} has latitude {lat} outside -90..90", field="geometry")
    return [round(lon, 7), round(lat, 7)]


def clean_polygon(geometry: Any) -> dict[str, Any]:
    """The canonical GeoJSON Polygon of ``geometry`` (a dict), or ``InvalidInput``.

    A ``Feature`` is unwrapped; an unclosed ring is closed; each ring needs
    at least three distinct vertices.
    """
    if isinstance(geometry, dict) and geometry.get("type") == "Feature":
        geometry = geometry.get("geometry")
    if not isinstance(geometry, dict) or geometry.get("type") != "Polygon":
        raise InvalidInput(
            "an area is a GeoJSON Polygon", field="geometry", hint='{"type": "Polygon", ...}'
        )
    rings = geometry.get("coordinates")
    if not isinstance(rings, list) or not rings:
        raise InvalidInput("the polygon has no rings", field="geometry")
    cleaned: list[list[list[float]]] = []
    total = 0
    for ring_number, ring in enumerate(rings, start=1):
        if not isinstance(ring, list):
            raise InvalidInput(f"ring {ring_number} is not a list of positions", field="geometry")
        positions = [
            _position(value, f"ring {ring_number}, vertex {index}")
            for index, value in enumerate(ring, start=1)
        ]
        if positions and positions[0] != positions[-1]:
            positions.append(list(positions[0]))
        if len({tuple(p) for p in positions}) < 3:
            raise InvalidInput(
                f"ring {ring_number} needs at least three distinct vertices", field="geometry"
            )
        total += len(positions)
        if total > MAX_VERTICES:
            raise InvalidInput(
                f"the polygon has more than {MAX_VERTICES} vertices", field="geometry"
            )
        _refuse_crossing(positions, ring_number)
        cleaned.append(positions)
    return {"type": "Polygon", "coordinates": cleaned}


def _refuse_crossing(ring: list[list[float]], ring_number: int) -> None:
    """``InvalidInput`` when two edges of the closed ``ring`` cross (a bow tie).

    Each edge is tested against every later edge that shares no vertex with it,
    vectorised over the later edges: a few thousand vertices stay quick.
    """
    points = np.asarray(ring, dtype=float)
    start, end = points[:-1], points[1:]
    count = len(start)
    if count < 4:
        return

    def side(a: np.ndarray, b: np.ndarray, c: np.ndarray) -> np.ndarray:
        sign: np.ndarray = np.sign(
            (b[..., 0] - a[..., 0]) * (c[..., 1] - a[..., 1])
            - (b[..., 1] - a[..., 1]) * (c[..., 0] - a[..., 0])
        )
        return sign

    for i in range(count - 2):
        # the edges after the next one; the last edge touches the first at the closing vertex
        stop = count - 1 if i == 0 else count
        if i + 2 >= stop:
            continue
        p, q = start[i], end[i]
        r, s = start[i + 2 : stop], end[i + 2 : stop]
        crosses = (side(p, q, r) * side(p, q, s) < 0) & (side(r, s, p) * side(r, s, q) < 0)
        if crosses.any():
            j = i + 2 + int(np.flatnonzero(crosses)[0])
            raise InvalidInput(
                f"ring {ring_number} crosses itself: the edge from vertex {i + 1} to {i + 2}"
                f" crosses the edge from vertex {j + 1} to {j + 2}",
                field="geometry",
            )


NAME_PROPERTIES = ("name", "NAME", "Name", "title", "label")
"""Feature properties an imported area takes its name from, the first present."""


@dataclass(frozen=True, slots=True)
class ImportedArea:
    """One polygon of an import file, cleaned, with the feature it came from."""

    feature: int
    name: str
    geometry: dict[str, Any]


@dataclass(frozen=True, slots=True)
class RefusedFeature:
    """A feature of an import file that is not an area, and why (``feature`` counts from 0)."""

    feature: int
    reason: str


def _feature_name(properties: Any, fallback: str) -> str:
    if isinstance(properties, dict):
        for key in NAME_PROPERTIES:
            value = properties.get(key)
            if isinstance(value, str | int | float) and str(value).strip():
                return str(value)
    return fallback


def _feature_areas(feature: Any, number: int, source: str) -> list[ImportedArea]:
    if not isinstance(feature, dict):
        raise InvalidInput("is not a GeoJSON object")
    if feature.get("type") == "Feature":
        geometry, properties = feature.get("geometry"), feature.get("properties")
    elif feature.get("type") in ("Polygon", "MultiPolygon"):
        geometry, properties = feature, None
    else:
        raise InvalidInput(f"has type {feature.get('type')!r}, not Feature")
    kind = geometry.get("type") if isinstance(geometry, dict) else None
    name = clean_name(_feature_name(properties, f"{source} feature {number}"))
    if kind == "Polygon":
        return [ImportedArea(number, name, clean_polygon(geometry))]
    if kind == "MultiPolygon":
        parts = geometry.get("coordinates") if isinstance(geometry, dict) else None
        if not isinstance(parts, list) or not parts:
            raise InvalidInput("MultiPolygon has no polygons")
        areas = []
        for index, part in enumerate(parts, start=1):
            try:
                polygon = clean_polygon({"type": "Polygon", "coordinates": part})
            except InvalidInput as exc:
                raise InvalidInput(f"polygon {index}: {exc.message}") from exc
            label = name if len(parts) == 1 else f"{name} ({index} of {len(parts)})"
            areas.append(ImportedArea(number, clean_name(label[:MAX_NAME_LENGTH]), polygon))
        return areas
    raise InvalidInput(f"geometry is {kind!r}; an area is a Polygon or a MultiPolygon")


def parse_area_file(
    content: bytes | str, *, source: str
) -> tuple[list[ImportedArea], list[RefusedFeature]]:
    """The areas of a GeoJSON file and the features refused, each with its reason.

    A file that is not GeoJSON at all raises ``InvalidInput``; a bad feature is
    refused on its own, so the good ones of the same file still import.
    A MultiPolygon gives one area per polygon, named "NAME (k of n)".
    """
    try:
        text = content.decode("utf-8-sig") if isinstance(content, bytes) else content
    except UnicodeDecodeError as exc:
        raise InvalidInput(f"{source} is not UTF-8 text (byte {exc.start})", field="file") from exc
    try:
        document = json.loads(text)
    except json.JSONDecodeError as exc:
        raise InvalidInput(
            f"{source} is not JSON: {exc.msg} at line {exc.lineno}, column {exc.colno}",
            field="file",
        ) from exc
    if not isinstance(document, dict):
        raise InvalidInput(f"{source} is not a GeoJSON object", field="file")
    kind = document.get("type")
    if kind == "FeatureCollection":
        features = document.get("features")
        if not isinstance(features, list):
            raise InvalidInput(
                f"{source}: the FeatureCollection has no features list", field="file"
            )
    elif kind in ("Feature", "Polygon", "MultiPolygon"):
        features = [document]
    else:
        raise InvalidInput(
            f"{source}: expected a GeoJSON FeatureCollection, Feature or Polygon, got {kind!r}",
            field="file",
        )
    areas: list[ImportedArea] = []
    refused: list[RefusedFeature] = []
    for number, feature in enumerate(features):
        try:
            areas.extend(_feature_areas(feature, number, source))
        except InvalidInput as exc:
            refused.append(RefusedFeature(number, exc.message))
    return areas, refused
