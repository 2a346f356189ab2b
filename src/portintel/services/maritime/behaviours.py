"""Behaviour detection, local executor: the track store in, events stored, hook fired.

Incremental: the executor keeps a fingerprint (row count and a hash of what
detection reads of each row: time, estimated-time flag, position, speed,
distance to shore) of every vessel and UTC day of the positions dataset. A run finds
the (vessel, day) pairs whose fingerprint changed, and for each touched vessel
recomputes from the start of its first touched day, pulled back to the start
of any stored event still going on then (state carried across day
boundaries), with a context of :data:`CONTEXT` before it and the vessel's
last fix before that (so a gap that began long ago is still seen). Events of
the vessel ending in the recomputed window are replaced. Encounters involve
vessels that got no new data: they are recomputed, for every vessel, from the
earliest touched day on. Identity changes from static reports are recomputed
over all statics whenever the statics changed (they are small).

One read: a first run (no state yet) reads the store once for the
fingerprints and both stages; a later run scans the fingerprint columns, then
reads the positions from the earliest time either stage needs. The positions
are prepared once (:func:`~portintel.domain.maritime.behaviour.fleet_of`) and
every vessel's behaviours found at once; when both stages cover the same
fixes (a first run) they share the segments too.

Idempotent: event ids are hashes of type, vessels, start and discriminator;
a run with no new data changes nothing, and a full re-run
(``since``) stores the same events under the same ids.
"""

from __future__ import annotations

import json
import os
import pickle
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from functools import partial
from time import perf_counter
from typing import TYPE_CHECKING, Any, TypeVar

import numpy as np
import polars as pl

from portintel.adapters.behaviour_config import (
    load_behaviour_settings,
    load_gazetteer,
    load_node_areas,
)
from portintel.adapters.eventstore import STATE_SCHEMA, EventStore
from portintel.domain.maritime.behaviour import (
    Area,
    BehaviourSettings,
    Fleet,
    Gazetteer,
    fleet_of,
)
from portintel.domain.maritime.behaviour.common import (
    EVENT_SCHEMA,
    EVENT_TYPES,
    EVENTS,
    empty_events,
    events_frame,
    records_frame,
)
from portintel.domain.maritime.behaviour.fleet import (
    detect_fleet_encounters,
    detect_segmented,
    fleet_part,
    fleet_parts,
    segment_fleet,
)
from portintel.domain.maritime.behaviour.identity_change import (
    detect_field_changes,
    detect_shared_imo,
)
from portintel.domain.maritime.schema import POSITIONS, STATICS
from portintel.errors import InvalidInput, NotFound, PermissionDenied
from portintel.services.events import announce, transaction
from portintel.services.maritime.area_scope import readable_area_events

if TYPE_CHECKING:
    from portintel.domain.actors import Actor
    from portintel.services.workspace import Workspace

CONTEXT = timedelta(days=2)
"""Positions read before the recomputed window, so an event starting there is whole."""
STATICS_KINDS = ("field", "mid_flag", "shared_imo")
JOB_NAME = "maritime.detect_behaviours"


@dataclass(slots=True)
class DetectionSummary:
    vessels: int = 0
    """Vessels recomputed (touched by new data, or all with ``since``)."""
    days: int = 0
    """(vessel, day) pairs touched."""
    positions: int = 0
    """Positions read."""
    events: int = 0
    """Events stored after the run."""
    changed: int = 0
    """Events new or changed by this run (what the hook is told)."""
    removed: int = 0
    by_type: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0
    refused_ports: tuple[str, ...] = ()


def event_store(ws: Workspace) -> EventStore:
    return EventStore(ws.settings.tracks_dir, ws.settings.data_dir / "behaviours")


FINGERPRINTED = ("ts", "ts_estimated", "lat", "lon", "sog", "distance_to_shore_km")
"""What detection reads of a position: a vessel-day whose rows change in any of these is
recomputed (a row stored again from another source, identical, changes nothing)."""


