"""Encounters: two vessels within ``max_distance_m`` for ``min_hours``, both slow, away from ports.

1. Each segment is resampled to a ``resample_minutes`` grid, interpolating
   linearly between two fixes only when they are at most
   ``max_interpolation_gap_hours`` apart (never across a silence).
2. Samples faster than ``max_speed_knots`` or within ``min_port_distance_km``
   of a gazetteer entry are dropped.
3. Samples are put in space cells of ``cell_degrees``; a sample within
   ``max_distance_m`` of a cell edge is also put in the neighbouring cell(s),
   so two vessels either side of an edge still meet in one cell. Pairs are
   compared only within a cell and a time step.
4. Per pair, runs of consecutive close samples of at least ``min_hours`` are
   kept, and runs less than ``merge_gap_hours`` apart become one encounter.
   Its start and end are half a step outside the first and last close
   samples: the vessels met somewhere between two steps.

The event is stored once per pair: ``mmsi`` the lower MMSI, ``other_mmsi``
the higher. The antimeridian is not handled (cells do not wrap).
"""

from __future__ import annotations

import json
from collections.abc import Sequence

import numpy as np
import polars as pl

from portintel.domain.maritime.behaviour.common import (
    KNOT_KMH,
    EventRow,
    Track,
    haversine_km,
    micros_to_datetime,
    segment_indices,
)
from portintel.domain.maritime.behaviour.ports import Gazetteer
from portintel.domain.maritime.behaviour.settings import BehaviourSettings

SAMPLE_SCHEMA = {
    "mmsi": pl.Int64,
    "t": pl.Int64,
    "lat": pl.Float64,
    "lon": pl.Float64,
    "speed": pl.Float64,
}


def resample(track: Track, step_us: int, max_gap_us: int) -> pl.DataFrame:
    """:func:`resample_arrays` as a frame of :data:`SAMPLE_SCHEMA`."""
    return samples_frame([resample_arrays(track, step_us, max_gap_us)])


def samples_frame(parts: Sequence[tuple[np.ndarray, ...]]) -> pl.DataFrame:
    parts = [p for p in parts if p[0].size]
    if not parts:
        return pl.DataFrame(schema=SAMPLE_SCHEMA)
    frame = pl.DataFrame(
        {name: np.concatenate([p[k] for p in parts]) for k, name in enumerate(SAMPLE_SCHEMA)},
        schema=SAMPLE_SCHEMA,
    )
    # two segments of one MMSI may cover one time step: keep the first
    return frame.unique(subset=["mmsi", "t"], keep="first", maintain_order=True)


