"""Implausible jumps: one fix far from both neighbours that agree with each other.

A fix whose implied speed from the previous fix and to the next is above
``min_implied_speed_knots``, at least ``min_distance_km`` away, while the
neighbours themselves are consistent (at most the segmenting speed): a
spoofed or corrupt position, not a second transmitter (those make segments
of their own and an ``identity_change`` of kind ``two_places``).
"""

from __future__ import annotations

import numpy as np

from portintel.domain.maritime.behaviour.common import (
    EventRow,
    Track,
    evidence,
    haversine_km,
    implied_knots,
)
from portintel.domain.maritime.behaviour.segments import main_chain
from portintel.domain.maritime.behaviour.settings import BehaviourSettings


def detect_jumps(track: Track, settings: BehaviourSettings) -> list[EventRow]:
    config = settings.implausible_jump
    n = len(track)
    if n < 3:
        return []
    lat, lon, ts = track.lat, track.lon, track.ts
    d_prev = haversine_km(lat[:-2], lon[:-2], lat[1:-1], lon[1:-1])
    d_next = haversine_km(lat[1:-1], lon[1:-1], lat[2:], lon[2:])
    d_skip = haversine_km(lat[:-2], lon[:-2], lat[2:], lon[2:])
    s_prev = implied_knots(d_prev, (ts[1:-1] - ts[:-2]) / 1e6)
    s_next = implied_knots(d_next, (ts[2:] - ts[1:-1]) / 1e6)
    s_skip = implied_knots(d_skip, (ts[2:] - ts[:-2]) / 1e6)
    # only a lone outlier (a one-fix segment, see segments.main_chain): the fixes of a
    # second transmitter interleaved with the first are two places, not jumps
    lone = ~main_chain(track) if track.segment.size == n else np.ones(n, dtype=bool)
    hit = (
        lone[1:-1]
        & (s_prev > config.min_implied_speed_knots)
        & (s_next > config.min_implied_speed_knots)
        & (np.minimum(d_prev, d_next) >= config.min_distance_km)
        & (s_skip <= settings.segments.max_implied_speed_knots)
    )
    rows = []
    for j in np.flatnonzero(hit):
        i = int(j) + 1
        rows.append(
            EventRow(
                type="implausible_jump",
                mmsi=track.mmsi,
                start=int(ts[i]),
                end=int(ts[i]),
                lat=float(lat[i]),
                lon=float(lon[i]),
                parameters=settings.section("implausible_jump"),
                details={
                    "distance_from_previous_km": round(float(d_prev[j]), 3),
                    "distance_to_next_km": round(float(d_next[j]), 3),
                    "implied_speed_in_knots": round(float(min(s_prev[j], 1e6)), 1),
                    "implied_speed_out_knots": round(float(min(s_next[j], 1e6)), 1),
                },
                evidence=evidence(track, [i - 1, i, i + 1]),
            )
        )
    return rows
