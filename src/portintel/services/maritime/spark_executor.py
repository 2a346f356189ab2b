"""Behaviour detection, Spark executor: the same kernels, for archives that outgrow one machine.

The local executor (:mod:`.behaviours`) runs the domain's kernels with
Polars on one machine, incrementally. This one hands the track store's
Parquet files to Apache Spark, which runs the same kernels in its workers
grouped by vessel, space-time cell and pair (``portintel.adapters.spark``),
and stores what they find in the same event store, so ``portintel ais
events``, the API and the map read them alike.

A Spark run recomputes the whole archive (it is the tool for a regional
batch, not for a feed's last minutes) and replaces the stored events; event
ids are hashes of what identifies an event, so a re-run on the same data
stores the same rows and announces nothing. It also records the track
store's fingerprints as the local executor does, so a later local run
recomputes only what arrives after it. The conformance suite
(``tests/behaviours/conformance``) holds the two executors' events equal.
"""

from __future__ import annotations

from time import perf_counter
from typing import TYPE_CHECKING

from portintel.adapters.behaviour_config import (
    load_behaviour_settings,
    load_gazetteer,
    load_node_areas,
)
from portintel.adapters.spark import LOCAL_MASTER, detect_events, running_session
from portintel.adapters.trackstore import TrackStore
from portintel.domain.maritime.behaviour.common import EVENT_SCHEMA
from portintel.domain.maritime.schema import POSITIONS, STATICS
from portintel.services.maritime.behaviours import (
    DetectionSummary,
    _fingerprints,
    _statics_fingerprint,
    _stored_positions,
    event_store,
    store_events,
)

if TYPE_CHECKING:
    from pyspark.sql import SparkSession

    from portintel.services.workspace import Workspace

__all__ = ["LOCAL_MASTER", "detect_behaviours_spark"]


def detect_behaviours_spark(
    ws: Workspace, *, master: str = LOCAL_MASTER, session: SparkSession | None = None
) -> DetectionSummary:
    """Detect every behaviour of the whole track store with Spark and store the events.

    ``session`` is a running Spark session to use (tests share one); without
    it the process's running session is used, or one is started on
    ``master`` and stopped after the run. Runs one at a time per data
    directory, taking turns with the local executor.
    """
    with event_store(ws).locked(), ws.tracks.reading():
        if session is not None:
            return _detect(ws, session)
        with running_session(master) as started:
            return _detect(ws, started)


def _detect(ws: Workspace, spark: SparkSession) -> DetectionSummary:
    started = perf_counter()
    data_dir = ws.settings.data_dir
    settings = load_behaviour_settings(data_dir)
    gazetteer = load_gazetteer(data_dir)
    areas = load_node_areas(data_dir)
    store = event_store(ws)
    summary = DetectionSummary(refused_ports=gazetteer.refused)

    # fingerprints first: data arriving during the run is seen again by the next one
    current = _fingerprints(_stored_positions(ws))
    statics_n, statics_h = _statics_fingerprint(ws)
    files = TrackStore(ws.settings.tracks_dir)
    events, summary.positions, summary.vessels = detect_events(
        spark,
        files.files(POSITIONS),
        files.files(STATICS),
        settings,
        gazetteer,
        areas,
    )
    summary.days = current.height

    before = store.load()
    changed = events.join(before, on=list(EVENT_SCHEMA), how="anti", nulls_equal=True)
    summary.removed = before.join(events, on="event_id", how="anti").height
    store_events(ws, store, summary, events, changed, current, (statics_n, statics_h))
    summary.seconds = perf_counter() - started
    return summary
