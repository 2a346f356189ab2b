"""What every behaviour kernel shares: distances, the event table and its keys.

An event is one row of :data:`EVENT_SCHEMA`. ``parameters``, ``details`` and
``evidence`` are JSON text so the table stays flat (Parquet, CSV, GeoJSON
alike). ``event_id`` is a hash of what identifies the event (its type,
vessels, start and discriminator), never of what a later run may extend (its
end): re-running detection on the same data gives the same ids, and an event
still going on at the end of the data keeps its id when new data extends it.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from itertools import pairwise
from math import isfinite
from typing import Any

import numpy as np
import numpy.typing as npt
import polars as pl
import pyarrow as pa  # type: ignore[import-untyped]

from portintel.domain.maritime.schema import UTC_TIMESTAMP, Column, Dataset

EARTH_RADIUS_KM = 6371.0088
KM_PER_NM = 1.852
KNOT_KMH = 1.852

FloatArray = npt.NDArray[np.float64]

EVENT_TYPES = (
    "gap",
    "loitering",
    "encounter",
    "port_visit",
    "identity_change",
    "area_entry",
    "area_exit",
    "implausible_jump",
)


EVENTS = Dataset(
    "events",
    (
        Column(
            "event_id",
            pa.string(),
            "Stable id: hash of type, MMSI(s), start and discriminator.",
            False,
        ),
        Column(
            "type", pa.string(), "Behaviour event type (gap, loitering, encounter, ...).", False
        ),
        Column("mmsi", pa.int64(), "The vessel's MMSI (the lower one of an encounter).", False),
        Column("other_mmsi", pa.int64(), "The other vessel: encounter, shared IMO."),
        Column("start", UTC_TIMESTAMP, "When the behaviour began, UTC.", False),
        Column("end", UTC_TIMESTAMP, "When it ended, UTC (null: still going on)."),
        Column("lat", pa.float64(), "Where it happened: latitude."),
        Column("lon", pa.float64(), "Where it happened: longitude."),
        Column("parameters", pa.string(), "The thresholds that fired it, a JSON object."),
        Column("details", pa.string(), "What was measured, a JSON object."),
        Column("evidence", pa.string(), "A small window of positions, a JSON array."),
    ),
)
"""The events as a dataset of the track store (``<tracks>/events/``), read through TrackReader."""

EVENT_SCHEMA: dict[str, pl.DataType] = dict(EVENTS.polars_schema)


def haversine_km(
    lat1: FloatArray | float,
    lon1: FloatArray | float,
    lat2: FloatArray | float,
    lon2: FloatArray | float,
) -> FloatArray:
    """Great-circle distance in km (arrays broadcast)."""
    p1 = np.radians(lat1)
    p2 = np.radians(lat2)
    dp = p2 - p1
    dl = np.radians(np.asarray(lon2) - np.asarray(lon1))
    a = np.sin(dp / 2) ** 2 + np.cos(p1) * np.cos(p2) * np.sin(dl / 2) ** 2
    return np.asarray(2 * EARTH_RADIUS_KM * np.arcsin(np.sqrt(np.clip(a, 0.0, 1.0))), dtype=float)


def implied_knots(distance_km: FloatArray, seconds: FloatArray) -> FloatArray:
    """Speed needed to cover ``distance_km`` in ``seconds``; a jump in no time is infinite."""
    hours = np.asarray(seconds, dtype=float) / 3600.0
    with np.errstate(divide="ignore", invalid="ignore"):
        speed = np.where(hours > 0, distance_km / KNOT_KMH / np.where(hours > 0, hours, 1.0), 0.0)
    # same time, different place (beyond GPS noise): impossible
    return np.where((hours <= 0) & (distance_km > 0.05), np.inf, speed)


@dataclass(slots=True)
class Track:
    """One vessel's fixes as numpy arrays, sorted by time, duplicates removed."""

    mmsi: int
    ts: npt.NDArray[np.int64]
    """Microseconds since the epoch, UTC."""
    lat: FloatArray
    lon: FloatArray
    sog: FloatArray
    """Knots; NaN where not reported."""
    shore_km: FloatArray | None = None
    """``distance_to_shore_km`` from ingestion when the store has it, else None."""
    segment: npt.NDArray[np.int64] = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    concurrent: npt.NDArray[np.bool_] = field(default_factory=lambda: np.zeros(0, dtype=bool))
    """Per segment: opened while another segment of the MMSI was open."""

    def __len__(self) -> int:
        return int(self.ts.shape[0])


