"""Maps of intelligence from the store: only readable incidents and reports, placed, exported."""

from __future__ import annotations

import json

import geojson
import pytest
from lxml import etree
from sqlalchemy import select

from portintel.adapters.database import tables
from portintel.domain.actors import Role
from portintel.domain.analysis.intelligence_map import MapLayer
from portintel.errors import InvalidInput
from portintel.services.analysis import MapRequest, export_map, intelligence_map, layers_of
from portintel.services.workspace import Workspace
from tests.services.analysis.test_timelines import world  # noqa: F401 (fixture)
from tests.services.staff import IMMIGRATION, SECURITY, make_user


def _layers(found: dict) -> dict[str, list[dict]]:  # type: ignore[type-arg]
    by_layer: dict[str, list[dict]] = {}  # type: ignore[type-arg]
    for feature in found["features"]:
        by_layer.setdefault(feature["properties"]["layer"], []).append(feature)
    return by_layer


def test_the_map_holds_the_readable_incidents_and_their_places(
    workspace: Workspace,
    world: dict[str, str],  # noqa: F811
) -> None:
    ana = make_user(workspace, "ana", IMMIGRATION, Role.ANALYST)
    found = intelligence_map(workspace, ana)
    layers = _layers(found.collection())
    assert [f["properties"]["id"] for f in layers["incidents"]] == ["inc-open"]
    assert "inc-secret" not in json.dumps(found.collection())
    assert "zq-secret" not in json.dumps(found.collection())
    [departure] = layers["departures"]
    assert departure["properties"]["place"] == "Preah Sihanouk"  # Sihanoukville, by its alias
    [route] = layers["routes"]
    assert route["properties"]["name"].startswith("Route: Preah Sihanouk → Songkhla")
    assert found.periods == {"2026-03": 1} and found.counts["incidents"] == 1

    spy = make_user(workspace, "sec2", SECURITY, Role.ANALYST)
    theirs = _layers(intelligence_map(workspace, spy).collection())
    assert sorted(f["properties"]["id"] for f in theirs["incidents"]) == ["inc-open", "inc-secret"]


def test_layers_and_periods_narrow_the_map(workspace: Workspace, world: dict[str, str]) -> None:  # noqa: F811
    sec = make_user(workspace, "sec2", SECURITY, Role.ANALYST)
    only = intelligence_map(workspace, sec, MapRequest(layers=frozenset({MapLayer.ROUTES})))
    assert {f["properties"]["layer"] for f in only.features} == {"routes"}
    none = intelligence_map(workspace, sec, MapRequest(period="2025-Q1"))
    assert none.features == [] and none.periods == {"2026-03": 2}
    with pytest.raises(InvalidInput):
        intelligence_map(workspace, sec, MapRequest(period="March"))
    with pytest.raises(InvalidInput):
        layers_of(["incidents", "rumours"])


def test_exports_are_valid_scoped_and_audited(workspace: Workspace, world: dict[str, str]) -> None:  # noqa: F811
    ana = make_user(workspace, "ana", IMMIGRATION, Role.ANALYST)
    as_json = export_map(workspace, ana, "geojson")
    parsed = geojson.loads(as_json.content.decode("utf-8"))
    assert parsed.is_valid and as_json.media_type == "application/geo+json"
    assert as_json.filename.endswith(".geojson") and b"inc-secret" not in as_json.content
    as_kml = export_map(workspace, ana, "kml")
    document = etree.fromstring(as_kml.content)
    assert document.tag == "{http://www.opengis.net/kml/2.2}kml"
    assert b"inc-secret" not in as_kml.content and as_kml.features == as_json.features
    with pytest.raises(InvalidInput):
        export_map(workspace, ana, "shapefile")
    with workspace.engine.connect() as connection:
        entries = connection.execute(
            select(tables.audit_log.c.action, tables.audit_log.c.detail).where(
                tables.audit_log.c.action == "map.exported"
            )
        ).all()
    assert [json.loads(d)["format"] if isinstance(d, str) else d["format"] for _, d in entries] == [
        "geojson", "kml",
    ]  # fmt: skip
