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
from itertools import pairwise

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
from portintel.domain.maritime.behaviour.encounter import (
    SAMPLE_SCHEMA,
    encounters_from_samples,
    resample_arrays,
    resample_steps,
    samples_frame,
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

STEP_CHUNK = 1 << 18
"""Steps screened at a time."""
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
    steps: Steps | None = None
    """Set by :func:`segment_fleet`."""

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
    frame = positions.select(columns)
    if "distance_to_shore_km" in columns and frame["distance_to_shore_km"].null_count() == len(
        frame
    ):
        # never recorded: the kernels read an all-NaN column as they read none
        columns.remove("distance_to_shore_km")
        frame = frame.drop("distance_to_shore_km")
    if any(frame[c].null_count() for c in ("mmsi", "ts", "lat", "lon")):
        frame = frame.filter(
            pl.col("mmsi").is_not_null()
            & pl.col("ts").is_not_null()
            & pl.col("lat").is_not_null()
            & pl.col("lon").is_not_null()
        )
    frame = frame.with_columns(
        pl.col("mmsi").cast(pl.Int64),
        pl.col("ts").cast(pl.Datetime("us", "UTC")),
        pl.col("lat").cast(pl.Float64),
        pl.col("lon").cast(pl.Float64),
        *(
            pl.col(c).cast(pl.Float64)
            for c in ("sog", "distance_to_shore_km")
            if c in frame.columns
        ),
    )
    mmsi = frame["mmsi"].to_numpy()
    ts = frame["ts"].to_physical().to_numpy()
    lat = frame["lat"].to_numpy()
    lon = frame["lon"].to_numpy()
    sog = _floats(frame, "sog") if "sog" in frame.columns else np.full(mmsi.size, np.nan)
    shore = _floats(frame, "distance_to_shore_km") if "distance_to_shore_km" in columns else None
    if mmsi.size > 1 and np.any(mmsi[1:] < mmsi[:-1]):
        # a stable sort by vessel (the store's day files are each sorted by vessel and time):
        # the order of a few sorted runs, then one gather per column (numpy's, far cheaper
        # than gathering the frame's rows)
        order = np.argsort(mmsi, kind="stable")
        mmsi, ts, lat, lon, sog = mmsi[order], ts[order], lat[order], lon[order], sog[order]
        shore = None if shore is None else shore[order]
    if not _in_order(mmsi, ts, lat, lon):
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
    if mmsi.size > 1:
        # a row equal to the one before (mmsi, ts, lat, lon) is another reception of one fix
        same_time = np.flatnonzero((ts[1:] == ts[:-1]) & (mmsi[1:] == mmsi[:-1])) + 1
        again = same_time[
            (lat[same_time] == lat[same_time - 1]) & (lon[same_time] == lon[same_time - 1])
        ]
        if again.size:
            first = np.ones(mmsi.size, dtype=bool)
            first[again] = False
            mmsi, ts, lat, lon, sog = mmsi[first], ts[first], lat[first], lon[first], sog[first]
            shore = None if shore is None else shore[first]
    return _from_sorted(mmsi, ts, lat, lon, sog, shore)


def _floats(frame: pl.DataFrame, column: str) -> FloatArray:
    """A float column with NaN for null (what the per-vessel kernels read as not reported)."""
    series = frame[column].cast(pl.Float64)
    if series.null_count():
        series = series.fill_null(np.nan)
    return np.asarray(series.to_numpy(), dtype=float)


def _in_order(mmsi: IntArray, ts: IntArray, lat: FloatArray, lon: FloatArray) -> bool:
    """Whether the rows are sorted by MMSI, time, latitude and longitude (ascending)."""
    if mmsi.size < 2:
        return True
    # the MMSI is non-decreasing here: a row is ahead when its vessel or its time is
    doubt = np.flatnonzero((ts[1:] <= ts[:-1]) & (mmsi[1:] == mmsi[:-1]))
    if doubt.size == 0:
        return True
    a, b = doubt, doubt + 1
    ordered = (ts[b] == ts[a]) & ((lat[b] > lat[a]) | ((lat[b] == lat[a]) & (lon[b] >= lon[a])))
    return bool(ordered.all())


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
    """Step ``k`` goes from fix ``k`` to fix ``k + 1`` of the fleet's arrays (the last fix
    of one vessel to the first of the next is no step of either: see :meth:`own`)."""

    start: IntArray
    dt: IntArray
    fast: IntArray
    """Steps of one vessel whose implied speed may exceed the screen (exact below)."""
    fast_knots: FloatArray
    """Exact implied speed of the ``fast`` steps (as :func:`implied_knots`)."""
    silent: IntArray
    """Steps of one vessel longer than the segments' silence (after
    :func:`assign_fleet_segments`)."""

    def vessel_of(self, fixes: IntArray) -> IntArray:
        return np.searchsorted(self.start, fixes, side="right") - 1

    def own(self, steps: IntArray) -> IntArray:
        """Those of ``steps`` (ascending) whose two fixes are of one vessel."""
        return steps[steps + 1 < self.start[self.vessel_of(steps) + 1]]

    def vessels(self, fixes: BoolArray) -> list[int]:
        """Vessels with a fix where ``fixes``."""
        return np.unique(self.vessel_of(np.flatnonzero(fixes))).tolist()  # type: ignore[no-any-return]


def fleet_steps(fleet: Fleet, screen_knots: float) -> Steps:
    """Consecutive steps of every vessel, and the exact speed of those that may be fast."""
    n = len(fleet)
    empty = np.zeros(0, dtype=np.int64)
    if n < 2:
        return Steps(fleet.start, empty, empty, np.zeros(0), empty)
    dt = np.diff(fleet.ts)
    # a bound of the great-circle distance: along a meridian, then a parallel (cos(lat) <= 1);
    # in degrees, then km, with margins far above the rounding of either computation
    to_km = EARTH_RADIUS_KM * np.pi / 180.0 * (1.0 + SCREEN_MARGIN)
    # bound / KNOT_KMH / hours > screen  <=>  bound > screen * KNOT_KMH * dt / 3.6e9
    per_us = screen_knots * KNOT_KMH / 3.6e9 * (1.0 - SCREEN_MARGIN) / to_km
    # in chunks of steps: small work arrays, reused, instead of several of the fleet's size
    size = min(n - 1, STEP_CHUNK)
    bound, dlon, limit = np.empty(size), np.empty(size), np.empty(size)
    screened = []
    for a in range(0, n - 1, STEP_CHUNK):
        b = min(a + STEP_CHUNK, n - 1)
        m = b - a
        np.subtract(fleet.lat[a + 1 : b + 1], fleet.lat[a:b], out=bound[:m])
        np.abs(bound[:m], out=bound[:m])
        np.subtract(fleet.lon[a + 1 : b + 1], fleet.lon[a:b], out=dlon[:m])
        np.abs(dlon[:m], out=dlon[:m])
        bound[:m] += dlon[:m]
        bound[:m] += 1e-12
        np.multiply(dt[a:b], per_us, out=limit[:m])
        screened.append(np.flatnonzero(bound[:m] > limit[:m]) + a)
    fast = steps_of_one_vessel(fleet.start, np.concatenate(screened))
    distance = haversine_km(
        fleet.lat[fast], fleet.lon[fast], fleet.lat[fast + 1], fleet.lon[fast + 1]
    )
    knots = implied_knots(distance, dt[fast] / 1e6)
    return Steps(fleet.start, dt, fast, knots, empty)


def steps_of_one_vessel(start: IntArray, steps: IntArray) -> IntArray:
    """Those of ``steps`` (ascending) that do not go from one vessel to the next."""
    vessel = np.searchsorted(start, steps, side="right") - 1
    return steps[steps + 1 < start[vessel + 1]]


def assign_fleet_segments(fleet: Fleet, steps: Steps, settings: BehaviourSettings) -> None:
    """:func:`~portintel.domain.maritime.behaviour.segments.assign_segments` for every vessel."""
    config = settings.segments
    n = len(fleet)
    fleet.walked = np.zeros(fleet.vessels, dtype=bool)
    fleet.concurrent = {}
    if n == 0:
        return
    max_silence_us = config.max_silence_hours * 3600e6
    steps.silent = steps.own(np.flatnonzero(steps.dt > max_silence_us))
    fast_silent = np.isin(steps.fast, steps.silent, assume_unique=True)
    bad = steps.fast[(steps.fast_knots > config.max_implied_speed_knots) & ~fast_silent]
    breaks = np.zeros(n, dtype=np.int64)
    breaks[steps.silent + 1] = 1
    np.cumsum(breaks, out=breaks)
    breaks -= np.repeat(breaks[fleet.start[:-1]], np.diff(fleet.start))
    fleet.segment = breaks
    for v in np.unique(steps.vessel_of(bad)).tolist():
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
    fleet.steps = steps
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
    return detect_segmented(fleet, steps, settings, gazetteer, areas)


def detect_segmented(
    fleet: Fleet,
    steps: Steps,
    settings: BehaviourSettings,
    gazetteer: Gazetteer,
    areas: Sequence[Area] = (),
) -> list[EventRow]:
    """:func:`detect_fleet` after :func:`segment_fleet` (``fleet`` segmented, ``steps`` its
    steps): the rows of its vessels only, so that parts of a fleet (:func:`fleet_part`) may
    be worked on apart and their rows put end to end in the order of their vessels."""
    if len(fleet) == 0:
        return []
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
        # the fixes near a port only; each such vessel's nearest ports as the kernel reads them
        entry_km = settings.port_visit.entry_km
        points, near_index, near_km = gazetteer.near(fleet.lat, fleet.lon, entry_km)
        inside = points[near_km <= entry_km]
        for v in np.unique(steps.vessel_of(inside)).tolist():
            a, b = int(fleet.start[v]), int(fleet.start[v + 1])
            lo, hi = np.searchsorted(points, [a, b])
            index = np.full(b - a, -1)
            km = np.full(b - a, np.inf)
            index[points[lo:hi] - a] = near_index[lo:hi]
            km[points[lo:hi] - a] = near_km[lo:hi]
            rows = detect_port_visits(track(v), settings, gazetteer, (index, km))
            found.append((v, _RANK["port_visit"], 0, rows))
    # jumps: a hit needs a step over the jump speed on both sides
    over = steps.fast[steps.fast_knots > settings.implausible_jump.min_implied_speed_knots]
    for v in np.unique(steps.vessel_of(over)).tolist():
        found.append((v, _RANK["jump"], 0, detect_jumps(track(v), settings)))
    # two places of vessels segmented by silences alone: segments close enough in time
    tolerance = settings.identity_change.two_places_max_minutes * 60e6
    close_breaks = steps.silent[steps.dt[steps.silent] <= tolerance + 1]
    for v in np.unique(steps.vessel_of(close_breaks)).tolist():
        if not fleet.walked[v]:
            found.append((v, _RANK["two_places"], 0, detect_two_places(track(v), settings)))
    for k, area in enumerate(areas):
        for v in steps.vessels(area.contains(fleet.lat, fleet.lon)):
            found.append((v, _RANK["area"], k, detect_area_crossings(track(v), settings, [area])))
    found.sort(key=lambda item: item[:3])
    return [row for *_, rows in found for row in rows]


def fleet_parts(fleet: Fleet, parts: int) -> list[tuple[int, int]]:
    """``parts`` ranges of vessels ``[lo, hi)`` of about as many fixes each (in order)."""
    if fleet.vessels == 0 or parts <= 1:
        return [(0, fleet.vessels)]
    cut = np.searchsorted(fleet.start, np.arange(1, parts) * len(fleet) / parts)
    bounds = [0, *sorted({int(min(max(c, 1), fleet.vessels)) for c in cut}), fleet.vessels]
    return [(lo, hi) for lo, hi in pairwise(bounds) if hi > lo]


def fleet_part(fleet: Fleet, steps: Steps, lo: int, hi: int) -> tuple[Fleet, Steps]:
    """Vessels ``lo:hi`` of a segmented fleet and their steps (views, nothing copied but
    the few indices), as :func:`detect_segmented` reads them."""
    a, b = int(fleet.start[lo]), int(fleet.start[hi])

    def inside(fixes: IntArray) -> IntArray:
        return fixes[(fixes >= a) & (fixes < b)] - a

    keep_fast = (steps.fast >= a) & (steps.fast < b)
    part = Fleet(
        mmsi=fleet.mmsi[lo:hi],
        start=fleet.start[lo : hi + 1] - a,
        ts=fleet.ts[a:b],
        lat=fleet.lat[a:b],
        lon=fleet.lon[a:b],
        sog=fleet.sog[a:b],
        shore_km=None if fleet.shore_km is None else fleet.shore_km[a:b],
        segment=fleet.segment[a:b],
        walked=fleet.walked[lo:hi],
        concurrent={v - lo: c for v, c in fleet.concurrent.items() if lo <= v < hi},
    )
    part_steps = Steps(
        start=part.start,
        dt=steps.dt[a : max(a, b - 1)],
        fast=steps.fast[keep_fast] - a,
        fast_knots=steps.fast_knots[keep_fast],
        silent=inside(steps.silent),
    )
    part.steps = part_steps
    return part, part_steps


def _gaps(
    fleet: Fleet, steps: Steps, settings: BehaviourSettings, track: TrackOf
) -> list[tuple[int, int, int, list[EventRow]]]:
    """Gaps of the vessels segmented by silences (no lone outliers: every fix counts)."""
    min_hours = settings.gap.min_hours
    # a cheap test on the integers first, then the kernel's own test on the few left
    long = steps.own(np.flatnonzero(steps.dt >= min_hours * 3600e6 * (1.0 - 1e-9)))
    hits = long[steps.dt[long] / 3600e6 >= min_hours]
    out = []
    for k, v in zip(hits.tolist(), steps.vessel_of(hits).tolist(), strict=True):
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
    new_segment = np.zeros(n, dtype=bool)
    new_segment[fleet.start[:-1]] = True
    new_segment[steps.silent + 1] = True
    # point speeds: reported, else implied from the step before (a segment's first fix: the
    # step after it; a one-fix segment has none, and no loitering)
    speed = fleet.sog
    missing = np.flatnonzero(np.isnan(speed))
    if missing.size:
        speed = speed.copy()
        first = new_segment[missing]
        step = np.where(first, missing, missing - 1)
        after = np.minimum(missing + 1, n - 1)
        usable = ~first | ((missing + 1 < n) & ~new_segment[after])
        step, missing = step[usable], missing[usable]
        d = haversine_km(fleet.lat[step], fleet.lon[step], fleet.lat[step + 1], fleet.lon[step + 1])
        speed[missing] = implied_knots(d, steps.dt[step] / 1e6)
    slow = speed < config.max_speed_knots
    # a slow fix goes on the run of the slow fix before it: same segment, close in time
    go_on = np.zeros(n, dtype=bool)
    np.less_equal(steps.dt, config.max_fix_interval_hours * 3600e6, out=go_on[1:])
    go_on[1:] &= slow[:-1]
    go_on &= slow
    go_on &= ~new_segment
    starts = np.flatnonzero(slow & ~go_on)
    ends = np.flatnonzero(slow & ~np.concatenate([go_on[1:], [False]]))
    hours = (fleet.ts[ends] - fleet.ts[starts]) / 3600e6
    # a run in a one-fix segment is the fix alone: the per-vessel kernel skips such segments
    after_end = np.minimum(ends + 1, n - 1)
    alone = (starts == ends) & new_segment[starts] & ((ends + 1 == n) | new_segment[after_end])
    long_enough = np.flatnonzero((hours >= config.min_hours) & ~alone)
    out = []
    size = int(settings.evidence.positions)
    first_fixes, last_fixes = starts[long_enough], ends[long_enough]
    for first_fix, last_fix, v in zip(
        first_fixes.tolist(),
        last_fixes.tolist(),
        steps.vessel_of(first_fixes).tolist(),
        strict=True,
    ):
        if fleet.walked[v]:
            continue
        a = int(fleet.start[v])
        idx = np.arange(first_fix - a, last_fix - a + 1)
        row = loitering_event(track(v), idx, settings, size)
        if row is not None:
            out.append((v, _RANK["loitering"], first_fix, [row]))
    return out


def detect_fleet_encounters(
    fleet: Fleet, settings: BehaviourSettings, gazetteer: Gazetteer
) -> list[EventRow]:
    """:func:`~portintel.domain.maritime.behaviour.encounter.detect_encounters` of the
    fleet's tracks, resampling every vessel segmented by silences at once (segments are
    assigned first unless :func:`segment_fleet` already did)."""
    steps = fleet.steps if fleet.steps is not None else segment_fleet(fleet, settings)
    step, max_gap = resample_steps(settings)
    parts = [fleet_samples(fleet, steps, step, max_gap)]
    walked = [fleet.track(v) for v in np.flatnonzero(fleet.walked).tolist()]
    if walked:
        parts.append(samples_frame([resample_arrays(t, step, max_gap) for t in walked]))
    samples = pl.concat(parts) if len(parts) > 1 else parts[0]
    return encounters_from_samples(samples, settings, gazetteer)


def fleet_samples(fleet: Fleet, steps: Steps, step_us: int, max_gap_us: int) -> pl.DataFrame:
    """:func:`~portintel.domain.maritime.behaviour.encounter.resample_arrays` of every vessel
    segmented by silences (not walked), whole-array: the same samples, as a frame of
    :data:`~portintel.domain.maritime.behaviour.encounter.SAMPLE_SCHEMA`.

    Their segments follow one another in time, so no two share a time step (the per-track
    path keeps the first sample of a step two segments of one MMSI cover).
    """
    n = len(fleet)
    if n == 0:
        return pl.DataFrame(schema=SAMPLE_SCHEMA)
    new_segment = np.zeros(n, dtype=bool)
    new_segment[fleet.start[:-1]] = True
    new_segment[steps.silent + 1] = True
    seg_first = np.flatnonzero(new_segment)
    seg_last = np.concatenate([seg_first[1:] - 1, [n - 1]])
    seg_vessel = steps.vessel_of(seg_first)
    ts = fleet.ts
    # a key increasing over the whole array: time within the segment, segments end to end
    span = ts[seg_last] - ts[seg_first] + 1
    base = np.concatenate([[0], np.cumsum(span)[:-1]]) - ts[seg_first]
    fix_key = ts + np.repeat(base, seg_last - seg_first + 1)
    # each segment's grid: steps from its first fix (rounded up) to its last
    first = -(-ts[seg_first] // step_us) * step_us
    count = np.where(ts[seg_last] >= first, (ts[seg_last] - first) // step_us + 1, 0)
    count[fleet.walked[seg_vessel]] = 0
    seg = np.repeat(np.arange(seg_first.size), count)
    offset = np.cumsum(count) - count
    grid = first[seg] + (np.arange(seg.size) - offset[seg]) * step_us
    k = np.searchsorted(fix_key, grid + base[seg], side="right") - 1
    exact = ts[k] == grid
    nxt = np.minimum(k + 1, seg_last[seg])
    gap = ts[nxt] - ts[k]
    ok = exact | ((nxt > k) & (gap <= max_gap_us))
    grid, k, nxt, gap, exact, seg = grid[ok], k[ok], nxt[ok], gap[ok], exact[ok], seg[ok]
    w = np.where(exact | (gap == 0), 0.0, (grid - ts[k]) / np.where(gap == 0, 1, gap))
    lat = fleet.lat[k] + (fleet.lat[nxt] - fleet.lat[k]) * w
    lon = fleet.lon[k] + (fleet.lon[nxt] - fleet.lon[k]) * w
    sog_a, sog_b = fleet.sog[k], fleet.sog[nxt]
    speed = np.where(exact, sog_a, sog_a + (sog_b - sog_a) * w)
    unreported = np.flatnonzero(np.isnan(speed))
    if unreported.size:
        a, b = k[unreported], nxt[unreported]
        hours = gap[unreported] / 3600e6
        with np.errstate(divide="ignore", invalid="ignore"):
            implied = np.where(
                hours > 0,
                haversine_km(fleet.lat[a], fleet.lon[a], fleet.lat[b], fleet.lon[b])
                / KNOT_KMH
                / hours,
                0.0,
            )
        speed[unreported] = implied
    return pl.DataFrame(
        {
            "mmsi": fleet.mmsi[seg_vessel[seg]],
            "t": grid,
            "lat": lat,
            "lon": lon,
            "speed": speed,
        },
        schema=SAMPLE_SCHEMA,
    )