def segment_indices(track: Track) -> list[npt.NDArray[np.int64]]:
    """The fixes of each segment of ``track`` (``np.flatnonzero(track.segment == s)`` for
    each segment ``s`` in ascending order), without a pass per segment when segments follow
    one another in time (a track segmented by silences alone)."""
    segment = track.segment
    if segment.size and np.all(segment[1:] >= segment[:-1]):
        bounds = [0, *(np.flatnonzero(np.diff(segment)) + 1).tolist(), segment.size]
        return [np.arange(a, b) for a, b in pairwise(bounds)]
    return [np.flatnonzero(segment == s) for s in np.unique(segment)]


POSITION_COLUMNS = ("mmsi", "ts", "lat", "lon", "sog")


def prepare_positions(positions: pl.DataFrame) -> pl.DataFrame:
    """Positions ready for the kernels: timed, one per (vessel, time, place), sorted.

    Out-of-order input is sorted; duplicate receptions of one fix (same MMSI,
    time and position, heard by several stations) count once. Tracks of an
    archive's own vessel ids (no MMSI) are left out: events name an MMSI.
    """
    columns = [c for c in (*POSITION_COLUMNS, "distance_to_shore_km") if c in positions.columns]
    frame = positions.select(columns).filter(
        pl.col("mmsi").is_not_null()
        & pl.col("ts").is_not_null()
        & pl.col("lat").is_not_null()
        & pl.col("lon").is_not_null()
    )
    if "sog" not in frame.columns:
        frame = frame.with_columns(pl.lit(None, dtype=pl.Float64).alias("sog"))
    frame = frame.with_columns(pl.col("ts").cast(pl.Datetime("us", "UTC")))
    # a stable sort puts the receptions of one fix side by side, the first received first;
    # keeping rows that differ from the one before is ``unique(keep="first")`` without its
    # hash table: on the track store's day-sorted files about ten times faster (issue #11)
    keys = ["mmsi", "ts", "lat", "lon"]
    frame = frame.sort(keys, maintain_order=True)
    first = pl.any_horizontal([pl.col(k).ne_missing(pl.col(k).shift(1)) for k in keys])
    return frame.filter(first)


def tracks_of(prepared: pl.DataFrame) -> list[Track]:
    """Split prepared positions (sorted by MMSI, time) into one :class:`Track` per MMSI."""
    if prepared.height == 0:
        return []
    mmsi = prepared["mmsi"].to_numpy()
    ts = prepared["ts"].dt.epoch("us").to_numpy().astype(np.int64)
    lat = prepared["lat"].cast(pl.Float64).to_numpy()
    lon = prepared["lon"].cast(pl.Float64).to_numpy()
    sog = prepared["sog"].cast(pl.Float64).fill_null(np.nan).to_numpy()
    shore = (
        prepared["distance_to_shore_km"].cast(pl.Float64).fill_null(np.nan).to_numpy()
        if "distance_to_shore_km" in prepared.columns
        else None
    )
    bounds = np.concatenate([[0], np.flatnonzero(np.diff(mmsi) != 0) + 1, [mmsi.size]])
    return [
        Track(
            mmsi=int(mmsi[a]),
            ts=ts[a:b],
            lat=lat[a:b],
            lon=lon[a:b],
            sog=sog[a:b],
            shore_km=None if shore is None else shore[a:b],
        )
        for a, b in zip(bounds[:-1].tolist(), bounds[1:].tolist(), strict=True)
    ]


