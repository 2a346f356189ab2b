"""The maritime picture: latest positions, tracks, events and ports as map layers.

Reads the track store through the :class:`~portintel.ports.TrackReader` port
with Polars, so the map gets one compact answer per layer (columns, not one
object per vessel) whatever the size of the store: the latest position of
5,000 vessels over a day of positions is one lazy scan, a filter, and a
group-by.

Who sees it: AIS positions are facts from no report, which need-to-know
(``domain/access.py``, rule 5) gives to every role that works with
intelligence; an administrator alone is refused (``PermissionDenied``).

Events and ports are layers other modules fill: behaviour events are read
from the track store's ``events`` dataset (``behaviour.common.EVENTS``,
Parquet beside the tracks) that detection writes, and the layer is empty
until it has run; the ports come from the node's gazetteer (:func:`port_layer`).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from itertools import pairwise
from typing import Any

import numpy as np
import polars as pl

from portintel.domain.access import may_work_with_intelligence
from portintel.domain.actors import Actor
from portintel.domain.maritime.behaviour.common import EVENTS
from portintel.domain.maritime.schema import POSITIONS, STATICS
from portintel.domain.maritime.simplification import simplify_to
from portintel.errors import InvalidInput, PermissionDenied
from portintel.services.maritime.area_scope import readable_area_events
from portintel.services.workspace import Workspace

DEFAULT_WINDOW = timedelta(hours=24)
TRACK_BREAK = timedelta(hours=6)
"""Silence after which a track is drawn as a new part (no straight line across a gap)."""
DEFAULT_TRACK_POINTS = 2_000

EVENT_TYPE_LABELS = {
    "gap": "AIS gap",
    "loitering": "Loitering",
    "encounter": "Encounter at sea",
    "port_visit": "Port visit",
    "identity_change": "Identity change",
    "area_entry": "Area entry",
    "area_exit": "Area exit",
    "implausible_jump": "Implausible jump",
}


def require_picture(actor: Actor) -> None:
    """Refuse actors whose roles read no intelligence (administrators alone)."""
    if not may_work_with_intelligence(actor):
        raise PermissionDenied(
            "the maritime picture is for roles that work with intelligence",
            hint="ask an administrator for the officer or analyst role",
        )


def may_see_picture(actor: Actor) -> bool:
    return may_work_with_intelligence(actor)


def _window(
    ws: Workspace, since: datetime | None, until: datetime | None
) -> tuple[datetime | None, datetime | None]:
    if since is not None and until is not None and since > until:
        raise InvalidInput("since is after until", field="since")
    if until is None:
        last = ws.tracks.scan(POSITIONS).select(pl.col("ts").max()).collect().item()
        until = last if since is None else None
    if since is None and until is not None:
        since = until - DEFAULT_WINDOW
    return since, until


def _between(frame: pl.LazyFrame, since: datetime | None, until: datetime | None) -> pl.LazyFrame:
    if since is not None:
        frame = frame.filter(pl.col("ts") >= since)
    if until is not None:
        frame = frame.filter(pl.col("ts") <= until)
    return frame


@dataclass(frozen=True, slots=True)
class LatestPositions:
    """The last fix of each vessel heard in [since, until], column by column."""

    since: datetime | None
    until: datetime | None
    columns: dict[str, list[Any]]

    @property
    def count(self) -> int:
        return len(self.columns["mmsi"])


def latest_positions(
    ws: Workspace,
    actor: Actor,
    *,
    since: datetime | None = None,
    until: datetime | None = None,
    mmsis: list[int] | None = None,
) -> LatestPositions:
    """Each vessel's last position in the window (default: the last 24 h of the store)."""
    require_picture(actor)
    since, until = _window(ws, since, until)
    positions = _between(ws.tracks.scan(POSITIONS), since, until).filter(
        pl.col("lat").is_not_null() & pl.col("lon").is_not_null() & pl.col("ts").is_not_null()
    )
    if mmsis:
        positions = positions.filter(pl.col("mmsi").is_in(mmsis))
    latest = positions.group_by("mmsi").agg(
        pl.col(name).sort_by("ts").last() for name in ("ts", "lat", "lon", "sog", "cog")
    )
    names = (
        ws.tracks.scan(STATICS)
        .filter(pl.col("name").is_not_null())
        .group_by("mmsi")
        .agg(pl.col("name").sort_by("ts").last())
    )
    frame = (
        latest.join(names, on="mmsi", how="left")
        .with_columns(
            pl.col("lat").round(5),
            pl.col("lon").round(5),
            pl.col("sog").round(1),
            pl.col("cog").round(1),
            pl.col("ts").dt.strftime("%Y-%m-%dT%H:%M:%SZ"),
        )
        .sort("mmsi")
        .collect()
    )
    columns = {name: frame.get_column(name).to_list() for name in frame.columns}
    return LatestPositions(since, until, columns)


@dataclass(frozen=True, slots=True)
class Track:
    """One vessel's positions in a window, simplified for display (see ``simplification``)."""

    mmsi: int
    since: datetime | None
    until: datetime | None
    points_total: int
    points_kept: int
    tolerance_m: float
    parts: list[list[tuple[float, float]]] = field(default_factory=list)
    times: list[list[str]] = field(default_factory=list)


