"""The local executor: incremental, idempotent detection over the track store."""

from __future__ import annotations

import json
from datetime import date, timedelta
from pathlib import Path

import polars as pl
import pytest

from portintel.adapters.trackstore import TrackStore
from portintel.domain.actors import SYSTEM
from portintel.domain.maritime.schema import POSITIONS
from portintel.services.events import hookimpl
from portintel.services.maritime.behaviours import (
    EventFilter,
    detect_behaviours,
    event_store,
    list_events,
)
from portintel.services.maritime.ingest import ingest_paths
from portintel.services.workspace import Workspace
from tests.behaviours.tracks import T0, fixes, frame

SHARED_AIS = Path("/work/shared/data/ais")


class Listener:
    def __init__(self) -> None:
        self.calls: list[tuple[tuple[str, ...], tuple[str, ...]]] = []

    @hookimpl
    def behaviour_events_detected(self, event_ids: tuple[str, ...], kinds: tuple[str, ...]) -> None:
        self.calls.append((event_ids, kinds))


def store_positions(ws: Workspace, positions: pl.DataFrame) -> None:
    TrackStore(ws.settings.tracks_dir).write(
        POSITIONS,
        positions.with_columns(pl.lit("test").alias("source"), pl.lit(False).alias("ts_estimated")),
    )


def day_one() -> pl.DataFrame:
    """Vessel 1 loiters 20:00-24:00 on day one; vessels 2 and 3 meet at sea; 4 goes dark."""
    evening = T0.replace(hour=20)
    return frame(
        fixes(1, evening, 10, 24, 7.5, 100.5, knots=0.5),
        fixes(2, T0, 10, 19, 8.0, 101.2, knots=0.5),
        fixes(3, T0 + timedelta(minutes=2), 10, 19, 8.001, 101.2, knots=0.5),
        fixes(4, T0, 10, 6, 6.0, 99.0, knots=9),
        fixes(4, T0 + timedelta(hours=9), 10, 6, 6.3, 99.0, knots=9),
    )


def test_detect_stores_events_fires_the_hook_and_a_rerun_changes_nothing(
    workspace: Workspace,
) -> None:
    listener = Listener()
    workspace.hooks.register(listener)
    store_positions(workspace, day_one())
    first = detect_behaviours(workspace)
    assert first.by_type == {"encounter": 1, "gap": 1}  # 3h50 of slow vessel 1: not yet 4 h
    ((ids, kinds),) = listener.calls
    assert set(kinds) == {"encounter", "gap"} and len(ids) == 2
    stored = event_store(workspace).load()

    again = detect_behaviours(workspace)
    assert (again.vessels, again.changed) == (0, 0)
    assert event_store(workspace).load().equals(stored)
    assert len(listener.calls) == 1, "nothing new: the hook is not fired"

    full = detect_behaviours(workspace, since=date(2026, 1, 1))
    assert full.changed == 0
    assert event_store(workspace).load().equals(stored)


def test_new_data_recomputes_only_touched_vessels_and_carries_state_over_midnight(
    workspace: Workspace,
) -> None:
    store_positions(workspace, day_one())
    detect_behaviours(workspace)
    before = event_store(workspace).load()
    # day two: vessel 1 keeps loitering until 02:00 (6 h in all, across midnight)
    store_positions(
        workspace, frame(fixes(1, T0 + timedelta(days=1), 10, 13, 7.5, 100.5, knots=0.5))
    )
    summary = detect_behaviours(workspace)
    assert (summary.vessels, summary.days) == (1, 1)
    after = event_store(workspace).load()
    (loiter,) = after.filter(pl.col("type") == "loitering").iter_rows(named=True)
    assert loiter["start"] == T0.replace(hour=20)
    assert loiter["end"] == T0 + timedelta(days=1, hours=2)
    # the other events are untouched
    others = after.filter(pl.col("type") != "loitering")
    assert others.equals(before)

    # incremental equals from scratch
    fresh = event_store(workspace)
    fresh.state_path.unlink()
    fresh.events_path.unlink()
    detect_behaviours(workspace)
    assert event_store(workspace).load().equals(after)


def test_a_vessel_silent_for_days_still_gets_its_gap(workspace: Workspace) -> None:
    store_positions(workspace, frame(fixes(9, T0, 10, 6, 7.0, 100.0, knots=5)))
    detect_behaviours(workspace)
    store_positions(workspace, frame(fixes(9, T0 + timedelta(days=5), 10, 6, 7.2, 100.0, knots=5)))
    detect_behaviours(workspace)
    (gap,) = event_store(workspace).load().filter(pl.col("type") == "gap").iter_rows(named=True)
    assert gap["start"] == T0 + timedelta(minutes=50)
    assert gap["end"] == T0 + timedelta(days=5)


