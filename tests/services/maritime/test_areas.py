"""Analyst areas: import from GeoJSON, audit, scope by agency, and the file detection reads."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import select

from portintel.adapters.behaviour_config import load_node_areas
from portintel.adapters.database import tables
from portintel.domain.actors import Role
from portintel.errors import InvalidInput, PermissionDenied
from portintel.services import maritime
from portintel.services.workspace import Workspace
from tests.services.staff import IMMIGRATION, MARITIME, make_user

SQUARE = [[103.0, 10.0], [103.5, 10.0], [103.5, 10.5], [103.0, 10.5], [103.0, 10.0]]


def _file(*features: object) -> bytes:
    return json.dumps({"type": "FeatureCollection", "features": list(features)}).encode()


def test_an_import_stores_the_good_features_and_reports_the_bad_ones(
    workspace: Workspace,
) -> None:
    ana = make_user(workspace, "ana", IMMIGRATION, Role.ANALYST)
    mick = make_user(workspace, "mick", MARITIME, Role.ANALYST)
    content = _file(
        {"type": "Feature", "properties": {"name": "Koh Kong beach"},
         "geometry": {"type": "Polygon", "coordinates": [SQUARE]}},
        {"type": "Feature", "properties": {"name": "bad"},
         "geometry": {"type": "LineString", "coordinates": SQUARE}},
    )  # fmt: skip
    result = maritime.import_areas(workspace, ana, content, source="/tmp/up/zones.geojson")
    assert result.source == "zones.geojson"
    assert [a.name for a in result.imported] == ["Koh Kong beach"]
    assert [(r.feature, r.reason) for r in result.refused] == [
        (1, "geometry is 'LineString'; an area is a Polygon or a MultiPolygon")
    ]
    assert [a.name for a in maritime.list_areas(workspace, ana)] == ["Koh Kong beach"]
    assert maritime.list_areas(workspace, mick) == []  # another agency's area

    with workspace.engine.connect() as connection:
        entries = connection.execute(
            select(tables.audit_log.c.action, tables.audit_log.c.object_id).where(
                tables.audit_log.c.object_type == "area"
            )
        ).all()
    assert entries == [("area.create", result.imported[0].id)]

    # detection reads every area, whoever drew it, from the node's areas folder
    maritime.create_area(
        workspace, mick, name="Restricted", geometry={"type": "Polygon", "coordinates": [SQUARE]}
    )
    found = load_node_areas(workspace.settings.data_dir)
    assert sorted(area.name for area in found) == ["Koh Kong beach", "Restricted"]
    assert {area.id for area in found} == {
        a.id for a in [*maritime.list_areas(workspace, ana), *maritime.list_areas(workspace, mick)]
    }
    assert bool(found[0].contains([10.2], [103.2])[0]) and not found[0].contains([9.0], [103.2])[0]


def test_a_file_that_is_not_geojson_stores_nothing(workspace: Workspace) -> None:
    ana = make_user(workspace, "ana", IMMIGRATION, Role.ANALYST)
    with pytest.raises(InvalidInput, match=r"zones\.geojson is not JSON"):
        maritime.import_areas(workspace, ana, b"{oops", source="zones.geojson")
    only_bad = maritime.import_areas(workspace, ana, _file({"type": "Nope"}), source="x.geojson")
    assert only_bad.imported == [] and only_bad.refused[0].feature == 0
    assert maritime.list_areas(workspace, ana) == []


def test_an_administrator_imports_no_area(workspace: Workspace) -> None:
    adam = make_user(workspace, "adam", IMMIGRATION, Role.ADMINISTRATOR)
    with pytest.raises(PermissionDenied):
        maritime.import_areas(workspace, adam, _file(), source="x.geojson")


def test_another_agencys_area_events_are_absent_from_every_event_read(
    workspace: Workspace,
) -> None:
    """Detection runs every area, but an area event reaches only readers of its area."""
    from portintel.services.maritime.behaviours import EventFilter, list_events
    from tests.behaviours.test_executor import day_one, store_positions

    # vessel 4 of day_one runs east along 6.0 N from 99.0 E at 9 kn and enters this box
    box = [[99.05, 5.9], [99.5, 5.9], [99.5, 6.1], [99.05, 6.1], [99.05, 5.9]]
    ana = make_user(workspace, "ana", IMMIGRATION, Role.ANALYST)
    mick = make_user(workspace, "mick", MARITIME, Role.ANALYST)
    sue = make_user(workspace, "sue", MARITIME, Role.SUPERVISOR)
    area = maritime.create_area(
        workspace, ana, name="Watched beach", geometry={"type": "Polygon", "coordinates": [box]}
    )
    store_positions(workspace, day_one())
    maritime.detect_behaviours(workspace)

    def area_events(actor: object) -> tuple[list[str], list[str]]:
        listed = list_events(workspace, actor, EventFilter())  # type: ignore[arg-type]
        mapped = maritime.event_layer(workspace, actor)  # type: ignore[arg-type]
        return (
            sorted(t for t in listed["type"].to_list() if t.startswith("area_")),
            sorted(e.type for e in mapped if e.type.startswith("area_")),
        )

    assert area_events(ana)[0] == area_events(ana)[1] != []
    assert area_events(sue) == area_events(ana)  # a supervisor reads every agency's areas
    assert area_events(mick) == ([], [])
    # the rest of the picture stays: mick still reads the other events
    others = list_events(workspace, mick, EventFilter())
    assert others.height > 0 and area.name not in " ".join(others["details"].to_list())
