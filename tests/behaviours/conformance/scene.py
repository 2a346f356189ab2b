"""The data both executors are run on: a hand-built scene with every event type, and a fleet.

The scene puts each behaviour where an executor that splits the work could
get it wrong: encounters across a cell edge (in latitude, and at a corner),
across midnight UTC while drifting from one cell into the next, and two
meetings an hour apart that merge into one; duplicate receptions; positions
with estimated times (left out by both). ``generated_fleet`` is seeded
random traffic with meeting pairs, for what a hand-built scene does not think of.
"""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from pathlib import Path

import numpy as np
import polars as pl

from portintel.adapters.trackstore import TrackStore
from portintel.domain.maritime.schema import POSITIONS, STATICS
from tests.behaviours.tracks import T0, fixes, frame

CELL_EDGE_LAT = 8.0
"""A cell edge of the default 0.5 degree encounter cells."""
PORT = (7.0, 100.0)
AREA = (5.0, 5.2, 98.0, 98.2)  # lat0, lat1, lon0, lon1
EVENING = T0.replace(hour=21)


def _at(
    start: datetime, minutes: float, count: int, lat: float, lon: float, **kw: object
) -> list[dict[str, object]]:
    return fixes(0, start, minutes, count, lat, lon, **kw)  # type: ignore[arg-type]


def _as(mmsi: int, rows: list[dict[str, object]]) -> list[dict[str, object]]:
    return [{**row, "mmsi": mmsi} for row in rows]


def scene_positions() -> pl.DataFrame:
    groups = [
        # gap: 8 h of silence near shore; a 13 h one far out (suspected disabling)
        fixes(101, T0, 10, 6, 6.0, 99.0, knots=9, shore_km=5.0),
        fixes(101, T0 + timedelta(hours=9), 10, 6, 6.3, 99.0, knots=9, shore_km=5.0),
        fixes(102, T0, 10, 6, 5.5, 101.0, knots=9, shore_km=120.0),
        fixes(102, T0 + timedelta(hours=14), 10, 6, 5.9, 101.0, knots=9, shore_km=130.0),
        # loitering: 5 h below 2 kn
        fixes(103, T0 + timedelta(hours=2), 10, 31, 7.3, 100.3, knots=0.5),
        # encounter at sea, inside one cell
        fixes(201, T0, 10, 19, 8.2, 101.2, knots=0.5),
        fixes(202, T0 + timedelta(minutes=2), 10, 19, 8.201, 101.2, knots=0.5),
        # encounter across a cell edge in latitude (8.0), 220 m apart
        fixes(203, T0, 10, 19, CELL_EDGE_LAT - 0.001, 101.7, knots=0.5),
        fixes(204, T0 + timedelta(minutes=3), 10, 19, CELL_EDGE_LAT + 0.001, 101.7, knots=0.5),
        # across a cell corner (9.0, 102.0)
        fixes(205, T0, 10, 19, 8.9991, 101.9991, knots=0.0),
        fixes(206, T0 + timedelta(minutes=1), 10, 19, 9.0009, 102.0009, knots=0.0),
        # across midnight, drifting east over the 102.5 edge at 1 kn for 4 h
        fixes(207, EVENING + timedelta(hours=1), 10, 25, 6.7, 102.47, knots=1),
        fixes(208, EVENING + timedelta(hours=1, minutes=4), 10, 25, 6.7013, 102.47, knots=1),
        # two meetings an hour apart: one encounter (merged)
        fixes(209, T0, 10, 37, 8.6, 100.8, knots=0.0),
        fixes(210, T0 + timedelta(minutes=5), 10, 16, 8.601, 100.8, knots=0.0),
        fixes(210, T0 + timedelta(hours=2, minutes=45), 10, 6, 8.64, 100.8, knots=0.0, sog=0.3),
        fixes(210, T0 + timedelta(hours=3, minutes=45), 10, 15, 8.601, 100.8, knots=0.0),
        # port visit: arrives from the east at 6 kn, stops 3 h, leaves
        fixes(301, T0, 10, 6, PORT[0], PORT[1] + 0.06, knots=6, bearing_deg=270),
        fixes(301, T0 + timedelta(hours=1), 10, 18, PORT[0], PORT[1] + 0.006, knots=0.0),
        fixes(
            301, T0 + timedelta(hours=4), 10, 8, PORT[0], PORT[1] + 0.006, knots=6, bearing_deg=90
        ),
        # two places at once: one MMSI, two transmitters 200 km apart
        fixes(404, T0, 10, 12, 5.3, 100.7, knots=8),
        fixes(404, T0 + timedelta(minutes=5), 10, 12, 7.1, 100.9, knots=8),
        # through an analyst's area, west to east
        fixes(501, T0, 10, 24, (AREA[0] + AREA[1]) / 2, AREA[2] - 0.1, knots=8),
        # a single fix 30 km off a steady track
        fixes(601, T0, 10, 12, 9.5, 99.5, knots=8),
    ]
    positions = frame(*groups)
    jump = positions.filter(pl.col("mmsi") == 601).slice(6, 1).with_columns(pl.col("lat") + 0.27)
    positions = pl.concat(
        [positions.filter(~((pl.col("mmsi") == 601) & (pl.col("ts") == jump["ts"][0]))), jump]
    )
    return positions


