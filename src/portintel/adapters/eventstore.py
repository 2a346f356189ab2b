"""The behaviour events as a Parquet file beside the track store.

Why Parquet and not the relational store: events are derived data, written
in bulk by detection (millions for a regional archive), re-derived whenever
thresholds change, and read by analytics and the map by type, vessel and
time, which a columnar file serves well; the relational store keeps what
people assert (reports, statements, judgements). The vessel link goes the
other way: an event names an MMSI, and the services resolve it to the
Vessel entity through the reader's scoped view when events are read.

Layout: ``<tracks>/events/day=all/events.parquet``, the ``events`` dataset
of the track store (:data:`~portintel.domain.maritime.behaviour.common.EVENTS`,
every event sorted by start, read through the TrackReader port like the
positions), and ``<data_dir>/behaviours/state.parquet`` (the fingerprint of
the track store per vessel and day when detection last ran). Each is
replaced atomically (temporary file, then rename): a reader never sees half
a write. One file, not day partitions: a run replaces events of any day, and
one rename keeps that atomic; readers still skip by the start/end statistics.
"""

from __future__ import annotations

import fcntl
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import polars as pl

from portintel.domain.maritime.behaviour.common import EVENT_SCHEMA
from portintel.errors import UpstreamFailure

STATE_SCHEMA = {
    "mmsi": pl.Int64(),
    "day": pl.Date(),
    "rows": pl.UInt32(),
    "fingerprint": pl.UInt64(),
}


class EventStore:
    def __init__(self, tracks_dir: Path, state_dir: Path) -> None:
        self.events_path = tracks_dir / "events" / "day=all" / "events.parquet"
        self.state_path = state_dir / "state.parquet"
        self.lock_path = state_dir / "detect.lock"

    @contextmanager
    def locked(self) -> Iterator[None]:
        """One detection run at a time on this data directory (the job and the CLI alike).

        An advisory ``flock``: released by the kernel when the process dies,
        so a killed run never leaves the store locked.
        """
        self.lock_path.parent.mkdir(parents=True, exist_ok=True)
        with self.lock_path.open("a") as handle:
            fcntl.flock(handle, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)

    def load(self) -> pl.DataFrame:
        if not self.events_path.exists():
            return pl.DataFrame(schema=EVENT_SCHEMA)
        return pl.read_parquet(self.events_path).cast(EVENT_SCHEMA)  # type: ignore[arg-type]

    def load_state(self) -> pl.DataFrame:
        if not self.state_path.exists():
            return pl.DataFrame(schema=STATE_SCHEMA)
        return pl.read_parquet(self.state_path).cast(STATE_SCHEMA)  # type: ignore[arg-type]

    def save(self, events: pl.DataFrame, state: pl.DataFrame) -> None:
        """Replace the events, then the state (a crash between re-detects, harmlessly)."""
        self._write(self.events_path, events.select(list(EVENT_SCHEMA)).sort(["start", "event_id"]))
        self._write(self.state_path, state.select(list(STATE_SCHEMA)).sort(["mmsi", "day"]))

    def _write(self, target: Path, frame: pl.DataFrame) -> None:
        temporary = target.with_name(f".{target.name}.{os.getpid()}.tmp")
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            frame.write_parquet(temporary, compression="zstd", statistics=True)
            os.replace(temporary, target)
        except OSError as exc:
            temporary.unlink(missing_ok=True)
            raise UpstreamFailure(
                f"could not write {target}: {exc}",
                hint="check free space and permissions of the data directory",
            ) from exc
