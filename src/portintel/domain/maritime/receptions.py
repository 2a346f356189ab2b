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


def payloads(raw: pl.Series) -> pl.Series:
    """:func:`payload_of` for a column, fast for one-sentence messages (nearly all of them)."""
    single = raw.str.split("!").list.last().str.split(",").list.get(5, null_on_oob=True) + "|"
    several = raw.str.contains("\n", literal=True)
    if not several.any():
        return single.alias(PAYLOAD)
    slow = raw.filter(several).to_frame("raw").select(payload_of(pl.col("raw")))["raw"]
    return single.scatter(several.arg_true(), slow).alias(PAYLOAD)


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

    Only rows with another row of the same track within the window are
    compared by payload, so a feed heard by one receiver costs one sort.
    """
    if frame.height == 0 or "raw" not in frame.columns:
        return MergedReceptions(frame, 0)
    station = pl.col("station") if "station" in frame.columns else pl.lit(None, dtype=pl.Utf8)
    rows = frame.with_row_index("_row").with_columns(
        pl.col("_row").cast(pl.Int64),
        pl.lit(1, dtype=pl.Int16).alias("receivers"),
        pl.when(station.is_null())
        .then(pl.lit([], dtype=pl.List(pl.Utf8)))
        .otherwise(pl.concat_list(station.cast(pl.Utf8)))
        .alias("stations"),
    )
    pool = (
        rows.select(
            "_row",
            "track_id",
            "ts",
            station.cast(pl.Utf8).alias("station"),
            pl.lit(False).alias("_seen"),
            pl.col("msg_type").is_not_null().alias("_decoded"),
        )
        .filter(pl.col("_decoded") & pl.col("ts").is_not_null())
        .drop("_decoded")
    )
    raws = rows.select("_row", "raw")
    if seen is not None and seen.height:
        # earlier rows get negative row numbers: never kept, never confused with this batch's
        earlier = seen.select("track_id", "ts", "raw").with_columns(
            (-1 - pl.int_range(pl.len(), dtype=pl.Int64)).alias("_row")
        )
        pool = pl.concat(
            [
                pool,
                earlier.select(
                    "_row",
                    "track_id",
                    "ts",
                    pl.lit(None, dtype=pl.Utf8).alias("station"),
                    pl.lit(True).alias("_seen"),
                ),
            ],
            how="vertical_relaxed",
        )
        raws = pl.concat([raws, earlier.select("_row", "raw")], how="vertical_relaxed")
    limit = pl.duration(microseconds=int(window_seconds * 1_000_000))
    # rows with a neighbour of the same track within the window; a hash sorts faster than text
    # and a collision only costs a payload comparison (groups are by track_id itself)
    ordered = pool.with_columns(pl.col("track_id").hash().alias("_track")).sort("_track", "ts")
    track, ts = pl.col("_track"), pl.col("ts")
    close = (((ts - ts.shift(1)) <= limit) & (track == track.shift(1))) | (
        ((ts.shift(-1) - ts) <= limit) & (track == track.shift(-1))
    )
    near = ordered.filter(close.fill_null(False)).drop("_track")
    if near.filter(~pl.col("_seen")).height == 0:
        return MergedReceptions(rows.drop("_row"), 0)
    keyed_near = near.join(raws, on="_row", how="left")
    keyed_near = keyed_near.with_columns(payloads(keyed_near["raw"]))

    grouped = keyed_near.sort(
        "track_id", PAYLOAD, "ts", "_seen", "_row", descending=[False, False, False, True, False]
    ).with_columns(
        ((pl.col("ts") - pl.col("ts").shift(1)).over("track_id", PAYLOAD) > limit)
        .fill_null(True)
        .cum_sum()
        .over("track_id", PAYLOAD)
        .alias("_group")
    )
    summary = grouped.group_by("track_id", PAYLOAD, "_group").agg(
        pl.col("_row").first().alias("_keep"),
        pl.col("_seen").first().alias("_was_seen"),
        pl.col("_row").filter(~pl.col("_seen")).alias("_rows"),
        pl.len().cast(pl.Int16).alias("_receivers"),
        pl.col("station").drop_nulls().unique().sort().alias("_stations"),
    )
    members = summary.explode("_rows").drop_nulls("_rows")
    folded = members.filter(pl.col("_was_seen") | (pl.col("_rows") != pl.col("_keep")))["_rows"]
    kept = summary.filter(~pl.col("_was_seen") & (pl.col("_receivers") > 1)).select(
        pl.col("_keep").alias("_row"), "_receivers", "_stations"
    )
    out = (
        rows.filter(~pl.col("_row").is_in(folded.implode()))
        .join(kept, on="_row", how="left")
        .with_columns(
            pl.coalesce("_receivers", "receivers").alias("receivers"),
            pl.when(pl.col("_stations").is_not_null())
            .then(pl.col("_stations"))
            .otherwise(pl.col("stations"))
            .alias("stations"),
        )
        .sort("_row")
        .drop("_row", "_receivers", "_stations")
    )
    return MergedReceptions(out, frame.height - out.height)
