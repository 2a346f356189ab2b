"""Analyst area polygons: what is accepted, and errors that say what and where."""

from __future__ import annotations

import pytest

from portintel.domain.maritime.areas import clean_name, clean_polygon, parse_area_file
from portintel.errors import InvalidInput

SQUARE = [[103.0, 10.0], [103.5, 10.0], [103.5, 10.5], [103.0, 10.5]]


def test_an_open_ring_is_closed_and_a_feature_unwrapped() -> None:
    polygon = clean_polygon(
        {"type": "Feature", "geometry": {"type": "Polygon", "coordinates": [SQUARE]}}
    )
    assert polygon["type"] == "Polygon"
    (ring,) = polygon["coordinates"]
    assert ring[0] == ring[-1] == [103.0, 10.0] and len(ring) == 5


@pytest.mark.parametrize(
    ("geometry", "message"),
    [
        ({"type": "Point", "coordinates": [103, 10]}, "GeoJSON Polygon"),
        ({"type": "Polygon", "coordinates": []}, "no rings"),
        ({"type": "Polygon", "coordinates": [[[103, 10], [104, 10], [103, 10]]]}, "ring 1 needs"),
        (
            {"type": "Polygon", "coordinates": [[*SQUARE[:2], [200, 10.5]]]},
            "ring 1, vertex 3 has longitude 200",
        ),
        (
            {"type": "Polygon", "coordinates": [[*SQUARE[:3], [103, "x"]]]},
            "ring 1, vertex 4 is not numeric",
        ),
        ({"type": "Polygon", "coordinates": [[*SQUARE[:3], [103]]]}, "vertex 4 is not a"),
        ({"type": "Polygon", "coordinates": [[*SQUARE[:3], [103, 95]]]}, "latitude 95"),
    ],
)
def test_bad_polygons_are_refused_naming_where(geometry: object, message: str) -> None:
    with pytest.raises(InvalidInput, match=message) as caught:
        clean_polygon(geometry)
    assert caught.value.field == "geometry"


def test_names_are_trimmed_and_required() -> None:
    assert clean_name("  Koh  Kong\tbeach ") == "Koh Kong beach"
    with pytest.raises(InvalidInput, match="needs a name"):
        clean_name("   ")
    with pytest.raises(InvalidInput, match="at most 200"):
        clean_name("x" * 201)


def test_a_ring_that_crosses_itself_is_refused_naming_the_edges() -> None:
    bow_tie = [[103.0, 10.0], [103.5, 10.5], [103.5, 10.0], [103.0, 10.5]]
    with pytest.raises(InvalidInput, match=r"ring 1 crosses itself.*vertex 1 to 2.*vertex 3 to 4"):
        clean_polygon({"type": "Polygon", "coordinates": [bow_tie]})
    # a concave ring whose edges only meet at their shared corners is fine
    arrow = [[103.0, 10.0], [104.0, 10.0], [103.5, 10.2], [104.0, 10.5], [103.0, 10.5]]
    assert len(clean_polygon({"type": "Polygon", "coordinates": [arrow]})["coordinates"][0]) == 6


def _feature(geometry: object, **properties: object) -> dict[str, object]:
    return {"type": "Feature", "geometry": geometry, "properties": properties}


def test_an_area_file_keeps_its_good_features_and_names_each_refused_one() -> None:
    square = {"type": "Polygon", "coordinates": [SQUARE]}
    shifted = [[lon + 1, lat] for lon, lat in SQUARE]
    document = {
        "type": "FeatureCollection",
        "features": [
            _feature(square, name="Koh Kong beach"),
            _feature({"type": "Point", "coordinates": [103, 10]}, name="a point"),
            _feature({"type": "MultiPolygon", "coordinates": [[SQUARE], [shifted]]}, NAME="Sea"),
            _feature({"type": "Polygon", "coordinates": [[*SQUARE[:3], [103, 95]]]}),
            "not a feature",
            _feature(square),
        ],
    }
    import json

    areas, refused = parse_area_file(json.dumps(document).encode(), source="zones.geojson")
    assert [(a.feature, a.name) for a in areas] == [
        (0, "Koh Kong beach"),
        (2, "Sea (1 of 2)"),
        (2, "Sea (2 of 2)"),
        (5, "zones.geojson feature 5"),
    ]
    assert areas[2].geometry["coordinates"][0][0] == [104.0, 10.0]
    assert [(r.feature, r.reason) for r in refused] == [
        (1, "geometry is 'Point'; an area is a Polygon or a MultiPolygon"),
        (3, "ring 1, vertex 4 has latitude 95.0 outside -90..90"),
        (4, "is not a GeoJSON object"),
    ]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"\xff\xfe{", "not UTF-8"),
        (b'{"type": "FeatureCollection",', r"not JSON: .* line 1"),
        (b"[1, 2]", "not a GeoJSON object"),
        (b'{"type": "Point", "coordinates": [1, 2]}', "expected a GeoJSON FeatureCollection"),
        (b'{"type": "FeatureCollection", "features": 3}', "no features list"),
    ],
)
def test_a_file_that_is_not_geojson_is_refused_whole(content: bytes, message: str) -> None:
    with pytest.raises(InvalidInput, match=message):
        parse_area_file(content, source="x.geojson")
