"""Segments: a vessel's fixes split where continuity breaks.

A fix continues the open segment it can plausibly follow (implied speed from
that segment's last fix at most ``max_implied_speed_knots``, silence at most
``max_silence_hours``), choosing the one heard most recently; a fix no
open segment can explain opens a new one. So two transmitters sharing an
MMSI (spoofing, a cloned identity) come out as two interleaved segments, not
one zig-zag track, and a single bad fix makes a one-fix segment of its own.
Every fix gets its segment number (0, 1, ... in order of first fix).
"""

from __future__ import annotations

import math

import numpy as np
import polars as pl

from portintel.domain.maritime.behaviour.common import (
    EARTH_RADIUS_KM,
    KNOT_KMH,
    Track,
    haversine_km,
    implied_knots,
)
from portintel.domain.maritime.behaviour.settings import SegmentSettings


def assign_segments(track: Track, settings: SegmentSettings) -> np.ndarray:
    """Segment number of each fix of ``track`` (sorted by time); also stored on the track.

    Most tracks never jump: when every fix is plausible from the one before,
    segments only break at silences and are found with whole-array
    operations. A track with an implausible step is walked fix by fix.
    """
    n = len(track)
    max_silence_us = settings.max_silence_hours * 3600e6
    if n > 1:
        dt = np.diff(track.ts)
        distance = haversine_km(track.lat[:-1], track.lon[:-1], track.lat[1:], track.lon[1:])
        speed = implied_knots(distance, dt / 1e6)
        silent = dt > max_silence_us
        if not np.any((speed > settings.max_implied_speed_knots) & ~silent):
            segment = np.concatenate([[0], np.cumsum(silent)]).astype(np.int64)
            track.segment = segment
            track.concurrent = np.zeros(int(segment[-1]) + 1, dtype=bool)
            return segment
    return _walk(track, settings)


def _walk(track: Track, settings: SegmentSettings) -> np.ndarray:
    n = len(track)
    segment = np.zeros(n, dtype=np.int64)
    max_silence_us = settings.max_silence_hours * 3600e6
    max_speed = settings.max_implied_speed_knots
    # open segments: id, last ts, lat, lon
    open_ids: list[int] = []
    open_ts: list[int] = []
    open_lat: list[float] = []
    open_lon: list[float] = []
    next_id = 0
    concurrent: list[bool] = []
    ts = track.ts.tolist()
    lat = track.lat.tolist()
    lon = track.lon.tolist()
    for i in range(n):
        t = ts[i]
        # close segments silent for too long
        if open_ids and t - min(open_ts) > max_silence_us:
            keep = [k for k in range(len(open_ids)) if t - open_ts[k] <= max_silence_us]
            open_ids = [open_ids[k] for k in keep]
            open_ts = [open_ts[k] for k in keep]
            open_lat = [open_lat[k] for k in keep]
            open_lon = [open_lon[k] for k in keep]
        best = -1
        best_speed = math.inf
        for k in range(len(open_ids)):
            distance = _km(lat[i], lon[i], open_lat[k], open_lon[k])
            hours = (t - open_ts[k]) / 3600e6
            if hours > 0:
                speed = distance / KNOT_KMH / hours
            else:
                speed = 0.0 if distance <= 0.05 else math.inf
            # the plausible segment heard most recently: a stale one (a lone bad fix
            # hours ago) is plausible from almost anywhere and must not take the track over
            if speed <= max_speed and (
                best < 0
                or open_ts[k] > open_ts[best]
                or (open_ts[k] == open_ts[best] and speed < best_speed)
            ):
                best, best_speed = k, speed
        if best < 0:
            concurrent.append(bool(open_ids))
            open_ids.append(next_id)
            open_ts.append(t)
            open_lat.append(lat[i])
            open_lon.append(lon[i])
            segment[i] = next_id
            next_id += 1
        else:
            segment[i] = open_ids[best]
            open_ts[best] = t
            open_lat[best] = lat[i]
            open_lon[best] = lon[i]
    track.segment = segment
    track.concurrent = np.array(concurrent, dtype=bool)
    return segment


def _km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    a = (
        math.sin((p2 - p1) / 2) ** 2
        + math.cos(p1) * math.cos(p2) * math.sin(math.radians(lon2 - lon1) / 2) ** 2
    )
    return 2 * EARTH_RADIUS_KM * math.asin(math.sqrt(min(1.0, max(0.0, a))))


def main_chain(track: Track) -> np.ndarray:
    """Mask of the fixes that are not lone outliers.

    A lone outlier is a one-fix segment opened while another segment was
    open (a corrupt or spoofed position); a lone fix after a long silence is
    kept (it starts or ends a gap).
    """
    if len(track) == 0:
        return np.zeros(0, dtype=bool)
    counts = np.bincount(track.segment)
    outlier = (counts == 1) & track.concurrent[: counts.size]
    return np.asarray(~outlier[track.segment])


def segments_frame(tracks: list[Track]) -> pl.DataFrame:
    """``mmsi, ts, segment_id`` for every fix (``segment_id`` is ``<mmsi>-<n>``)."""
    schema = {"mmsi": pl.Int64, "ts": pl.Int64, "segment": pl.Int64}
    if not tracks:
        frame = pl.DataFrame(schema=schema)
    else:
        frame = pl.DataFrame(
            {
                "mmsi": np.concatenate([np.full(len(t), t.mmsi, dtype=np.int64) for t in tracks]),
                "ts": np.concatenate([t.ts for t in tracks]),
                "segment": np.concatenate([t.segment for t in tracks]),
            },
            schema=schema,
        )
    return frame.select(
        "mmsi",
        pl.col("ts").cast(pl.Datetime("us", "UTC")),
        pl.format("{}-{}", "mmsi", "segment").alias("segment_id"),
    )
