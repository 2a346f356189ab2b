"""What the Spark workers run: the Arrow table of one group in, an Arrow table out.

Each function is a thin shell over the domain's behaviour kernels, so Spark
runs exactly the code the local executor runs:

- :func:`vessel_events`: one vessel's positions -> the domain's ``detect``
  (every per-vessel behaviour, encounters aside);
- :func:`vessel_tracks`: one vessel's positions -> its fixes with their segment
  and its encounter samples (the encounter kernel's resampling), each sample
  tagged with every space cell it may meet a neighbour in;
- :func:`cell_pairs`: the samples of one space-time cell -> the close pairs
  (:func:`~portintel.domain.maritime.behaviour.encounter.close_pairs`);
- :func:`pair_encounters`: the fixes of two vessels that were close long
  enough -> :func:`~portintel.domain.maritime.behaviour.encounter.detect_encounters`
  on those two tracks;
- :func:`vessel_field_changes` and :func:`imo_shared`: static reports of one
  MMSI or one IMO -> identity changes.

Rows arrive in an order Spark does not keep; every function first sorts them
by the file and row they were read from (``_file``, ``_row``), which is the
order the local executor reads them in, so duplicate receptions resolve alike.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import polars as pl
import pyarrow as pa  # type: ignore[import-untyped]

from portintel.domain.maritime.behaviour import Area, BehaviourSettings, Gazetteer, detect
from portintel.domain.maritime.behaviour.common import (
    EVENTS,
    EventRow,
    empty_events,
    events_frame,
    prepare_positions,
    tracks_of,
)
from portintel.domain.maritime.behaviour.encounter import (
    close_pairs,
    detect_encounters,
    resample_arrays,
)
from portintel.domain.maritime.behaviour.identity_change import (
    detect_field_changes,
    detect_shared_imo,
)
from portintel.domain.maritime.behaviour.segments import assign_segments

ORDER = ("_file", "_row")
"""Where a row was read from: the local executor's reading order."""

EVENT_ARROW: pa.Schema = EVENTS.arrow_schema

TRACK_ARROW = pa.schema(
    [
        ("sample", pa.bool_()),
        ("mmsi", pa.int64()),
        ("t", pa.int64()),
        ("lat", pa.float64()),
        ("lon", pa.float64()),
        ("sog", pa.float64()),
        ("segment", pa.int64()),
        ("clat", pa.int64()),
        ("clon", pa.int64()),
    ]
)
"""Fixes (``sample`` false: ``t`` its time, ``segment`` its segment) and encounter
samples (``sample`` true: ``sog`` the sample's speed, ``clat``/``clon`` one cell
it is in; a sample near a cell edge comes once per cell)."""

PAIR_ARROW = pa.schema([("mmsi_a", pa.int64()), ("mmsi_b", pa.int64()), ("t", pa.int64())])


def _frame(table: pa.Table) -> pl.DataFrame:
    frame = pl.from_arrow(table)
    assert isinstance(frame, pl.DataFrame)
    present = [c for c in ORDER if c in frame.columns]
    if present:
        frame = frame.sort(present, maintain_order=True).drop(present)
    return frame


def _events_table(events: pl.DataFrame) -> pa.Table:
    return events.select(EVENTS.names).to_arrow().cast(EVENT_ARROW)


def _rows_table(rows: Sequence[EventRow]) -> pa.Table:
    return _events_table(events_frame(rows) if rows else empty_events())


def vessel_events(
    settings: BehaviourSettings, gazetteer: Gazetteer, areas: Sequence[Area], table: pa.Table
) -> pa.Table:
    """Every per-vessel event of the vessel(s) in ``table`` (encounters aside)."""
    found = detect(_frame(table), None, settings, gazetteer, areas, encounters=False)
    return _events_table(found.events)


