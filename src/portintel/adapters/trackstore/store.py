"""Day-partitioned Parquet datasets with atomic, idempotent writes.

Layout: ``<tracks_dir>/<dataset>/day=YYYY-MM-DD/part-<digest>.parquet``
(``day=undated`` for rows without a time), readable as a hive-partitioned
dataset by Polars, DuckDB or Spark.

Why a key check instead of "write once and hope": an ingest killed between
writing a batch and recording it in the manifest re-reads that batch on the
next run. Every row's key is compared with the keys already in its day
partition, so the second pass adds nothing. Keys of a partition are read
once per process and then kept in memory beside the writes.
"""

from __future__ import annotations

import hashlib
import os
from collections import OrderedDict
from collections.abc import Iterable
from pathlib import Path

import polars as pl

from portintel.domain.maritime.row_key import (
    OTHER_KEY_FIELDS,
    POSITION_KEY_FIELDS,
    QUARANTINE_KEY_FIELDS,
    with_keys,
)
from portintel.domain.maritime.schema import (
    DATASETS,
    OTHER,
    POSITIONS,
    QUARANTINE,
    STATICS,
    Dataset,
)
from portintel.errors import UpstreamFailure

UNDATED = "undated"
CACHED_PARTITIONS = 16
"""Partitions whose keys stay in memory; a long-running listener only writes to today's."""
TEMP_SUFFIX = ".tmp"

DATASET_BY_NAME = {dataset.name: dataset for dataset in DATASETS}
KEY_FIELDS: dict[str, tuple[str, ...]] = {
    POSITIONS.name: POSITION_KEY_FIELDS,
    STATICS.name: POSITION_KEY_FIELDS,
    QUARANTINE.name: QUARANTINE_KEY_FIELDS,
    OTHER.name: OTHER_KEY_FIELDS,
}


def _process_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