def _stored_positions(ws: Workspace) -> pl.LazyFrame:
    """Every position with a vessel and a time, the columns detection and fingerprints read."""
    names = ws.tracks.scan(POSITIONS).collect_schema().names()
    return (
        ws.tracks.scan(POSITIONS)
        .filter(pl.col("ts").is_not_null() & pl.col("mmsi").is_not_null())
        .select([c for c in ("mmsi", *FINGERPRINTED) if c in names])
    )


def _fingerprints(positions: pl.LazyFrame) -> pl.DataFrame:
    """Rows and a hash of their content per vessel and UTC day."""
    columns = [c for c in FINGERPRINTED if c in positions.collect_schema().names()]
    return (
        positions.select(
            "mmsi",
            pl.col("ts").dt.date().alias("day"),
            pl.struct(columns).hash(7).alias("h"),
        )
        .group_by("mmsi", "day")
        .agg(pl.len().alias("rows"), pl.col("h").sum().alias("fingerprint"))
        .collect()
        .cast(STATE_SCHEMA)  # type: ignore[arg-type]
    )


def _statics_fingerprint(ws: Workspace) -> tuple[int, int]:
    row = (
        ws.tracks.scan(STATICS)
        .select(pl.len().alias("n"), pl.col("key").hash(7).sum().alias("h"))
        .collect()
        .row(0)
    )
    return int(row[0]), int(row[1] or 0)


def _day_start(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, tzinfo=UTC)


def _statics_based(frame: pl.DataFrame) -> pl.Expr:
    kind = pl.col("details").str.json_path_match("$.kind")
    return (pl.col("type") == "identity_change") & kind.is_in(list(STATICS_KINDS))


def detect_behaviours(ws: Workspace, *, since: date | None = None) -> DetectionSummary:
    """Detect behaviours in what changed in the track store since the last run (or ``since``).

    Runs one at a time per data directory (a second run waits for the first).
    """
    # the store's read lock: a compaction meanwhile deletes no file this run lists
    with event_store(ws).locked(), ws.tracks.reading():
        return _detect(ws, since)


