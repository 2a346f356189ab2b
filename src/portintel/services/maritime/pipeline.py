"""One batch of AIS input -> track store: normalise, merge receptions, check, write, count.

File ingest and live listening share this path so a position is judged the
same way wherever it came from. The pipeline remembers each vessel's last
accepted fix, so the impossible-speed check sees across batch boundaries,
and the last seconds of messages, so a repeat reception just after a batch
boundary is still recognised.

Counting: every input record ends in exactly one of positions, statics,
other or quarantine as rows the store added, or is counted as not added
because it repeats a row (``duplicates``: the same row twice in the input;
``merged_receptions``: the same message from another receiver) or was
stored by an earlier run (``already_stored``). Quarantine counts are rows
added to quarantine, by reason.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import polars as pl

from portintel.adapters.ais.land import shore
from portintel.adapters.ais.tabular import ArchiveBatch
from portintel.adapters.trackstore import TrackStore
from portintel.adapters.trackstore.store import WriteResult
from portintel.ais import DecodedBatch
from portintel.domain.maritime.normalise import (
    InputContext,
    NormalisedBatch,
    normalise_archive_rows,
    normalise_messages,
)
from portintel.domain.maritime.quality import (
    QualityThresholds,
    check_positions,
    check_statics,
    last_fixes,
)
from portintel.domain.maritime.receptions import DEFAULT_WINDOW_SECONDS, merge_receptions
from portintel.domain.maritime.schema import OTHER, POSITIONS, QUARANTINE, STATICS

LandCheck = Callable[[pl.Series, pl.Series], pl.DataFrame]
"""(latitudes, longitudes) -> on_land, distance_to_shore_km, inland_water: ``LandMask.shore``."""
AcceptedHook = Callable[[pl.DataFrame, pl.DataFrame, InputContext], None]


@dataclass(slots=True)
class BatchCounts:
    """What one or more batches contained and where it went."""

    messages: int = 0
    positions: int = 0
    statics: int = 0
    other: int = 0
    quarantined: Counter[str] = field(default_factory=Counter)
    """Rows added to quarantine, by reason."""
    duplicates: int = 0
    """Rows that repeat another row of the input exactly (stored once)."""
    already_stored: int = 0
    """Rows an earlier run stored already (a re-ingest)."""
    merged_receptions: int = 0
    """Receptions of a message already heard by another receiver, folded into its row."""
    mmsis: set[int] = field(default_factory=set)
    tracks: set[str] = field(default_factory=set)
    """Distinct track ids (MMSIs as text, or archive vessel ids) with rows stored."""

    def add(self, other: BatchCounts) -> None:
        self.messages += other.messages
        self.positions += other.positions
        self.statics += other.statics
        self.other += other.other
        self.quarantined.update(other.quarantined)
        self.duplicates += other.duplicates
        self.already_stored += other.already_stored
        self.merged_receptions += other.merged_receptions
        self.mmsis |= other.mmsis
        self.tracks |= other.tracks

    def stored(self, dataset: str, result: WriteResult) -> int:
        """Count one write; returns the rows added."""
        self.duplicates += result.repeated
        self.already_stored += result.already_stored
        return result.added.height


def merge_decoded(batches: Sequence[DecodedBatch]) -> DecodedBatch:
    """Several decoder results as one (the reader splits a chunk around refused lines)."""
    if len(batches) == 1:
        return batches[0]
    by_type: dict[int, list[pl.DataFrame]] = {}
    for batch in batches:
        for msg_type, frame in batch.messages.items():
            by_type.setdefault(msg_type, []).append(frame)
    merged = DecodedBatch()
    messages = {
        msg_type: pl.concat(frames, how="diagonal_relaxed") for msg_type, frames in by_type.items()
    }
    rejects = pl.concat([merged.rejects, *(b.rejects for b in batches)], how="diagonal_relaxed")
    unsupported = pl.concat(
        [merged.unsupported, *(b.unsupported for b in batches)], how="diagonal_relaxed"
    )
    return DecodedBatch(messages=messages, rejects=rejects, unsupported=unsupported)


def rejects_frame(
    rejects: Sequence[tuple[int, str, str]] | pl.DataFrame, context: InputContext
) -> pl.DataFrame:
    """Refused input (line, raw, reason[, mmsi, ts]) as quarantine rows of ``context``."""
    if isinstance(rejects, pl.DataFrame):
        frame = rejects
    else:
        frame = pl.DataFrame(
            [{"line": line, "raw": raw, "reason": reason} for line, raw, reason in rejects],
            schema={"line": pl.Int64, "raw": pl.Utf8, "reason": pl.Utf8},
        )
    return QUARANTINE.conform(
        frame.with_columns(
            pl.lit(context.source).alias("source"), pl.lit(context.location).alias("location")
        )
    )


def with_arrival_times(batch: DecodedBatch, arrivals: pl.DataFrame) -> DecodedBatch:
    """Fill each message's missing receive time from when its last line arrived (live feeds)."""
    messages = {}
    for msg_type, frame in batch.messages.items():
        joined = frame.join(arrivals, on="line", how="left", suffix="_arrival")
        received = pl.col("received_at").cast(pl.Datetime("us", "UTC"))
        messages[msg_type] = joined.with_columns(
            pl.coalesce(received, pl.col("arrived_at")).alias("received_at"),
            pl.when(received.is_null())
            .then(pl.lit("arrival"))
            .otherwise(pl.lit("receiver"))
            .alias("ts_source"),
        ).drop("arrived_at")
    return DecodedBatch(messages=messages, rejects=batch.rejects, unsupported=batch.unsupported)


