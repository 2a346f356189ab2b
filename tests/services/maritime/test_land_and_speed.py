"""Through the real ingest path: ports kept, absurd fixes refused, speeds judged fairly."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import polars as pl

from portintel.adapters.trackstore import TrackStore
from portintel.domain.maritime import quality
from portintel.domain.maritime.schema import POSITIONS, QUARANTINE
from portintel.services.maritime.ingest import LAND_CACHE_STEP, IngestProgress, ingest_paths
from portintel.services.workspace import Workspace
from tests.adapters.ais.nmea_samples import T0, sentences, tag
from tests.adapters.ais.test_land import PORTS_ON_LAND

MONGOLIA = (47.0, 103.0)


def tagged(fields: dict[str, Any], seconds: int) -> str:
    (line,) = sentences(fields)
    return tag(line, int(T0.timestamp()) + seconds)


def fix(mmsi: int, lat: float, lon: float, seconds: int = 0, msg_type: int = 1) -> str:
    fields = {"msg_type": msg_type, "mmsi": mmsi, "lat": lat, "lon": lon, "speed": 0.1}
    return tagged(fields, seconds)


def test_ports_are_kept_and_flagged_absurd_fixes_refused_stations_not_checked(
    workspace: Workspace, tmp_path: Path
) -> None:
    ports = {574100000 + i: point for i, point in enumerate(PORTS_ON_LAND.values())}
    lines = [fix(mmsi, lat, lon) for mmsi, (lat, lon) in ports.items()]
    lines += [
        fix(574000001, *MONGOLIA),  # a "vessel" in central Mongolia
        fix(574000002, 0.0, 0.0),  # the empty fix
        fix(574000003, 10.45, 103.30),  # at sea off Sihanoukville
        tagged({"msg_type": 4, "mmsi": 2573500, "lat": 47.0, "lon": 103.0}, 0),  # base station
        tagged({"msg_type": 9, "mmsi": 111257100, "lat": 47.0, "lon": 103.0, "alt": 900}, 0),
    ]
    path = tmp_path / "ports.nmea"
    path.write_text("\n".join(lines) + "\n", encoding="ascii")
    steps: list[IngestProgress] = []
    summary = ingest_paths(workspace, [path], progress=steps.append)
    land_steps = [step for step in steps if step.path == LAND_CACHE_STEP]
    assert land_steps and land_steps[-1].bytes_done == land_steps[-1].bytes_total
    store = TrackStore(workspace.settings.tracks_dir)
    stored = store.scan(POSITIONS).collect()
    refused = store.scan(QUARANTINE).collect()
    assert dict(zip(refused["mmsi"], refused["reason"], strict=True)) == {
        574000001: quality.POSITION_FAR_INLAND,
        574000002: quality.POSITION_AT_NULL_ISLAND,
    }
    assert summary.positions == len(ports) + 3
    at_ports = stored.filter(pl.col("mmsi").is_in(list(ports)))
    assert sorted(at_ports["mmsi"].to_list()) == sorted(ports)
    assert at_ports["on_land"].to_list() == [True] * len(ports)
    assert (at_ports["distance_to_shore_km"] < 300).all()
    at_sea = stored.filter(pl.col("mmsi") == 574000003)
    assert at_sea["on_land"].to_list() == [False]
    assert 5 < at_sea["distance_to_shore_km"][0] < 30
    stations = stored.filter(pl.col("msg_type").is_in([4, 9])).sort("msg_type")
    assert stations["msg_type"].to_list() == [4, 9]
    assert stations["on_land"].to_list() == [None, None]
    assert (stations["distance_to_shore_km"] > 1000).all()


def test_type_27_beside_type_1_and_a_40_knot_speedboat_are_kept(
    workspace: Workspace, tmp_path: Path
) -> None:
    lat, lon = 10 + 38.899 / 60, 103 + 30.299 / 60  # at anchor off Sihanoukville
    coarse_lat, coarse_lon = 10 + 38.8 / 60, 103 + 30.2 / 60  # the same, in 1/10 minute
    step = 40 / 60 / 120  # degrees of latitude in 30 s at 40 kn
    lines = [
        fix(574000010, lat, lon, 0),
        fix(574000010, coarse_lat, coarse_lon, 2, msg_type=27),
        fix(574000010, lat, lon, 4),
        *(fix(574000011, 10.2 + i * step, 103.2, 30 * i) for i in range(5)),
        fix(574000012, 10.2, 103.2, 0),  # a spike: 60 nm away 10 s later, then back
        fix(574000012, 11.2, 103.2, 10),
        fix(574000012, 10.2, 103.2, 20),
    ]
    path = tmp_path / "speeds.nmea"
    path.write_text("\n".join(lines) + "\n", encoding="ascii")
    ingest_paths(workspace, [path])
    store = TrackStore(workspace.settings.tracks_dir)
    stored = store.scan(POSITIONS).collect().sort("mmsi", "ts")
    refused = store.scan(QUARANTINE).collect()
    assert refused.select("mmsi", "line", "reason").rows() == [
        (574000012, 10, quality.IMPOSSIBLE_SPEED)
    ]
    anchored = stored.filter(pl.col("mmsi") == 574000010)
    assert anchored["msg_type"].to_list() == [1, 27, 1]
    assert anchored["speed_flag"].to_list() == [False, False, False]
    boat = stored.filter(pl.col("mmsi") == 574000011)
    assert boat.height == 5
    assert boat["speed_flag"].to_list() == [False, True, True, True, True]
    assert all(30 < speed < 40 for speed in boat["implied_speed_knots"].to_list()[1:])


def test_a_minute_resolution_archive_keeps_two_fixes_in_the_same_minute(
    workspace: Workspace, tmp_path: Path
) -> None:
    header = "MMSI,BaseDateTime,LAT,LON,SOG,COG,Heading,VesselName,IMO,CallSign,VesselType,Status"
    rows = [
        "574000020,2026-03-01T06:00:00,10.4500,103.30,12.0,0,0,,,,,0",
        "574000020,2026-03-01T06:00:00,10.4583,103.30,12.0,0,0,,,,,0",  # 0.5 nm on
        "574000020,2026-03-01T06:01:00,10.4500,103.30,12.0,180,180,,,,,0",  # and back
        "574000020,2026-03-01T06:02:00,10.4500,103.30,0.0,0,0,,,,,0",
    ]
    path = tmp_path / "AIS_2026_03_01.csv"
    path.write_text("\n".join([header, *rows]) + "\n", encoding="ascii")
    summary = ingest_paths(workspace, [path])
    assert summary.positions == 4
    assert summary.quarantined_total == 0
    stored = TrackStore(workspace.settings.tracks_dir).scan(POSITIONS).collect()
    assert stored["implied_speed_knots"].drop_nulls().max() < 30  # type: ignore[operator]
