"""One batch of AIS input -> track store: normalise, quality filters, quarantine, write.

File ingest and live listening share this path so a position is judged the
same way wherever it came from. The pipeline remembers each vessel's last
accepted fix, so the impossible-speed check sees across batch boundaries.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import polars as pl

from portintel.adapters.ais.land import shore
from portintel.adapters.ais.tabular import ArchiveBatch
from portintel.adapters.trackstore import TrackStore
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
    mmsis: set[int] = field(default_factory=set)

    def add(self, other: BatchCounts) -> None:
        self.messages += other.messages
        self.positions += other.positions
        self.statics += other.statics
        self.other += other.other
        self.quarantined.update(other.quarantined)
        self.mmsis |= other.mmsis


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
        messages[msg_type] = joined.with_columns(
            pl.coalesce(
                pl.col("received_at").cast(pl.Datetime("us", "UTC")), pl.col("arrived_at")
            ).alias("received_at")
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
    ) -> None:
        self.store = store
        self.thresholds = thresholds or QualityThresholds()
        self.land_check = land_check
        self.on_accepted = on_accepted
        self._previous = last_fixes(POSITIONS.empty())

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

    def _write(
        self, normalised: NormalisedBatch, quarantine: list[pl.DataFrame], context: InputContext
    ) -> BatchCounts:
        positions = normalised.positions
        land = self.land_check(positions["lat"], positions["lon"])
        position_check = check_positions(
            positions, thresholds=self.thresholds, land=land, previous_fixes=self._previous
        )
        static_check = check_statics(normalised.statics)
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
        positions_added = self.store.write(POSITIONS, accepted_positions)
        statics_added = self.store.write(STATICS, accepted_statics)
        other_added = self.store.write(OTHER, normalised.other)
        self.store.write(QUARANTINE, quarantined)
        if self.on_accepted is not None:
            self.on_accepted(accepted_positions, accepted_statics, context)
        self._remember(accepted_positions)
        counts = BatchCounts(
            positions=positions_added,
            statics=statics_added,
            other=other_added,
            quarantined=Counter(quarantined["reason"].to_list()),
        )
        counts.mmsis.update(accepted_positions["mmsi"].unique().to_list())
        counts.mmsis.update(accepted_statics["mmsi"].unique().to_list())
        return counts

    def _remember(self, accepted: pl.DataFrame) -> None:
        if accepted.height == 0:
            return
        latest = last_fixes(pl.concat([self._previous, last_fixes(accepted)], how="diagonal"))
        self._previous = latest
