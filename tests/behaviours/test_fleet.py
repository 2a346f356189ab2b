"""The whole-fleet path gives the per-vessel kernels' events, row for row.

``detect`` finds every vessel's events at once (``behaviour/fleet.py``); the
per-vessel kernels, run track by track as the Spark executor runs them, are
the reference. Generated fleets carry what makes the shortcuts fall back:
spoofed MMSIs (two transmitters), jumps, silences over a day, duplicate and
out-of-order receptions, fixes at one time in two places, unreported speeds,
one-fix segments, port calls and an area.
"""

from __future__ import annotations

import json
import os
from dataclasses import replace
from datetime import UTC, datetime
from functools import partial

import numpy as np
import polars as pl
import pytest

from portintel.domain.maritime.behaviour import BehaviourSettings, detect
from portintel.domain.maritime.behaviour import fleet as fleet_module
from portintel.domain.maritime.behaviour.area import detect_area_crossings, load_areas
from portintel.domain.maritime.behaviour.common import (
    EventRow,
    events_frame,
    haversine_km,
    prepare_positions,
    tracks_of,
)
from portintel.domain.maritime.behaviour.encounter import detect_encounters
from portintel.domain.maritime.behaviour.fleet import (
    detect_segmented,
    fleet_of,
    fleet_part,
    fleet_parts,
    segment_fleet,
)
from portintel.domain.maritime.behaviour.gap import detect_gaps
from portintel.domain.maritime.behaviour.identity_change import detect_two_places
from portintel.domain.maritime.behaviour.implausible_jump import detect_jumps
from portintel.domain.maritime.behaviour.loitering import detect_loitering
from portintel.domain.maritime.behaviour.port_visit import detect_port_visits
from portintel.domain.maritime.behaviour.ports import Gazetteer, Port
from portintel.domain.maritime.behaviour.segments import assign_segments, segments_frame
from portintel.services.maritime import behaviours

T0 = int(datetime(2026, 3, 1, tzinfo=UTC).timestamp() * 1e6)
PORTS = Gazetteer(
    (
        Port("P1", "North harbour", "TH", "port", 7.0, 100.0, "test", "CC0-1.0"),
        Port("P2", "South anchorage", "TH", "anchorage", 7.02, 100.03, "test", "CC0-1.0"),
    )
)
AREA = {
    "type": "Polygon",
    "coordinates": [[[100.1, 7.1], [100.4, 7.1], [100.4, 7.4], [100.1, 7.4], [100.1, 7.1]]],
}


