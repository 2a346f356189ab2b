"""Analyst area polygons: what is accepted, and errors that say what and where."""

from __future__ import annotations

import pytest

from portintel.domain.maritime.areas import clean_name, clean_polygon
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