def _detect(ws: Workspace, since: date | None) -> DetectionSummary:
    started = perf_counter()
    settings = load_behaviour_settings(ws.settings.data_dir)
    gazetteer = load_gazetteer(ws.settings.data_dir)
    areas = load_node_areas(ws.settings.data_dir)
    store = event_store(ws)
    summary = DetectionSummary(refused_ports=gazetteer.refused)

    previous = store.load_state()
    everything: pl.DataFrame | None = None
    first_frame: pl.DataFrame | None = None
    first_fleet: Fleet | None = None
    if previous.height == 0:
        # a first run recomputes every vessel and day: one read serves all, and the
        # fingerprints (Polars, its own threads, the GIL released) are taken while the
        # positions are prepared (NumPy) on the other core
        everything = _stored_positions(ws).collect()
        with ThreadPoolExecutor(max_workers=1) as pool:
            fingerprinting = pool.submit(_fingerprints, everything.lazy())
            first_frame = _timed(everything.lazy()).collect()
            first_fleet = fleet_of(first_frame)
            current = fingerprinting.result()
    else:
        current = _fingerprints(_stored_positions(ws))
    touched = current.join(previous, on=["mmsi", "day", "rows", "fingerprint"], how="anti")
    if since is not None:
        touched = pl.concat([touched, current.filter(pl.col("day") >= since)]).unique()
    touched_first = touched.group_by("mmsi").agg(pl.col("day").min().alias("first_day"))
    summary.vessels = touched_first.height
    summary.days = touched.select("mmsi", "day").unique().height

    statics_n, statics_h = _statics_fingerprint(ws)
    statics_marker = previous.filter(pl.col("mmsi") == -1)
    statics_changed = (
        since is not None
        or statics_marker.height == 0
        or (
            int(statics_marker["rows"][0]) != statics_n
            or int(statics_marker["fingerprint"][0]) != statics_h
        )
    )
    stored = store.load()
    if touched_first.height == 0 and not statics_changed:
        summary.events = stored.height
        summary.by_type = _count_types(stored)
        summary.seconds = perf_counter() - started
        return summary

    keep_old = pl.lit(True)
    new_parts: list[pl.DataFrame] = []
    if touched_first.height:
        # --- per vessel: from its first touched day, pulled back over running events
        first_touched = touched_first.with_columns(
            pl.col("first_day").cast(pl.Datetime("us", "UTC")).alias("touched_at")
        )
        running = (
            stored.filter(~_statics_based(stored) & (pl.col("type") != "encounter"))
            .join(first_touched, on="mmsi")
            .filter(pl.col("end").is_null() | (pl.col("end") >= pl.col("touched_at")))
            .group_by("mmsi")
            .agg(pl.col("start").min().alias("running_start"))
        )
        window = (
            first_touched.join(running, on="mmsi", how="left")
            .with_columns(pl.min_horizontal("touched_at", "running_start").alias("window_start"))
            .with_columns((pl.col("window_start") - CONTEXT).alias("context_start"))
            .select("mmsi", "window_start", "context_start")
        )
        # --- encounters: every vessel, from the earliest touched day on
        touched_at = first_touched["touched_at"].min()
        assert isinstance(touched_at, datetime)
        encounters = stored.filter(pl.col("type") == "encounter")
        open_starts = encounters.filter(pl.col("end").is_null() | (pl.col("end") >= touched_at))[
            "start"
        ]
        encounter_start = min([touched_at, *open_starts.to_list()])

        # one read for both stages
        read_from = min(window["context_start"].min(), encounter_start - CONTEXT)
        if first_frame is not None and first_fleet is not None:
            frame, fleet = first_frame, first_fleet
        else:
            frame = _timed(_stored_positions(ws)).filter(pl.col("ts") >= read_from).collect()
            fleet = fleet_of(frame)
        summary.positions = frame.height
        vessel_fleet = _vessel_fleet(ws, fleet, frame, window, complete=everything is not None)
        found = vessel_events(vessel_fleet, settings, gazetteer, areas)
        found = found.join(window.select("mmsi", "window_start"), on="mmsi").filter(
            pl.col("end").is_null() | (pl.col("end") >= pl.col("window_start"))
        )
        new_parts.append(found.drop("window_start"))
        replaced = stored.join(window.select("mmsi", "window_start"), on="mmsi", how="left")
        drop_vessel = (
            pl.col("window_start").is_not_null()
            & ~_statics_based(stored)
            & (pl.col("type") != "encounter")
            & (pl.col("end").is_null() | (pl.col("end") >= pl.col("window_start")))
        )
        stored = replaced.filter(~drop_vessel).drop("window_start")

        encounter_from = _micros(encounter_start - CONTEXT)
        if len(fleet) and int(fleet.ts.min()) < encounter_from:
            encounter_fleet = fleet.subset(fleet.ts >= encounter_from)
        else:
            encounter_fleet = fleet
        found_encounters = encounter_events(
            encounter_fleet, settings, gazetteer, segmented=encounter_fleet is vessel_fleet
        )
        found_encounters = found_encounters.filter(
            (pl.col("type") == "encounter") & (pl.col("end") >= encounter_start)
        )
        new_parts.append(found_encounters)
        keep_old &= ~((pl.col("type") == "encounter") & (pl.col("end") >= encounter_start))

    if statics_changed:
        statics = ws.tracks.scan(STATICS).collect()
        rows = [*detect_field_changes(statics, settings), *detect_shared_imo(statics, settings)]
        new_parts.append(events_frame(rows) if rows else empty_events())
        keep_old &= ~_statics_based(stored)

    kept = stored.filter(keep_old)
    new = pl.concat([p.select(list(EVENT_SCHEMA)) for p in new_parts]).unique(
        subset="event_id", keep="first"
    )
    before = store.load()
    merged = pl.concat([kept.filter(~pl.col("event_id").is_in(new["event_id"].implode())), new])
    changed = new.join(before, on=list(EVENT_SCHEMA), how="anti", nulls_equal=True)
    summary.removed = before.join(merged, on="event_id", how="anti").height
    store_events(ws, store, summary, merged, changed, current, (statics_n, statics_h))
    summary.seconds = perf_counter() - started
    return summary