def fleet(seed: int, vessels: int = 40, fixes: int = 300) -> pl.DataFrame:
    """Vessels around the two ports: transits, stops, silences, and the odd bad fix."""
    rng = np.random.default_rng(seed)
    parts = []
    for v in range(vessels):
        dt = rng.choice([60.0, 120.0, 600.0]) + rng.uniform(-5, 5, fixes)
        knots = rng.uniform(6, 14) * np.ones(fixes)
        stop = rng.integers(0, fixes - 60)
        at_port = v % 8 == 0  # starts stopped at a port: a port visit
        if at_port:
            stop = 0
        # stops: slow, often below port visits' stop speed (0.2 kn: passing by a port
        # without stopping is no visit)
        knots[stop : stop + rng.integers(20, 60)] = rng.uniform(0.0, 1.5) ** 2 / 1.5
        if rng.random() < 0.3:  # silences: a gap, or over a day (a new segment)
            dt[rng.integers(1, fixes)] += rng.choice([7.0, 30.0]) * 3600
        heading = rng.uniform(0, 2 * np.pi) + np.cumsum(rng.normal(0, 0.05, fixes))
        km = knots * 1.852 * np.minimum(dt, 900) / 3600
        lat0, lon0 = 7.0 + rng.uniform(-0.05, 0.3), 100.0 + rng.uniform(-0.05, 0.3)
        if at_port:
            lat0, lon0 = 7.005, 100.005
        lat = lat0 + np.cumsum(km * np.cos(heading)) / 111.2
        lon = lon0 + np.cumsum(km * np.sin(heading)) / 110.0
        ts = T0 + (np.cumsum(dt) * 1e6).astype(np.int64)
        sog = np.round(knots + rng.normal(0, 0.1, fixes), 1)
        sog[rng.random(fixes) < 0.1] = np.nan  # not reported: implied speeds
        if rng.random() < 0.15:  # one bad fix far away (a jump)
            k = rng.integers(1, fixes - 1)
            lat[k] += 1.5
        if rng.random() < 0.1:  # a second transmitter on the MMSI (two places)
            lat2 = lat + 1.0
            ts2 = ts + 30_000_000
            lat, lon = np.concatenate([lat, lat2]), np.concatenate([lon, lon])
            ts, sog = np.concatenate([ts, ts2]), np.concatenate([sog, sog])
        part = pl.DataFrame(
            {
                "mmsi": np.full(ts.size, 567_000_000 + v, dtype=np.int64),
                "ts": ts,
                "lat": lat,
                "lon": lon,
                "sog": sog,
                "distance_to_shore_km": rng.uniform(0, 200, ts.size),
            }
        ).with_columns(pl.col("sog").fill_nan(None))
        parts.append(part)
    frame = pl.concat(parts)
    # duplicate receptions, fixes at one time in two places, out of order
    again = frame.sample(n=200, seed=seed)
    moved = frame.sample(n=4, seed=seed + 1).with_columns(pl.col("lat") + 0.01)
    frame = pl.concat([frame, again, moved]).sample(fraction=1.0, shuffle=True, seed=seed)
    return frame.with_columns(pl.col("ts").cast(pl.Datetime("us", "UTC")))


