"""Refresh the vendored front-end libraries and basemap from the npm registry.

Run by a developer, never at install or run time (the package ships the files):

    python tools/vendor_web.py            # fetch the pinned versions below
    python tools/vendor_web.py --check    # only verify the manifest against the files

Each package is fetched with ``npm pack NAME@VERSION`` into a temporary
directory; only the files listed in :data:`PACKAGES` are copied into
``src/portintel/web/static/vendor/NAME/`` with the package's licence. The
Natural Earth land polygons of ``world-atlas`` come as TopoJSON; they are
converted here, once, to GeoJSON (coordinates rounded to 1e-4 degrees, about
11 m) so the browser needs no converter. ``manifest.json`` records for every
file its package, version, licence and SHA-256; ``tests/web/test_vendor_manifest.py``
checks the files against it. To update a library, change its version here,
run the script, look at the diff, run the browser tests, commit.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import re
import shutil
import subprocess
import sys
import tarfile
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

URL = re.compile(r"(https?:)?//[a-z0-9.-]+\.[a-z]{2,}", re.IGNORECASE)
"""What tests/web/test_foundation.py looks for in the node's own assets."""

VENDOR = Path(__file__).resolve().parents[1] / "src" / "portintel" / "web" / "static" / "vendor"


@dataclass(frozen=True)
class Package:
    name: str
    version: str
    licence: str
    licence_file: str
    files: tuple[str, ...]  # paths inside the npm package, copied as their base name
    derived: tuple[tuple[str, str, str], ...] = ()  # (source, target, converter name)


PACKAGES = (
    Package(
        "maplibre-gl",
        "6.17.0",
        "BSD-3-Clause",
        "LICENSE.txt",
        ("dist/maplibre-gl.mjs", "dist/maplibre-gl-worker.mjs", "dist/maplibre-gl.css"),
    ),
    Package(
        "cytoscape",
        "3.35.0",
        "MIT",
        "LICENSE",
        ("dist/cytoscape.esm.min.mjs",),
    ),
    Package(
        "world-atlas",
        "2.0.2",
        "ISC (Natural Earth data: public domain)",
        "LICENSE",
        (),
        (("land-50m.json", "land-50m.geojson", "topojson_to_geojson"),),
    ),
    # the charts of the statistics page (issue #16): the UMD build defines window.Chart, which
    # static/statistics_chart.js draws with
    Package("chart.js", "4.6.1", "MIT", "LICENSE.md", ("dist/chart.umd.min.js",)),
    # Noto Sans for every script the unit writes in (Latin, Khmer, Thai, Myanmar, Lao), regular
    # and bold: the web pages (@font-face in style.css) and the PDF products (adapters/pdf.py)
    # use the same files, so a name never prints as boxes. SIL Open Font License 1.1.
    *(
        Package(
            f"@fontsource/noto-sans{suffix}",
            "5.3.0",
            "OFL-1.1",
            "LICENSE",
            tuple(
                f"files/noto-sans{suffix}-{subset}-{weight}-normal.woff2"
                for subset in subsets
                for weight in (400, 700)
            ),
        )
        for suffix, subsets in (
            ("", ("latin", "latin-ext")),
            ("-khmer", ("khmer",)),
            ("-thai", ("thai",)),
            ("-myanmar", ("myanmar",)),
            ("-lao", ("lao",)),
        )
    ),
)

BINARY = (".woff2", ".woff")
"""Files read as bytes only: no addresses to look for in a font."""


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _decode_arc(
    arc: list[list[int]], scale: list[float], translate: list[float]
) -> list[list[float]]:
    x = y = 0
    points = []
    for dx, dy in arc:
        x += dx
        y += dy
        points.append(
            [round(x * scale[0] + translate[0], 4), round(y * scale[1] + translate[1], 4)]
        )
    return points