def store_events(
    ws: Workspace,
    store: EventStore,
    summary: DetectionSummary,
    events: pl.DataFrame,
    changed: pl.DataFrame,
    state: pl.DataFrame,
    statics: tuple[int, int],
) -> None:
    """Save ``events`` with the run's fingerprints (the statics as MMSI -1), count them in
    ``summary`` and announce ``behaviour_events_detected`` for the changed ones (both executors)."""
    statics_n, statics_h = statics
    marker = pl.DataFrame(
        {"mmsi": [-1], "day": [date(1970, 1, 1)], "rows": [statics_n], "fingerprint": [statics_h]},
        schema=STATE_SCHEMA,
    )
    store.save(events, pl.concat([state, marker]))
    summary.events = events.height
    summary.changed = changed.height
    summary.by_type = _count_types(events)
    if changed.height:
        with transaction(ws) as connection:
            announce(
                connection,
                "behaviour_events_detected",
                event_ids=tuple(changed["event_id"].to_list()),
                kinds=tuple(sorted(set(changed["type"].to_list()))),
            )


PARALLEL_MIN_FIXES = 250_000
"""A fleet this large has its per-vessel behaviours found in parts, one per core (forked
worker processes): below it, starting a process costs more than it saves."""


def _cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def vessel_events(
    fleet: Fleet, settings: BehaviourSettings, gazetteer: Gazetteer, areas: Sequence[Area]
) -> pl.DataFrame:
    """The per-vessel behaviours of ``fleet`` (segments assigned on the way).

    Segments are assigned to the whole fleet (the encounter stage reads them); the
    events of a large fleet are then found in parts of its vessels, one per core, each
    in a forked worker but the first (the fleet's arrays are shared by the fork, not
    copied; the workers send back the event records, a few thousand). A vessel's events
    depend on its fixes alone, so the parts' records put end to end in the order of
    their vessels are the records of the whole fleet, in the same order.
    """
    if len(fleet) == 0:
        return empty_events()
    steps = segment_fleet(fleet, settings)
    parts = 1
    if len(fleet) >= PARALLEL_MIN_FIXES and hasattr(os, "fork"):
        parts = min(_cores(), fleet.vessels)

    def records(lo: int, hi: int) -> list[dict[str, Any]]:
        if (lo, hi) == (0, fleet.vessels):
            part, part_steps = fleet, steps
        else:
            part, part_steps = fleet_part(fleet, steps, lo, hi)
        rows = detect_segmented(part, part_steps, settings, gazetteer, areas)
        return [row.as_dict() for row in rows]

    found = in_forks([partial(records, lo, hi) for lo, hi in fleet_parts(fleet, parts)])
    every = [record for part in found for record in part]
    return records_frame(every) if every else empty_events()


T = TypeVar("T")


def in_forks(tasks: Sequence[Callable[[], T]]) -> list[T]:
    """The results of ``tasks``, in order: the first run here, the others each in a forked
    child process at the same time (what they return is pickled back through a pipe).

    A child that fails sends its error's text; its task is then run here, so a real
    error is raised where it can be seen and a lost worker costs time, never events.
    The children run NumPy and Python only (no Polars: its thread pool is not the
    child's after a fork).
    """
    if len(tasks) <= 1 or not hasattr(os, "fork"):
        return [task() for task in tasks]
    children: list[tuple[int, int]] = []
    try:
        for task in tasks[1:]:
            read, write = os.pipe()
            pid = os.fork()
            if pid == 0:  # the child: its task, its answer, gone
                code = 0
                try:
                    os.close(read)
                    try:
                        payload = pickle.dumps((True, task()), protocol=pickle.HIGHEST_PROTOCOL)
                    except BaseException as error:
                        payload = pickle.dumps((False, repr(error)))
                    with os.fdopen(write, "wb") as out:
                        out.write(payload)
                except BaseException:
                    code = 1
                finally:
                    os._exit(code)
            os.close(write)
            children.append((pid, read))
        results = [tasks[0]()]
    finally:
        answers: list[bytes] = []
        for pid, read in children:
            with os.fdopen(read, "rb") as pipe:
                answers.append(pipe.read())
            os.waitpid(pid, 0)
    for answer, task in zip(answers, tasks[1:], strict=True):
        # our own child's bytes through our own pipe, never outside data
        ok, value = pickle.loads(answer) if answer else (False, "no answer")  # noqa: S301
        results.append(value if ok else task())  # type: ignore[arg-type]
    return results


