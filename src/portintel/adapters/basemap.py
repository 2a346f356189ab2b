"""The Natural Earth land polygons vendored for the map page, read for static maps.

``web/static/vendor/world-atlas/land-50m.geojson`` (public domain, converted
from world-atlas by ``tools/vendor_web.py``) is the basemap of the map page;
products draw their maps of incidents on the same land (outer rings only).
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

from portintel.errors import ConfigurationError

LAND_FILE = (
    Path(__file__).resolve().parents[1] / "web" / "static" / "vendor" / "world-atlas"
    / "land-50m.geojson"
)  # fmt: skip


@cache
def land_rings() -> tuple[tuple[tuple[float, float], ...], ...]:
    """Every land polygon's outer ring as (longitude, latitude) pairs."""
    try:
        collection = json.loads(LAND_FILE.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise ConfigurationError(
            f"cannot read the land polygons {LAND_FILE}: {exc}",
            hint="reinstall portintel; the basemap ships as package data",
        ) from exc
    rings: list[tuple[tuple[float, float], ...]] = []
    for feature in collection["features"]:
        geometry = feature["geometry"]
        polygons = (
            [geometry["coordinates"]] if geometry["type"] == "Polygon" else geometry["coordinates"]
        )
        for polygon in polygons:
            rings.append(tuple((float(x), float(y)) for x, y in polygon[0]))
    return tuple(rings)


__all__ = ["LAND_FILE", "land_rings"]
