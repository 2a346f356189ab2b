"""Gather what the indicators look at, for a batch of vessels at once.

Scoring is a system job: it reads everything (need-to-know is applied when
reasons are *read*, evidence by evidence, see :mod:`.scores`). Each source
is read once per batch, not once per vessel: the behaviour events and the
positions of the window from the track store (Polars), the identity
statements, the reports and incidents about the vessels, and the links from
each vessel to the entities that watchlists hit (a breadth-first walk over
entity-typed statements, an edge entity such as an Ownership counting as
part of one step).
"""

from __future__ import annotations

import functools
import json
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import numpy as np
import polars as pl
from sqlalchemy import Connection, select

from portintel.adapters.behaviour_config import load_gazetteer
from portintel.adapters.database import tables
from portintel.adapters.vocabularies import load_grading_schemes
from portintel.domain.grading import Grading
from portintel.domain.maritime.behaviour.common import EVENTS
from portintel.domain.maritime.schema import POSITIONS
from portintel.domain.reports import ReportStatus
from portintel.domain.targeting import (
    Evidence,
    GradedReport,
    IdentityFact,
    IncidentFact,
    Place,
    VesselEvent,
    VesselFacts,
    WatchedLink,
    transits,
)
from portintel.errors import PortintelError
from portintel.services.workspace import Workspace

REFERENCE_SCHEME = "admiralty"
"""Graded intelligence is weighed in this scheme; other schemes are mapped to it."""
AIS_ORIGIN = "ais:"
IDENTITY_PROPS = ("name", "type", "flag", "imoNumber", "callSign", "mmsi", "pastFlags")
MAX_LINK_NODES = 2_000
"""A walk stops widening past this many entities (a hub such as a port authority)."""

_S = tables.statements.c


@dataclass(frozen=True, slots=True)
class VesselKey:
    """A vessel as scoring knows it: the MMSI and its registry and canonical entities."""

    mmsi: int
    entity_id: str
    canonical_id: str


def vessel_keys(connection: Connection, mmsis: Iterable[int]) -> dict[int, VesselKey]:
    """MMSI -> registry entity (the oldest AIS one) and its canonical id; unknown MMSIs absent."""
    wanted = sorted({str(m) for m in mmsis})
    found: dict[int, VesselKey] = {}
    for chunk in _chunks(wanted, 500):
        rows = connection.execute(
            select(_S.value, _S.entity_id, _S.canonical_id, _S.first_seen)
            .where(
                _S.schema == "Vessel",
                _S.prop == "mmsi",
                _S.origin.like(f"{AIS_ORIGIN}%"),
                _S.value.in_(chunk),
            )
            .order_by(_S.value, _S.first_seen, _S.entity_id)
        ).all()
        for row in rows:
            mmsi = int(row.value)
            if mmsi not in found:
                found[mmsi] = VesselKey(mmsi, row.entity_id, row.canonical_id)
    return found