def encounter_events(
    fleet: Fleet, settings: BehaviourSettings, gazetteer: Gazetteer, *, segmented: bool = False
) -> pl.DataFrame:
    """Encounters of every vessel of ``fleet`` (segments first, unless ``segmented``)."""
    if not segmented:
        fleet.steps = None
    rows = detect_fleet_encounters(fleet, settings, gazetteer)
    return events_frame(rows) if rows else empty_events()


def detect_encounters_only(
    positions: pl.DataFrame, settings: BehaviourSettings, gazetteer: Gazetteer
) -> pl.DataFrame:
    """Encounters of every vessel in ``positions`` (segments first, as :func:`detect` does)."""
    return encounter_events(fleet_of(positions), settings, gazetteer)


def _micros(value: datetime) -> int:
    return int((value - datetime(1970, 1, 1, tzinfo=UTC)) / timedelta(microseconds=1))


def _timed(positions: pl.LazyFrame) -> pl.LazyFrame:
    """Positions with a real time: a time estimated from a file's date says nothing of movement."""
    return positions.filter(~pl.col("ts_estimated").fill_null(False)).drop("ts_estimated")


def _vessel_fleet(
    ws: Workspace, fleet: Fleet, frame: pl.DataFrame, window: pl.DataFrame, *, complete: bool
) -> Fleet:
    """The touched vessels' fixes from their context start, plus the last fix before it.

    When ``frame`` is the whole store, every vessel touched and every context
    start before the vessel's first fix, that is the whole fleet (a first run).
    """
    if complete and fleet.vessels:
        context = window.select("mmsi", "context_start").sort("mmsi")
        if context.height == fleet.vessels and np.array_equal(
            context["mmsi"].to_numpy(), fleet.mmsi
        ):
            first = fleet.ts[fleet.start[:-1]]
            starts = context["context_start"].dt.epoch("us").to_numpy()
            if np.all(starts <= first):
                return fleet
    return fleet_of(_vessel_positions(ws, frame, window))


def gazetteer(ws: Workspace) -> Gazetteer:
    """The node's ports gazetteer: shipped entries with ``<data_dir>/ports.csv`` over them."""
    return load_gazetteer(ws.settings.data_dir)


def _vessel_positions(ws: Workspace, frame: pl.DataFrame, window: pl.DataFrame) -> pl.DataFrame:
    """Touched vessels' positions from their context start (``frame`` holds them), plus the
    last fix before it (read from the store)."""
    recent = frame.join(
        window.select("mmsi", "context_start"), on="mmsi", maintain_order="left"
    ).filter(pl.col("ts") >= pl.col("context_start"))
    scan = _timed(_stored_positions(ws))
    mmsis = window["mmsi"].implode()
    before = (
        scan.filter(pl.col("mmsi").is_in(mmsis))
        .join(window.lazy().select("mmsi", "context_start"), on="mmsi")
        .filter(pl.col("ts") < pl.col("context_start"))
        .sort("ts")
        .group_by("mmsi")
        .last()
        .collect()
    )
    return pl.concat(
        [
            recent.drop("context_start"),
            before.drop("context_start").select(recent.drop("context_start").columns),
        ]
    )


def _count_types(events: pl.DataFrame) -> dict[str, int]:
    counts = events.group_by("type").len()
    return {str(t): int(n) for t, n in counts.iter_rows()}


# --- reading events ---------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class EventFilter:
    type: str | None = None
    mmsi: int | None = None
    since: datetime | None = None
    until: datetime | None = None
    limit: int | None = None

    def __post_init__(self) -> None:
        # a time without a zone is read as UTC, like every time of the track store
        for name in ("since", "until"):
            value = getattr(self, name)
            if value is not None and value.tzinfo is None:
                object.__setattr__(self, name, value.replace(tzinfo=UTC))
        if self.type is not None and self.type not in EVENT_TYPES:
            raise InvalidInput(
                f"unknown event type {self.type!r}",
                hint=f"event types: {', '.join(EVENT_TYPES)}",
            )


