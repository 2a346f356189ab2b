"""Track simplification for display: Douglas-Peucker over a local metric projection.

A day of one vessel's AIS can hold tens of thousands of fixes; a map needs a
few hundred vertices to draw the same line. Douglas-Peucker keeps the fixes
that carry the shape (every turn larger than the tolerance) and drops those
that lie on a straight run, so a loiter or a rendezvous stays visible while a
transit collapses to its turning points. Distances are measured in metres on
an equirectangular projection centred on the track's mean latitude (error
under 1 % over a few hundred kilometres, well below any display tolerance).
The result is the indexes of the kept fixes, so times and speeds travel with
the geometry. Pure numpy: no I/O, no shapely.
"""

from __future__ import annotations

import math

import numpy as np
import numpy.typing as npt

EARTH_RADIUS_M = 6_371_008.8

FloatArray = npt.NDArray[np.float64]
IndexArray = npt.NDArray[np.intp]


def local_metres(lat: FloatArray, lon: FloatArray) -> tuple[FloatArray, FloatArray]:
    """Projected x, y in metres (equirectangular at the mean latitude)."""
    if lat.size == 0:
        return lat.astype(np.float64), lon.astype(np.float64)
    scale = math.cos(math.radians(float(np.mean(lat))))
    radians = np.pi / 180.0
    x = (lon - lon[0]) * radians * EARTH_RADIUS_M * scale
    y = (lat - lat[0]) * radians * EARTH_RADIUS_M
    return x.astype(np.float64), y.astype(np.float64)


def _distances_to_chord(x: FloatArray, y: FloatArray, first: int, last: int) -> FloatArray:
    """Distance of points first+1..last-1 to the segment first-last."""
    ax, ay, bx, by = x[first], y[first], x[last], y[last]
    px, py = x[first + 1 : last], y[first + 1 : last]
    dx, dy = bx - ax, by - ay
    length2 = dx * dx + dy * dy
    if length2 == 0.0:
        result: FloatArray = np.hypot(px - ax, py - ay)
        return result
    t = np.clip(((px - ax) * dx + (py - ay) * dy) / length2, 0.0, 1.0)
    distances: FloatArray = np.hypot(px - (ax + t * dx), py - (ay + t * dy))
    return distances


def _kept(x: FloatArray, y: FloatArray, tolerance_m: float, limit: int) -> IndexArray | None:
    """Douglas-Peucker on projected points; None as soon as more than ``limit`` are kept."""
    count = x.size
    keep = np.zeros(count, dtype=bool)
    keep[0] = keep[count - 1] = True
    kept = 2
    stack = [(0, count - 1)]
    while stack:
        first, last = stack.pop()
        if last - first < 2:
            continue
        distances = _distances_to_chord(x, y, first, last)
        farthest = int(np.argmax(distances))
        if distances[farthest] > tolerance_m:
            index = first + 1 + farthest
            keep[index] = True
            kept += 1
            if kept > limit:
                return None
            stack.append((first, index))
            stack.append((index, last))
    return np.flatnonzero(keep).astype(np.intp)


def douglas_peucker(lat: FloatArray, lon: FloatArray, tolerance_m: float) -> IndexArray:
    """Indexes (ascending) of the fixes Douglas-Peucker keeps at ``tolerance_m`` metres.

    The first and last fixes are always kept; a tolerance of 0 keeps every
    fix that is not exactly on a straight line. Iterative (no recursion
    limit on long tracks).
    """
    if tolerance_m < 0:
        raise ValueError("tolerance_m must be 0 or more")
    count = lat.size
    if count <= 2:
        return np.arange(count, dtype=np.intp)
    x, y = local_metres(lat, lon)
    kept = _kept(x, y, tolerance_m, count)
    assert kept is not None  # the limit is every point
    return kept


def simplify_to(
    lat: FloatArray, lon: FloatArray, max_points: int, *, finest_m: float = 1.0
) -> tuple[IndexArray, float]:
    """Kept indexes and the tolerance used, at most ``max_points`` fixes.

    All fixes (tolerance 0) when there are few enough. Otherwise the
    tolerance starts at the track's extent (two or three fixes kept) and is
    halved while the result still fits, down to ``finest_m``: coarse passes
    are cheap and a pass stops as soon as it keeps too many, so a day at one
    fix a second costs about as much as the vertices it returns.
    """
    if max_points < 2:
        raise ValueError("max_points must be at least 2")
    count = lat.size
    if count <= max_points:
        return np.arange(count, dtype=np.intp), 0.0
    x, y = local_metres(lat, lon)
    tolerance = max(float(np.hypot(np.ptp(x), np.ptp(y))), finest_m)
    best = _kept(x, y, tolerance, count)
    assert best is not None
    while tolerance / 2 >= finest_m:
        finer = _kept(x, y, tolerance / 2, max_points)
        if finer is None:
            break
        best, tolerance = finer, tolerance / 2
    return best, round(tolerance, 1)
