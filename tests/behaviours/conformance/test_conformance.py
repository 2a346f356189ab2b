"""One suite, every executor: the local (Polars) and the Spark executor give identical events.

Each test runs once per executor on the same data. The local executor's
events on that data are the reference; every executor must store exactly
them (every column: ids, times, positions, parameters, details, evidence)
and also find the behaviours the scene was built with, so two executors
that agreed on a wrong answer still fail.
"""

from __future__ import annotations

import json
import re
import sys
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import TYPE_CHECKING

import polars as pl
import pytest
from typer.testing import CliRunner, Result

from portintel.cli.app import app
from portintel.cli.context import built, console
from portintel.domain.maritime.behaviour.common import EVENT_TYPES
from portintel.errors import ConfigurationError, InvalidInput
from portintel.services.events import hookimpl
from portintel.services.maritime.behaviours import detect_behaviours, event_store
from portintel.services.workspace import Workspace, open_workspace
from portintel.settings import Settings, load_settings
from tests.behaviours.conformance.conftest import Executor
from tests.behaviours.conformance.scene import (
    EVENING,
    generated_fleet,
    store_positions,
    store_scene,
)
from tests.behaviours.tracks import T0, fixes, frame

if TYPE_CHECKING:
    from pyspark.sql import SparkSession


class Listener:
    def __init__(self) -> None:
        self.calls: list[tuple[str, ...]] = []

    @hookimpl
    def behaviour_events_detected(self, event_ids: tuple[str, ...], kinds: tuple[str, ...]) -> None:
        self.calls.append(event_ids)


def open_node(root: Path) -> Workspace:
    # the executors differ in how they read the track store, not in the relational
    # store (only the hook's outbox): SQLite alone keeps the Spark cases few
    settings = Settings(
        data_dir=root / "data",
        database_url=f"sqlite:///{root / 'portintel.sqlite'}",
        secure_cookies=False,
    )
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    return open_workspace(settings)


@pytest.fixture
def node(tmp_path: Path) -> Iterator[Workspace]:
    ws = open_node(tmp_path / "node")
    yield ws
    ws.close()


def scene_node(ws: Workspace) -> Workspace:
    store_scene(ws.settings.data_dir, ws.settings.tracks_dir)
    return ws


@pytest.fixture(scope="module")
def reference(tmp_path_factory: pytest.TempPathFactory) -> dict[str, pl.DataFrame]:
    """The local executor's events on the scene and on the fleet."""
    out = {}
    for name in ("scene", "fleet"):
        ws = open_node(tmp_path_factory.mktemp(name))
        try:
            if name == "scene":
                scene_node(ws)
            else:
                store_positions(ws.settings.tracks_dir, generated_fleet())
            detect_behaviours(ws)
            out[name] = event_store(ws).load()
        finally:
            ws.close()
    return out


def day_two() -> pl.DataFrame:
    morning = T0 + timedelta(days=1, hours=6)
    return frame(
        fixes(801, morning, 10, 6, 6.5, 99.5, knots=9),
        fixes(801, morning + timedelta(hours=9), 10, 6, 6.8, 99.5, knots=9),
    )


def details(events: pl.DataFrame, kind: str) -> list[dict[str, object]]:
    return [
        {**row, "details": json.loads(row["details"])}
        for row in events.filter(pl.col("type") == kind).sort("mmsi").iter_rows(named=True)
    ]


def test_scene_every_event_type_identical_and_a_rerun_changes_nothing(
    executor: Executor, node: Workspace, reference: dict[str, pl.DataFrame]
) -> None:
    listener = Listener()
    node.hooks.register(listener)
    scene_node(node)
    summary = executor(node)
    stored = event_store(node).load()

    # the truth the scene was built with
    assert set(stored["type"]) == set(EVENT_TYPES)
    encounters = {(row["mmsi"], row["other_mmsi"]): row for row in details(stored, "encounter")}
    assert set(encounters) == {(201, 202), (203, 204), (205, 206), (207, 208), (209, 210)}
    midnight = encounters[(207, 208)]
    assert midnight["start"] <= EVENING + timedelta(hours=1, minutes=10)
    assert midnight["end"] >= EVENING + timedelta(hours=4, minutes=50), "one event across midnight"
    merged = encounters[(209, 210)]
    assert merged["details"]["hours"] >= 5.5, "two meetings an hour apart are one encounter"
    gaps = {row["mmsi"]: row["details"] for row in details(stored, "gap")}
    assert gaps[101]["suspected_disabling"] is False
    assert gaps[102]["suspected_disabling"] is True
    assert 701 not in set(stored["mmsi"]), "estimated times: no behaviour"
    (visit,) = details(stored, "port_visit")
    assert visit["mmsi"] == 301 and visit["details"]["port_id"] == "TEST"
    kinds = {row["details"]["kind"] for row in details(stored, "identity_change")}
    assert kinds == {"field", "shared_imo", "two_places"}
    assert [r["mmsi"] for r in details(stored, "area_entry")] == [501]
    assert [r["mmsi"] for r in details(stored, "area_exit")] == [501]
    assert 601 in {r["mmsi"] for r in details(stored, "implausible_jump")}

    # identical to the local executor, column for column
    assert stored.equals(reference["scene"])
    assert summary.events == stored.height and summary.changed == stored.height
    assert len(listener.calls) == 1 and set(listener.calls[0]) == set(stored["event_id"])

    # idempotent: nothing changes, nothing is announced
    again = executor(node)
    assert (again.changed, again.removed) == (0, 0)
    assert event_store(node).load().equals(stored)
    assert len(listener.calls) == 1


