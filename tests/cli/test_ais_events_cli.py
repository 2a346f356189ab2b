"""``portintel ais detect`` and ``portintel ais events``, run in process."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from portintel.cli.app import app
from portintel.cli.context import built, console
from portintel.errors import ConfigurationError, InvalidInput
from portintel.services.workspace import open_workspace
from portintel.settings import load_settings
from tests.behaviours.test_executor import day_one, store_positions


@pytest.fixture
def data_dir(tmp_path: Path, database_url: str, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("PORTINTEL_DATABASE_URL", database_url)
    monkeypatch.setattr(built(console), "width", 200)
    node = tmp_path / "node"
    ws = open_workspace(load_settings(node))
    try:
        store_positions(ws, day_one())
    finally:
        ws.close()
    return node


def _run(data_dir: Path, *args: str) -> Result:
    return CliRunner().invoke(app, ["--data-dir", str(data_dir), "ais", *args], terminal_width=200)


def test_detect_then_list_in_every_format(data_dir: Path) -> None:
    detected = _run(data_dir, "detect")
    assert detected.exit_code == 0, detected.output
    assert "events new or changed" in detected.stdout and "encounter" in detected.stdout
    again = _run(data_dir, "detect")
    assert "vessels recomputed" in again.stdout

    table = _run(data_dir, "events")
    assert table.exit_code == 0, table.output
    assert "encounter" in table.stdout and "gap" in table.stdout

    lines = _run(data_dir, "events", "--format", "jsonl").stdout.splitlines()
    records = [json.loads(line) for line in lines]
    assert {r["type"] for r in records} == {"gap", "encounter"}
    encounter = next(r for r in records if r["type"] == "encounter")
    assert (encounter["mmsi"], encounter["other_mmsi"]) == (2, 3)
    assert encounter["details"]["median_distance_m"] < 500
    assert encounter["parameters"]["max_distance_m"] == 500

    rows = list(csv.DictReader(io.StringIO(_run(data_dir, "events", "--format", "csv").stdout)))
    assert {"type", "mmsi", "other_mmsi", "start", "end", "lat", "lon"} <= set(rows[0])

    collection = json.loads(_run(data_dir, "events", "--format", "geojson").stdout)
    assert collection["type"] == "FeatureCollection"
    assert all(f["geometry"]["type"] == "Point" for f in collection["features"])

    gaps = _run(data_dir, "events", "--type", "gap", "--format", "jsonl").stdout.splitlines()
    assert [json.loads(line)["mmsi"] for line in gaps] == [4]
    by_mmsi = _run(data_dir, "events", "--mmsi", "3", "--format", "jsonl").stdout.splitlines()
    assert [json.loads(line)["type"] for line in by_mmsi] == ["encounter"]
    later = _run(data_dir, "events", "--since", "2026-03-05", "--format", "jsonl")
    assert later.stdout == ""


def test_bad_options_are_refused_with_the_reason(data_dir: Path) -> None:
    for args, message in (
        (("events", "--type", "party"), "unknown event type"),
        (("detect", "--since", "yesterday"), "is not a date"),
        (("events", "--mmsi", "abc"), "is not a number"),
    ):
        result = _run(data_dir, *args)
        assert isinstance(result.exception, InvalidInput), result.output
        assert message in str(result.exception)


def test_a_bad_threshold_file_is_refused_naming_file_line_and_field(data_dir: Path) -> None:
    (data_dir / "behaviours.yaml").write_text("gap:\n  min_hours: soon\n")
    result = _run(data_dir, "detect")
    assert isinstance(result.exception, ConfigurationError)
    assert "behaviours.yaml line 2: gap.min_hours" in str(result.exception)
