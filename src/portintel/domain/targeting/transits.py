"""Transits: the stretches of a track under way, with how straight and how fast they were.

A fishing vessel at work moves slowly and turns (trawling, setting and
hauling nets: a path much longer than the distance made good); a boat
carrying people runs straight at steady speed. A *transit* here is a run of
fixes under way (speed over ground at least ``moving_knots``) with no
silence longer than ``max_silence_hours``; its straightness is the distance
from its first fix to its last over the length of the path between them
(1.0 is a straight line). The ``straight_transit`` condition then keeps the
long, fast, straight ones.
"""

from __future__ import annotations

from datetime import UTC, datetime

import numpy as np
import numpy.typing as npt

from portintel.domain.maritime.behaviour.common import haversine_km
from portintel.domain.targeting.facts import Transit

KM_PER_NM = 1.852


def transits(
    ts_seconds: npt.NDArray[np.float64],
    lat: npt.NDArray[np.float64],
    lon: npt.NDArray[np.float64],
    sog: npt.NDArray[np.float64],
    *,
    moving_knots: float = 3.0,
    max_silence_hours: float = 2.0,
    min_hours: float = 1.0,
) -> list[Transit]:
    """The transits of one vessel's fixes (sorted by time; seconds since the epoch, UTC)."""
    if ts_seconds.size < 2:
        return []
    moving = np.nan_to_num(sog, nan=0.0) >= moving_knots
    silence = np.diff(ts_seconds) > max_silence_hours * 3600.0
    # a run breaks where the vessel stops or goes silent
    breaks = np.concatenate(([True], ~moving[1:] | ~moving[:-1] | silence))
    starts = np.flatnonzero(breaks & moving)
    found: list[Transit] = []
    for first in starts:
        last = first
        while last + 1 < ts_seconds.size and not breaks[last + 1]:
            last += 1
        seconds = ts_seconds[last] - ts_seconds[first]
        hours = float(seconds) / 3600.0
        if last == first or hours < min_hours:
            continue
        legs = haversine_km(
            lat[first:last], lon[first:last], lat[first + 1 : last + 1], lon[first + 1 : last + 1]
        )
        path = float(legs.sum())
        if path <= 0:
            continue
        made_good = float(haversine_km(lat[first], lon[first], lat[last], lon[last]))
        found.append(
            Transit(
                start=datetime.fromtimestamp(float(ts_seconds[first]), UTC),
                end=datetime.fromtimestamp(float(ts_seconds[last]), UTC),
                hours=round(hours, 3),
                straightness=round(made_good / path, 4),
                knots=round(path / KM_PER_NM / hours, 3),
            )
        )
    return found
