"""``portintel ais areas import``: good features stored (and used by detection), bad ones named."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from portintel.cli.app import app
from portintel.cli.context import built, console
from portintel.domain.actors import Role
from portintel.services.workspace import open_workspace
from portintel.settings import load_settings
from tests.behaviours.test_executor import day_one, store_positions
from tests.services.staff import IMMIGRATION, make_user

# vessel 4 of day_one runs east along 6.0 N from 99.0 E at 9 kn: it enters this box
BOX = [[99.05, 5.9], [99.5, 5.9], [99.5, 6.1], [99.05, 6.1], [99.05, 5.9]]


@pytest.fixture
def data_dir(tmp_path: Path, database_url: str, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("PORTINTEL_DATABASE_URL", database_url)
    monkeypatch.setattr(built(console), "width", 200)
    node = tmp_path / "node"
    ws = open_workspace(load_settings(node))
    try:
        make_user(ws, "ana", IMMIGRATION, Role.ANALYST)
        store_positions(ws, day_one())
    finally:
        ws.close()
    return node


def _run(data_dir: Path, *args: str) -> Result:
    return CliRunner().invoke(app, ["--data-dir", str(data_dir), "ais", *args], terminal_width=200)


def test_import_names_refused_features_and_detection_uses_the_rest(
    data_dir: Path, tmp_path: Path
) -> None:
    path = tmp_path / "zones.geojson"
    path.write_text(
        json.dumps(
            {
                "type": "FeatureCollection",
                "features": [
                    {"type": "Feature", "properties": {"name": "Approach"},
                     "geometry": {"type": "Polygon", "coordinates": [BOX]}},
                    {"type": "Feature", "properties": {"name": "Broken"},
                     "geometry": {"type": "Polygon", "coordinates": [[[99, 6], [99, 95]]]}},
                ],
            }
        )
    )  # fmt: skip
    imported = _run(data_dir, "areas", "import", str(path), "--as", "ana")
    assert imported.exit_code == 2, imported.output
    assert "zones.geojson: 1 areas imported, 1 features refused" in imported.output
    assert "feature 1: ring 1, vertex 2 has latitude 95.0 outside -90..90" in imported.output

    assert _run(data_dir, "detect").exit_code == 0
    events = _run(data_dir, "events", "--type", "area_entry", "--format", "jsonl")
    (event,) = [json.loads(line) for line in events.output.splitlines() if line.strip()]
    assert event["mmsi"] == 4 and event["details"]["area_name"] == "Approach"


def test_import_of_a_missing_file_or_as_nobody_says_so(data_dir: Path, tmp_path: Path) -> None:
    missing = _run(data_dir, "areas", "import", str(tmp_path / "none.geojson"), "--as", "ana")
    assert missing.exit_code == 1 and "cannot read" in str(missing.exception)
    (tmp_path / "a.geojson").write_text('{"type": "FeatureCollection", "features": []}')
    nobody = _run(data_dir, "areas", "import", str(tmp_path / "a.geojson"), "--as", "nobody")
    assert nobody.exit_code == 1


def test_detect_rewrites_a_lost_areas_file_from_the_database(
    data_dir: Path, tmp_path: Path
) -> None:
    """The database is the record: an areas file lost (or from before it existed) is repaired."""
    path = tmp_path / "zones.geojson"
    feature = {"type": "Feature", "properties": {"name": "Approach"},
               "geometry": {"type": "Polygon", "coordinates": [BOX]}}  # fmt: skip
    path.write_text(json.dumps({"type": "FeatureCollection", "features": [feature]}))
    assert _run(data_dir, "areas", "import", str(path), "--as", "ana").exit_code == 0
    written = data_dir / "areas" / "analyst-areas.geojson"
    assert written.is_file()
    written.unlink()

    assert _run(data_dir, "detect").exit_code == 0
    assert written.is_file()
    events = _run(data_dir, "events", "--type", "area_entry", "--format", "jsonl")
    assert [json.loads(line)["details"]["area_name"] for line in events.output.splitlines()] == [
        "Approach"
    ]
    # an unchanged file is not written again
    before = written.stat().st_mtime_ns
    assert _run(data_dir, "detect").exit_code == 0
    assert written.stat().st_mtime_ns == before
