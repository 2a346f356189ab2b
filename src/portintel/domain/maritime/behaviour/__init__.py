"""Behaviour detection: pure kernels over a vessel's fixes (no I/O).

One module per behaviour; :func:`detect` runs them all over a batch of
positions and static reports and returns the events (rows of
:data:`~portintel.domain.maritime.behaviour.common.EVENT_SCHEMA`) and every
position's segment id. The executors (``services.maritime.behaviours``)
decide which vessels and days to give it. ``docs/behaviours.md`` describes
every event and threshold.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import polars as pl

from portintel.domain.maritime.behaviour.area import Area, detect_area_crossings
from portintel.domain.maritime.behaviour.common import (
    EVENT_SCHEMA,
    EVENT_TYPES,
    EventRow,
    Track,
    empty_events,
    events_frame,
    prepare_positions,
    tracks_of,
)
from portintel.domain.maritime.behaviour.encounter import detect_encounters
from portintel.domain.maritime.behaviour.gap import detect_gaps
from portintel.domain.maritime.behaviour.identity_change import (
    detect_field_changes,
    detect_shared_imo,
    detect_two_places,
)
from portintel.domain.maritime.behaviour.implausible_jump import detect_jumps
from portintel.domain.maritime.behaviour.loitering import detect_loitering
from portintel.domain.maritime.behaviour.port_visit import detect_port_visits
from portintel.domain.maritime.behaviour.ports import Gazetteer
from portintel.domain.maritime.behaviour.segments import assign_segments, segments_frame
from portintel.domain.maritime.behaviour.settings import BehaviourSettings

__all__ = [
    "EVENT_SCHEMA",
    "EVENT_TYPES",
    "Area",
    "BehaviourSettings",
    "Detection",
    "Gazetteer",
    "detect",
    "empty_events",
]


@dataclass(frozen=True, slots=True)
class Detection:
    events: pl.DataFrame
    segments: pl.DataFrame
    """``mmsi, ts, segment_id`` of every (deduplicated) position."""


def detect(
    positions: pl.DataFrame,
    statics: pl.DataFrame | None,
    settings: BehaviourSettings,
    gazetteer: Gazetteer,
    areas: Sequence[Area] = (),
    *,
    encounters: bool = True,
) -> Detection:
    """Every behaviour of the vessels in ``positions`` (and ``statics``)."""
    prepared = prepare_positions(positions)
    tracks: list[Track] = tracks_of(prepared)
    # one gazetteer look-up for every fix, sliced per track below
    port_index, port_km = gazetteer.nearest(
        prepared["lat"].to_numpy(),
        prepared["lon"].to_numpy(),
        within_km=settings.port_visit.entry_km,
    )
    rows: list[EventRow] = []
    offset = 0
    for track in tracks:
        near = (port_index[offset : offset + len(track)], port_km[offset : offset + len(track)])
        offset += len(track)
        assign_segments(track, settings.segments)
        rows.extend(detect_gaps(track, settings))
        rows.extend(detect_loitering(track, settings))
        rows.extend(detect_port_visits(track, settings, gazetteer, near))
        rows.extend(detect_jumps(track, settings))
        rows.extend(detect_two_places(track, settings))
        rows.extend(detect_area_crossings(track, settings, areas))
    if encounters:
        rows.extend(detect_encounters(tracks, settings, gazetteer))
    if statics is not None and statics.height:
        rows.extend(detect_field_changes(statics, settings))
        rows.extend(detect_shared_imo(statics, settings))
    events = events_frame(rows) if rows else empty_events()
    return Detection(events=events, segments=segments_frame(tracks))
