"""Day-partitioned Parquet datasets with atomic, idempotent writes.

Layout: ``<tracks_dir>/<dataset>/day=YYYY-MM-DD/part-<digest>.parquet``
(``day=undated`` for rows without a time), readable as a hive-partitioned
dataset by Polars, DuckDB or Spark. Each file is sorted by vessel
(``track_id``) then time, in row groups of :data:`ROW_GROUP_ROWS`, so a
scan for one vessel or one day reads little more than that vessel's rows
(day directories are pruned by path, vessels by Parquet statistics).

Concurrency, as a unit runs it (a listener, cron ingests, analysts reading):

- two ingests into one store are serialised by an exclusive ``flock`` on
  ``<root>/.ingest.lock`` (:meth:`TrackStore.ingest_lock`): each reads the
  keys the other wrote, so the same input ingested twice at once is stored once;
- compaction never deletes a file a reader may be reading: merged files are
  renamed in and the small files they replace are only *retired* (listed in
  ``_retired.json`` of the partition, which scans honour), then deleted by a
  later compaction once they have been retired for ``retire_grace_seconds``
  and no reader holds the shared read lock (:meth:`TrackStore.reading`).

Why a key check instead of "write once and hope": an ingest killed between
writing a batch and recording it in the manifest re-reads that batch on the
next run. Every row's key is compared with the keys already in its day
partition, so the second pass adds nothing. Keys of a partition are read
once per process and then kept in memory beside the writes, 16 bytes a key
in a sorted index (:mod:`~portintel.adapters.trackstore.key_index`).
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
import time
from collections import OrderedDict
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TypedDict

import numpy as np
import polars as pl
import pyarrow as pa  # type: ignore[import-untyped]

from portintel.adapters.trackstore.key_index import KeyIndex, key_words
from portintel.domain.maritime.row_key import (
    OTHER_KEY_FIELDS,
    POSITION_KEY_FIELDS,
    QUARANTINE_KEY_FIELDS,
    SEPARATOR,
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

try:  # the AIS decoder's compiled kernel hashes a batch's keys in one call
    from portintel.ais._kernel import blake2b_hex_arrow
except ImportError:  # pragma: no cover - without a C compiler: the domain's Python loop
    blake2b_hex_arrow = None  # type: ignore[assignment]

UNDATED = "undated"
CACHED_PARTITIONS = 16
"""Partitions whose keys stay in memory; a long-running listener only writes to today's."""
TEMP_SUFFIX = ".tmp"
ROW_GROUP_ROWS = 65_536
"""Small enough for statistics to skip most of a day file when one vessel is wanted."""
ZSTD_LEVEL = 1
"""Files 3% larger than at zstd's default level 3, written in 60% of the CPU time (measured on
a million positions: 0.40 s against 0.64 s); the ingest writes every row once."""
RETIRED = "_retired.json"
INGEST_LOCK = ".ingest.lock"
READERS_LOCK = ".readers.lock"
RETIRE_GRACE_SECONDS = 3600.0
SORT_COLUMNS = ("track_id", "ts", "line")


@dataclass(frozen=True, slots=True)
class WriteResult:
    """What one write did: rows added, and rows not added because their key was known.

    ``repeated`` rows repeat a row of the same write or of an earlier write by
    this store object (a duplicate in the input); ``already_stored`` rows were
    in the store before (an earlier run).
    """

    added: pl.DataFrame
    repeated: int = 0
    already_stored: int = 0


