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
from collections.abc import Iterable
from pathlib import Path

import polars as pl

from portintel.domain.maritime.row_key import (
    OTHER_KEY_FIELDS,
    POSITION_KEY_FIELDS,
    QUARANTINE_KEY_FIELDS,
    with_keys,
)
from portintel.domain.maritime.schema import OTHER, POSITIONS, QUARANTINE, STATICS, Dataset
from portintel.errors import UpstreamFailure

UNDATED = "undated"
TEMP_SUFFIX = ".tmp"

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
        self._keys: dict[tuple[str, str], list[pl.Series]] = {}

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

    def _stored_keys(self, dataset: Dataset, day: str) -> list[pl.Series]:
        cache_key = (dataset.name, day)
        if cache_key not in self._keys:
            directory = self.partition_dir(dataset, day)
            series = [
                pl.read_parquet(path, columns=["key"])["key"]
                for path in sorted(directory.glob("*.parquet"))
            ]
            self._keys[cache_key] = series
        return self._keys[cache_key]

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
        for stored in self._stored_keys(dataset, day):
            part = part.filter(~pl.col("key").is_in(stored.implode()))
            if part.height == 0:
                return 0
        part = part.sort("ts") if "ts" in part.columns else part
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
        self._stored_keys(dataset, day).append(part["key"])
        return part.height

    def scan(self, dataset: Dataset) -> pl.LazyFrame:
        """A lazy scan of a dataset (empty with the right schema when nothing is stored)."""
        files = self.files(dataset)
        if not files:
            return dataset.empty().lazy()
        return pl.scan_parquet(files, schema=dataset.polars_schema, hive_partitioning=False)

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
