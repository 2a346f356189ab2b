"""The map's layers at the size issue #11 asks for: 5,000 vessels and a day of positions.

Run: ``python3 benchmarks/map_layers.py`` (``--quick``: 500 vessels).
Builds a track store of N vessels reporting every 5 minutes for 24 hours
(1,440,000 positions at full size) with the track store adapter, then times,
over several runs, what the map asks for: the latest position of every
vessel (``services.maritime.latest_positions``: one lazy Polars scan and a
group-by) and one vessel's track simplified to 2,000 vertices from a day at
one fix a second (86,400 fixes, Douglas-Peucker in numpy). Beside them, from
the same run, the peer: the same latest positions as one GeoJSON Feature per
vessel (what a naive endpoint would send), its size against the compact
column answer. With ``--browser`` (the default at full size when Debian's
chromium is installed) the map page itself is timed in headless Chromium over
the same store (``_map_browser.py``): until it is drawn, a filter by vessel
and by event type, and the frame times while panning. The machine is shared:
the 1-minute load average and the CPU time are printed beside wall times.
Results go to ``results/map_layers.{md,json}``.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import polars as pl

from portintel.domain.actors import SYSTEM
from portintel.domain.maritime.schema import POSITIONS
from portintel.services import maritime
from portintel.services.workspace import open_workspace
from portintel.settings import Settings

HERE = Path(__file__).resolve().parent
RESULTS = HERE / "results"
T0 = datetime(2026, 3, 1, tzinfo=UTC)


def positions(vessels: int, fixes: int, step_s: int, seed: int = 11) -> pl.DataFrame:
    rng = np.random.default_rng(seed)
    mmsi = np.repeat(np.arange(vessels, dtype=np.int64) + 533_000_000, fixes)
    step = np.tile(np.arange(fixes), vessels)
    lat0 = np.repeat(rng.uniform(6.0, 12.0, vessels), fixes)
    lon0 = np.repeat(rng.uniform(99.5, 104.0, vessels), fixes)
    heading = np.repeat(rng.uniform(0, 2 * np.pi, vessels), fixes)
    distance = step * step_s * 10 * 0.514 / 111_000.0  # 10 knots, in degrees
    wobble = rng.normal(0, 0.0005, vessels * fixes)
    return pl.DataFrame(
        {
            "mmsi": mmsi,
            "ts": pl.Series(int(T0.timestamp() * 1e6) + step * step_s * 1_000_000).cast(
                pl.Datetime("us", "UTC")
            ),
            "lat": lat0 + distance * np.cos(heading) + wobble,
            "lon": lon0 + distance * np.sin(heading) + wobble,
            "sog": np.full(vessels * fixes, 10.0),
            "cog": np.degrees(heading) % 360,
            "msg_type": np.full(vessels * fixes, 1, dtype=np.int8),
            "source": ["benchmark"] * (vessels * fixes),
            "line": step,
        }
    )


def timed(function, runs: int) -> tuple[float, float, object]:  # type: ignore[no-untyped-def]
    times, result = [], None
    for _ in range(runs):
        started = time.perf_counter()
        result = function()
        times.append(time.perf_counter() - started)
    return statistics.median(times), min(times), result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="500 vessels, 3 runs")
    parser.add_argument(
        "--browser",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="time the map page in headless Chromium (default: on at full size)",
    )
    arguments = parser.parse_args()
    vessels, runs = (500, 3) if arguments.quick else (5_000, 7)
    browser = (not arguments.quick) if arguments.browser is None else arguments.browser
    load_before = os.getloadavg()[0]
    cpu_started = time.process_time()
    page: dict[str, object] = {}
    with tempfile.TemporaryDirectory() as folder:
        settings = Settings(
            data_dir=Path(folder) / "data", database_url=f"sqlite:///{folder}/p.sqlite"
        )
        ws = open_workspace(settings)
        started = time.perf_counter()
        store = ws.tracks
        fleet = positions(vessels, 288, 300)
        long_track = positions(1, 86_400, 1, seed=12).with_columns(
            pl.lit(533_999_999).alias("mmsi")
        )
        written = store.write(POSITIONS, fleet) + store.write(POSITIONS, long_track)  # type: ignore[attr-defined]
        build_s = time.perf_counter() - started

        latest_median, latest_best, latest = timed(
            lambda: maritime.latest_positions(ws, SYSTEM), runs
        )
        compact = json.dumps(latest.columns, separators=(",", ":"))  # type: ignore[attr-defined]
        columns = latest.columns  # type: ignore[attr-defined]
        geojson = json.dumps(
            {
                "type": "FeatureCollection",
                "features": [
                    {
                        "type": "Feature",
                        "geometry": {
                            "type": "Point",
                            "coordinates": [columns["lon"][i], columns["lat"][i]],
                        },
                        "properties": {
                            k: columns[k][i] for k in ("mmsi", "ts", "sog", "cog", "name")
                        },
                    }
                    for i in range(len(columns["mmsi"]))
                ],
            },
            separators=(",", ":"),
        )
        track_median, track_best, track = timed(
            lambda: maritime.vessel_track(ws, SYSTEM, 533_999_999, max_points=2_000), runs
        )
        ws.close()
        server_cpu_s = time.process_time() - cpu_started
        load_server = os.getloadavg()[0]
        if browser:
            from _map_browser import measure

            chosen = fleet.filter(pl.col("mmsi") == 533_000_007)
            page = measure(settings, 533_000_007, chosen)
    figures = {
        "when": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": f"{platform.machine()}, {os.cpu_count()} cores, "
        f"Python {platform.python_version()}",
        "load_1min_start": round(load_before, 2),
        "load_1min_after_layers": round(load_server, 2),
        "load_1min_end": round(os.getloadavg()[0], 2),
        "layers_cpu_s": round(server_cpu_s, 1),
        "vessels": vessels,
        "positions": written,
        "build_s": round(build_s, 2),
        "latest_positions_median_s": round(latest_median, 3),
        "latest_positions_best_s": round(latest_best, 3),
        "latest_vessels": latest.count,  # type: ignore[attr-defined]
        "compact_bytes": len(compact),
        "geojson_bytes": len(geojson),
        "track_fixes": track.points_total,  # type: ignore[attr-defined]
        "track_kept": track.points_kept,  # type: ignore[attr-defined]
        "track_tolerance_m": track.tolerance_m,  # type: ignore[attr-defined]
        "track_median_s": round(track_median, 3),
        "track_best_s": round(track_best, 3),
        **{
            f"page_{key}" if not key.startswith("page") else key: value
            for key, value in page.items()
        },
    }
    for key, value in figures.items():
        print(f"{key:28} {value}")
    if not arguments.quick:
        RESULTS.mkdir(exist_ok=True)
        (RESULTS / "map_layers.json").write_text(json.dumps(figures, indent=2) + "\n")
        rows = "\n".join(f"| {key} | {value} |" for key, value in figures.items())
        (RESULTS / "map_layers.md").write_text(
            "# Map layers (issue #11)\n\n`python3 benchmarks/map_layers.py`; "
            "the GeoJSON size is the peer (one Feature per vessel). `page_*`: the map page "
            "in headless Chromium (software GL, `--disable-gpu`) over the same store; frame "
            "times while panning with 5,000 vessels drawn (clustered). Wall times on a "
            "shared 2-core machine: read them beside the load average.\n\n"
            f"| figure | value |\n| --- | --- |\n{rows}\n"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