def test_list_events_filters_and_links_vessel_entities(
    workspace: Workspace, tmp_path: Path
) -> None:
    store_positions(workspace, day_one())
    detect_behaviours(workspace)
    gaps = list_events(workspace, SYSTEM, EventFilter(type="gap"))
    assert gaps["mmsi"].to_list() == [4]
    assert gaps["entity_id"].to_list() == [None]  # positions written directly: no registry
    by_vessel = list_events(workspace, SYSTEM, EventFilter(mmsi=3))
    assert by_vessel["type"].to_list() == ["encounter"]
    assert list_events(workspace, SYSTEM, EventFilter(since=T0 + timedelta(days=3))).height == 0
    with pytest.raises(Exception, match="unknown event type"):
        EventFilter(type="party")


def test_node_thresholds_override_the_shipped_ones(workspace: Workspace) -> None:
    store_positions(workspace, day_one())
    (workspace.settings.data_dir / "behaviours.yaml").write_text("loitering:\n  min_hours: 3\n")
    detect_behaviours(workspace)
    loitering = event_store(workspace).load().filter(pl.col("type") == "loitering")
    # vessel 1 (3 h 50) and the two vessels meeting (3 h) loiter 3 h or more
    assert sorted(loitering["mmsi"].to_list()) == [1, 2, 3]
    assert {json.loads(p)["min_hours"] for p in loitering["parameters"]} == {3}


@pytest.mark.skipif(not SHARED_AIS.is_dir(), reason="shared real AIS samples not on this machine")
def test_real_samples_ingest_and_detect_without_crash(workspace: Workspace) -> None:
    paths = sorted(SHARED_AIS.glob("*.n*"))
    ingest_paths(workspace, paths)
    summary = detect_behaviours(workspace)
    events = list_events(workspace, SYSTEM, EventFilter())
    assert summary.positions > 100
    assert set(events["type"].to_list()) <= set(summary.by_type)
    # every event is about a vessel heard in the samples, at a real place and time
    heard = set(workspace.tracks.scan(POSITIONS).select("mmsi").collect()["mmsi"].to_list())
    assert set(events["mmsi"].to_list()) <= heard
    placed = events.filter(pl.col("lat").is_not_null())
    assert placed.filter((pl.col("lat").abs() > 90) | (pl.col("lon").abs() > 180)).height == 0
    # re-running on the same data changes nothing
    assert detect_behaviours(workspace).changed == 0


def test_a_port_visit_open_at_midnight_is_closed_next_day_under_the_same_id(
    workspace: Workspace,
) -> None:
    (workspace.settings.data_dir / "ports.csv").write_text(
        "id,name,country,kind,lat,lon,source,licence\n"
        "TEST,Test harbour,TH,fishing_harbour,7.0,100.0,test,CC0-1.0\n"
    )
    evening = T0.replace(hour=22)
    store_positions(workspace, frame(fixes(21, evening, 10, 12, 7.0, 100.0)))
    detect_behaviours(workspace)
    (opened,) = (
        event_store(workspace).load().filter(pl.col("type") == "port_visit").iter_rows(named=True)
    )
    assert opened["end"] is None and json.loads(opened["details"])["port_id"] == "TEST"
    # next morning it leaves east at 6 kn
    morning = T0 + timedelta(days=1, hours=6)
    store_positions(
        workspace, frame(fixes(21, morning, 10, 8, 7.0, 100.0, knots=6, sog=6, bearing_deg=90))
    )
    detect_behaviours(workspace)
    (closed,) = (
        event_store(workspace).load().filter(pl.col("type") == "port_visit").iter_rows(named=True)
    )
    assert closed["event_id"] == opened["event_id"]
    assert closed["end"] == morning + timedelta(minutes=30)
    assert json.loads(closed["details"])["restart"] == morning.isoformat()


def test_positions_with_estimated_times_are_left_out(workspace: Workspace) -> None:
    positions = frame(
        fixes(31, T0, 10, 3, 7.0, 100.0), fixes(31, T0 + timedelta(hours=9), 10, 3, 7.0, 100.0)
    )
    TrackStore(workspace.settings.tracks_dir).write(
        POSITIONS,
        positions.with_columns(pl.lit("test").alias("source"), pl.lit(True).alias("ts_estimated")),
    )
    summary = detect_behaviours(workspace)
    assert summary.events == 0


def test_tracks_of_archive_vessel_ids_without_mmsi_are_left_out(workspace: Workspace) -> None:
    rows = frame(
        fixes(41, T0, 10, 3, 7.0, 100.0), fixes(41, T0 + timedelta(hours=9), 10, 3, 7.0, 100.0)
    )
    TrackStore(workspace.settings.tracks_dir).write(
        POSITIONS,
        rows.with_columns(
            pl.lit(None, dtype=pl.Int64).alias("mmsi"),
            pl.lit("V-0041").alias("track_id"),
            pl.lit("vessel_id").alias("id_kind"),
            pl.lit("archive").alias("source"),
            pl.lit(False).alias("ts_estimated"),
        ),
    )
    stored = workspace.tracks.scan(POSITIONS).filter(pl.col("mmsi").is_null()).collect()
    assert stored.height == 6, "the archive rows are in the store"
    store_positions(workspace, day_one())
    summary = detect_behaviours(workspace)
    assert summary.by_type == {"encounter": 1, "gap": 1}
