"""A small maritime picture: three ships heard on AIS off Sihanoukville, one stored event.

Ingested through ``services.maritime.ingest_paths`` exactly as a file
would be; the event is written where detection stores events (the track
store's ``events`` dataset) with the columns the picture reads.
"""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

import polars as pl

from portintel.services.maritime import ingest_paths
from portintel.services.maritime.picture import EVENTS
from portintel.services.workspace import Workspace
from tests.adapters.ais.nmea_samples import SEA, T0, position, static

FISHER, FREIGHTER, TANKER = 574000001, 574000002, 574000003
FIXES_PER_VESSEL = 60  # one every 10 minutes for ten hours


def write_sample(ws: Workspace, folder: Path) -> None:
    lines: list[str] = []
    for number, mmsi in enumerate((FISHER, FREIGHTER, TANKER)):
        for step in range(FIXES_PER_VESSEL):
            # the fisher zig-zags (a shape to keep), the others run straight west, at sea
            north = 0.02 * (step % 2) if mmsi == FISHER else 0.0
            lat, lon = SEA[0] - 0.3 * number + north, SEA[1] - 0.01 * step
            lines.append(position(mmsi, lat, lon, seconds=600 * step))
    lines += static(FISHER, "SEA STAR", 9074729, seconds=60)
    lines += static(FISHER, "OCEAN STAR", 9074729, seconds=7200)  # renamed two hours later
    lines += static(FREIGHTER, "MOTHER SHIP", 9074729, seconds=60)
    path = folder / "sample.nmea"
    path.write_text("\n".join(lines) + "\n")
    ingest_paths(ws, [path], source="rx-test")


def write_events(ws: Workspace) -> None:
    """An encounter of the fisher and the freighter, then the fisher's port visit,
    as detection would store them."""
    meeting = [
        [(T0 + timedelta(hours=h)).isoformat(), SEA[0] - 0.15, SEA[1] - 0.2 + 0.001 * h, 0.4]
        for h in (2, 3, 4, 5)
    ]
    frame = pl.DataFrame(
        {
            "event_id": ["ev-encounter", "ev-visit"],
            "type": ["encounter", "port_visit"],
            "mmsi": [FISHER, FISHER],
            "other_mmsi": [FREIGHTER, None],
            "start": [T0 + timedelta(hours=2), T0 + timedelta(hours=8)],
            "end": [T0 + timedelta(hours=5), T0 + timedelta(hours=9)],
            "lat": [SEA[0] - 0.15, SEA[0]],
            "lon": [SEA[1] - 0.2, SEA[1] - 0.5],
            "details": [json.dumps({"distance_m": 320}), json.dumps({"port": "Koh Rong"})],
            "parameters": [json.dumps({"max_distance_m": 500}), json.dumps({"entry_km": 3})],
            "evidence": [json.dumps(meeting), None],
        }
    )
    day = ws.settings.tracks_dir / EVENTS.name / f"day={T0.date().isoformat()}"
    day.mkdir(parents=True, exist_ok=True)
    EVENTS.conform(frame).write_parquet(day / "part-0.parquet")
