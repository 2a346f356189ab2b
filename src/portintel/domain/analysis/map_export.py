"""Map exports for the tools analysts already use: GeoJSON (RFC 7946) and KML 2.2 (OGC).

Both are written from the features the reader's map shows (see
:mod:`portintel.domain.analysis.intelligence_map`), so an export holds exactly
what the reader may see. GeoJSON is the FeatureCollection itself, in WGS84
longitude-latitude order, with the export's period as foreign members. KML
puts each layer in a ``Folder``, each feature in a ``Placemark`` whose
elements follow the order the OGC KML 2.2 schema prescribes (name,
description, time, extended data, geometry); ids are made valid ``xsd:ID``
values. Google Earth, QGIS and ArcGIS read both.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping
from typing import Any
from xml.etree import ElementTree

from portintel.domain.analysis.intelligence_map import LAYER_LABELS, MapLayer

KML_NAMESPACE = "http://www.opengis.net/kml/2.2"
DETAIL_KEYS = ("when", "place", "migrants", "minors", "deaths", "route", "incidents", "report_id")
"""Feature properties a KML placemark carries as ExtendedData, in this order."""
DETAIL_LABELS = {
    "when": "When",
    "place": "Place",
    "migrants": "Migrants",
    "minors": "Minors",
    "deaths": "Deaths",
    "route": "Route",
    "incidents": "Incidents",
    "report_id": "Report",
}


def to_geojson(collection: Mapping[str, Any]) -> bytes:
    """The FeatureCollection as UTF-8 JSON (RFC 7946 media type ``application/geo+json``)."""
    return json.dumps(collection, ensure_ascii=False, indent=1).encode("utf-8")


def _kml_id(text: str) -> str:
    """A valid ``xsd:ID`` (an NCName) for a feature id."""
    cleaned = re.sub(r"[^A-Za-z0-9_.-]", "_", text)
    return cleaned if re.match(r"[A-Za-z_]", cleaned) else f"f_{cleaned}"


def _coordinates(points: Iterable[Iterable[float]]) -> str:
    return " ".join(",".join(f"{value:.5f}" for value in point) for point in points)


def _sub(parent: ElementTree.Element, tag: str, text: str | None = None) -> ElementTree.Element:
    child = ElementTree.SubElement(parent, f"{{{KML_NAMESPACE}}}{tag}")
    if text is not None:
        child.text = text
    return child


def _placemark(folder: ElementTree.Element, feature: Mapping[str, Any]) -> None:
    properties = feature.get("properties") or {}
    geometry = feature["geometry"]
    placemark = _sub(folder, "Placemark")
    placemark.set("id", _kml_id(str(feature.get("id", properties.get("name", "feature")))))
    _sub(placemark, "name", str(properties.get("name", "")))
    details = [
        f"{DETAIL_LABELS[key]}: {properties[key]}"
        for key in DETAIL_KEYS
        if properties.get(key) not in (None, "")
    ]
    if properties.get("link"):
        details.append(f"Evidence: {properties['link']}")
    if details:
        _sub(placemark, "description", "\n".join(details))
    if properties.get("when"):
        _sub(_sub(placemark, "TimeStamp"), "when", str(properties["when"]))
    elif properties.get("first") and properties.get("last"):
        span = _sub(placemark, "TimeSpan")
        _sub(span, "begin", str(properties["first"]))
        _sub(span, "end", str(properties["last"]))
    extended = _sub(placemark, "ExtendedData")
    for key in ("layer", *DETAIL_KEYS, "link"):
        if properties.get(key) not in (None, ""):
            data = _sub(extended, "Data")
            data.set("name", key)
            _sub(data, "value", str(properties[key]))
    if geometry["type"] == "Point":
        _sub(_sub(placemark, "Point"), "coordinates", _coordinates([geometry["coordinates"]]))
    elif geometry["type"] == "LineString":
        line = _sub(placemark, "LineString")
        _sub(line, "tessellate", "1")
        _sub(line, "coordinates", _coordinates(geometry["coordinates"]))
    else:
        raise ValueError(f"a map export has no {geometry['type']} geometry")


def to_kml(collection: Mapping[str, Any], title: str) -> bytes:
    """The FeatureCollection as a KML 2.2 document: a Folder per layer, in layer order."""
    ElementTree.register_namespace("", KML_NAMESPACE)
    root = ElementTree.Element(f"{{{KML_NAMESPACE}}}kml")
    document = _sub(root, "Document")
    _sub(document, "name", title)
    by_layer: dict[str, list[Mapping[str, Any]]] = {}
    for feature in collection.get("features", []):
        layer = str((feature.get("properties") or {}).get("layer", ""))
        by_layer.setdefault(layer, []).append(feature)
    for layer in MapLayer:
        features = by_layer.get(layer.value)
        if not features:
            continue
        folder = _sub(document, "Folder")
        folder.set("id", f"layer-{layer.value}")
        _sub(folder, "name", LAYER_LABELS[layer])
        for feature in features:
            _placemark(folder, feature)
    ElementTree.indent(root, space=" ")
    body: bytes = ElementTree.tostring(root, encoding="utf-8", xml_declaration=True)
    return body