def test_generated_fleet_identical(
    executor: Executor, node: Workspace, reference: dict[str, pl.DataFrame]
) -> None:
    store_positions(node.settings.tracks_dir, generated_fleet())
    executor(node)
    stored = event_store(node).load()
    expected = reference["fleet"]
    assert expected.filter(pl.col("type") == "encounter").height >= 3, "the fleet meets"
    assert {"gap", "loitering"} <= set(expected["type"])
    assert stored.equals(expected)


def test_an_empty_store_gives_no_events_and_statics_alone_give_identity_changes(
    executor: Executor, node: Workspace
) -> None:
    assert executor(node).events == 0
    assert event_store(node).load().height == 0
    store_scene(node.settings.data_dir, node.settings.tracks_dir / "elsewhere")
    (node.settings.tracks_dir / "elsewhere" / "statics").rename(
        node.settings.tracks_dir / "statics"
    )
    summary = executor(node)
    assert summary.by_type == {"identity_change": 3}  # a name changed, one IMO on two MMSIs


def test_after_the_other_executor_nothing_changes_and_new_data_is_incremental(
    other_executor: tuple[str, Executor, Executor], node: Workspace
) -> None:
    name, this, other = other_executor
    scene_node(node)
    other(node)
    stored = event_store(node).load()
    summary = this(node)
    assert (summary.changed, summary.removed) == (0, 0)
    assert event_store(node).load().equals(stored)
    if name == "local":
        # the Spark run left the local executor's fingerprints: nothing to recompute
        assert summary.vessels == 0

    # day two: a new vessel goes dark; the local executor takes it from there
    store_positions(node.settings.tracks_dir, day_two())
    assert detect_behaviours(node).vessels == 1
    incremental = event_store(node).load()
    fresh = open_node(node.settings.data_dir.parent / "fresh")
    try:
        scene_node(fresh)
        store_positions(fresh.settings.tracks_dir, day_two())
        detect_behaviours(fresh)  # from scratch (equal on both executors: tests above)
        assert incremental.equals(event_store(fresh).load())
    finally:
        fresh.close()


# --- the faces: the CLI option, and what happens without the extra -----------------------


def _cli(data_dir: Path, *args: str) -> Result:
    return CliRunner().invoke(app, ["--data-dir", str(data_dir), "ais", *args], terminal_width=200)


def test_cli_detects_with_spark_and_events_reads_what_it_stored(
    spark: object, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = tmp_path / "node"
    monkeypatch.setenv("PORTINTEL_DATABASE_URL", f"sqlite:///{tmp_path / 'cli.sqlite'}")
    monkeypatch.setattr(built(console), "width", 200)
    ws = open_workspace(load_settings(root))
    try:
        store_scene(ws.settings.data_dir, ws.settings.tracks_dir)
    finally:
        ws.close()
    detected = _cli(root, "detect", "--executor", "spark", "--spark-master", "local[2]")
    assert detected.exit_code == 0, detected.output
    assert "events new or changed" in detected.stdout
    records = [
        json.loads(line) for line in _cli(root, "events", "--format", "jsonl").stdout.splitlines()
    ]
    assert {r["type"] for r in records} == set(EVENT_TYPES)
    # the local executor after it: nothing to recompute, nothing new
    local = _cli(root, "detect")
    assert local.exit_code == 0, local.output
    assert re.search(r"vessels recomputed\W+0\b", local.stdout), local.stdout
    assert re.search(r"events new or changed\W+0\b", local.stdout), local.stdout


def test_cli_refuses_since_with_spark(tmp_path: Path) -> None:
    result = _cli(tmp_path / "node", "detect", "--executor", "spark", "--since", "2026-03-01")
    assert isinstance(result.exception, InvalidInput), result.output
    assert "--since is for the local executor" in str(result.exception)


def test_without_pyspark_the_spark_executor_says_how_to_install_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from portintel.adapters.spark import spark_session

    monkeypatch.setitem(sys.modules, "pyspark", None)
    monkeypatch.setitem(sys.modules, "pyspark.sql", None)
    with pytest.raises(ConfigurationError, match="needs PySpark") as raised:
        spark_session()
    assert "portintel[spark]" in (raised.value.hint or "")


def test_a_local_session_stays_on_loopback_without_ui(spark: SparkSession) -> None:
    conf = spark.sparkContext.getConf()
    assert conf.get("spark.ui.enabled") == "false"
    assert conf.get("spark.driver.bindAddress") == "127.0.0.1"
    assert conf.get("spark.driver.host") == "127.0.0.1"
    assert spark.conf.get("spark.sql.session.timeZone") == "UTC"
