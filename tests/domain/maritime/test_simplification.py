"""Douglas-Peucker for display: keeps the shape, drops straight runs, never the ends."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from portintel.domain.maritime.simplification import (
    douglas_peucker,
    local_metres,
    simplify_to,
)


def test_a_straight_run_keeps_only_its_ends() -> None:
    lat = np.full(100, 10.0)
    lon = np.linspace(103.0, 104.0, 100)
    assert douglas_peucker(lat, lon, 5.0).tolist() == [0, 99]


def test_a_turn_larger_than_the_tolerance_is_kept() -> None:
    # east 10 km, then north 10 km: the corner (index 10) carries the shape
    lat = np.concatenate([np.full(11, 10.0), 10.0 + np.linspace(0.009, 0.09, 10)])
    lon = np.concatenate([103.0 + np.linspace(0.0, 0.0914, 11), np.full(10, 103.0914)])
    kept = douglas_peucker(lat, lon, 100.0).tolist()
    assert kept == [0, 10, 20]
    # a tolerance wider than the corner's offset drops it
    assert douglas_peucker(lat, lon, 20_000.0).tolist() == [0, 20]


def test_simplify_to_finds_the_finest_tolerance_that_fits() -> None:
    steps = np.arange(1000)
    lat = 10.0 + 0.001 * (steps % 2)  # a zig-zag of ~110 m
    lon = 103.0 + 0.001 * steps
    everything, tolerance = simplify_to(lat, lon, 1000)
    assert everything.size == 1000 and tolerance == 0.0
    kept, tolerance = simplify_to(lat, lon, 50)
    assert kept.size <= 50 and tolerance > 110.0
    assert kept[0] == 0 and kept[-1] == 999
    # the next finer tolerance would not have fitted
    assert douglas_peucker(lat, lon, tolerance / 2 - 0.1).size > 50


def test_bad_arguments_are_refused() -> None:
    with pytest.raises(ValueError, match="tolerance_m"):
        douglas_peucker(np.zeros(3), np.zeros(3), -1.0)
    with pytest.raises(ValueError, match="max_points"):
        simplify_to(np.zeros(3), np.zeros(3), 1)


def _distance_to_polyline(px: float, py: float, xs: np.ndarray, ys: np.ndarray) -> float:
    best = np.inf
    for i in range(len(xs) - 1):
        ax, ay, bx, by = xs[i], ys[i], xs[i + 1], ys[i + 1]
        dx, dy = bx - ax, by - ay
        length2 = dx * dx + dy * dy
        t = 0.0 if length2 == 0 else min(1.0, max(0.0, ((px - ax) * dx + (py - ay) * dy) / length2))
        best = min(best, float(np.hypot(px - (ax + t * dx), py - (ay + t * dy))))
    return best


@given(
    st.lists(st.tuples(st.floats(-0.2, 0.2), st.floats(-0.2, 0.2)), min_size=3, max_size=40),
    st.floats(1.0, 5_000.0),
)
def test_every_dropped_fix_lies_within_the_tolerance_of_the_kept_line(
    offsets: list[tuple[float, float]], tolerance: float
) -> None:
    lat = np.array([10.0 + a for a, _ in offsets])
    lon = np.array([103.0 + b for _, b in offsets])
    kept = douglas_peucker(lat, lon, tolerance)
    assert kept[0] == 0 and kept[-1] == len(offsets) - 1
    assert np.all(np.diff(kept) > 0)
    x, y = local_metres(lat, lon)
    for index in set(range(len(offsets))) - set(kept.tolist()):
        # the oracle: each dropped fix is near the kept segment that spans it
        right = int(np.searchsorted(kept, index))
        left = right - 1
        span = kept[left : right + 1]
        assert _distance_to_polyline(x[index], y[index], x[span], y[span]) <= tolerance + 1e-6