DayRange = str | date | tuple[str | date, str | date]

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

    def __init__(self, root: Path, *, retire_grace_seconds: float = RETIRE_GRACE_SECONDS) -> None:
        self.root = root
        self.retire_grace_seconds = retire_grace_seconds
        self._keys: OrderedDict[tuple[str, str], KeyIndex] = OrderedDict()
        self._session: dict[tuple[str, str], KeyIndex] = {}
        self._touched: set[tuple[str, str]] = set()

    @contextmanager
    def ingest_lock(self, on_wait: Callable[[], object] | None = None) -> Iterator[None]:
        """Hold the store's cross-process ingest lock; ``on_wait`` hears when another holds it.

        The lock is an ``flock`` on a file in the store root: the kernel drops
        it when the holder dies, so a killed ingest never leaves the store locked.
        """
        self.root.mkdir(parents=True, exist_ok=True)
        with (self.root / INGEST_LOCK).open("a+b") as handle:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                if on_wait is not None:
                    on_wait()
                fcntl.flock(handle, fcntl.LOCK_EX)
            # another ingest may have written meanwhile: keys cached before are stale
            self._keys.clear()
            try:
                yield
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)

    @contextmanager
    def reading(self) -> Iterator[None]:
        """Hold the shared read lock while collecting scans: compaction deletes nothing then."""
        self.root.mkdir(parents=True, exist_ok=True)
        with (self.root / READERS_LOCK).open("a+b") as handle:
            fcntl.flock(handle, fcntl.LOCK_SH)
            try:
                yield
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)

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

    def files(self, dataset: Dataset, days: DayRange | None = None) -> list[Path]:
        """The live files of ``dataset`` (retired ones left out), of ``days`` when given."""
        found: list[Path] = []
        for day in self.days(dataset):
            if days is None or _in_days(day, days):
                found.extend(self._live_files(dataset, day))
        return found

    def _live_files(self, dataset: Dataset, day: str) -> list[Path]:
        directory = self.partition_dir(dataset, day)
        # list first, then read the retirements: a merged file seen in the listing
        # always has its retirement record already written (see compact)
        files = sorted(directory.glob("*.parquet"))
        present = {path.name for path in files}
        retired: set[str] = set()
        for record in _read_retired(directory):
            if record["merged"] in present:
                retired.update(record["retired"])
        return [path for path in files if path.name not in retired]

    def _stored_keys(self, dataset: Dataset, day: str) -> KeyIndex:
        """Keys already in a partition: read once, then kept beside the writes."""
        cache_key = (dataset.name, day)
        if cache_key in self._keys:
            self._keys.move_to_end(cache_key)
            return self._keys[cache_key]
        files = self._live_files(dataset, day)
        keys = KeyIndex.of(pl.read_parquet(files, columns=["key"])["key"]) if files else KeyIndex()
        self._keys[cache_key] = keys
        while len(self._keys) > CACHED_PARTITIONS:
            self._keys.popitem(last=False)
        return keys

    def write(self, dataset: Dataset, frame: pl.DataFrame) -> int:
        """Add the rows of ``frame`` not stored yet; returns how many were added."""
        return self.write_counted(dataset, frame).added.height

    def write_counted(self, dataset: Dataset, frame: pl.DataFrame) -> WriteResult:
        """Add the rows of ``frame`` not stored yet; the rows added and why others were not."""
        if frame.height == 0:
            return WriteResult(dataset.empty().with_columns(pl.lit(None).alias("key")).head(0))
        keyed = keyed_rows(dataset.conform(frame), KEY_FIELDS[dataset.name])
        unique = keyed.unique(subset="key", keep="first", maintain_order=True)
        repeated = keyed.height - unique.height
        day = (
            pl.col("ts").dt.strftime("%Y-%m-%d").fill_null(UNDATED)
            if "ts" in unique.columns
            else pl.lit(UNDATED)
        )
        days = unique.select(day.alias("_day")).to_series()
        parts: dict[str, pl.DataFrame]
        if days.n_unique() == 1:  # a batch is nearly always one day: no copy to split it
            parts = {str(days[0]): unique}
        else:
            split = unique.with_columns(days).partition_by("_day", as_dict=True)
            parts = {str(value): part.drop("_day") for (value,), part in split.items()}
        added: list[pl.DataFrame] = []
        already = 0
        for day_value, part in parts.items():
            new, seen_here, seen_before = self._write_partition(dataset, day_value, part)
            added.append(new)
            repeated += seen_here
            already += seen_before
        return WriteResult(pl.concat(added), repeated, already)

    def _write_partition(
        self, dataset: Dataset, day: str, part: pl.DataFrame
    ) -> tuple[pl.DataFrame, int, int]:
        """Write the new rows of one day: (rows added, repeats in this run, stored before)."""
        # keys are in the partition's files as read (``stored``, kept while the partition is
        # among the recent ones) or written by this object since (``session``, always kept):
        # each key is held once, and a key in both (files re-read) is a repeat of this run
        stored = self._stored_keys(dataset, day)
        session = self._session.setdefault((dataset.name, day), KeyIndex())
        words = key_words(part["key"])
        repeats = session.contains(words)
        earlier = stored.contains(words) & ~repeats
        repeated, already = int(repeats.sum()), int(earlier.sum())
        if repeated or already:
            new = ~(repeats | earlier)
            part = part.filter(pl.Series(new))
            words = words[new]
        if part.height == 0:
            return part, repeated, already
        part = part.sort([c for c in SORT_COLUMNS if c in part.columns], nulls_last=True)
        self._write_file(dataset, day, part)
        # the rows written are distinct (unique by key) and in neither index
        session.add_absent(words)
        self._touched.add((dataset.name, day))
        return part, repeated, already

    def _write_file(self, dataset: Dataset, day: str, part: pl.DataFrame) -> Path:
        """Write ``part`` as one file of the partition: temporary name, then an atomic rename."""
        directory = self.partition_dir(dataset, day)
        target = directory / _file_name(part)
        temporary = directory / f".{target.name}.{os.getpid()}{TEMP_SUFFIX}"
        try:
            directory.mkdir(parents=True, exist_ok=True)
            part.write_parquet(
                temporary,
                compression="zstd",
                compression_level=ZSTD_LEVEL,
                statistics=True,
                row_group_size=ROW_GROUP_ROWS,
            )
            os.replace(temporary, target)
        except OSError as exc:
            temporary.unlink(missing_ok=True)
            raise UpstreamFailure(
                f"could not write {target}: {exc}",
                hint="check free space and permissions of the data directory",
            ) from exc
        return target

    def compact(self, dataset: Dataset, day: str) -> int:
        """Merge a partition's live files into one; returns how many files were merged.

        A listener flushing every few seconds leaves thousands of small files
        a day, which slow every reader. Order matters for readers in other
        processes: the retirement record (merged file, files it replaces) is
        written first, then the merged file is renamed in; a reader lists
        the files, then reads the records, and leaves out files retired by a
        merged file it saw, so it sees either the old files or the merged
        one, never both and never neither. Retired files stay on disk for
        readers that listed them earlier and are deleted by a later
        compaction (:meth:`purge_retired`). Duplicate rows left by a crash
        are removed by key at the next merge.
        """
        files = self._live_files(dataset, day)
        if len(files) < 2:
            self.purge_retired(dataset, day)
            return 0
        merged = (
            _scan_files(dataset, files)
            .collect()
            .unique(subset="key", keep="first", maintain_order=True)
        )
        merged = merged.sort([c for c in SORT_COLUMNS if c in merged.columns], nulls_last=True)
        directory = self.partition_dir(dataset, day)
        name = _file_name(merged)
        retired = sorted(path.name for path in files if path.name != name)
        records = _read_retired(directory)
        records.append(Retirement(merged=name, retired=retired, at=time.time()))
        _write_retired(directory, records)
        self._write_file(dataset, day, merged)
        self._keys[(dataset.name, day)] = KeyIndex.of(merged["key"])
        self.purge_retired(dataset, day)
        return len(files)

    def purge_retired(self, dataset: Dataset, day: str) -> int:
        """Delete files retired longer than the grace period, unless a reader holds the lock."""
        directory = self.partition_dir(dataset, day)
        records = _read_retired(directory)
        deadline = time.time() - self.retire_grace_seconds
        due = [record for record in records if float(record["at"]) <= deadline]
        if not due:
            return 0
        with (self.root / READERS_LOCK).open("a+b") as handle:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                return 0  # a reader is collecting: try again at the next compaction
            try:
                removed = 0
                for record in due:
                    for name in record["retired"]:
                        path = directory / name
                        if path.exists():
                            path.unlink()
                            removed += 1
                _write_retired(directory, [r for r in records if r not in due])
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)
        return removed

    def compact_busy_partitions(self, *, min_files: int) -> int:
        """Compact partitions written by this store that hold more than ``min_files`` files."""
        merged = 0
        for name, day in sorted(self._touched):
            dataset = DATASET_BY_NAME[name]
            if len(self._live_files(dataset, day)) > min_files:
                merged += self.compact(dataset, day)
        return merged

    def scan(
        self,
        dataset: Dataset,
        *,
        days: DayRange | None = None,
        mmsi: int | Sequence[int] | None = None,
        track_id: str | Sequence[str] | None = None,
    ) -> pl.LazyFrame:
        """A lazy scan of a dataset (empty with the right schema when nothing is stored).

        ``days`` (one day, or an inclusive ``(first, last)`` range, as
        ``YYYY-MM-DD`` or dates) prunes day directories before any file is
        opened; ``mmsi`` and ``track_id`` become predicates that Polars
        pushes down to the row groups' statistics (files are sorted by vessel).
        """
        files = self.files(dataset, days)
        if not files:
            return dataset.empty().lazy()
        frame = _scan_files(dataset, files)
        for column, wanted in (("mmsi", mmsi), ("track_id", track_id)):
            if wanted is None:
                continue
            if isinstance(wanted, int | str):
                frame = frame.filter(pl.col(column) == wanted)
            else:
                frame = frame.filter(pl.col(column).is_in(list(wanted)))
        return frame

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


