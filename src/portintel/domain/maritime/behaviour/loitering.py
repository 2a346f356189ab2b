"""Loitering: average speed below ``max_speed_knots`` for at least ``min_hours``.

Within one segment, a run of consecutive slow fixes (reported speed over
ground below the threshold; the implied speed from the previous fix where the
speed is not reported), broken where two fixes are more than
``max_fix_interval_hours`` apart. A run of at least ``min_hours`` whose
average speed (path length over duration) is below the threshold is an event,
placed at its mean position, with the mean distance to shore when known.
"""

from __future__ import annotations

import numpy as np

from portintel.domain.maritime.behaviour.common import (
    KNOT_KMH,
    EventRow,
    Track,
    evidence,
    haversine_km,
    implied_knots,
    window,
)
from portintel.domain.maritime.behaviour.settings import BehaviourSettings


def point_speeds(track: Track, index: np.ndarray) -> np.ndarray:
    """Reported speed of the fixes ``index`` (one segment), implied speed where missing."""
    sog = track.sog[index].copy()
    if index.size > 1:
        d = haversine_km(
            track.lat[index[:-1]], track.lon[index[:-1]], track.lat[index[1:]], track.lon[index[1:]]
        )
        implied = implied_knots(d, np.diff(track.ts[index]) / 1e6)
        implied = np.concatenate([[implied[0]], implied])
    else:
        implied = np.zeros(index.size)
    return np.where(np.isnan(sog), implied, sog)


def runs(mask: np.ndarray) -> list[tuple[int, int]]:
    """``(first, last)`` positions of each run of True in ``mask``."""
    if mask.size == 0:
        return []
    padded = np.concatenate([[False], mask, [False]]).astype(np.int8)
    edges = np.diff(padded)
    starts = np.flatnonzero(edges == 1)
    ends = np.flatnonzero(edges == -1) - 1
    return list(zip(starts.tolist(), ends.tolist(), strict=True))


def detect_loitering(track: Track, settings: BehaviourSettings) -> list[EventRow]:
    config = settings.loitering
    rows: list[EventRow] = []
    size = int(settings.evidence.positions)
    for segment in np.unique(track.segment):
        index = np.flatnonzero(track.segment == segment)
        if index.size < 2:
            continue
        slow = point_speeds(track, index) < config.max_speed_knots
        close = np.concatenate(
            [[True], np.diff(track.ts[index]) <= config.max_fix_interval_hours * 3600e6]
        )
        # a fix joins the run before it only when it is close in time to it
        for first, last in _slow_runs(slow, close):
            row = loitering_event(track, index[first : last + 1], settings, size)
            if row is not None:
                rows.append(row)
    return rows


def loitering_event(
    track: Track, idx: np.ndarray, settings: BehaviourSettings, size: int
) -> EventRow | None:
    """The loitering of the run of slow fixes ``idx``, or None (too short, or too fast on
    average)."""
    config = settings.loitering
    hours = (track.ts[idx[-1]] - track.ts[idx[0]]) / 3600e6
    if hours < config.min_hours:
        return None
    path = float(
        haversine_km(
            track.lat[idx[:-1]], track.lon[idx[:-1]], track.lat[idx[1:]], track.lon[idx[1:]]
        ).sum()
    )
    average = path / KNOT_KMH / hours
    if average >= config.max_speed_knots:
        return None
    shore = None
    if track.shore_km is not None and not np.all(np.isnan(track.shore_km[idx])):
        shore = float(np.nanmean(track.shore_km[idx]))
    return EventRow(
        type="loitering",
        mmsi=track.mmsi,
        start=int(track.ts[idx[0]]),
        end=int(track.ts[idx[-1]]),
        lat=float(track.lat[idx].mean()),
        lon=float(track.lon[idx].mean()),
        parameters=settings.section("loitering"),
        details={
            "hours": round(float(hours), 3),
            "average_speed_knots": round(average, 3),
            "distance_km": round(path, 3),
            "positions": int(idx.size),
            "distance_to_shore_km": shore,
        },
        evidence=evidence(track, window(int(idx[0]), int(idx[-1]), size, len(track))),
    )


def _slow_runs(slow: np.ndarray, close: np.ndarray) -> list[tuple[int, int]]:
    out: list[tuple[int, int]] = []
    for first, last in runs(slow):
        start = first
        for k in range(first + 1, last + 1):
            if not close[k]:
                out.append((start, k - 1))
                start = k
        out.append((start, last))
    return out
