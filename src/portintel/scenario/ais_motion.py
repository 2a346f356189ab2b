"""How a scenario vessel moves and when it transmits: phases, positions, reporting intervals.

A vessel's time is a chain of phases: it lies at a berth or holds at sea
(``stay``, drifting slowly or not at all), or sails a polyline at a constant
speed (``sail``). The true position at any moment comes from its phase;
transmissions follow ITU-R M.1371-5's reporting intervals for the vessel's
class and speed (class A: 3 minutes at anchor or moored, 10 seconds under
way up to 14 knots, 6 seconds up to 23, 2 above; class B "CS": 3 minutes
below 2 knots, 30 seconds above), thinned to at least ``min_interval``
seconds as archives keep them.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from portintel.domain.maritime.behaviour.common import haversine_km

KM_PER_DEG = 111.195
KNOT_KMH = 1.852
FloatArray = npt.NDArray[np.float64]


def itu_interval_seconds(class_b: bool, knots: float, *, at_anchor: bool) -> float:
    """The nominal reporting interval of ITU-R M.1371-5 (table 1) for a vessel's state."""
    if class_b:
        return 180.0 if knots <= 2.0 else 30.0
    if at_anchor and knots <= 3.0:
        return 180.0
    if knots <= 14.0:
        return 10.0
    if knots <= 23.0:
        return 6.0
    return 2.0


def path_lengths(points: FloatArray) -> FloatArray:
    """Cumulative km along a polyline of ``(lat, lon)`` rows, starting at 0."""
    if len(points) < 2:
        return np.zeros(len(points))
    steps = haversine_km(points[:-1, 0], points[:-1, 1], points[1:, 0], points[1:, 1])
    return np.concatenate([[0.0], np.cumsum(steps)])


@dataclass(slots=True)
class Phase:
    """A stay (at a berth or at sea) or a sail along ``points``, ``start`` to ``end`` (unix s)."""

    kind: str
    start: float
    end: float
    points: FloatArray
    port: str | None = None
    """Gazetteer id of the port of a stay at a berth."""
    drift: tuple[float, float] = (0.0, 0.0)
    """A stay's drift in degrees per hour (lat, lon)."""
    purpose: str = ""
    """Why a stay at sea happens: ``loitering`` or ``encounter``."""
    speed: float = -1.0
    """Knots, computed once (-1: not yet)."""

    @property
    def hours(self) -> float:
        return (self.end - self.start) / 3600.0

    def knots(self) -> float:
        if self.speed < 0:
            self.speed = self._knots()
        return self.speed

    def _knots(self) -> float:
        if self.kind == "stay":
            dlat, dlon = self.drift
            km_h = np.hypot(
                dlat * KM_PER_DEG, dlon * KM_PER_DEG * np.cos(np.radians(self.points[0, 0]))
            )
            return float(km_h / KNOT_KMH)
        length = float(path_lengths(self.points)[-1])
        return length / KNOT_KMH / max(self.hours, 1e-9)

    def positions(self, t: FloatArray) -> tuple[FloatArray, FloatArray, FloatArray, FloatArray]:
        """True ``lat, lon, knots, course`` at the unix times ``t`` (within the phase)."""
        t = np.asarray(t, dtype=float)
        if self.kind == "stay":
            hours = (t - self.start) / 3600.0
            lat = self.points[0, 0] + self.drift[0] * hours
            lon = self.points[0, 1] + self.drift[1] * hours
            course = np.degrees(np.arctan2(self.drift[1], self.drift[0])) % 360.0
            return lat, lon, np.full(t.shape, self.knots()), np.full(t.shape, course)
        cumulative = path_lengths(self.points)
        fraction = np.clip((t - self.start) / max(self.end - self.start, 1e-9), 0.0, 1.0)
        along = fraction * cumulative[-1]
        lat = np.interp(along, cumulative, self.points[:, 0])
        lon = np.interp(along, cumulative, self.points[:, 1])
        leg = np.clip(np.searchsorted(cumulative, along, side="right") - 1, 0, len(self.points) - 2)
        dlat = self.points[leg + 1, 0] - self.points[leg, 0]
        dlon = (self.points[leg + 1, 1] - self.points[leg, 1]) * np.cos(np.radians(lat))
        course = np.degrees(np.arctan2(dlon, dlat)) % 360.0
        return lat, lon, np.full(t.shape, self.knots()), course


def transmission_times(
    phase: Phase, *, class_b: bool, min_interval: float, rng: np.random.Generator
) -> FloatArray:
    """When the vessel transmits during ``phase``: ITU intervals thinned, with jitter."""
    nominal = itu_interval_seconds(class_b, phase.knots(), at_anchor=phase.kind == "stay")
    step = max(nominal, min_interval)
    count = int((phase.end - phase.start) / step) + 2
    steps = step * rng.uniform(0.9, 1.1, count)
    times = phase.start + rng.uniform(0.0, step) + np.concatenate([[0.0], np.cumsum(steps[:-1])])
    return times[times < phase.end]


def timeline_positions(
    phases: list[Phase], t: FloatArray
) -> tuple[FloatArray, FloatArray, FloatArray, FloatArray, npt.NDArray[np.int64]]:
    """True positions at sorted times ``t`` over a chain of phases, and each time's phase index."""
    starts = np.array([p.start for p in phases])
    which = np.clip(np.searchsorted(starts, t, side="right") - 1, 0, len(phases) - 1)
    lat = np.empty(t.shape)
    lon = np.empty(t.shape)
    knots = np.empty(t.shape)
    course = np.empty(t.shape)
    for k in np.unique(which):
        mask = which == k
        lat[mask], lon[mask], knots[mask], course[mask] = phases[int(k)].positions(t[mask])
    return lat, lon, knots, course, which.astype(np.int64)