def keyed_rows(frame: pl.DataFrame, fields: tuple[str, ...]) -> pl.DataFrame:
    """:func:`~portintel.domain.maritime.row_key.with_keys`, the same keys, hashed in C.

    The text hashed is the domain's (the fields as text, nulls empty, joined
    by the unit separator); only the loop over rows moves into the kernel.
    """
    if blake2b_hex_arrow is None or frame.height == 0:
        return with_keys(frame, fields)
    joined = (
        frame.select(
            pl.concat_str(
                [pl.col(name).cast(pl.Utf8).fill_null("") for name in fields],
                separator=SEPARATOR,
            )
        )
        .to_series()
        .to_arrow()
    )
    rows = len(joined)
    offsets = np.frombuffer(joined.buffers()[1], dtype=np.int64)
    offsets = offsets[joined.offset : joined.offset + rows + 1]
    hexes = np.empty(rows * 32, dtype=np.uint8)
    blake2b_hex_arrow(offsets, joined.buffers()[2], hexes)
    keys = pa.LargeStringArray.from_buffers(
        rows, pa.py_buffer(np.arange(0, 32 * rows + 1, 32, dtype=np.int64)), pa.py_buffer(hexes)
    )
    return frame.with_columns(pl.Series("key", keys, dtype=pl.Utf8))