def topojson_to_geojson(source: bytes) -> bytes:
    """A TopoJSON topology's first object as a GeoJSON FeatureCollection (quantized arcs)."""
    topology = json.loads(source)
    scale, translate = topology["transform"]["scale"], topology["transform"]["translate"]
    arcs = [_decode_arc(arc, scale, translate) for arc in topology["arcs"]]

    def ring(indexes: list[int]) -> list[list[float]]:
        points: list[list[float]] = []
        for index in indexes:
            arc = arcs[index] if index >= 0 else arcs[~index][::-1]
            points.extend(arc if not points else arc[1:])
        return points

    def geometry(item: dict[str, Any]) -> dict[str, Any]:
        if item["type"] == "Polygon":
            return {"type": "Polygon", "coordinates": [ring(r) for r in item["arcs"]]}
        if item["type"] == "MultiPolygon":
            polygons = [[ring(r) for r in polygon] for polygon in item["arcs"]]
            return {"type": "MultiPolygon", "coordinates": polygons}
        raise ValueError(f"unsupported TopoJSON geometry {item['type']}")

    (layer,) = topology["objects"].values()
    items = layer["geometries"] if layer["type"] == "GeometryCollection" else [layer]
    features = [
        {"type": "Feature", "properties": {}, "geometry": geometry(item)}
        for item in items
        if item.get("type")
    ]
    collection = {"type": "FeatureCollection", "features": features}
    return json.dumps(collection, separators=(",", ":")).encode()


CONVERTERS: dict[str, Callable[[bytes], bytes]] = {"topojson_to_geojson": topojson_to_geojson}


def fetch(package: Package, workdir: Path) -> Path:
    """``npm pack`` the pinned version and unpack it; the package's root directory."""
    spec = f"{package.name}@{package.version}"
    command = ["npm", "pack", spec, "--silent"]  # pinned names from PACKAGES, npm from PATH
    subprocess.run(command, cwd=workdir, check=True, capture_output=True)  # noqa: S603
    # a scoped package @scope/name is packed as scope-name-VERSION.tgz
    packed = package.name.lstrip("@").replace("/", "-")
    (tarball,) = workdir.glob(f"{packed}-{package.version}.tgz")
    target = workdir / packed
    with tarfile.open(tarball) as archive:
        archive.extractall(target, filter="data")
    return target / "package"


def vendor() -> dict[str, Any]:
    entries = []
    with tempfile.TemporaryDirectory() as temporary:
        for package in PACKAGES:
            root = fetch(package, Path(temporary))
            folder = VENDOR / package.name
            shutil.rmtree(folder, ignore_errors=True)
            folder.mkdir(parents=True)
            shutil.copyfile(root / package.licence_file, folder / package.licence_file)
            files = []
            for name in package.files:
                shutil.copyfile(root / name, folder / Path(name).name)
                files.append({"file": Path(name).name, "from": name})
            for source, target, converter in package.derived:
                (folder / target).write_bytes(CONVERTERS[converter]((root / source).read_bytes()))
                files.append({"file": target, "from": source, "converted_by": converter})
            for item in files:
                item["sha256"] = sha256(folder / item["file"])
                # addresses the code mentions (links, error texts): reviewed when updating,
                # never fetched (the browser tests abort any request off the node)
                if item["file"].endswith(BINARY):
                    item["mentions"] = []
                    continue
                text = (folder / item["file"]).read_text(encoding="utf-8")
                item["mentions"] = sorted({m.group(0) for m in URL.finditer(text)})
            entries.append(
                {
                    "name": package.name,
                    "version": package.version,
                    "licence": package.licence,
                    "licence_file": package.licence_file,
                    "licence_sha256": sha256(folder / package.licence_file),
                    "files": files,
                }
            )
    manifest = {"packages": entries}
    (VENDOR / "manifest.json").write_text(json.dumps(manifest, indent=2) + "\n")
    return manifest


def check() -> list[str]:
    """Problems with the vendored files (empty when they match the manifest)."""
    manifest = json.loads((VENDOR / "manifest.json").read_text())
    problems = []
    for entry in manifest["packages"]:
        folder = VENDOR / entry["name"]
        for item in [
            {"file": entry["licence_file"], "sha256": entry["licence_sha256"]},
            *entry["files"],
        ]:
            path = folder / item["file"]
            if not path.exists():
                problems.append(f"{path} is missing")
            elif sha256(path) != item["sha256"]:
                problems.append(f"{path} does not match its SHA-256 in the manifest")
    return problems


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="only verify the vendored files")
    arguments = parser.parse_args()
    if not arguments.check:
        vendor()
    problems = check()
    for problem in problems:
        print(problem, file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