def store_positions(tracks_dir: Path, positions: pl.DataFrame, *, estimated: bool = False) -> None:
    stamped = positions.with_columns(
        pl.lit("conformance").alias("source"), pl.lit(estimated).alias("ts_estimated")
    )
    TrackStore(tracks_dir).write(POSITIONS, stamped)


def store_scene(data_dir: Path, tracks_dir: Path) -> None:
    positions = scene_positions()
    store_positions(tracks_dir, positions)
    # the same fixes of vessel 101 heard by a second station: counted once
    store_positions(
        tracks_dir,
        positions.filter(pl.col("mmsi") == 101).with_columns(pl.lit("station B").alias("raw")),
    )
    # times estimated from a file's date: no behaviour read from them
    store_positions(
        tracks_dir,
        frame(
            fixes(701, T0, 10, 3, 7.0, 99.5), fixes(701, T0 + timedelta(hours=9), 10, 3, 7.0, 99.5)
        ),
        estimated=True,
    )
    statics = pl.DataFrame(
        {
            "mmsi": [401, 401, 402, 403],
            "ts": [T0, T0 + timedelta(hours=5), T0, T0 + timedelta(hours=1)],
            "name": ["SEA STAR", "OCEAN STAR", "KOH KONG 1", "KOH KONG 2"],
            "imo": [9074729, 9074729, 9176187, 9176187],
            "source": ["conformance"] * 4,
            "raw": ["a", "b", "c", "d"],
        },
        schema_overrides={"ts": pl.Datetime("us", "UTC")},
    )
    TrackStore(tracks_dir).write(STATICS, statics)
    (data_dir / "ports.csv").write_text(
        "id,name,country,kind,lat,lon,source,licence\n"
        f"TEST,Test harbour,TH,fishing_harbour,{PORT[0]},{PORT[1]},test,CC0-1.0\n"
    )
    lat0, lat1, lon0, lon1 = AREA
    ring = [[lon0, lat0], [lon1, lat0], [lon1, lat1], [lon0, lat1], [lon0, lat0]]
    (data_dir / "areas").mkdir(parents=True, exist_ok=True)
    (data_dir / "areas" / "test.geojson").write_text(
        json.dumps(
            {
                "type": "Feature",
                "properties": {"id": "box", "name": "Test box"},
                "geometry": {"type": "Polygon", "coordinates": [ring]},
            }
        )
    )


def generated_fleet(vessels: int = 60, hours: int = 36, seed: int = 7) -> pl.DataFrame:
    """Seeded random traffic over the Gulf of Thailand: cruising, drifting and meeting pairs.

    Vessel ``2k + 1`` of a meeting pair drifts beside ``2k`` (within 100-400
    m) for its whole track, so meetings start anywhere, cross cells and midnight.
    """
    rng = np.random.default_rng(seed)
    start = int(T0.timestamp() * 1e6)
    parts = []
    for v in range(vessels):
        minutes = float(rng.choice([3.0, 6.0, 10.0]))
        n = int(hours * 60 / minutes)
        dt = np.full(n, minutes * 60e6) + rng.uniform(-20e6, 20e6, n)
        dt[0] = rng.uniform(0, 3600e6)
        if rng.random() < 0.3:  # a reception hole
            dt[rng.integers(1, n)] += rng.uniform(5, 14) * 3600e6
        ts = (start + np.cumsum(dt)).astype(np.int64)
        slow = rng.random() < 0.5
        knots = np.where(slow, rng.uniform(0.1, 1.5, n), rng.uniform(6, 14, n))
        heading = rng.uniform(0, 2 * np.pi) + np.cumsum(rng.normal(0, 0.05, n))
        step_km = knots * 1.852 * np.diff(ts, prepend=ts[0]) / 3600e6
        step_km = np.minimum(step_km, knots * 1.852)  # no leap across a hole
        lat = rng.uniform(6.0, 9.5) + np.cumsum(step_km * np.cos(heading)) / 111.2
        lon = rng.uniform(100.5, 103.0) + np.cumsum(step_km * np.sin(heading)) / 110.0
        parts.append(
            pl.DataFrame(
                {"mmsi": 900_000 + v, "ts": ts, "lat": lat, "lon": lon, "sog": np.round(knots, 1)}
            )
        )
    for k in range(0, vessels - 1, 2):
        if rng.random() < 0.5:
            leader = parts[k]
            offset = rng.uniform(0.001, 0.0035)
            parts[k + 1] = leader.with_columns(
                pl.lit(900_000 + k + 1).alias("mmsi"),
                pl.col("ts") + 20_000_000,
                pl.col("lat") + offset,
            )
    fleet = pl.concat(parts).with_columns(
        pl.col("mmsi").cast(pl.Int64), pl.col("ts").cast(pl.Datetime("us", "UTC"))
    )
    return fleet