def _file_name(part: pl.DataFrame) -> str:
    """A name from the file's keys (BLAKE2b-96 over them, in order): rewriting it is a no-op."""
    digest = hashlib.blake2b("".join(part["key"].to_list()).encode("ascii"), digest_size=12)
    return f"part-{digest.hexdigest()}.parquet"


class Retirement(TypedDict):
    """Files a merged file replaced, and when (seconds since the epoch)."""

    merged: str
    retired: list[str]
    at: float


def _read_retired(directory: Path) -> list[Retirement]:
    path = directory / RETIRED
    if not path.exists():
        return []
    try:
        records = json.loads(path.read_text(encoding="utf-8"))
    except ValueError as exc:
        raise UpstreamFailure(
            f"{path} is damaged: {exc}",
            hint="delete it after checking no compaction is running (rows are deduplicated by key)",
        ) from exc
    return list(records)


def _write_retired(directory: Path, records: list[Retirement]) -> None:
    directory.mkdir(parents=True, exist_ok=True)
    target = directory / RETIRED
    if not records:
        target.unlink(missing_ok=True)
        return
    temporary = directory / f".{RETIRED}.{os.getpid()}{TEMP_SUFFIX}"
    temporary.write_text(json.dumps(records, sort_keys=True), encoding="utf-8")
    os.replace(temporary, target)


def _day_text(value: str | date) -> str:
    return value.isoformat() if isinstance(value, date) else value


def _in_days(day: str, days: DayRange) -> bool:
    """Whether partition ``day`` is in ``days`` (undated rows are in no range)."""
    if isinstance(days, tuple):
        first, last = (_day_text(v) for v in days)
        return day != UNDATED and first <= day <= last
    return day == _day_text(days)


def _scan_files(dataset: Dataset, files: list[Path]) -> pl.LazyFrame:
    """Files written before a column was added to the dataset read it as null."""
    return pl.scan_parquet(
        files, schema=dataset.polars_schema, hive_partitioning=False, missing_columns="insert"
    )