_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def micros_to_datetime(value: int) -> datetime:
    return _EPOCH + timedelta(microseconds=int(value))


def event_id(kind: str, mmsi: int, other: int | None, start: int, discriminator: str = "") -> str:
    text = f"{kind}|{mmsi}|{other if other is not None else ''}|{start}|{discriminator}"
    return hashlib.blake2b(text.encode(), digest_size=12).hexdigest()


def evidence(track: Track, indices: Sequence[int]) -> str:
    """A small window of positions as JSON: ``[[iso time, lat, lon, sog], ...]``."""
    n = len(track)
    picked = sorted({int(i) for i in indices if 0 <= i < n})
    if not picked:
        return "[]"
    # one gather per column, then plain floats: same text as per-fix numpy scalars, faster
    ts = track.ts[picked].tolist()
    lat = track.lat[picked].tolist()
    lon = track.lon[picked].tolist()
    sog = track.sog[picked].tolist()
    rows: list[list[Any]] = [
        [
            (_EPOCH + timedelta(microseconds=t)).isoformat(),
            round(a, 6),
            round(o, 6),
            None if s != s else round(s, 2),  # NaN: not reported
        ]
        for t, a, o, s in zip(ts, lat, lon, sog, strict=True)
    ]
    if not all(isfinite(v) for row in rows for v in row[1:] if v is not None):
        return json.dumps(rows)
    # json.dumps' own text (floats as repr, ", " between items), written directly: faster
    return (
        "["
        + ", ".join(
            f'["{t}", {a!r}, {o!r}, {"null" if s is None else repr(s)}]' for t, a, o, s in rows
        )
        + "]"
    )


def window(start: int, end: int, size: int, length: int) -> list[int]:
    """Indices of ``size`` fixes up to ``start`` and ``size`` from ``end`` (clipped)."""
    before = range(max(0, start - size + 1), start + 1)
    after = range(end, min(length, end + size))
    return [*before, *after]


def _clean(value: Any) -> Any:
    if isinstance(value, float) and not np.isfinite(value):
        return None
    if isinstance(value, np.floating):
        return _clean(float(value))
    if isinstance(value, np.integer):
        return int(value)
    return value


@dataclass(slots=True)
class EventRow:
    """One event before it becomes a row of :data:`EVENT_SCHEMA`."""

    type: str
    mmsi: int
    start: int
    end: int | None
    lat: float | None
    lon: float | None
    parameters: Mapping[str, Any]
    details: Mapping[str, Any]
    evidence: str = "[]"
    other_mmsi: int | None = None
    discriminator: str = ""

    def as_dict(self) -> dict[str, Any]:
        return {
            "event_id": event_id(
                self.type, self.mmsi, self.other_mmsi, self.start, self.discriminator
            ),
            "type": self.type,
            "mmsi": self.mmsi,
            "other_mmsi": self.other_mmsi,
            "start": micros_to_datetime(self.start),
            "end": micros_to_datetime(self.end) if self.end is not None else None,
            "lat": _clean(self.lat),
            "lon": _clean(self.lon),
            "parameters": json.dumps({k: _clean(v) for k, v in self.parameters.items()}),
            "details": json.dumps({k: _clean(v) for k, v in self.details.items()}),
            "evidence": self.evidence,
        }


def events_frame(rows: Sequence[EventRow]) -> pl.DataFrame:
    """The rows as an event table, sorted by start, one row per event id."""
    return records_frame([row.as_dict() for row in rows])


def records_frame(records: Sequence[Mapping[str, Any]]) -> pl.DataFrame:
    """:func:`events_frame` of rows already made records (:meth:`EventRow.as_dict`), in
    their order (a later record of an event id wins)."""
    frame = pl.DataFrame(records, schema=EVENT_SCHEMA)
    return frame.unique(subset="event_id", keep="last", maintain_order=True).sort(
        ["start", "event_id"]
    )


def empty_events() -> pl.DataFrame:
    return pl.DataFrame(schema=EVENT_SCHEMA)
