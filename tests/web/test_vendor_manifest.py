"""Vendored front-end files match their manifest: hash, licence beside them, nothing unlisted.

``tools/vendor_web.py`` writes the files and ``static/vendor/manifest.json``;
docs/operator-guide.md ("Vendored front-end libraries") says how to update one.
"""

from __future__ import annotations

import hashlib
import json
import re
from itertools import pairwise
from pathlib import Path

import pytest

VENDOR = Path(__file__).resolve().parents[2] / "src" / "portintel" / "web" / "static" / "vendor"
MANIFEST = json.loads((VENDOR / "manifest.json").read_text())
URL = re.compile(r"(https?:)?//[a-z0-9.-]+\.[a-z]{2,}", re.IGNORECASE)
PACKAGES = {entry["name"]: entry for entry in MANIFEST["packages"]}


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.mark.parametrize(
    ("name", "file"),
    [(entry["name"], item["file"]) for entry in MANIFEST["packages"] for item in entry["files"]],
)
def test_each_vendored_file_has_its_recorded_hash(name: str, file: str) -> None:
    (item,) = [i for i in PACKAGES[name]["files"] if i["file"] == file]
    path = VENDOR / name / file
    assert path.is_file(), f"{path} is listed in the manifest but missing"
    assert _sha256(path) == item["sha256"], f"{path} changed: run tools/vendor_web.py"
    # every address the file mentions was reviewed when it was vendored (none is fetched:
    # the browser tests abort any request that leaves the node)
    if path.suffix in {".woff2", ".woff"}:  # a font: bytes, no addresses to review
        assert path.read_bytes()[:4] in {b"wOF2", b"wOFF"}, f"{path} is not a web font"
        assert item["mentions"] == []
        return
    mentioned = sorted({m.group(0) for m in URL.finditer(path.read_text(encoding="utf-8"))})
    assert mentioned == item["mentions"], f"{path} mentions addresses nobody reviewed"


@pytest.mark.parametrize("name", sorted(PACKAGES))
def test_each_package_carries_its_licence(name: str) -> None:
    entry = PACKAGES[name]
    assert entry["version"] and entry["licence"]
    licence = VENDOR / name / entry["licence_file"]
    assert licence.is_file(), f"{name} has no licence file"
    assert _sha256(licence) == entry["licence_sha256"]
    text = licence.read_text(encoding="utf-8")
    assert "Redistribution" in text or "Permission" in text, f"{licence} is not a licence text"


def test_nothing_is_vendored_outside_the_manifest() -> None:
    listed = {Path("manifest.json")}
    for entry in MANIFEST["packages"]:
        listed.add(Path(entry["name"]) / entry["licence_file"])
        listed.update(Path(entry["name"]) / item["file"] for item in entry["files"])
    present = {path.relative_to(VENDOR) for path in VENDOR.rglob("*") if path.is_file()}
    assert present == listed


def test_the_basemap_is_natural_earth_land_as_geojson() -> None:
    land = json.loads((VENDOR / "world-atlas" / "land-50m.geojson").read_text())
    assert land["type"] == "FeatureCollection" and land["features"]
    kinds = {feature["geometry"]["type"] for feature in land["features"]}
    assert kinds <= {"Polygon", "MultiPolygon"}
    # Koh Kong island (Cambodia) is land; the middle of the Gulf of Thailand is not
    assert _on_land(land, 103.28, 11.38) and not _on_land(land, 102.2, 10.0)


def _on_land(land: dict, lon: float, lat: float) -> bool:  # type: ignore[type-arg]
    def inside(ring: list[list[float]]) -> bool:
        hit = False
        for (x1, y1), (x2, y2) in pairwise(ring):
            if (y1 > lat) != (y2 > lat) and lon < x1 + (lat - y1) * (x2 - x1) / (y2 - y1):
                hit = not hit
        return hit

    for feature in land["features"]:
        geometry = feature["geometry"]
        polygons = (
            [geometry["coordinates"]] if geometry["type"] == "Polygon" else geometry["coordinates"]
        )
        for rings in polygons:
            if inside(rings[0]) and not any(inside(hole) for hole in rings[1:]):
                return True
    return False
