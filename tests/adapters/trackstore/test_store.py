"""The track store: day partitions, atomic files, idempotent writes, manifest."""

from __future__ import annotations

import os
import subprocess
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import polars as pl
import pyarrow.parquet as pq  # type: ignore[import-untyped]
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


def test_files_written_before_a_column_was_added_still_read_and_compact(tmp_path: Path) -> None:
    # a store from before on_land, distance_to_shore_km, implied_speed_knots and speed_flag
    store = TrackStore(tmp_path)
    store.write(POSITIONS, positions(1))
    (old,) = store.files(POSITIONS)
    added = ["on_land", "distance_to_shore_km", "implied_speed_knots", "speed_flag"]
    pl.read_parquet(old).drop(added).write_parquet(old)
    store.write(POSITIONS, positions(1, start=1).with_columns(pl.lit(True).alias("on_land")))
    back = store.scan(POSITIONS).sort("ts").collect()
    assert back.schema == POSITIONS.polars_schema
    assert back["on_land"].to_list() == [None, True]
    assert store.compact(POSITIONS, "2026-03-01") == 2
    assert store.scan(POSITIONS).sort("ts").collect()["on_land"].to_list() == [None, True]


def fleet(vessels: int, fixes: int, *, day: datetime = T0) -> pl.DataFrame:
    """Fixes of several vessels interleaved in time, as a receiver hears them."""
    rows = [
        {
            "mmsi": 574000000 + v,
            "ts": day.replace(hour=0) + timedelta(minutes=10 * i),
            "ts_estimated": False,
            "lat": 10.0 + i / 1000,
            "lon": 103.0 + v / 100,
            "source": "test",
            "raw": f"vessel {v} fix {i}",
        }
        for i in range(fixes)
        for v in range(vessels)
    ]
    return POSITIONS.conform(pl.DataFrame(rows))


def test_files_are_sorted_by_vessel_then_time_with_statistics(tmp_path: Path) -> None:
    store = TrackStore(tmp_path)
    store.write(POSITIONS, fleet(5, 20).sample(fraction=1.0, shuffle=True, seed=7))
    (path,) = store.files(POSITIONS)
    back = pl.read_parquet(path)
    assert back["track_id"].to_list() == sorted(back["track_id"].to_list())
    for _, one in back.group_by("track_id"):
        assert one["ts"].is_sorted()
    metadata = pq.ParquetFile(path).metadata
    column = metadata.schema.names.index("track_id")
    assert metadata.row_group(0).column(column).statistics.has_min_max


def test_scan_prunes_by_day_range_and_vessel(tmp_path: Path) -> None:
    store = TrackStore(tmp_path)
    for offset in range(4):
        store.write(POSITIONS, fleet(3, 5, day=T0 + timedelta(days=offset)))
    assert store.days(POSITIONS) == ["2026-03-01", "2026-03-02", "2026-03-03", "2026-03-04"]
    two_days = store.files(POSITIONS, days=("2026-03-02", date(2026, 3, 3)))
    assert {p.parent.name for p in two_days} == {"day=2026-03-02", "day=2026-03-03"}
    one = store.scan(POSITIONS, days="2026-03-02", mmsi=574000001).collect()
    assert one.height == 5 and set(one["mmsi"]) == {574000001}
    assert set(one["ts"].dt.date()) == {date(2026, 3, 2)}
    several = store.scan(POSITIONS, mmsi=[574000000, 574000002]).collect()
    assert several.height == 2 * 5 * 4
    by_track = store.scan(POSITIONS, track_id="574000002", days=("2026-03-03", "2026-03-09"))
    assert by_track.collect().height == 10
    assert store.scan(POSITIONS, days=("2027-01-01", "2027-12-31")).collect().height == 0


def test_compaction_never_deletes_a_file_a_reader_is_scanning(tmp_path: Path) -> None:
    writer = TrackStore(tmp_path, retire_grace_seconds=0)
    for start in range(0, 8, 2):
        writer.write(POSITIONS, positions(2, start=start).with_columns(pl.lit(T0).alias("ts")))
    reader = TrackStore(tmp_path)
    planned = reader.scan(POSITIONS)  # a reader's plan, made before the merge
    with reader.reading():
        assert writer.compact_busy_partitions(min_files=1) == 4
        # the reader holds the read lock: the small files are retired, not deleted
        assert planned.collect().height == 8
        fresh = reader.scan(POSITIONS).collect()
        assert fresh.height == 8 and fresh["key"].n_unique() == 8
        assert len(reader.files(POSITIONS)) == 1
    day = writer.days(POSITIONS)[0]
    directory = writer.partition_dir(POSITIONS, day)
    assert len(list(directory.glob("*.parquet"))) == 5
    # once no reader holds the lock, the next compaction deletes what the grace period allows
    assert writer.purge_retired(POSITIONS, day) == 4
    assert len(list(directory.glob("*.parquet"))) == 1
    assert reader.scan(POSITIONS).collect().height == 8


def test_retired_files_wait_out_the_grace_period(tmp_path: Path) -> None:
    store = TrackStore(tmp_path, retire_grace_seconds=3600)
    for start in range(0, 6, 2):
        store.write(POSITIONS, positions(2, start=start).with_columns(pl.lit(T0).alias("ts")))
    day = store.days(POSITIONS)[0]
    store.compact(POSITIONS, day)
    directory = store.partition_dir(POSITIONS, day)
    assert len(list(directory.glob("*.parquet"))) == 4  # merged + 3 retired, kept for readers
    assert store.purge_retired(POSITIONS, day) == 0
    assert store.count(POSITIONS) == 6
    # a reader that listed the partition before the merge file existed still sees no double
    rows = TrackStore(tmp_path).scan(POSITIONS).collect()
    assert rows["key"].n_unique() == rows.height == 6