def _chunks(items: Sequence[Any], size: int) -> Iterable[Sequence[Any]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _details(text: str | None) -> dict[str, Any]:
    if not text:
        return {}
    try:
        value = json.loads(text)
    except ValueError:
        return {}
    return value if isinstance(value, dict) else {}


def load_events(
    ws: Workspace, mmsis: Sequence[int], since: datetime
) -> dict[int, list[VesselEvent]]:
    """The behaviour events of each vessel since ``since`` (an encounter is both vessels')."""
    wanted = [int(m) for m in mmsis]
    frame = (
        ws.tracks.scan(EVENTS)
        .filter(pl.col("end").fill_null(pl.col("start")) >= since)
        .filter(pl.col("mmsi").is_in(wanted) | pl.col("other_mmsi").is_in(wanted))
        .select(
            "event_id",
            "type",
            "mmsi",
            "other_mmsi",
            "start",
            "end",
            "lat",
            "lon",
            "details",
            pl.col("parameters").str.json_path_match("$.area_id").alias("area_id"),
        )
        .collect()
    )
    events: dict[int, list[VesselEvent]] = defaultdict(list)
    chosen = set(mmsis)
    for row in frame.iter_rows(named=True):
        for mmsi, other in ((row["mmsi"], row["other_mmsi"]), (row["other_mmsi"], row["mmsi"])):
            if mmsi is None or mmsi not in chosen:
                continue
            events[mmsi].append(
                VesselEvent(
                    event_id=row["event_id"],
                    type=row["type"],
                    start=row["start"],
                    end=row["end"],
                    lat=row["lat"],
                    lon=row["lon"],
                    other_mmsi=other,
                    details=_details(row["details"]),
                    area_id=row["area_id"],
                )
            )
    return events


@dataclass(frozen=True, slots=True)
class TrackSummary:
    start: datetime | None
    end: datetime | None
    transits: tuple[Any, ...]


def load_tracks(
    ws: Workspace, mmsis: Sequence[int], since: datetime, until: datetime
) -> dict[int, TrackSummary]:
    """Each vessel's first and last fix in the window and its transits."""
    frame = (
        ws.tracks.scan(POSITIONS, days=(since.date(), until.date()), mmsi=list(mmsis))
        .filter(pl.col("mmsi").is_in([int(m) for m in mmsis]))
        .filter(pl.col("ts").is_between(since, until))
        .select("mmsi", "ts", "lat", "lon", "sog")
        .sort("mmsi", "ts")
        .collect()
    )
    summaries: dict[int, TrackSummary] = {}
    if frame.is_empty():
        return summaries
    mmsi = frame["mmsi"].to_numpy()
    seconds = frame["ts"].dt.epoch("us").to_numpy().astype(np.float64) / 1e6
    lat = frame["lat"].to_numpy()
    lon = frame["lon"].to_numpy()
    sog = frame["sog"].fill_null(float("nan")).to_numpy().astype(np.float64)
    bounds = np.flatnonzero(np.diff(mmsi)) + 1
    starts = np.concatenate(([0], bounds))
    ends = np.concatenate((bounds, [mmsi.size]))
    times = frame["ts"]
    for a, b in zip(starts.tolist(), ends.tolist(), strict=True):
        summaries[int(mmsi[a])] = TrackSummary(
            start=times[a],
            end=times[b - 1],
            transits=tuple(transits(seconds[a:b], lat[a:b], lon[a:b], sog[a:b])),
        )
    return summaries


def load_identity(
    connection: Connection, keys: Sequence[VesselKey]
) -> dict[str, list[IdentityFact]]:
    """Canonical id -> identity statements of the vessel (AIS and reports alike)."""
    found: dict[str, list[IdentityFact]] = defaultdict(list)
    canonical = sorted({k.canonical_id for k in keys})
    for chunk in _chunks(canonical, 500):
        rows = connection.execute(
            select(
                _S.id,
                _S.canonical_id,
                _S.prop,
                _S.value,
                _S.first_seen,
                _S.last_seen,
                _S.origin,
                tables.reports.c.id.label("report_id"),
            )
            .select_from(
                tables.statements.outerjoin(tables.reports, tables.reports.c.id == _S.origin)
            )
            .where(
                _S.canonical_id.in_(chunk),
                _S.prop.in_(IDENTITY_PROPS),
                _S.invalid_reason.is_(None),
            )
        ).all()
        for row in rows:
            found[row.canonical_id].append(
                IdentityFact(
                    row.id, row.prop, row.value, row.first_seen, row.last_seen, row.report_id
                )
            )
    return found


@functools.cache
def _scheme_map() -> Any:
    return load_grading_schemes()


def _reference_grade(scheme: str, reliability: str, credibility: str) -> tuple[str, str] | None:
    try:
        grade = _scheme_map().map(Grading(scheme, reliability, credibility), REFERENCE_SCHEME)
    except (PortintelError, KeyError):
        return None
    return grade.reliability, grade.credibility


NOT_INTELLIGENCE = (ReportStatus.DRAFT.value,)


def load_reports(
    connection: Connection, keys: Sequence[VesselKey]
) -> dict[str, list[GradedReport]]:
    """Canonical id -> the reports (past draft) whose statements are about the vessel."""
    r = tables.reports.c
    found: dict[str, list[GradedReport]] = defaultdict(list)
    canonical = sorted({k.canonical_id for k in keys})
    for chunk in _chunks(canonical, 500):
        rows = connection.execute(
            select(
                _S.canonical_id,
                r.id,
                r.title,
                r.reported_at,
                r.grading_scheme,
                r.reliability,
                r.credibility,
            )
            .distinct()
            .select_from(tables.statements.join(tables.reports, r.id == _S.origin))
            .where(_S.canonical_id.in_(chunk), r.status.not_in(NOT_INTELLIGENCE))
        ).all()
        for row in rows:
            grade = _reference_grade(row.grading_scheme, row.reliability, row.credibility)
            if grade is None:
                continue
            found[row.canonical_id].append(
                GradedReport(row.id, row.reported_at, grade[0], grade[1], row.title)
            )
    return found


def _entity_ids(connection: Connection, canonical: Sequence[str]) -> dict[str, str]:
    """Every entity id of the given canonical entities -> its canonical id."""
    found: dict[str, str] = {}
    for chunk in _chunks(sorted(set(canonical)), 500):
        rows = connection.execute(
            select(_S.entity_id, _S.canonical_id).distinct().where(_S.canonical_id.in_(chunk))
        ).all()
        found.update({row.entity_id: row.canonical_id for row in rows})
    for value in canonical:
        found.setdefault(value, value)
    return found


def load_incidents(
    connection: Connection, keys: Sequence[VesselKey]
) -> dict[str, list[IncidentFact]]:
    """Canonical id -> the incidents recorded with the vessel."""
    i = tables.incidents.c
    entity_ids = _entity_ids(connection, [k.canonical_id for k in keys])
    found: dict[str, list[IncidentFact]] = defaultdict(list)
    for chunk in _chunks(sorted(entity_ids), 500):
        rows = connection.execute(
            select(i.id, i.vessel_entity_id, i.occurred_at, i.kind, i.report_id).where(
                i.vessel_entity_id.in_(chunk)
            )
        ).all()
        for row in rows:
            found[entity_ids[row.vessel_entity_id]].append(
                IncidentFact(row.id, row.occurred_at, row.kind, row.report_id)
            )
    return found


def watched_entities(connection: Connection, now: datetime) -> dict[str, tuple[str, str]]:
    """Canonical id -> (entry id, schema) of every entity an active watchlist entry hit."""
    h, e = tables.watch_hits.c, tables.watch_entries.c
    rows = connection.execute(
        select(h.entity_id, h.entry_id, h.schema)
        .select_from(tables.watch_hits.join(tables.watch_entries, e.id == h.entry_id))
        .where(e.removed_at.is_(None), (e.expires_at.is_(None)) | (e.expires_at > now))
        .order_by(h.entity_id, h.entry_id)
    ).all()
    canonical = _entity_ids(connection, [row.entity_id for row in rows])
    found: dict[str, tuple[str, str]] = {}
    for row in rows:
        found.setdefault(canonical.get(row.entity_id, row.entity_id), (row.entry_id, row.schema))
    return found


@functools.cache
def is_edge(schema: str) -> bool:
    from followthemoney import model

    found = model.get(schema)
    return bool(found is not None and found.edge)


def neighbours(
    connection: Connection, frontier: Sequence[str]
) -> list[tuple[str, str, str, str | None, str]]:
    """(from canonical, to canonical, statement id, report id, to schema) over entity links."""
    members = _entity_ids(connection, frontier)
    links: list[tuple[str, str, str, str | None, str]] = []
    entity_props = _S.prop_type == "entity"
    ids = sorted(members)
    for chunk in _chunks(ids, 400):
        forward = connection.execute(
            select(_S.id, _S.canonical_id, _S.value, _S.origin).where(
                entity_props, _S.entity_id.in_(chunk)
            )
        ).all()
        backward = connection.execute(
            select(_S.id, _S.canonical_id, _S.value, _S.origin, _S.schema).where(
                entity_props, _S.value.in_(chunk)
            )
        ).all()
        targets: dict[str, str] = {}
        targets_needed = sorted({row.value for row in forward})
        schemata: dict[str, str] = {}
        for part in _chunks(targets_needed, 400):
            for row in connection.execute(
                select(_S.entity_id, _S.canonical_id, _S.schema)
                .distinct()
                .where(_S.entity_id.in_(part))
            ).all():
                targets[row.entity_id] = row.canonical_id
                schemata[row.canonical_id] = row.schema
        for link in forward:
            target = targets.get(link.value)
            if target is not None:
                links.append(
                    (link.canonical_id, target, link.id, link.origin, schemata.get(target, ""))
                )
        for back in backward:
            source = members.get(back.value, back.value)
            links.append((source, back.canonical_id, back.id, back.origin, back.schema))
    return links


def load_links(
    connection: Connection,
    keys: Sequence[VesselKey],
    watched: dict[str, tuple[str, str]],
    *,
    max_hops: int = 2,
) -> dict[str, list[WatchedLink]]:
    """Canonical id -> paths of at most ``max_hops`` steps to watched entities."""
    if not watched or not keys:
        return {}
    found: dict[str, list[WatchedLink]] = defaultdict(list)
    for key in keys:
        start = key.canonical_id
        # state: entity -> (steps counted, statements walked)
        paths: dict[str, tuple[int, tuple[Evidence, ...]]] = {start: (0, ())}
        frontier = [start]
        while frontier and len(paths) < MAX_LINK_NODES:
            following: list[str] = []
            for source, target, statement_id, origin, schema in neighbours(connection, frontier):
                steps, walked = paths[source]
                cost = 0 if is_edge(schema) else 1
                total = steps + cost
                if total > max_hops or target in paths:
                    continue
                report_id = origin if origin and not origin.startswith(AIS_ORIGIN) else None
                evidence = Evidence("statement", statement_id, report_id, "link")
                paths[target] = (total, (*walked, evidence))
                following.append(target)
            frontier = following
        for entity, (steps, walked) in sorted(paths.items()):
            if entity == start or entity not in watched or steps == 0:
                continue
            entry_id, schema = watched[entity]
            found[start].append(WatchedLink(entity, schema, entry_id, walked))
    return found


def load_places(ws: Workspace) -> tuple[Place, ...]:
    gazetteer = load_gazetteer(ws.settings.data_dir)
    return tuple(Place(p.id, p.name, p.kind, p.lat, p.lon) for p in gazetteer.ports)


def gather_facts(
    ws: Workspace,
    mmsis: Sequence[int],
    *,
    since: datetime,
    until: datetime,
    lookback: timedelta,
) -> list[VesselFacts]:
    """The facts of each known vessel among ``mmsis`` for windows within ``[since, until]``."""
    with ws.engine.connect() as connection:
        keys = vessel_keys(connection, mmsis)
        chosen = [keys[m] for m in sorted(keys)]
        identity = load_identity(connection, chosen)
        reports = load_reports(connection, chosen)
        incidents = load_incidents(connection, chosen)
        watched = watched_entities(connection, until)
        links = load_links(connection, chosen, watched)
    numbers = [k.mmsi for k in chosen]
    events = load_events(ws, numbers, since - lookback) if numbers else {}
    tracks = load_tracks(ws, numbers, since - lookback, until) if numbers else {}
    places = load_places(ws)
    facts: list[VesselFacts] = []
    for key in chosen:
        track = tracks.get(key.mmsi)
        facts.append(
            VesselFacts(
                mmsi=key.mmsi,
                entity_id=key.canonical_id,
                identity=tuple(identity.get(key.canonical_id, ())),
                events=tuple(sorted(events.get(key.mmsi, ()), key=lambda e: (e.start, e.event_id))),
                reports=tuple(reports.get(key.canonical_id, ())),
                incidents=tuple(incidents.get(key.canonical_id, ())),
                links=tuple(links.get(key.canonical_id, ())),
                transits=track.transits if track else (),
                track_start=track.start if track else None,
                track_end=track.end if track else None,
                places=places,
            )
        )
    return facts


__all__ = ["VesselKey", "gather_facts", "vessel_keys"]
