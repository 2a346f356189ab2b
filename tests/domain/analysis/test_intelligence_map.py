"""Maps of intelligence as data: places by name, periods, features, and the exports validated.

GeoJSON is checked with the ``geojson`` package (RFC 7946 objects, ``is_valid``);
KML against the OGC KML 2.2 schema that pykml ships (with its Atom and xAL imports).
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from importlib import resources

import geojson
import pytest
from lxml import etree

from portintel.domain.analysis.intelligence_map import (
    KnownPlace,
    MapIncident,
    MapLayer,
    MapReport,
    PlaceFinder,
    feature_collection,
    incident_features,
    period_window,
    periods,
    place_features,
    report_features,
    window_of,
)
from portintel.domain.analysis.map_export import to_geojson, to_kml

FINDER = PlaceFinder(
    [
        KnownPlace("Koh Kong", ("Kaoh Kong",), "province", 11.615, 102.984),
        KnownPlace("Koh Kong (Khemarak Phoumin)", ("Koh Kong",), "port", 11.6, 102.98),
        KnownPlace("Trat (Laem Ngop)", ("Trat",), "port", 12.17, 102.4),
    ]
)


def _incident(n: int, kind: str = "intercepted", **changes: object) -> MapIncident:
    values: dict[str, object] = dict(
        id=f"INC-{n}", report_id=f"R-{n}", occurred_at=datetime(2025, 9, n, tzinfo=UTC),
        kind=kind, place="40 NM west of Koh Kong", latitude=11.45, longitude=102.3,
        migrants=7 * n, minors=1, deaths=0, route="Koh Kong - Trat", departure="Koh Kong",
        destination="Trat",
    )  # fmt: skip
    values.update(changes)
    return MapIncident(**values)  # type: ignore[arg-type]


def _collection() -> dict[str, object]:
    incidents = [
        _incident(1),
        _incident(2, "capsized"),
        _incident(3, destination="Atlantis"),
        _incident(4, latitude=None),  # no position: no incident point, still a departure
    ]
    placed, unplaced = place_features(incidents, FINDER)
    reports = [MapReport("R-9", "Boat & crew <seen>", datetime(2025, 9, 9, tzinfo=UTC), None,
                         10.6, 103.5)]  # fmt: skip
    return feature_collection(
        incident_features(incidents) + placed + report_features(reports), unplaced=unplaced
    )


def test_a_place_is_found_by_any_name_the_most_precise_entry_first() -> None:
    found = FINDER.find("koh  KONG")
    assert found is not None and found.kind == "port"
    assert FINDER.find("Kaoh Kong") is not None and FINDER.find("Kaoh Kong").kind == "province"  # type: ignore[union-attr]
    assert FINDER.find("Atlantis") is None and FINDER.find(None) is None


def test_periods_are_months_quarters_and_years() -> None:
    assert period_window("2025-09") == (
        datetime(2025, 9, 1, tzinfo=UTC), datetime(2025, 10, 1, tzinfo=UTC),
    )  # fmt: skip
    assert period_window("2025-Q4") == (
        datetime(2025, 10, 1, tzinfo=UTC), datetime(2026, 1, 1, tzinfo=UTC),
    )  # fmt: skip
    assert period_window("2025")[1] == datetime(2026, 1, 1, tzinfo=UTC)
    for wrong in ("2025-13", "2025-Q5", "last year", ""):
        with pytest.raises(ValueError):
            period_window(wrong)
    since, until = window_of(None, None, "2025-12")
    assert since == datetime(2025, 12, 1, tzinfo=UTC) and until is not None and until.month == 12
    assert periods([datetime(2025, 9, 2, tzinfo=UTC), datetime(2025, 9, 30, tzinfo=UTC),
                    datetime(2025, 8, 1, tzinfo=UTC)]) == {"2025-08": 1, "2025-09": 2}  # fmt: skip


def test_incidents_places_and_routes_as_features() -> None:
    collection = _collection()
    features = collection["features"]
    by_layer: dict[str, list[dict]] = {}
    for feature in features:  # type: ignore[attr-defined]
        by_layer.setdefault(feature["properties"]["layer"], []).append(feature)
    assert len(by_layer[MapLayer.INCIDENTS]) == 3
    first = by_layer[MapLayer.INCIDENTS][0]
    assert first["geometry"] == {"type": "Point", "coordinates": [102.3, 11.45]}
    assert first["properties"]["name"] == "Interception: 7 migrants, 40 NM west of Koh Kong"
    assert first["properties"]["interception"] is True
    assert by_layer[MapLayer.INCIDENTS][1]["properties"]["interception"] is False
    [departure] = by_layer[MapLayer.DEPARTURES]
    assert departure["properties"]["incidents"] == 4
    assert departure["properties"]["place"] == "Koh Kong (Khemarak Phoumin)"
    [landing] = by_layer[MapLayer.LANDINGS]
    assert landing["properties"]["incidents"] == 3 and landing["properties"]["migrants"] == 49
    [route] = by_layer[MapLayer.ROUTES]
    assert route["geometry"]["coordinates"] == [[102.98, 11.6], [102.4, 12.17]]
    assert collection["unplaced"] == ["Atlantis"]


def test_the_geojson_export_is_valid_rfc_7946() -> None:
    body = to_geojson(_collection())
    parsed = geojson.loads(body.decode("utf-8"))
    assert isinstance(parsed, geojson.FeatureCollection) and parsed.is_valid, parsed.errors()
    assert all(feature.is_valid for feature in parsed["features"])
    assert json.loads(body)["features"][0]["geometry"]["coordinates"] == [102.3, 11.45]


def _kml_schema() -> etree.XMLSchema:
    path = resources.files("pykml").joinpath("schemas/ogckml22.xsd")
    with resources.as_file(path) as file:
        return etree.XMLSchema(etree.parse(str(file)))


def test_the_kml_export_is_well_formed_and_valid_against_the_ogc_kml_2_2_schema() -> None:
    body = to_kml(_collection(), "Map & <test>")
    document = etree.fromstring(body)  # well-formed, or this raises
    schema = _kml_schema()
    assert schema.validate(document), schema.error_log
    ns = {"k": "http://www.opengis.net/kml/2.2"}
    folders = document.findall("k:Document/k:Folder", ns)
    assert [f.findtext("k:name", namespaces=ns) for f in folders] == [
        "Incidents", "Reports with a position", "Departure points", "Landing sites", "Routes",
    ]  # fmt: skip
    assert len(document.findall(".//k:Placemark", ns)) == len(_collection()["features"])  # type: ignore[arg-type]
    names = [p.findtext("k:name", namespaces=ns) for p in document.findall(".//k:Placemark", ns)]
    assert "Boat & crew <seen>" in names  # escaped in the file, itself when read back
    line = document.find(".//k:LineString/k:coordinates", ns)
    assert line is not None and line.text == "102.98000,11.60000 102.40000,12.17000"


def test_a_broken_document_is_refused_by_the_schema() -> None:
    body = (
        to_kml(_collection(), "Map")
        .replace(b"<Point>", b"<Pointe>")
        .replace(b"</Point>", b"</Pointe>")
    )
    assert not _kml_schema().validate(etree.fromstring(body))
