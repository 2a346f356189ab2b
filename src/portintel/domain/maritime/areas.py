"""Analyst areas: polygons an analyst draws or imports (landing beaches, restricted zones).

An area is stored as a GeoJSON ``Polygon`` (RFC 7946: longitude first, WGS84,
rings closed). :func:`clean_polygon` accepts what a map or a file gives and
either returns the canonical polygon or raises ``InvalidInput`` naming what
is wrong and where (ring and vertex), so a bad drawing never reaches the store.
"""

from __future__ import annotations

import math
from typing import Any

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
        cleaned.append(positions)
    return {"type": "Polygon", "coordinates": cleaned}