def per_vessel(
    positions: pl.DataFrame, settings: BehaviourSettings, areas: list[object]
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """The reference: every kernel on one track at a time."""
    prepared = prepare_positions(positions)
    tracks = tracks_of(prepared)
    rows: list[EventRow] = []
    for track in tracks:
        assign_segments(track, settings.segments)
        rows += detect_gaps(track, settings)
        rows += detect_loitering(track, settings)
        rows += detect_port_visits(track, settings, PORTS)
        rows += detect_jumps(track, settings)
        rows += detect_two_places(track, settings)
        rows += detect_area_crossings(track, settings, areas)  # type: ignore[arg-type]
    rows += detect_encounters(tracks, settings, PORTS)
    return events_frame(rows), segments_frame(tracks)


def as_stored(positions: pl.DataFrame) -> pl.DataFrame:
    """In the track store's order: by day, then vessel and time (the path without a sort)."""
    return positions.sort(pl.col("ts").dt.date(), "mmsi", "ts", "lat", "lon", maintain_order=True)


@pytest.mark.parametrize(("seed", "order"), [(1, "shuffled"), (2, "stored"), (3, "stored")])
def test_the_fleet_path_gives_the_per_vessel_events(seed: int, order: str) -> None:
    settings = BehaviourSettings()
    areas = load_areas(json.dumps(AREA), source="area.geojson")
    positions = fleet(seed) if order == "shuffled" else as_stored(fleet(seed))
    expected, segments = per_vessel(positions, settings, areas)  # type: ignore[arg-type]
    found = detect(positions, None, settings, PORTS, areas)
    kinds = set(expected["type"].to_list())
    assert {"gap", "loitering", "port_visit", "implausible_jump", "area_entry"} <= kinds
    assert "two_places" in "".join(expected["details"].to_list())
    assert found.events.equals(expected)
    assert found.segments.equals(segments)


def test_the_fleet_path_follows_changed_thresholds() -> None:
    settings = BehaviourSettings()
    settings = replace(
        settings,
        segments=replace(settings.segments, max_silence_hours=0.05),
        loitering=replace(settings.loitering, min_hours=0.5, max_fix_interval_hours=0.1),
        implausible_jump=replace(settings.implausible_jump, min_implied_speed_knots=20.0),
        identity_change=replace(settings.identity_change, two_places_max_minutes=60.0),
    )
    positions = fleet(7, vessels=20)
    expected, segments = per_vessel(positions, settings, [])
    found = detect(positions, None, settings, PORTS)
    assert found.events.height > 0
    assert found.events.equals(expected)
    assert found.segments.equals(segments)


@pytest.mark.parametrize(("seed", "parts"), [(4, 2), (5, 3)])
def test_a_fleet_worked_on_in_parts_gives_the_same_events(
    seed: int, parts: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The executor's per-vessel stage in parts (forked workers) and the per-vessel kernels."""
    settings = BehaviourSettings()
    areas = load_areas(json.dumps(AREA), source="area.geojson")
    positions = as_stored(fleet(seed))
    expected, _ = per_vessel(positions, settings, areas)  # type: ignore[arg-type]
    expected = expected.filter(pl.col("type") != "encounter")
    monkeypatch.setattr(behaviours, "PARALLEL_MIN_FIXES", 0)
    monkeypatch.setattr(fleet_module, "STEP_CHUNK", 97)  # the speed screen in many chunks
    monkeypatch.setattr(behaviours, "_cores", lambda: parts)
    ranges = fleet_parts(fleet_of(positions), parts)
    assert len(ranges) == parts
    found = behaviours.vessel_events(fleet_of(positions), settings, PORTS, areas)
    assert found.height > 0
    assert found.equals(expected)
    # the same parts worked on here, one after the other
    whole = fleet_of(positions)
    steps = segment_fleet(whole, settings)
    rows = [
        row
        for lo, hi in ranges
        for row in detect_segmented(*fleet_part(whole, steps, lo, hi), settings, PORTS, areas)
    ]
    assert events_frame(rows).equals(expected)


def test_forked_tasks_come_back_in_order_and_a_failed_one_is_done_again_here() -> None:
    parent = os.getpid()

    def where(k: int) -> tuple[int, bool]:
        return k, os.getpid() != parent

    assert behaviours.in_forks([partial(where, k) for k in range(3)]) == [
        (0, False),
        (1, True),
        (2, True),
    ]

    def fails_in_a_child() -> str:
        if os.getpid() != parent:
            raise RuntimeError("lost")
        return "done here"

    assert behaviours.in_forks([lambda: "first", fails_in_a_child]) == ["first", "done here"]
    with pytest.raises(ZeroDivisionError):
        behaviours.in_forks([lambda: 1, lambda: 1 // 0])


def test_the_points_near_a_port_are_those_nearest_finds(monkeypatch: pytest.MonkeyPatch) -> None:
    """``Gazetteer.near`` (sparse, the raster looked up in chunks) against the brute force."""
    from portintel.domain.maritime.behaviour import ports

    monkeypatch.setattr(ports, "RASTER_CHUNK", 97)
    rng = np.random.default_rng(3)
    lat = 7.0 + rng.normal(0.0, 0.05, 2_000)
    lon = 100.0 + rng.normal(0.0, 0.05, 2_000)
    lat[::50] = np.nan  # a missing position is near nothing
    points, index, km = PORTS.near(lat, lon, 3.0)
    assert 0 < points.size < lat.size
    everywhere = haversine_km(lat[:, None], lon[:, None], PORTS.lat[None, :], PORTS.lon[None, :])
    with np.errstate(invalid="ignore"):
        expected = np.flatnonzero(np.nanmin(np.nan_to_num(everywhere, nan=np.inf), axis=1) <= 3.0)
    assert points.tolist() == expected.tolist()
    assert index.tolist() == everywhere[points].argmin(axis=1).tolist()
    assert np.allclose(km, everywhere[points].min(axis=1), rtol=1e-12)
    full_index, full_km = PORTS.nearest(lat, lon, within_km=3.0)
    assert np.array_equal(np.flatnonzero(full_index >= 0), points)
    assert np.array_equal(full_km[points], km)
