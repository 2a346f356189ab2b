"""The track store: day partitions, atomic files, idempotent writes, manifest."""

from __future__ import annotations

import os
import subprocess
from datetime import UTC, datetime, timedelta
from pathlib import Path

import polars as pl
import pytest

from portintel.adapters.trackstore import IngestManifest, ManifestEntry, TrackStore
from portintel.domain.maritime.schema import POSITIONS, QUARANTINE
from portintel.errors import UpstreamFailure

T0 = datetime(2026, 3, 1, 23, 0, tzinfo=UTC)


def positions(n: int, *, start: int = 0) -> pl.DataFrame:
    return POSITIONS.conform(
        pl.DataFrame(
            {
                "mmsi": [574000001] * n,
                "ts": [T0 + timedelta(minutes=30 * (start + i)) for i in range(n)],
                "ts_estimated": [False] * n,
                "lat": [10.0 + i / 100 for i in range(n)],
                "lon": [103.0] * n,
                "source": ["test"] * n,
                "raw": [f"sentence {start + i}" for i in range(n)],
            }
        )
    )


def test_rows_are_partitioned_by_day_and_readable(tmp_path: Path) -> None:
    store = TrackStore(tmp_path)
    assert store.write(POSITIONS, positions(4)) == 4
    assert store.days(POSITIONS) == ["2026-03-01", "2026-03-02"]
    back = store.scan(POSITIONS).sort("ts").collect()
    assert back["raw"].to_list() == [f"sentence {i}" for i in range(4)]
    assert back.schema == POSITIONS.polars_schema
    assert back["key"].n_unique() == 4
    assert not list(tmp_path.rglob("*.tmp")), "no temporary file is left behind"


def test_writing_the_same_rows_again_adds_nothing(tmp_path: Path) -> None:
    store = TrackStore(tmp_path)
    store.write(POSITIONS, positions(3))
    assert store.write(POSITIONS, positions(3)) == 0
    # a new process (empty key cache) reads the keys back from disk
    fresh = TrackStore(tmp_path)
    assert fresh.write(POSITIONS, positions(5)) == 2
    assert fresh.count(POSITIONS) == 5
    assert TrackStore(tmp_path).scan(POSITIONS).collect()["key"].is_duplicated().sum() == 0


def test_duplicates_inside_one_batch_are_written_once(tmp_path: Path) -> None:
    store = TrackStore(tmp_path)
    assert store.write(POSITIONS, pl.concat([positions(2), positions(2)])) == 2


def test_undated_quarantine_rows_have_their_own_partition(tmp_path: Path) -> None:
    store = TrackStore(tmp_path)
    rows = QUARANTINE.conform(
        pl.DataFrame(
            {"reason": ["bad checksum"], "raw": ["!AIVDM,x"], "line": [3], "source": ["s"]}
        )
    )
    assert store.write(QUARANTINE, rows) == 1
    assert store.days(QUARANTINE) == ["undated"]


def test_temporaries_of_dead_writers_are_removed_and_live_ones_kept(tmp_path: Path) -> None:
    directory = tmp_path / "positions" / "day=2026-03-01"
    directory.mkdir(parents=True)
    dead = subprocess.Popen(["true"])
    dead.wait()
    leftover = directory / f".part-x.parquet.{dead.pid}.tmp"
    in_flight = directory / f".part-y.parquet.{os.getpid()}.tmp"
    for path in (leftover, in_flight):
        path.write_bytes(b"half a file")
    store = TrackStore(tmp_path)
    assert store.count(POSITIONS) == 0  # temporaries are never read
    assert store.remove_stale_temporaries() == 1
    assert not leftover.exists() and in_flight.exists()


def test_empty_store_scans_with_schema(tmp_path: Path) -> None:
    assert TrackStore(tmp_path).scan(POSITIONS).collect().schema == POSITIONS.polars_schema


def test_manifest_round_trip_and_damage(tmp_path: Path) -> None:
    manifest = IngestManifest(tmp_path)
    entry = ManifestEntry("ab" * 32, "x.nmea", 10, "nmea", "x.nmea").advanced(5, 300)
    manifest.save(entry)
    assert manifest.get(entry.sha256) == entry
    assert manifest.get("cd" * 32) is None
    assert manifest.entries() == [entry]
    (tmp_path / "manifest" / f"{entry.sha256}.json").write_text("{not json", encoding="utf-8")
    with pytest.raises(UpstreamFailure, match="damaged"):
        manifest.get(entry.sha256)


def test_compaction_merges_small_files_and_heals_a_crash_between_rename_and_delete(
    tmp_path: Path,
) -> None:
    store = TrackStore(tmp_path, retire_grace_seconds=0)
    for start in range(0, 10, 2):
        store.write(POSITIONS, positions(2, start=start).with_columns(pl.lit(T0).alias("ts")))
    day = store.days(POSITIONS)[0]
    directory = store.partition_dir(POSITIONS, day)
    assert len(list(directory.glob("*.parquet"))) == 5
    # as if a previous compaction died after its rename: one file's rows are there twice
    first = sorted(directory.glob("*.parquet"))[0]
    (directory / "part-copy.parquet").write_bytes(first.read_bytes())
    assert store.compact_busy_partitions(min_files=3) == 6
    assert len(list(directory.glob("*.parquet"))) == 1
    rows = TrackStore(tmp_path).scan(POSITIONS).collect()
    assert rows.height == 10 and rows["key"].n_unique() == 10
    assert store.write(POSITIONS, positions(2).with_columns(pl.lit(T0).alias("ts"))) == 0