class TrackStore:
    """Reads and writes the datasets of :mod:`portintel.domain.maritime.schema` under ``root``."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self._keys: OrderedDict[tuple[str, str], pl.Series] = OrderedDict()
        self._touched: set[tuple[str, str]] = set()

    def remove_stale_temporaries(self) -> int:
        """Delete temporary files left by writers that died; returns how many.

        A temporary file never holds committed rows (the rename commits), but
        one may belong to a live writer in another process: files are named
        with the writer's pid and only those of dead processes are removed.
        """
        if not self.root.exists():
            return 0
        removed = 0
        for stale in self.root.rglob(f"*{TEMP_SUFFIX}"):
            owner = stale.name.removesuffix(TEMP_SUFFIX).rpartition(".")[2]
            if owner.isdigit() and _process_alive(int(owner)):
                continue
            stale.unlink(missing_ok=True)
            removed += 1
        return removed

    def partition_dir(self, dataset: Dataset, day: str) -> Path:
        return self.root / dataset.name / f"day={day}"

    def files(self, dataset: Dataset) -> list[Path]:
        base = self.root / dataset.name
        if not base.exists():
            return []
        return sorted(base.glob("day=*/*.parquet"))

    def _stored_keys(self, dataset: Dataset, day: str) -> pl.Series:
        """Keys already in a partition: read once, then kept beside the writes."""
        cache_key = (dataset.name, day)
        if cache_key in self._keys:
            self._keys.move_to_end(cache_key)
            return self._keys[cache_key]
        files = sorted(self.partition_dir(dataset, day).glob("*.parquet"))
        keys = (
            pl.read_parquet(files, columns=["key"])["key"]
            if files
            else pl.Series("key", [], dtype=pl.Utf8)
        )
        self._keys[cache_key] = keys
        while len(self._keys) > CACHED_PARTITIONS:
            self._keys.popitem(last=False)
        return keys

    def write(self, dataset: Dataset, frame: pl.DataFrame) -> int:
        """Add the rows of ``frame`` not stored yet; returns how many were added."""
        if frame.height == 0:
            return 0
        keyed = with_keys(dataset.conform(frame), KEY_FIELDS[dataset.name])
        keyed = keyed.unique(subset="key", keep="first", maintain_order=True)
        day = (
            pl.col("ts").dt.strftime("%Y-%m-%d").fill_null(UNDATED)
            if "ts" in keyed.columns
            else pl.lit(UNDATED)
        )
        keyed = keyed.with_columns(day.alias("_day"))
        written = 0
        for (day_value,), part in keyed.partition_by("_day", as_dict=True).items():
            written += self._write_partition(dataset, str(day_value), part.drop("_day"))
        return written

    def _write_partition(self, dataset: Dataset, day: str, part: pl.DataFrame) -> int:
        stored = self._stored_keys(dataset, day)
        if stored.len():
            part = part.filter(~pl.col("key").is_in(stored.implode()))
        if part.height == 0:
            return 0
        part = part.sort("ts") if "ts" in part.columns else part
        self._write_file(dataset, day, part)
        self._keys[(dataset.name, day)] = pl.concat([stored, part["key"]], rechunk=False)
        self._touched.add((dataset.name, day))
        return part.height

    def _write_file(self, dataset: Dataset, day: str, part: pl.DataFrame) -> Path:
        """Write ``part`` as one file of the partition: temporary name, then an atomic rename."""
        digest = hashlib.blake2b(digest_size=12)
        for key in part["key"].to_list():
            digest.update(key.encode("ascii"))
        directory = self.partition_dir(dataset, day)
        target = directory / f"part-{digest.hexdigest()}.parquet"
        temporary = directory / f".{target.name}.{os.getpid()}{TEMP_SUFFIX}"
        try:
            directory.mkdir(parents=True, exist_ok=True)
            part.write_parquet(temporary, compression="zstd", statistics=True)
            os.replace(temporary, target)
        except OSError as exc:
            temporary.unlink(missing_ok=True)
            raise UpstreamFailure(
                f"could not write {target}: {exc}",
                hint="check free space and permissions of the data directory",
            ) from exc
        return target

    def compact(self, dataset: Dataset, day: str) -> int:
        """Merge a partition's files into one; returns how many files were merged.

        A listener flushing every few seconds leaves thousands of small files
        a day, which slow every reader. The merged file is committed by rename
        before the small ones are deleted; if the process dies in between, the
        next compaction removes the duplicate rows by key.
        """
        files = sorted(self.partition_dir(dataset, day).glob("*.parquet"))
        if len(files) < 2:
            return 0
        merged = (
            _scan_files(dataset, files)
            .collect()
            .unique(subset="key", keep="first", maintain_order=True)
        )
        merged = merged.sort("ts") if "ts" in merged.columns else merged
        target = self._write_file(dataset, day, merged)
        for path in files:
            if path != target:
                path.unlink(missing_ok=True)
        self._keys[(dataset.name, day)] = merged["key"]
        return len(files)

    def compact_busy_partitions(self, *, min_files: int) -> int:
        """Compact partitions written by this store that hold more than ``min_files`` files."""
        merged = 0
        for name, day in sorted(self._touched):
            dataset = DATASET_BY_NAME[name]
            if len(list(self.partition_dir(dataset, day).glob("*.parquet"))) > min_files:
                merged += self.compact(dataset, day)
        return merged

    def scan(self, dataset: Dataset) -> pl.LazyFrame:
        """A lazy scan of a dataset (empty with the right schema when nothing is stored)."""
        files = self.files(dataset)
        if not files:
            return dataset.empty().lazy()
        return _scan_files(dataset, files)

    def count(self, dataset: Dataset) -> int:
        return int(self.scan(dataset).select(pl.len()).collect().item())

    def days(self, dataset: Dataset) -> list[str]:
        base = self.root / dataset.name
        if not base.exists():
            return []
        return sorted(p.name.removeprefix("day=") for p in base.glob("day=*") if p.is_dir())

    def write_all(self, frames: Iterable[tuple[Dataset, pl.DataFrame]]) -> dict[str, int]:
        """Write several datasets; returns rows added per dataset name."""
        added: dict[str, int] = {}
        for dataset, frame in frames:
            added[dataset.name] = added.get(dataset.name, 0) + self.write(dataset, frame)
        return added


def _scan_files(dataset: Dataset, files: list[Path]) -> pl.LazyFrame:
    """Files written before a column was added to the dataset read it as null."""
    return pl.scan_parquet(
        files, schema=dataset.polars_schema, hive_partitioning=False, missing_columns="insert"
    )