def require_events_reader(actor: Actor) -> None:
    """Refuse actors whose roles read no intelligence (administrators alone).

    Behaviour events are derived from AIS, facts from no report, which
    need-to-know gives to every role that works with intelligence.
    """
    from portintel.domain.access import may_work_with_intelligence

    if not may_work_with_intelligence(actor):
        raise PermissionDenied(
            "behaviour events are for roles that work with intelligence",
            hint="ask an administrator for the officer or analyst role",
        )


def vessel_mmsi(ws: Workspace, actor: Actor, vessel_id: str) -> int:
    """The MMSI of ``vessel_id``: an MMSI itself, or a Vessel entity id the actor may read."""
    if vessel_id.isdigit() and len(vessel_id) <= 9:
        return int(vessel_id)
    from sqlalchemy import select

    from portintel.adapters.database import tables
    from portintel.adapters.database.scope import statement_condition, statements_with_reports
    from portintel.domain.access import reader_scope
    from portintel.services.maritime.registry import ORIGIN_PREFIX, SCHEMA

    table = tables.statements
    query = (
        select(table.c.value)
        .select_from(statements_with_reports())
        .where(
            table.c.schema == SCHEMA,
            table.c.prop == "mmsi",
            table.c.entity_id == vessel_id,
            table.c.origin.like(f"{ORIGIN_PREFIX}%"),
            statement_condition(reader_scope(actor).statements),
        )
        .limit(1)
    )
    with ws.engine.connect() as connection:
        value = connection.execute(query).scalar()
    if value is None or not str(value).isdigit():
        raise NotFound(f"no vessel {vessel_id!r} you may read")
    return int(value)


def list_events(ws: Workspace, actor: Actor, query: EventFilter) -> pl.DataFrame:
    """Stored events matching ``query``, newest first, with ``entity_id`` (and
    ``other_entity_id``) of the Vessel entities the actor may read (null otherwise)."""
    require_events_reader(actor)
    frame = ws.tracks.scan(EVENTS).filter(readable_area_events(ws, actor))
    if query.type is not None:
        frame = frame.filter(pl.col("type") == query.type)
    if query.mmsi is not None:
        frame = frame.filter((pl.col("mmsi") == query.mmsi) | (pl.col("other_mmsi") == query.mmsi))
    if query.since is not None:
        frame = frame.filter(pl.col("end").is_null() | (pl.col("end") >= query.since))
    if query.until is not None:
        frame = frame.filter(pl.col("start") <= query.until)
    frame = frame.sort(["start", "event_id"], descending=True)
    if query.limit is not None:
        frame = frame.head(query.limit)
    with ws.tracks.reading():
        events = frame.collect()
    mmsis = set(events["mmsi"].to_list()) | set(events["other_mmsi"].drop_nulls().to_list())
    entity_of = vessel_entities(ws, actor, mmsis)
    mapping = pl.DataFrame(
        {"m": list(entity_of), "e": list(entity_of.values())},
        schema={"m": pl.Int64, "e": pl.Utf8},
    )
    return (
        events.join(mapping.rename({"m": "mmsi", "e": "entity_id"}), on="mmsi", how="left")
        .join(
            mapping.rename({"m": "other_mmsi", "e": "other_entity_id"}),
            on="other_mmsi",
            how="left",
        )
        .sort(["start", "event_id"], descending=True)
    )