def _cells(
    lat: np.ndarray, lon: np.ndarray, cell: float, margin_km: float
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Index of each sample once per cell it is in or within ``margin_km`` of: (index, clat, clon).

    Only a blocking step: two samples within ``margin_km`` always share a
    cell here, and the kernel's own :func:`close_pairs` decides which are close.
    """
    margin_lat = margin_km / 110.0
    cos = np.clip(np.cos(np.radians(np.minimum(np.abs(lat) + margin_lat, 90.0))), 0.01, 1.0)
    margin_lon = margin_km / (110.0 * cos)
    clat = np.floor(lat / cell).astype(np.int64)
    clon = np.floor(lon / cell).astype(np.int64)
    flat = lat - clat * cell
    flon = lon - clon * cell
    index_parts, lat_parts, lon_parts = [], [], []
    every = np.arange(lat.size)
    for dlat, near_lat in ((-1, flat <= margin_lat), (0, None), (1, flat >= cell - margin_lat)):
        for dlon, near_lon in ((-1, flon <= margin_lon), (0, None), (1, flon >= cell - margin_lon)):
            keep = np.ones(lat.size, dtype=bool)
            for near in (near_lat, near_lon):
                if near is not None:
                    keep &= near
            index_parts.append(every[keep])
            lat_parts.append(clat[keep] + dlat)
            lon_parts.append(clon[keep] + dlon)
    return np.concatenate(index_parts), np.concatenate(lat_parts), np.concatenate(lon_parts)


def vessel_tracks(settings: BehaviourSettings, gazetteer: Gazetteer, table: pa.Table) -> pa.Table:
    """The fixes of the vessel(s) in ``table`` with their segment, and their encounter samples.

    Samples are a superset of the kernel's (every segment's, not only the
    first one covering a time step): they only choose which pairs of vessels
    the kernel is run on, never what it finds.
    """
    config = settings.encounter
    step = int(config.resample_minutes * 60e6)
    max_gap = int(config.max_interpolation_gap_hours * 3600e6)
    parts: list[pa.Table] = []
    for track in tracks_of(prepare_positions(_frame(table))):
        assign_segments(track, settings.segments)
        n = len(track)
        parts.append(
            _track_table(
                sample=False,
                mmsi=np.full(n, track.mmsi, dtype=np.int64),
                t=track.ts,
                lat=track.lat,
                lon=track.lon,
                sog=track.sog,
                segment=track.segment,
            )
        )
        mmsi, t, lat, lon, speed = resample_arrays(track, step, max_gap)
        # as the kernel: slow samples away from ports
        keep = speed < config.max_speed_knots
        if keep.any():
            _, port_km = gazetteer.nearest(
                lat[keep], lon[keep], within_km=config.min_port_distance_km
            )
            keep[np.flatnonzero(keep)[port_km < config.min_port_distance_km]] = False
        mmsi, t, lat, lon, speed = (a[keep] for a in (mmsi, t, lat, lon, speed))
        index, clat, clon = _cells(lat, lon, config.cell_degrees, config.max_distance_m / 1000.0)
        parts.append(
            _track_table(
                sample=True,
                mmsi=mmsi[index],
                t=t[index],
                lat=lat[index],
                lon=lon[index],
                sog=speed[index],
                clat=clat,
                clon=clon,
            )
        )
    if not parts:
        return TRACK_ARROW.empty_table()
    return pa.concat_tables(parts)


def _track_table(*, sample: bool, **columns: np.ndarray) -> pa.Table:
    n = columns["t"].size
    arrays = []
    for field in TRACK_ARROW:
        if field.name == "sample":
            arrays.append(pa.array(np.full(n, sample), type=field.type))
        elif field.name in columns:
            arrays.append(pa.array(columns[field.name], type=field.type))
        else:
            arrays.append(pa.nulls(n, type=field.type))
    return pa.Table.from_arrays(arrays, schema=TRACK_ARROW)


def cell_pairs(settings: BehaviourSettings, table: pa.Table) -> pa.Table:
    """Close pairs among the samples of one space-time cell (the kernel's own test)."""
    samples = _frame(table).select("mmsi", "t", "lat", "lon", pl.col("sog").alias("speed"))
    pairs = close_pairs(samples, settings)
    if pairs.height == 0:
        return PAIR_ARROW.empty_table()
    return pairs.select("mmsi_a", "mmsi_b", "t").to_arrow().cast(PAIR_ARROW)


def pair_encounters(settings: BehaviourSettings, gazetteer: Gazetteer, table: pa.Table) -> pa.Table:
    """Encounters of the two vessels whose fixes (with their segments) are in ``table``."""
    fixes = (
        _frame(table)
        .select(
            "mmsi",
            pl.col("t").cast(pl.Datetime("us", "UTC")).alias("ts"),
            "lat",
            "lon",
            "sog",
            "segment",
        )
        .sort(["mmsi", "ts", "lat", "lon"], maintain_order=True)
    )
    tracks = tracks_of(fixes)
    segment = fixes["segment"].to_numpy()
    offset = 0
    for track in tracks:
        track.segment = segment[offset : offset + len(track)].astype(np.int64)
        offset += len(track)
    return _rows_table(detect_encounters(tracks, settings, gazetteer))


def vessel_field_changes(settings: BehaviourSettings, table: pa.Table) -> pa.Table:
    """Field and MID/flag identity changes of the MMSI(s) in ``table`` (static reports)."""
    return _rows_table(detect_field_changes(_frame(table), settings))


def imo_shared(settings: BehaviourSettings, table: pa.Table) -> pa.Table:
    """Shared-IMO identity changes of the IMO number(s) in ``table`` (static reports)."""
    return _rows_table(detect_shared_imo(_frame(table), settings))
