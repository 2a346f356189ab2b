"""The areas page: import a GeoJSON file with the form (CSRF), refusals named by feature."""

from __future__ import annotations

import json
from collections.abc import Callable

from portintel.services.workspace import Workspace
from tests.web.conftest import Person

SQUARE = [[103.0, 10.0], [103.5, 10.0], [103.5, 10.5], [103.0, 10.5], [103.0, 10.0]]
ZONES = json.dumps(
    {
        "type": "FeatureCollection",
        "features": [
            {"type": "Feature", "properties": {"name": "Koh Kong <beach>"},
             "geometry": {"type": "Polygon", "coordinates": [SQUARE]}},
            {"type": "Feature", "properties": {},
             "geometry": {"type": "Polygon", "coordinates": [[[103, 10], [104, 10]]]}},
        ],
    }
).encode()  # fmt: skip


def test_the_areas_page_imports_good_features_and_names_refused_ones(
    ws: Workspace, person: Callable[..., Person]
) -> None:
    ana = person("ana", "analyst")
    page = ana.client.get("/map/areas")
    assert page.status_code == 200 and 'name="csrf_token"' in page.text
    assert 'action="/map/areas/import"' in ana.client.get("/map").text  # the map offers it too

    response = ana.form("/map/areas/import", files={"file": ("zones.geojson", ZONES)})
    assert response.status_code == 200, response.text
    assert "zones.geojson: 1 areas imported, 1 features refused." in response.text
    assert "<td>1</td><td>ring 1 needs at least three distinct vertices</td>" in response.text
    assert "Koh Kong &lt;beach&gt;" in response.text  # listed, escaped
    areas = ana.api("GET", "/api/v1/maritime/areas").json()
    assert [a["name"] for a in areas] == ["Koh Kong <beach>"]


def test_an_import_without_the_csrf_token_or_a_file_is_refused(
    ws: Workspace, person: Callable[..., Person]
) -> None:
    ana = person("ana", "analyst")
    forged = ana.client.post("/map/areas/import", files={"file": ("zones.geojson", ZONES)})
    assert forged.status_code == 403
    empty = ana.form("/map/areas/import")
    assert empty.status_code == 422 and "choose a GeoJSON file" in empty.text
    broken = ana.form("/map/areas/import", files={"file": ("x.geojson", b"{")})
    assert broken.status_code == 422 and "x.geojson is not JSON" in broken.text
    assert ana.api("GET", "/api/v1/maritime/areas").json() == []
    adam = person("adam", "administrator")
    assert adam.form("/map/areas/import", files={"file": ("z.geojson", ZONES)}).status_code == 403
