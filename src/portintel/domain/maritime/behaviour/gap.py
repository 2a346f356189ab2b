"""AIS gaps: silence of at least ``min_hours`` between two consecutive fixes.

Computed over the vessel's fixes without its lone-outlier segments (see
:func:`~portintel.domain.maritime.behaviour.segments.main_chain`), so a gap
spans segment breaks (a 30 h silence is a gap even though it also ends a
segment). Each gap carries the distance and implied speed across it and the
distance to shore at both ends when ingestion recorded it; ``suspected_disabling``
follows Global Fishing Watch: at least ``disabling_min_hours`` with both ends
farther than ``disabling_min_shore_nm`` from shore. Without distances to shore
the flag is null (unknown), never false.
"""

from __future__ import annotations

import numpy as np

from portintel.domain.maritime.behaviour.common import (
    KM_PER_NM,
    EventRow,
    Track,
    evidence,
    haversine_km,
    implied_knots,
    window,
)
from portintel.domain.maritime.behaviour.segments import main_chain
from portintel.domain.maritime.behaviour.settings import BehaviourSettings


def detect_gaps(track: Track, settings: BehaviourSettings) -> list[EventRow]:
    config = settings.gap
    keep = np.flatnonzero(main_chain(track))
    if keep.size < 2:
        return []
    silence = np.diff(track.ts[keep]) / 3600e6
    return [
        gap_event(track, int(keep[j]), int(keep[j + 1]), settings)
        for j in np.flatnonzero(silence >= config.min_hours)
    ]


def gap_event(track: Track, a: int, b: int, settings: BehaviourSettings) -> EventRow:
    """The gap between fixes ``a`` and ``b`` of ``track`` (consecutive in its main chain)."""
    config = settings.gap
    size = int(settings.evidence.positions)
    distance = float(haversine_km(track.lat[a], track.lon[a], track.lat[b], track.lon[b]))
    speed = float(implied_knots(np.array(distance), np.array((track.ts[b] - track.ts[a]) / 1e6)))
    shore_a = shore_b = None
    disabling: bool | None = None
    hours = float((track.ts[b] - track.ts[a]) / 3600e6)
    if track.shore_km is not None:
        sa, sb = track.shore_km[a], track.shore_km[b]
        shore_a = None if np.isnan(sa) else float(sa)
        shore_b = None if np.isnan(sb) else float(sb)
        if shore_a is not None and shore_b is not None:
            limit = config.disabling_min_shore_nm * KM_PER_NM
            disabling = hours >= config.disabling_min_hours and shore_a > limit and shore_b > limit
    return EventRow(
        type="gap",
        mmsi=track.mmsi,
        start=int(track.ts[a]),
        end=int(track.ts[b]),
        lat=float(track.lat[a]),
        lon=float(track.lon[a]),
        parameters=settings.section("gap"),
        details={
            "hours": round(hours, 3),
            "distance_km": round(distance, 3),
            "implied_speed_knots": round(speed, 2),
            "end_lat": float(track.lat[b]),
            "end_lon": float(track.lon[b]),
            "start_distance_to_shore_km": shore_a,
            "end_distance_to_shore_km": shore_b,
            "suspected_disabling": disabling,
        },
        evidence=evidence(track, window(a, b, size, len(track))),
    )
