"""Every vessel of a batch at once: the per-fix work of the per-vessel kernels done once.

The per-vessel kernels (``segments``, ``gap``, ``loitering``, ...) are the
reference and what the Spark executor runs per vessel group. Run one track at
a time over millions of fixes, they spend their time in Python calls and in
great-circle distances each recomputes. A :class:`Fleet` holds the fixes of
many vessels as one set of arrays (sorted by vessel, then time), and
:func:`detect_fleet` finds the events with whole-array operations, leaving
Python to the few fixes that start or end an event. It gives the same events,
row for row, as the per-vessel kernels: where its shortcut cannot be exact it
calls the per-vessel kernel on that vessel.

- Implied speeds: a cheap upper bound of each step's great-circle distance
  (``R * (|dlat| + |dlon|)`` in radians, a path along a meridian and a
  parallel, never shorter than the great circle) screens the steps; the
  exact distance is computed only for steps whose bound exceeds the lowest
  speed any kernel asks about. Most steps of a fleet at sea never get near it.
- Segments: a vessel with no implausible step (the common case) has
  segments that break only at silences (one cumulative sum for the fleet);
  a vessel with one is walked fix by fix, by the per-vessel kernel.
- Gaps and loitering of those vessels: whole-array runs; the event rows
  are built by the same functions the per-vessel kernels use.
- Port visits, jumps, two places and areas: the per-vessel kernel, called
  only for vessels that can have one (a fix near a port, a step over the
  jump speed, two segments close in time, a fix inside an area).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import polars as pl

from portintel.domain.maritime.behaviour.area import Area, detect_area_crossings
from portintel.domain.maritime.behaviour.common import (
    EARTH_RADIUS_KM,
    KNOT_KMH,
    EventRow,
    FloatArray,
    Track,
    haversine_km,
    implied_knots,
    prepare_positions,
)
from portintel.domain.maritime.behaviour.gap import detect_gaps, gap_event
from portintel.domain.maritime.behaviour.identity_change import detect_two_places
from portintel.domain.maritime.behaviour.implausible_jump import detect_jumps
from portintel.domain.maritime.behaviour.loitering import detect_loitering, loitering_event
from portintel.domain.maritime.behaviour.port_visit import detect_port_visits
from portintel.domain.maritime.behaviour.ports import Gazetteer
from portintel.domain.maritime.behaviour.segments import assign_segments
from portintel.domain.maritime.behaviour.settings import BehaviourSettings

IntArray = npt.NDArray[np.int64]
TrackOf = Callable[[int], Track]
BoolArray = npt.NDArray[np.bool_]

SCREEN_MARGIN = 1e-6
"""Relative margin on the distance bound: far above the rounding of either computation."""

# the order the per-vessel path emits a vessel's events in (rows sharing an id keep the last)
_RANK = {"gap": 0, "loitering": 1, "port_visit": 2, "jump": 3, "two_places": 4, "area": 5}


@dataclass(slots=True)
class Fleet:
    """Fixes of many vessels, sorted by MMSI then time, duplicates removed."""

    mmsi: IntArray
    """One per vessel, ascending."""
    start: IntArray
    """Offsets: vessel ``v`` holds fixes ``start[v]:start[v + 1]``."""
    ts: IntArray
    lat: FloatArray
    lon: FloatArray
    sog: FloatArray
    shore_km: FloatArray | None
    segment: IntArray
    """Segment number of each fix within its vessel (after :func:`assign_fleet_segments`)."""
    walked: BoolArray
    """Per vessel: segmented fix by fix (an implausible step), not by silences alone."""
    concurrent: dict[int, npt.NDArray[np.bool_]]
    """Per walked vessel: :attr:`Track.concurrent`."""

    def __len__(self) -> int:
        return int(self.ts.shape[0])

    @property
    def vessels(self) -> int:
        return int(self.mmsi.shape[0])

    def track(self, v: int) -> Track:
        """Vessel ``v`` as a :class:`Track` (views of the fleet's arrays)."""
        a, b = int(self.start[v]), int(self.start[v + 1])
        segment = self.segment[a:b]
        concurrent = self.concurrent.get(v)
        if concurrent is None:
            concurrent = np.zeros(int(segment[-1]) + 1 if b > a else 0, dtype=bool)
        return Track(
            mmsi=int(self.mmsi[v]),
            ts=self.ts[a:b],
            lat=self.lat[a:b],
            lon=self.lon[a:b],
            sog=self.sog[a:b],
            shore_km=None if self.shore_km is None else self.shore_km[a:b],
            segment=segment,
            concurrent=concurrent,
        )

    def tracks(self) -> list[Track]:
        return [self.track(v) for v in range(self.vessels)]

    def subset(self, keep: BoolArray) -> Fleet:
        """The fixes where ``keep`` (segments to be assigned again)."""
        mmsi_of_fix = np.repeat(self.mmsi, np.diff(self.start))[keep]
        return _from_sorted(
            mmsi_of_fix,
            self.ts[keep],
            self.lat[keep],
            self.lon[keep],
            self.sog[keep],
            None if self.shore_km is None else self.shore_km[keep],
        )


def fleet_of(positions: pl.DataFrame) -> Fleet:
    """The fleet of ``positions``: the fixes :func:`prepare_positions` keeps, as arrays.

    The track store's files are sorted by vessel and time within a day, so
    after a stable sort by MMSI (cheap: a few sorted runs) the rows are
    usually already in the order of prepare_positions' sort by MMSI, time,
    latitude and longitude; that is checked, and only when it fails is the
    full sort done. Dropping rows equal to the one before then gives the
    same rows as prepare_positions.
    """
    columns = [
        c
        for c in ("mmsi", "ts", "lat", "lon", "sog", "distance_to_shore_km")
        if c in positions.columns
    ]
    frame = positions.select(columns).filter(
        pl.col("mmsi").is_not_null()
        & pl.col("ts").is_not_null()
        & pl.col("lat").is_not_null()
        & pl.col("lon").is_not_null()
    )
    mmsi = frame["mmsi"].cast(pl.Int64).to_numpy()
    ts = frame["ts"].cast(pl.Datetime("us", "UTC")).dt.epoch("us").to_numpy().astype(np.int64)
    lat = frame["lat"].cast(pl.Float64).to_numpy()
    lon = frame["lon"].cast(pl.Float64).to_numpy()
    order = _sort_order(mmsi, ts, lat, lon)
    if order is _UNSORTED:
        prepared = prepare_positions(positions)
        return _from_sorted(
            prepared["mmsi"].cast(pl.Int64).to_numpy(),
            prepared["ts"].dt.epoch("us").to_numpy().astype(np.int64),
            prepared["lat"].cast(pl.Float64).to_numpy(),
            prepared["lon"].cast(pl.Float64).to_numpy(),
            _floats(prepared, "sog"),
            _floats(prepared, "distance_to_shore_km")
            if "distance_to_shore_km" in prepared.columns
            else None,
        )
    sog = _floats(frame, "sog") if "sog" in frame.columns else np.full(mmsi.size, np.nan)
    shore = _floats(frame, "distance_to_shore_km") if "distance_to_shore_km" in columns else None
    if order is not None:
        mmsi, ts, lat, lon, sog = mmsi[order], ts[order], lat[order], lon[order], sog[order]
        shore = None if shore is None else shore[order]
    if mmsi.size > 1:
        # a row equal to the one before (mmsi, ts, lat, lon) is another reception of one fix
        first = np.empty(mmsi.size, dtype=bool)
        first[0] = True
        same_time = (mmsi[1:] == mmsi[:-1]) & (ts[1:] == ts[:-1])
        first[1:] = ~same_time
        tied = np.flatnonzero(same_time) + 1
        first[tied] = (lat[tied] != lat[tied - 1]) | (lon[tied] != lon[tied - 1])
        if not first.all():
            mmsi, ts, lat, lon, sog = mmsi[first], ts[first], lat[first], lon[first], sog[first]
            shore = None if shore is None else shore[first]
    return _from_sorted(mmsi, ts, lat, lon, sog, shore)


_UNSORTED = np.zeros(0, dtype=np.int64)


def _floats(frame: pl.DataFrame, column: str) -> FloatArray:
    return np.asarray(frame[column].cast(pl.Float64).fill_null(np.nan).to_numpy(), dtype=float)


def _sort_order(mmsi: IntArray, ts: IntArray, lat: FloatArray, lon: FloatArray) -> IntArray | None:
    """None when already sorted, a permutation when a stable MMSI sort suffices, else _UNSORTED."""
    if mmsi.size < 2:
        return None
    order: IntArray | None = None
    if np.any(mmsi[1:] < mmsi[:-1]):
        order = np.argsort(mmsi, kind="stable")
        mmsi, ts, lat, lon = mmsi[order], ts[order], lat[order], lon[order]
    ahead = (mmsi[1:] > mmsi[:-1]) | (ts[1:] > ts[:-1])
    doubt = np.flatnonzero(~ahead)
    if doubt.size:
        a, b = doubt, doubt + 1
        ordered = (ts[b] == ts[a]) & ((lat[b] > lat[a]) | ((lat[b] == lat[a]) & (lon[b] >= lon[a])))
        if not ordered.all():
            return _UNSORTED
    return order


def _from_sorted(
    mmsi_of_fix: IntArray,
    ts: IntArray,
    lat: FloatArray,
    lon: FloatArray,
    sog: FloatArray,
    shore: FloatArray | None,
) -> Fleet:
    n = mmsi_of_fix.size
    if n:
        start = np.concatenate([[0], np.flatnonzero(np.diff(mmsi_of_fix) != 0) + 1, [n]])
    else:
        start = np.zeros(1, dtype=np.int64)
    return Fleet(
        mmsi=np.ascontiguousarray(mmsi_of_fix[start[:-1]], dtype=np.int64),
        start=start.astype(np.int64),
        ts=np.ascontiguousarray(ts, dtype=np.int64),
        lat=np.ascontiguousarray(lat, dtype=float),
        lon=np.ascontiguousarray(lon, dtype=float),
        sog=np.ascontiguousarray(sog, dtype=float),
        shore_km=None if shore is None else np.ascontiguousarray(shore, dtype=float),
        segment=np.zeros(n, dtype=np.int64),
        walked=np.zeros(start.size - 1, dtype=bool),
        concurrent={},
    )


@dataclass(slots=True)
class Steps:
    """Step ``k`` goes from fix ``k`` to fix ``k + 1`` (of the fleet's arrays)."""

    within: BoolArray
    """Both fixes are of one vessel."""
    dt: IntArray
    vessel: IntArray
    """Vessel of each fix (not step)."""
    fast: IntArray
    """Steps of one vessel whose implied speed may exceed ``screen_knots`` (exact below)."""
    fast_knots: FloatArray
    """Exact implied speed of the ``fast`` steps (as :func:`implied_knots`)."""


def fleet_steps(fleet: Fleet, screen_knots: float) -> Steps:
    """Consecutive steps of every vessel, and the exact speed of those that may be fast."""
    n = len(fleet)
    vessel = np.repeat(np.arange(fleet.vessels, dtype=np.int64), np.diff(fleet.start))
    if n < 2:
        empty = np.zeros(0, dtype=np.int64)
        return Steps(np.zeros(0, dtype=bool), empty, vessel, empty, np.zeros(0))
    within = np.ones(n - 1, dtype=bool)
    within[fleet.start[1:-1] - 1] = False
    dt = np.diff(fleet.ts)
    # bound of the great-circle distance: meridian then parallel, cos(lat) <= 1
    bound = np.abs(np.diff(np.radians(fleet.lat)))
    bound += np.abs(np.radians(np.diff(fleet.lon)))
    bound *= EARTH_RADIUS_KM * (1.0 + SCREEN_MARGIN)
    # bound / KNOT_KMH / hours > screen  <=>  bound > screen * KNOT_KMH * hours
    hours = dt / 3.6e9
    maybe = within & (
        (dt <= 0) | (bound > (screen_knots * KNOT_KMH * (1.0 - SCREEN_MARGIN)) * hours)
    )
    fast = np.flatnonzero(maybe)
    distance = haversine_km(
        fleet.lat[fast], fleet.lon[fast], fleet.lat[fast + 1], fleet.lon[fast + 1]
    )
    knots = implied_knots(distance, dt[fast] / 1e6)
    return Steps(within, dt, vessel, fast, knots)


def assign_fleet_segments(fleet: Fleet, steps: Steps, settings: BehaviourSettings) -> None:
    """:func:`~portintel.domain.maritime.behaviour.segments.assign_segments` for every vessel."""
    config = settings.segments
    n = len(fleet)
    if n == 0:
        return
    max_silence_us = config.max_silence_hours * 3600e6
    silent = steps.within & (steps.dt > max_silence_us)
    bad = steps.fast[(steps.fast_knots > config.max_implied_speed_knots) & ~silent[steps.fast]]
    breaks = np.concatenate([[0], np.cumsum(silent, dtype=np.int64)])
    fleet.segment = breaks - breaks[fleet.start[:-1]][steps.vessel]
    fleet.walked = np.zeros(fleet.vessels, dtype=bool)
    fleet.concurrent = {}
    for v in np.unique(steps.vessel[bad]).tolist():
        track = fleet.track(v)
        a = int(fleet.start[v])
        fleet.segment[a : a + len(track)] = assign_segments(track, config)
        fleet.walked[v] = True
        fleet.concurrent[v] = track.concurrent


def _screen_knots(settings: BehaviourSettings) -> float:
    return min(
        settings.segments.max_implied_speed_knots,
        settings.implausible_jump.min_implied_speed_knots,
    )


def segment_fleet(fleet: Fleet, settings: BehaviourSettings) -> Steps:
    """Assign every vessel's segments (what :func:`detect_fleet` does first)."""
    steps = fleet_steps(fleet, _screen_knots(settings))
    assign_fleet_segments(fleet, steps, settings)
    return steps


def detect_fleet(
    fleet: Fleet,
    settings: BehaviourSettings,
    gazetteer: Gazetteer,
    areas: Sequence[Area] = (),
) -> list[EventRow]:
    """Segments, gaps, loitering, port visits, jumps, two places and area crossings of every
    vessel: the rows :func:`~portintel.domain.maritime.behaviour.detect` gets from the
    per-vessel kernels, in the same order. Assigns the fleet's segments."""
    if len(fleet) == 0:
        return []
    steps = segment_fleet(fleet, settings)
    found: list[tuple[int, int, int, list[EventRow]]] = []
    tracks: dict[int, Track] = {}

    def track(v: int) -> Track:
        if v not in tracks:
            tracks[v] = fleet.track(v)
        return tracks[v]

    walked = np.flatnonzero(fleet.walked).tolist()
    for v in walked:
        found.append((v, _RANK["gap"], 0, detect_gaps(track(v), settings)))
        found.append((v, _RANK["loitering"], 0, detect_loitering(track(v), settings)))
        found.append((v, _RANK["two_places"], 0, detect_two_places(track(v), settings)))
    found.extend(_gaps(fleet, steps, settings, track))
    found.extend(_loitering(fleet, steps, settings, track))
    # port visits: vessels with a fix within entry_km of a port
    if gazetteer.ports:
        index, km = gazetteer.nearest(fleet.lat, fleet.lon, within_km=settings.port_visit.entry_km)
        near = km <= settings.port_visit.entry_km
        for v in np.unique(steps.vessel[near]).tolist():
            a, b = int(fleet.start[v]), int(fleet.start[v + 1])
            rows = detect_port_visits(track(v), settings, gazetteer, (index[a:b], km[a:b]))
            found.append((v, _RANK["port_visit"], 0, rows))
    # jumps: a hit needs a step over the jump speed on both sides
    over = steps.fast[steps.fast_knots > settings.implausible_jump.min_implied_speed_knots]
    for v in np.unique(steps.vessel[over]).tolist():
        found.append((v, _RANK["jump"], 0, detect_jumps(track(v), settings)))
    # two places of vessels segmented by silences alone: segments close enough in time
    tolerance = settings.identity_change.two_places_max_minutes * 60e6
    max_silence_us = settings.segments.max_silence_hours * 3600e6
    close_breaks = np.flatnonzero(
        steps.within & (steps.dt > max_silence_us) & (steps.dt <= tolerance + 1)
    )
    for v in np.unique(steps.vessel[close_breaks]).tolist():
        if not fleet.walked[v]:
            found.append((v, _RANK["two_places"], 0, detect_two_places(track(v), settings)))
    for k, area in enumerate(areas):
        inside = area.contains(fleet.lat, fleet.lon)
        for v in np.unique(steps.vessel[inside]).tolist():
            found.append((v, _RANK["area"], k, detect_area_crossings(track(v), settings, [area])))
    found.sort(key=lambda item: item[:3])
    return [row for *_, rows in found for row in rows]


def _gaps(
    fleet: Fleet, steps: Steps, settings: BehaviourSettings, track: TrackOf
) -> list[tuple[int, int, int, list[EventRow]]]:
    """Gaps of the vessels segmented by silences (no lone outliers: every fix counts)."""
    silence = steps.dt / 3600e6
    hits = np.flatnonzero(steps.within & (silence >= settings.gap.min_hours))
    out = []
    for k in hits.tolist():
        v = int(steps.vessel[k])
        if fleet.walked[v]:
            continue
        a = k - int(fleet.start[v])
        out.append((v, _RANK["gap"], k, [gap_event(track(v), a, a + 1, settings)]))
    return out


def _loitering(
    fleet: Fleet, steps: Steps, settings: BehaviourSettings, track: TrackOf
) -> list[tuple[int, int, int, list[EventRow]]]:
    """Loitering of the vessels segmented by silences: runs of slow fixes, whole-array."""
    config = settings.loitering
    n = len(fleet)
    if n < 2:
        return []
    # a new segment at each vessel's first fix and after each silence
    new_segment = np.ones(n, dtype=bool)
    new_segment[1:] = ~steps.within | (fleet.segment[1:] != fleet.segment[:-1])
    # point speeds: reported, else implied from the step before (a segment's first fix: the
    # step after it; a one-fix segment has none, and no loitering)
    speed = fleet.sog.copy()
    missing = np.flatnonzero(np.isnan(speed))
    if missing.size:
        first = new_segment[missing]
        step = np.where(first, missing, missing - 1)
        after = np.minimum(missing + 1, n - 1)
        usable = ~first | ((missing + 1 < n) & ~new_segment[after])
        step, missing = step[usable], missing[usable]
        d = haversine_km(fleet.lat[step], fleet.lon[step], fleet.lat[step + 1], fleet.lon[step + 1])
        speed[missing] = implied_knots(d, steps.dt[step] / 1e6)
    slow = speed < config.max_speed_knots
    close = np.ones(n, dtype=bool)
    close[1:] = steps.dt <= config.max_fix_interval_hours * 3600e6
    go_on = np.zeros(n, dtype=bool)
    go_on[1:] = slow[1:] & slow[:-1] & close[1:] & ~new_segment[1:]
    starts = np.flatnonzero(slow & ~go_on)
    ends = np.flatnonzero(slow & ~np.concatenate([go_on[1:], [False]]))
    hours = (fleet.ts[ends] - fleet.ts[starts]) / 3600e6
    # a run in a one-fix segment is the fix alone: the per-vessel kernel skips such segments
    after_end = np.minimum(ends + 1, n - 1)
    alone = (starts == ends) & new_segment[starts] & ((ends + 1 == n) | new_segment[after_end])
    long_enough = np.flatnonzero((hours >= config.min_hours) & ~alone)
    out = []
    size = int(settings.evidence.positions)
    for r in long_enough.tolist():
        first_fix, last_fix = int(starts[r]), int(ends[r])
        v = int(steps.vessel[first_fix])
        if fleet.walked[v]:
            continue
        a = int(fleet.start[v])
        idx = np.arange(first_fix - a, last_fix - a + 1)
        row = loitering_event(track(v), idx, settings, size)
        if row is not None:
            out.append((v, _RANK["loitering"], first_fix, [row]))
    return out
