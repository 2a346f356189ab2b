"""One message heard by several receivers is one row: the receptions merged, with who heard it.

A unit that adds a second antenna, or a feed that aggregates neighbouring
stations, hears most messages twice or more. Stored as they come, every
track would double and every speed check would see zero-second jumps.

Identity of a message: the same track (MMSI), the same payload (the armoured
6-bit data of every fragment, so talker, channel, sequence id and tag block
do not matter) and receive times within ``window_seconds`` of each other
(chained: each reception within the window of the previous one). A position
report carries its UTC second and radio state, so two different
transmissions of one vessel with identical payloads within seconds do not
occur in practice. The first reception (earliest time, then line) is the
row kept; ``receivers`` counts the receptions and ``stations`` lists the
distinct ``s:`` stations that heard it.

Archive rows (no ``msg_type``) are left alone: their exact duplicates are
counted by the store's row keys instead.
"""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl

DEFAULT_WINDOW_SECONDS = 2.0
"""Receivers on NTP agree within a second; c: times are whole seconds."""
PAYLOAD = "_payload"


@dataclass(frozen=True, slots=True)
class MergedReceptions:
    """Rows with repeats folded in, and how many repeat receptions were folded."""

    rows: pl.DataFrame
    merged: int


def payload_of(raw: pl.Expr) -> pl.Expr:
    """The armoured payload fields of every sentence in ``raw``, joined (tag blocks ignored)."""
    field = r"[^,\n]*,"
    sentence = rf"(?m)^(?:\\[^\\]*\\)?[^!\n]*![A-Z]{{2}}VD[MO],{field * 4}([^,\n]*),[^\n]*"
    return raw.str.replace_all(sentence, "${1}|")


def merge_receptions(
    frame: pl.DataFrame,
    *,
    window_seconds: float = DEFAULT_WINDOW_SECONDS,
    seen: pl.DataFrame | None = None,
) -> MergedReceptions:
    """Fold repeat receptions of one message into its first reception.

    ``seen`` are rows of earlier batches (``track_id``, ``ts``, ``raw``)
    near the batch boundary: a repeat of one of them is folded away and
    counted (the stored row keeps the stations it had).
    """
    if frame.height == 0 or "raw" not in frame.columns:
        return MergedReceptions(frame, 0)
    decoded = pl.col("msg_type").is_not_null()
    candidates = frame.with_row_index("_row").with_columns(
        pl.col("_row").cast(pl.Int64),
        pl.when(decoded).then(payload_of(pl.col("raw"))).otherwise(None).alias(PAYLOAD),
        pl.lit(False).alias("_seen"),
    )
    pool = candidates
    if seen is not None and seen.height:
        earlier = seen.select(
            pl.col("track_id"),
            pl.col("ts"),
            payload_of(pl.col("raw")).alias(PAYLOAD),
            pl.lit(True).alias("_seen"),
            pl.lit(-1, dtype=pl.Int64).alias("_row"),
        )
        pool = pl.concat([candidates, earlier], how="diagonal_relaxed")
    limit = pl.duration(microseconds=int(window_seconds * 1_000_000))
    grouped = (
        pool.filter(pl.col(PAYLOAD).is_not_null() & pl.col("ts").is_not_null())
        .sort(
            "track_id",
            PAYLOAD,
            "ts",
            "_seen",
            "_row",
            descending=[False, False, False, True, False],
        )
        .with_columns(
            ((pl.col("ts") - pl.col("ts").shift(1)).over("track_id", PAYLOAD) > limit)
            .fill_null(True)
            .cum_sum()
            .over("track_id", PAYLOAD)
            .alias("_group")
        )
    )
    if grouped.height == 0:
        return MergedReceptions(frame, 0)
    summary = grouped.group_by("track_id", PAYLOAD, "_group").agg(
        pl.col("_row").first().alias("_keep"),
        pl.col("_seen").first().alias("_was_seen"),
        pl.col("_row").filter(~pl.col("_seen")).alias("_rows"),
        pl.len().alias("receivers"),
        pl.col("station").drop_nulls().unique().sort().alias("stations")
        if "station" in grouped.columns
        else pl.lit([], dtype=pl.List(pl.Utf8)).alias("stations"),
    )
    members = summary.explode("_rows").drop_nulls("_rows")
    folded = members.filter(pl.col("_was_seen") | (pl.col("_rows") != pl.col("_keep")))
    kept = summary.filter(~pl.col("_was_seen")).select(
        pl.col("_keep").alias("_row"), "receivers", "stations"
    )
    out = (
        candidates.join(folded.select(pl.col("_rows").alias("_row")), on="_row", how="anti")
        .drop("receivers", "stations", strict=False)
        .join(kept, on="_row", how="left")
        .with_columns(
            pl.col("receivers").fill_null(1).cast(pl.Int16),
            pl.when(pl.col("stations").is_null() & pl.col("station").is_not_null())
            .then(pl.concat_list(pl.col("station")))
            .otherwise(pl.col("stations"))
            .alias("stations")
            if "station" in candidates.columns
            else pl.col("stations"),
        )
        .sort("_row")
        .drop("_row", PAYLOAD, "_seen")
    )
    return MergedReceptions(out, frame.height - out.height)