class TrackPipeline:
    """Normalise, filter and write batches into one track store."""

    def __init__(
        self,
        store: TrackStore,
        *,
        thresholds: QualityThresholds | None = None,
        land_check: LandCheck = shore,
        on_accepted: AcceptedHook | None = None,
        reception_window_seconds: float = DEFAULT_WINDOW_SECONDS,
    ) -> None:
        self.store = store
        self.thresholds = thresholds or QualityThresholds()
        self.land_check = land_check
        self.on_accepted = on_accepted
        self.reception_window_seconds = reception_window_seconds
        self._previous = last_fixes(POSITIONS.empty())
        self._recent: dict[str, pl.DataFrame] = {}

    def decoded(
        self,
        batch: DecodedBatch,
        context: InputContext,
        *,
        refused: Sequence[tuple[int, str, str]] = (),
    ) -> BatchCounts:
        """Write one decoder result; ``refused`` are lines the reader refused before decoding."""
        normalised = normalise_messages(batch.messages, batch.unsupported, context)
        quarantine = [rejects_frame(batch.rejects, context), rejects_frame(refused, context)]
        counts = self._write(normalised, quarantine, context)
        counts.messages = sum(frame.height for frame in batch.messages.values())
        counts.messages += batch.unsupported.height
        return counts

    def archive(self, batch: ArchiveBatch, context: InputContext) -> BatchCounts:
        """Write one parsed batch of a CSV or Parquet archive."""
        normalised = normalise_archive_rows(batch.rows, context)
        counts = self._write(normalised, [rejects_frame(batch.rejects, context)], context)
        counts.messages = batch.rows.height + batch.rejects.height
        return counts

    def _merge(self, name: str, frame: pl.DataFrame) -> tuple[pl.DataFrame, int]:
        """``frame`` with repeat receptions folded; keeps its last seconds for the next batch."""
        merged = merge_receptions(
            frame, window_seconds=self.reception_window_seconds, seen=self._recent.get(name)
        )
        rows = merged.rows
        timed = rows.filter(pl.col("msg_type").is_not_null() & pl.col("ts").is_not_null())
        if timed.height:
            since = timed["ts"].max() - pl.duration(
                microseconds=int(self.reception_window_seconds * 1_000_000)
            )
            self._recent[name] = timed.filter(pl.col("ts") >= since).select("track_id", "ts", "raw")
        return rows, merged.merged

    def _write(
        self, normalised: NormalisedBatch, quarantine: list[pl.DataFrame], context: InputContext
    ) -> BatchCounts:
        positions, merged_positions = self._merge(POSITIONS.name, normalised.positions)
        statics, merged_statics = self._merge(STATICS.name, normalised.statics)
        other, merged_other = self._merge(OTHER.name, normalised.other)
        land = self.land_check(positions["lat"], positions["lon"])
        position_check = check_positions(
            positions, thresholds=self.thresholds, land=land, previous_fixes=self._previous
        )
        static_check = check_statics(statics)
        refused = [
            frame
            for frame in (
                *quarantine,
                QUARANTINE.conform(position_check.quarantined),
                QUARANTINE.conform(static_check.quarantined),
            )
            if frame.height
        ]
        quarantined = pl.concat(refused) if refused else QUARANTINE.empty()
        accepted_positions, accepted_statics = position_check.accepted, static_check.accepted
        # order matters for an interrupted run: data first, then quarantine, then the registry
        # counts are of rows the store added: a resumed or repeated pass reports only what is new
        counts = BatchCounts(merged_receptions=merged_positions + merged_statics + merged_other)
        counts.positions = counts.stored(
            POSITIONS.name, self.store.write_counted(POSITIONS, accepted_positions)
        )
        counts.statics = counts.stored(
            STATICS.name, self.store.write_counted(STATICS, accepted_statics)
        )
        counts.other = counts.stored(OTHER.name, self.store.write_counted(OTHER, other))
        refusals = self.store.write_counted(QUARANTINE, quarantined)
        counts.stored(QUARANTINE.name, refusals)
        counts.quarantined = Counter(refusals.added["reason"].to_list())
        if self.on_accepted is not None:
            self.on_accepted(accepted_positions, accepted_statics, context)
        self._remember(accepted_positions)
        for frame in (accepted_positions, accepted_statics):
            counts.mmsis.update(frame["mmsi"].drop_nulls().unique().to_list())
            counts.tracks.update(frame["track_id"].drop_nulls().unique().to_list())
        return counts

    def _remember(self, accepted: pl.DataFrame) -> None:
        if accepted.height == 0:
            return
        latest = last_fixes(pl.concat([self._previous, last_fixes(accepted)], how="diagonal"))
        self._previous = latest
