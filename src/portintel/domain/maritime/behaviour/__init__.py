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

import numpy as np
import polars as pl

from portintel.domain.maritime.behaviour.area import Area
from portintel.domain.maritime.behaviour.common import (
    EVENT_SCHEMA,
    EVENT_TYPES,
    EventRow,
    empty_events,
    events_frame,
)
from portintel.domain.maritime.behaviour.fleet import (
    Fleet,
    detect_fleet,
    detect_fleet_encounters,
    fleet_of,
)
from portintel.domain.maritime.behaviour.identity_change import (
    detect_field_changes,
    detect_shared_imo,
)
from portintel.domain.maritime.behaviour.ports import Gazetteer
from portintel.domain.maritime.behaviour.settings import BehaviourSettings

__all__ = [
    "EVENT_SCHEMA",
    "EVENT_TYPES",
    "Area",
    "BehaviourSettings",
    "Detection",
    "Fleet",
    "Gazetteer",
    "detect",
    "detect_events",
    "empty_events",
    "fleet_of",
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
    """Every behaviour of the vessels in ``positions`` (and ``statics``).

    The same events as the per-vessel kernels run track by track, found for
    every vessel at once (:mod:`~portintel.domain.maritime.behaviour.fleet`).
    """
    fleet = fleet_of(positions)
    events = detect_events(fleet, statics, settings, gazetteer, areas, encounters=encounters)
    return Detection(events=events, segments=fleet_segments_frame(fleet))


def detect_events(
    fleet: Fleet,
    statics: pl.DataFrame | None,
    settings: BehaviourSettings,
    gazetteer: Gazetteer,
    areas: Sequence[Area] = (),
    *,
    encounters: bool = True,
) -> pl.DataFrame:
    """The events of :func:`detect` for a prepared fleet (its segments assigned on the way)."""
    rows: list[EventRow] = detect_fleet(fleet, settings, gazetteer, areas)
    if encounters:
        rows.extend(detect_fleet_encounters(fleet, settings, gazetteer))
    if statics is not None and statics.height:
        rows.extend(detect_field_changes(statics, settings))
        rows.extend(detect_shared_imo(statics, settings))
    return events_frame(rows) if rows else empty_events()


def fleet_segments_frame(fleet: Fleet) -> pl.DataFrame:
    """:func:`segments_frame` of the fleet's tracks."""
    frame = pl.DataFrame(
        {
            "mmsi": np.repeat(fleet.mmsi, np.diff(fleet.start)),
            "ts": fleet.ts,
            "segment": fleet.segment,
        },
        schema={"mmsi": pl.Int64, "ts": pl.Int64, "segment": pl.Int64},
    )
    return frame.select(
        "mmsi",
        pl.col("ts").cast(pl.Datetime("us", "UTC")),
        pl.format("{}-{}", "mmsi", "segment").alias("segment_id"),
    )
