"""Real-data smoke: the real samples in shared/data/ais, as they are and made worse.

Each sample is ingested and detected in a fresh workspace as it is, with its
lines out of order, every line twice (a second receiver), and thinned to one
line in three (sparse reception). Nothing may crash, the duplicated copy must
store exactly what the original stores, and every event must be plausible:
about a vessel that was heard, in a real place, ending after it starts, and
meeting its own definition (gap hours, loitering speed, a port nearby, ...).
"""

from __future__ import annotations

import json
import random
from pathlib import Path

import polars as pl
import pytest

from portintel.domain.maritime.behaviour.common import EVENT_TYPES, EVENTS
from portintel.domain.maritime.schema import POSITIONS
from portintel.services.maritime import detect_behaviours, ingest_paths
from portintel.services.workspace import open_workspace
from portintel.settings import Settings
from tests.ais_samples import sample

SAMPLES = ("kystverket-1000.nm4", "marinetraffic-sample.nmea")


def _variant(lines: list[str], kind: str) -> list[str]:
    if kind == "out_of_order":
        shuffled = lines[:]
        random.Random(11).shuffle(shuffled)
        return shuffled
    if kind == "duplicated":
        return [line for line in lines for _ in range(2)]
    if kind == "sparse":
        return lines[::3]
    return lines


def _run(tmp_path: Path, name: str, lines: list[str]) -> tuple[pl.DataFrame, pl.DataFrame]:
    data_dir = tmp_path / name
    ws = open_workspace(Settings(data_dir=data_dir, database_url=None))
    try:
        path = tmp_path / f"{name}.nmea"
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
        ingest_paths(ws, [path])
        detect_behaviours(ws)
        with ws.tracks.reading():
            positions = ws.tracks.scan(POSITIONS).collect()
            events = (
                ws.tracks.scan(EVENTS).collect()
                if (ws.settings.tracks_dir / "events").exists()
                else pl.DataFrame(schema=dict(EVENTS.polars_schema))
            )
        # detecting again over the same data changes nothing
        assert detect_behaviours(ws).changed == 0
    finally:
        ws.close()
    return positions, events


def _assert_plausible(events: pl.DataFrame, positions: pl.DataFrame) -> None:
    heard = set(positions["mmsi"].drop_nulls().to_list())
    for row in events.iter_rows(named=True):
        assert row["type"] in EVENT_TYPES
        assert row["mmsi"] in heard or row["other_mmsi"] in heard
        if row["end"] is not None:
            assert row["end"] >= row["start"]
        if row["lat"] is not None:
            assert -90 <= row["lat"] <= 90 and -180 <= row["lon"] <= 180
        details = json.loads(row["details"] or "{}")
        if row["type"] == "gap":
            assert details["hours"] >= 6.0
        elif row["type"] == "loitering":
            assert details["hours"] >= 4.0 and details["average_speed_knots"] < 2.0
        elif row["type"] == "port_visit":
            assert details["entry_distance_km"] <= 3.0
        elif row["type"] == "encounter":
            assert row["other_mmsi"] is not None and row["other_mmsi"] != row["mmsi"]
        elif row["type"] == "implausible_jump":
            assert details["implied_speed_in_knots"] > 50.0


@pytest.mark.parametrize("name", SAMPLES)
def test_real_samples_as_they_are_and_made_worse(tmp_path: Path, name: str) -> None:
    lines = sample(name).read_text(encoding="utf-8", errors="replace").splitlines()
    results = {}
    for kind in ("original", "out_of_order", "duplicated", "sparse"):
        positions, events = _run(tmp_path, f"{kind}", _variant(lines, kind))
        _assert_plausible(events, positions)
        results[kind] = (positions, events)
    original, _ = results["original"]
    assert original.height > 100
    # a second receiver's copy of every line adds nothing
    duplicated, duplicated_events = results["duplicated"]
    # (a sample without receive times is timed from its file: compare the fixes, not times)
    key = ["mmsi", "lat", "lon", "sog"]
    assert duplicated.select(key).sort(key).equals(original.select(key).sort(key))
    assert duplicated_events.height == results["original"][1].height
    # out of order, the same fixes are kept (multi-sentence statics may break, not positions)
    shuffled, _ = results["out_of_order"]
    assert set(shuffled["mmsi"].drop_nulls().to_list()) <= set(original["mmsi"].to_list())
    assert shuffled.height >= original.height * 0.9
    sparse, _ = results["sparse"]
    assert 0 < sparse.height < original.height