def resample_arrays(track: Track, step_us: int, max_gap_us: int) -> tuple[np.ndarray, ...]:
    """Samples of ``track`` every ``step_us``, never across a silence over ``max_gap_us``."""
    parts: list[tuple[np.ndarray, ...]] = []
    for idx in segment_indices(track):
        ts = track.ts[idx]
        if ts.size == 0:
            continue
        first = -(-int(ts[0]) // step_us) * step_us
        grid = np.arange(first, int(ts[-1]) + 1, step_us, dtype=np.int64)
        if grid.size == 0:
            continue
        k = np.searchsorted(ts, grid, side="right") - 1
        exact = ts[k] == grid
        nxt = np.minimum(k + 1, ts.size - 1)
        span = ts[nxt] - ts[k]
        ok = exact | ((nxt > k) & (span <= max_gap_us))
        grid, k, nxt, span, exact = grid[ok], k[ok], nxt[ok], span[ok], exact[ok]
        a, b = idx[k], idx[nxt]
        w = np.where(exact | (span == 0), 0.0, (grid - ts[k]) / np.where(span == 0, 1, span))
        lat = track.lat[a] + (track.lat[b] - track.lat[a]) * w
        lon = track.lon[a] + (track.lon[b] - track.lon[a]) * w
        sog_a, sog_b = track.sog[a], track.sog[b]
        hours = span / 3600e6
        with np.errstate(divide="ignore", invalid="ignore"):
            implied = np.where(
                hours > 0,
                haversine_km(track.lat[a], track.lon[a], track.lat[b], track.lon[b])
                / KNOT_KMH
                / hours,
                0.0,
            )
        reported = np.where(exact, sog_a, sog_a + (sog_b - sog_a) * w)
        speed = np.where(np.isnan(reported), implied, reported)
        parts.append((np.full(grid.size, track.mmsi, dtype=np.int64), grid, lat, lon, speed))
    if not parts:
        empty = np.zeros(0)
        return (empty.astype(np.int64), empty.astype(np.int64), empty, empty, empty)
    return tuple(np.concatenate([p[k] for p in parts]) for k in range(5))


_samples_frame = samples_frame  # the name before issue #11's fleet path


def _with_cells(samples: pl.DataFrame, cell: float, margin_km: float) -> pl.DataFrame:
    """Each sample in its own cell and every neighbour it lies within ``margin_km`` of."""
    margin_lat = margin_km / 111.0
    cos = pl.col("lat").radians().cos().clip(0.01, 1.0)
    margin_lon = pl.lit(margin_km / 111.32) / cos
    base = samples.with_columns(
        (pl.col("lat") / cell).floor().cast(pl.Int64).alias("clat"),
        (pl.col("lon") / cell).floor().cast(pl.Int64).alias("clon"),
    )
    flat = pl.col("lat") - pl.col("clat") * cell
    flon = pl.col("lon") - pl.col("clon") * cell
    copies = []
    for dlat in (-1, 0, 1):
        for dlon in (-1, 0, 1):
            condition = pl.lit(True)
            if dlat == -1:
                condition &= flat <= margin_lat
            elif dlat == 1:
                condition &= flat >= cell - margin_lat
            if dlon == -1:
                condition &= flon <= margin_lon
            elif dlon == 1:
                condition &= flon >= cell - margin_lon
            copies.append(
                base.filter(condition).with_columns(
                    (pl.col("clat") + dlat).alias("clat"), (pl.col("clon") + dlon).alias("clon")
                )
            )
    return pl.concat(copies)


def close_pairs(samples: pl.DataFrame, settings: BehaviourSettings) -> pl.DataFrame:
    """Samples of two vessels close together: ``mmsi_a, mmsi_b, t, lat_a, ..., distance_m``."""
    config = settings.encounter
    celled = _with_cells(samples, config.cell_degrees, config.max_distance_m / 1000.0)
    left = celled.rename({c: f"{c}_a" for c in ("mmsi", "lat", "lon", "speed")})
    right = celled.rename({c: f"{c}_b" for c in ("mmsi", "lat", "lon", "speed")})
    joined = left.join(right, on=["clat", "clon", "t"]).filter(pl.col("mmsi_a") < pl.col("mmsi_b"))
    if joined.height == 0:
        return joined.with_columns(pl.lit(0.0).alias("distance_m"))
    distance = (
        haversine_km(
            joined["lat_a"].to_numpy(),
            joined["lon_a"].to_numpy(),
            joined["lat_b"].to_numpy(),
            joined["lon_b"].to_numpy(),
        )
        * 1000.0
    )
    return (
        joined.with_columns(pl.Series("distance_m", distance))
        .filter(pl.col("distance_m") <= config.max_distance_m)
        .unique(subset=["mmsi_a", "mmsi_b", "t"])
        .sort(["mmsi_a", "mmsi_b", "t"])
    )


def detect_encounters(
    tracks: Sequence[Track], settings: BehaviourSettings, gazetteer: Gazetteer
) -> list[EventRow]:
    step, max_gap = resample_steps(settings)
    samples = samples_frame([resample_arrays(t, step, max_gap) for t in tracks if len(t)])
    return encounters_from_samples(samples, settings, gazetteer)


def resample_steps(settings: BehaviourSettings) -> tuple[int, int]:
    """The resampling step and the longest silence interpolated across, in microseconds."""
    config = settings.encounter
    return int(config.resample_minutes * 60e6), int(config.max_interpolation_gap_hours * 3600e6)


def encounters_from_samples(
    samples: pl.DataFrame, settings: BehaviourSettings, gazetteer: Gazetteer
) -> list[EventRow]:
    """Encounters in resampled tracks (:data:`SAMPLE_SCHEMA`, one row per vessel and step)."""
    config = settings.encounter
    step, _ = resample_steps(settings)
    samples = samples.filter(pl.col("speed") < config.max_speed_knots)
    if samples.height == 0:
        return []
    _, port_km = gazetteer.nearest(
        samples["lat"].to_numpy(),
        samples["lon"].to_numpy(),
        within_km=config.min_port_distance_km,
    )
    samples = samples.filter(pl.Series(port_km >= config.min_port_distance_km))
    # only vessels with a neighbour at some time step can meet: a cheap pre-filter
    pairs = close_pairs(samples, settings)
    rows: list[EventRow] = []
    min_us = config.min_hours * 3600e6
    merge_us = config.merge_gap_hours * 3600e6
    for (a, b), part in pairs.partition_by(["mmsi_a", "mmsi_b"], as_dict=True).items():
        t = part["t"].to_numpy()
        breaks = np.flatnonzero(np.diff(t) != step)
        starts = np.concatenate([[0], breaks + 1])
        ends = np.concatenate([breaks, [t.size - 1]])
        runs = [(s, e) for s, e in zip(starts, ends, strict=True) if t[e] - t[s] >= min_us - 1]
        merged: list[list[int]] = []
        for s, e in runs:
            if merged and t[s] - t[merged[-1][1]] < merge_us:
                merged[-1][1] = int(e)
            else:
                merged.append([int(s), int(e)])
        for s, e in merged:
            chunk = part.slice(s, e - s + 1)
            distances = chunk["distance_m"]
            picks = sorted({0, 1, chunk.height // 2, chunk.height - 2, chunk.height - 1})
            proof = [
                [
                    micros_to_datetime(int(chunk["t"][i])).isoformat(),
                    round(float(chunk["lat_a"][i]), 6),
                    round(float(chunk["lon_a"][i]), 6),
                    round(float(chunk["lat_b"][i]), 6),
                    round(float(chunk["lon_b"][i]), 6),
                    round(float(chunk["distance_m"][i]), 1),
                ]
                for i in picks
                if 0 <= i < chunk.height
            ]
            rows.append(
                EventRow(
                    type="encounter",
                    mmsi=int(a),
                    other_mmsi=int(b),
                    # the condition changed somewhere between two grid steps: halfway is
                    # the estimate with the least error (at most half a step, not a whole one)
                    start=int(t[s]) - step // 2,
                    end=int(t[e]) + step // 2,
                    lat=float(((chunk["lat_a"] + chunk["lat_b"]) / 2).to_numpy().mean()),
                    lon=float(((chunk["lon_a"] + chunk["lon_b"]) / 2).to_numpy().mean()),
                    parameters=settings.section("encounter"),
                    details={
                        "hours": round((t[e] - t[s]) / 3600e6, 3),
                        "close_samples": int(chunk.height),
                        "median_distance_m": round(float(distances.median()), 1),  # type: ignore[arg-type]
                        "min_distance_m": round(float(distances.min()), 1),  # type: ignore[arg-type]
                    },
                    evidence=json.dumps(proof),
                )
            )
    return rows