def vessel_entities(ws: Workspace, actor: Actor, mmsis: Iterable[int]) -> dict[int, str]:
    """MMSI -> Vessel entity id, for the vessels whose registry statements ``actor`` may read."""
    from sqlalchemy import select

    from portintel.adapters.database import tables
    from portintel.adapters.database.scope import statement_condition, statements_with_reports
    from portintel.domain.access import reader_scope
    from portintel.services.maritime.registry import ORIGIN_PREFIX, SCHEMA

    wanted = sorted({str(int(m)) for m in mmsis})
    if not wanted:
        return {}
    table = tables.statements
    query = (
        select(table.c.entity_id, table.c.value)
        .select_from(statements_with_reports())
        .where(
            table.c.schema == SCHEMA,
            table.c.prop == "mmsi",
            table.c.origin.like(f"{ORIGIN_PREFIX}%"),
            table.c.value.in_(wanted),
            statement_condition(reader_scope(actor).statements),
        )
        .distinct()
    )
    with ws.engine.connect() as connection:
        return {int(row.value): row.entity_id for row in connection.execute(query)}


def event_records(frame: pl.DataFrame) -> list[dict[str, Any]]:
    """Events as plain records (JSON columns parsed), for JSON lines and the API."""
    out = []
    for row in frame.iter_rows(named=True):
        record = dict(row)
        for column in ("parameters", "details", "evidence"):
            record[column] = json.loads(record[column]) if record.get(column) else None
        for column in ("start", "end"):
            value = record.get(column)
            record[column] = value.isoformat() if value is not None else None
        out.append(record)
    return out


EXPORT_FORMATS = ("jsonl", "csv", "geojson")


def export_events(frame: pl.DataFrame, fmt: str) -> str:
    """Events as JSON lines, CSV (JSON columns as text) or a GeoJSON FeatureCollection."""
    if fmt == "csv":
        return frame.write_csv()
    records = event_records(frame)
    if fmt == "jsonl":
        return "".join(json.dumps(record, ensure_ascii=False) + "\n" for record in records)
    if fmt == "geojson":
        features = [
            {
                "type": "Feature",
                "id": record["event_id"],
                "geometry": (
                    {"type": "Point", "coordinates": [record["lon"], record["lat"]]}
                    if record["lat"] is not None and record["lon"] is not None
                    else None
                ),
                "properties": {k: v for k, v in record.items() if k not in ("lat", "lon")},
            }
            for record in records
        ]
        return json.dumps({"type": "FeatureCollection", "features": features}, ensure_ascii=False)
    raise InvalidInput(
        f"unknown format {fmt!r}", hint=f"formats: table, {', '.join(EXPORT_FORMATS)}"
    )


@dataclass(frozen=True, slots=True)
class Encounter:
    """A stored encounter between two vessels, as evidence of a link between them."""

    event_id: str
    mmsi: int
    other_mmsi: int
    start: datetime
    end: datetime | None
    lat: float | None
    lon: float | None


def encounters_of(
    ws: Workspace,
    actor: Actor,
    mmsis: Iterable[int],
    *,
    since: datetime | None = None,
    until: datetime | None = None,
) -> list[Encounter]:
    """The stored encounters of these vessels (either side), oldest first.

    Empty for an actor whose roles read no intelligence (behaviour events are
    facts from no report: :func:`require_events_reader`), rather than an
    error: a link chart simply has no encounter for them.
    """
    from portintel.domain.access import may_work_with_intelligence

    wanted = sorted({int(m) for m in mmsis})
    if not wanted or not may_work_with_intelligence(actor):
        return []
    query = EventFilter(type="encounter", since=since, until=until)
    frame = ws.tracks.scan(EVENTS).filter(
        (pl.col("type") == "encounter")
        & pl.col("other_mmsi").is_not_null()
        & (pl.col("mmsi").is_in(wanted) | pl.col("other_mmsi").is_in(wanted))
    )
    if query.since is not None:
        frame = frame.filter(pl.col("end").is_null() | (pl.col("end") >= query.since))
    if query.until is not None:
        frame = frame.filter(pl.col("start") <= query.until)
    with ws.tracks.reading():
        events = frame.sort(["start", "event_id"]).collect()
    return [
        Encounter(
            event_id=row["event_id"],
            mmsi=int(row["mmsi"]),
            other_mmsi=int(row["other_mmsi"]),
            start=row["start"],
            end=row["end"],
            lat=row["lat"],
            lon=row["lon"],
        )
        for row in events.iter_rows(named=True)
    ]