def vessel_track(
    ws: Workspace,
    actor: Actor,
    mmsi: int,
    *,
    since: datetime | None = None,
    until: datetime | None = None,
    max_points: int = DEFAULT_TRACK_POINTS,
) -> Track:
    """The vessel's track, split at silences over :data:`TRACK_BREAK`, about ``max_points``
    vertices in all (Douglas-Peucker on each part with its share of the points, tolerance
    halved from the part's extent while it fits; a part keeps at least its two ends)."""
    require_picture(actor)
    if since is not None and until is not None and since > until:
        raise InvalidInput("since is after until", field="since")
    frame = (
        _between(ws.tracks.scan(POSITIONS), since, until)
        .filter(pl.col("mmsi") == mmsi, pl.col("ts").is_not_null())
        .select("ts", "lat", "lon")
        .unique(subset=["ts"], keep="first", maintain_order=False)
        .sort("ts")
        .collect()
    )
    total = frame.height
    if total == 0:
        return Track(mmsi, since, until, 0, 0, 0.0)
    lat = frame.get_column("lat").to_numpy().astype(np.float64)
    lon = frame.get_column("lon").to_numpy().astype(np.float64)
    times = frame.get_column("ts").dt.strftime("%Y-%m-%dT%H:%M:%SZ").to_list()
    # parts are cut on the fixes as received, then each is simplified on its own share
    silences = frame.get_column("ts").diff().fill_null(timedelta(0)) > TRACK_BREAK
    starts = [0, *np.flatnonzero(silences.to_numpy()).tolist(), total]
    budget = max(2, max_points)
    parts: list[list[tuple[float, float]]] = []
    part_times: list[list[str]] = []
    tolerance, kept_count = 0.0, 0
    for first, end in pairwise(starts):
        share = max(2, budget * (end - first) // total)
        kept, used = simplify_to(lat[first:end], lon[first:end], share)
        tolerance = max(tolerance, used)
        indexes = (kept + first).tolist()
        kept_count += len(indexes)
        parts.append([(round(float(lon[i]), 5), round(float(lat[i]), 5)) for i in indexes])
        part_times.append([times[i] for i in indexes])
    return Track(mmsi, since, until, total, kept_count, tolerance, parts, part_times)


@dataclass(frozen=True, slots=True)
class MapEvent:
    type: str
    label: str
    mmsi: int
    other_mmsi: int | None
    start: datetime | None
    end: datetime | None
    lat: float | None
    lon: float | None
    details: dict[str, Any]
    event_id: str | None = None
    parameters: dict[str, Any] = field(default_factory=dict)
    evidence: list[list[Any]] = field(default_factory=list)
    """Positions that show it: ``[[iso time, lat, lon, sog], ...]``."""


def _details(text: str | None) -> dict[str, Any]:
    if not text:
        return {}
    try:
        value = json.loads(text)
    except ValueError:
        return {"text": text}
    return value if isinstance(value, dict) else {"value": value}


def _evidence(text: str | None) -> list[list[Any]]:
    try:
        value = json.loads(text) if text else []
    except ValueError:
        return []
    if not isinstance(value, list):
        return []
    return [row for row in value if isinstance(row, list) and len(row) >= 3]


def event_layer(
    ws: Workspace,
    actor: Actor,
    *,
    since: datetime | None = None,
    until: datetime | None = None,
    types: list[str] | None = None,
    mmsi: int | None = None,
    limit: int = 5_000,
) -> list[MapEvent]:
    """Behaviour events overlapping the window (empty while detection has stored none)."""
    require_picture(actor)
    unknown = sorted(set(types or ()) - set(EVENT_TYPE_LABELS))
    if unknown:
        raise InvalidInput(
            f"unknown event type {unknown[0]!r}", field="type", hint=", ".join(EVENT_TYPE_LABELS)
        )
    events = ws.tracks.scan(EVENTS).filter(readable_area_events(ws, actor))
    if since is not None:
        events = events.filter(pl.col("end").fill_null(pl.col("start")) >= since)
    if until is not None:
        events = events.filter(pl.col("start") <= until)
    if types:
        events = events.filter(pl.col("type").is_in(types))
    if mmsi is not None:
        events = events.filter((pl.col("mmsi") == mmsi) | (pl.col("other_mmsi") == mmsi))
    frame = events.sort("start", "mmsi", nulls_last=True).head(limit).collect()
    return [
        MapEvent(
            type=row["type"],
            label=EVENT_TYPE_LABELS.get(row["type"], row["type"]),
            mmsi=row["mmsi"],
            other_mmsi=row["other_mmsi"],
            start=row["start"],
            end=row["end"],
            lat=row["lat"],
            lon=row["lon"],
            details=_details(row["details"]),
            event_id=row.get("event_id"),
            parameters=_details(row.get("parameters")),
            evidence=_evidence(row.get("evidence")),
        )
        for row in frame.iter_rows(named=True)
    ]


@dataclass(frozen=True, slots=True)
class MapPort:
    name: str
    kind: str
    lat: float
    lon: float
    id: str = ""
    kind_label: str = ""
    country: str = ""
    source: str = ""
    licence: str = ""


def port_layer(ws: Workspace, actor: Actor) -> list[MapPort]:
    """Ports, anchorages and landing sites of the node's gazetteer.

    The shipped regional gazetteer with the node's ``ports.csv`` and the
    analysts' entries over it (:func:`portintel.services.maritime.behaviours.gazetteer`,
    the one detection uses).
    """
    from followthemoney.types import registry

    from portintel.domain.maritime.port_entries import KIND_LABELS
    from portintel.services.maritime.behaviours import gazetteer

    require_picture(actor)
    return [
        MapPort(
            name=port.name,
            kind=port.kind,
            lat=port.lat,
            lon=port.lon,
            id=port.id,
            kind_label=KIND_LABELS.get(port.kind, port.kind),
            country=registry.country.caption(port.country.lower()) or port.country,
            source=port.source,
            licence=port.licence,
        )
        for port in gazetteer(ws).ports
    ]
