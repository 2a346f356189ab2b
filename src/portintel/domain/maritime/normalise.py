"""Decoded AIS frames (one per message type) -> the track store's positions and statics.

The decoder hands over one Polars frame per message type, with pyais's
field names and raw values (speed 102.3 = not available, heading 511 = not
available, and so on). Here those per-type frames become the two documented
datasets of :mod:`portintel.domain.maritime.schema`, with "not available"
sentinels turned into nulls so no analysis mistakes 102.3 kn for a speed.
Everything is column expressions over whole frames: no loop per message.

Positions whose lat/lon say "not available" (91/181) are kept here; the
quality filters decide on them, so the quarantine records why.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

import polars as pl

from portintel.domain.maritime.schema import OTHER, POSITIONS, STATICS

POSITION_TYPES = frozenset({1, 2, 3, 4, 9, 18, 19, 21, 27})
STATIC_TYPES = frozenset({5, 19, 21, 24})

SPEED_NOT_AVAILABLE = {1: 102.3, 2: 102.3, 3: 102.3, 18: 102.3, 19: 102.3, 9: 1023.0, 27: 63.0}
COURSE_NOT_AVAILABLE = {27: 511.0}
DEFAULT_COURSE_NOT_AVAILABLE = 360.0
HEADING_NOT_AVAILABLE = 511
DIMENSIONS = ("to_bow", "to_stern", "to_port", "to_starboard")


@dataclass(frozen=True, slots=True)
class InputContext:
    """Where a batch came from and what time to use when the input carries none.

    ``fallback_time`` is used for messages without a receive time (no tag
    block, no timestamp column): the arrival time for live feeds, the file's
    modification time for files. ``fallback_is_estimate`` marks the latter
    so analyses know the time is not the message's own.
    """

    source: str
    location: str
    fallback_time: datetime
    fallback_is_estimate: bool


@dataclass(frozen=True, slots=True)
class NormalisedBatch:
    """Positions, statics and raw rows of unsupported types, in the store's schema."""

    positions: pl.DataFrame
    statics: pl.DataFrame
    other: pl.DataFrame


def _col(frame: pl.DataFrame, name: str) -> pl.Expr:
    return pl.col(name) if name in frame.columns else pl.lit(None)


def _text(frame: pl.DataFrame, name: str) -> pl.Expr:
    """A text field: '@' padding and blanks stripped, empty becomes null."""
    cleaned = _col(frame, name).cast(pl.Utf8).str.replace_all("@", "").str.strip_chars()
    return pl.when(cleaned.str.len_chars() > 0).then(cleaned).otherwise(None)


def _fallback_source(context: InputContext) -> str:
    return "file" if context.fallback_is_estimate else "arrival"


def _common(frame: pl.DataFrame, msg_type: int, context: InputContext) -> list[pl.Expr]:
    received = _col(frame, "received_at").cast(pl.Datetime("us", "UTC"))
    fallback = pl.lit(context.fallback_time).cast(pl.Datetime("us", "UTC"))
    # a live feed fills received_at from the arrival time and says so in ts_source
    ts_source = (
        pl.when(received.is_null())
        .then(pl.lit(_fallback_source(context)))
        .otherwise(_col(frame, "ts_source").cast(pl.Utf8).fill_null("receiver"))
    )
    mmsi = _col(frame, "mmsi").cast(pl.Int64)
    return [
        mmsi.cast(pl.Utf8).alias("track_id"),
        pl.lit("mmsi").alias("id_kind"),
        mmsi.alias("mmsi"),
        pl.coalesce(received, fallback).alias("ts"),
        (received.is_null() & pl.lit(context.fallback_is_estimate)).alias("ts_estimated"),
        ts_source.alias("ts_source"),
        pl.lit(msg_type, dtype=pl.Int8).alias("msg_type"),
        pl.lit(context.source).alias("source"),
        _col(frame, "station").cast(pl.Utf8).alias("station"),
        pl.lit(context.location).alias("location"),
        _col(frame, "line").cast(pl.Int64).alias("line"),
        _col(frame, "raw").cast(pl.Utf8).alias("raw"),
    ]


def _not_available(expr: pl.Expr, sentinel: float) -> pl.Expr:
    return pl.when(expr == sentinel).then(None).otherwise(expr)


def _positions_of(frame: pl.DataFrame, msg_type: int, context: InputContext) -> pl.DataFrame:
    speed = _col(frame, "speed").cast(pl.Float64)
    course = _col(frame, "course").cast(pl.Float64)
    heading = _col(frame, "heading").cast(pl.Int64)
    status = _col(frame, "status") if msg_type in (1, 2, 3, 27) else pl.lit(None)
    course_na = COURSE_NOT_AVAILABLE.get(msg_type, DEFAULT_COURSE_NOT_AVAILABLE)
    sog = (
        _not_available(speed, SPEED_NOT_AVAILABLE[msg_type])
        if msg_type in SPEED_NOT_AVAILABLE
        else pl.lit(None)
    )
    out = frame.select(
        *_common(frame, msg_type, context),
        _col(frame, "lat").cast(pl.Float64).alias("lat"),
        _col(frame, "lon").cast(pl.Float64).alias("lon"),
        sog.alias("sog"),
        (_not_available(course, course_na) if msg_type not in (4, 21) else pl.lit(None)).alias(
            "cog"
        ),
        pl.when(heading == HEADING_NOT_AVAILABLE).then(None).otherwise(heading).alias("heading"),
        status.cast(pl.Int8, strict=False).alias("nav_status"),
    )
    return POSITIONS.conform(out)


def _eta(frame: pl.DataFrame) -> pl.Expr:
    """ETA from month/day/hour/minute; AIS sends no year: the one putting ETA nearest after ts."""
    month, day = _col(frame, "month").cast(pl.Int64), _col(frame, "day").cast(pl.Int64)
    hour, minute = _col(frame, "hour").cast(pl.Int64), _col(frame, "minute").cast(pl.Int64)
    valid = month.is_between(1, 12) & day.is_between(1, 31) & hour.is_between(0, 23)
    valid = valid & minute.is_between(0, 59)

    def at(year: pl.Expr) -> pl.Expr:
        text = pl.format(
            "{}-{}-{} {}:{}",
            year,
            month.cast(pl.Utf8).str.zfill(2),
            day.cast(pl.Utf8).str.zfill(2),
            hour.cast(pl.Utf8).str.zfill(2),
            minute.cast(pl.Utf8).str.zfill(2),
        )
        return text.str.to_datetime("%Y-%m-%d %H:%M", strict=False, time_zone="UTC", time_unit="us")

    year = pl.col("ts").dt.year()
    this_year, next_year = at(year), at(year + 1)
    stale = this_year < pl.col("ts") - pl.duration(days=180)
    chosen = pl.when(stale).then(next_year).otherwise(this_year)
    return pl.when(valid).then(chosen).otherwise(None)


def _dimensions_known(frame: pl.DataFrame) -> pl.Expr:
    """AIS sends all four antenna distances as 0 when dimensions are not available."""
    sides = [_col(frame, side).cast(pl.Int64).fill_null(0) for side in DIMENSIONS]
    return pl.sum_horizontal(sides) > 0


def _dimension(frame: pl.DataFrame, name: str) -> pl.Expr:
    return pl.when(_dimensions_known(frame)).then(_col(frame, name)).otherwise(None).cast(pl.Int16)


def _statics_of(frame: pl.DataFrame, msg_type: int, context: InputContext) -> pl.DataFrame:
    if msg_type == 21:
        name = pl.concat_str([_text(frame, "name"), _text(frame, "name_ext").fill_null("")])
    else:
        name = _text(frame, "shipname")
    imo = _col(frame, "imo").cast(pl.Int64)
    draught = _col(frame, "draught").cast(pl.Float64)
    ship_type = _col(frame, "ship_type").cast(pl.Int64)
    base = frame.select(
        *_common(frame, msg_type, context),
        name.alias("name"),
        _text(frame, "callsign").alias("callsign"),
        pl.when(imo > 0).then(imo).otherwise(None).alias("imo"),
        pl.when(ship_type > 0).then(ship_type).otherwise(None).cast(pl.Int16).alias("ship_type"),
        *(
            _dimension(frame, side).alias(side)
            for side in ("to_bow", "to_stern", "to_port", "to_starboard")
        ),
        pl.when(draught > 0).then(draught).otherwise(None).alias("draught"),
        _text(frame, "destination").alias("destination"),
        _col(frame, "month").alias("month"),
        _col(frame, "day").alias("day"),
        _col(frame, "hour").alias("hour"),
        _col(frame, "minute").alias("minute"),
    )
    out = base.with_columns(
        (pl.col("to_bow").cast(pl.Float64) + pl.col("to_stern").cast(pl.Float64)).alias("length"),
        (pl.col("to_port").cast(pl.Float64) + pl.col("to_starboard").cast(pl.Float64)).alias(
            "width"
        ),
        (_eta(base) if msg_type == 5 else pl.lit(None)).alias("eta"),
    )
    return STATICS.conform(out)


def tag_block_time(raw: pl.Expr) -> pl.Expr:
    """The ``c:`` time of the first NMEA 4.0 tag block in ``raw`` (seconds, or milliseconds)."""
    stamp = raw.str.extract(r"^\\(?:[^\\]*,)?c:(\d{9,13})[,*]", 1).cast(pl.Int64, strict=False)
    micros = pl.when(stamp >= 10**11).then(stamp * 1_000).otherwise(stamp * 1_000_000)
    return micros.cast(pl.Datetime("us")).dt.replace_time_zone("UTC")


def normalise_messages(
    messages: Mapping[int, pl.DataFrame],
    unsupported: pl.DataFrame | None,
    context: InputContext,
) -> NormalisedBatch:
    """Map decoded per-type frames to positions, statics and kept-raw other messages."""
    positions = [
        _positions_of(frame, msg_type, context)
        for msg_type, frame in sorted(messages.items())
        if msg_type in POSITION_TYPES and frame.height
    ]
    statics = [
        _statics_of(frame, msg_type, context)
        for msg_type, frame in sorted(messages.items())
        if msg_type in STATIC_TYPES and frame.height
    ]
    other_frames = [
        frame.select(*_common(frame, msg_type, context))
        for msg_type, frame in sorted(messages.items())
        if msg_type not in POSITION_TYPES | STATIC_TYPES and frame.height
    ]
    if unsupported is not None and unsupported.height:
        tagged = tag_block_time(pl.col("raw").cast(pl.Utf8))
        fallback = pl.lit(context.fallback_time).cast(pl.Datetime("us", "UTC"))
        other_frames.append(
            unsupported.select(
                pl.col("msg_type").cast(pl.Int8, strict=False),
                pl.coalesce(tagged, fallback).alias("ts"),
                pl.when(tagged.is_null())
                .then(pl.lit(_fallback_source(context)))
                .otherwise(pl.lit("receiver"))
                .alias("ts_source"),
                pl.lit(context.source).alias("source"),
                pl.lit(context.location).alias("location"),
                pl.col("line").cast(pl.Int64),
                pl.col("raw").cast(pl.Utf8),
            )
        )
    return NormalisedBatch(
        positions=pl.concat(positions) if positions else POSITIONS.empty(),
        statics=pl.concat(statics) if statics else STATICS.empty(),
        other=pl.concat([OTHER.conform(f) for f in other_frames])
        if other_frames
        else OTHER.empty(),
    )


IDENTITY_FIELDS = (
    "name",
    "callsign",
    "imo",
    "ship_type",
    "length",
    "width",
    "draught",
    "destination",
    "eta",
)


NO_POSITION_NO_IDENTITY = "archive row with neither a position nor identity data"


def normalise_archive_rows(rows: pl.DataFrame, context: InputContext) -> NormalisedBatch:
    """Archive rows (CSV/Parquet, already typed by the adapter) -> positions, statics, other.

    Each archive row carries a position and, often, the vessel's identity
    again. Every row with a position becomes a position; a static row is
    written only when a vessel's identity fields change from its previous
    row (archives repeat them on every line, millions of times), and always
    for a row without a position, so that row is kept. A row with neither
    (vendor exports of binary or safety messages) goes to ``other`` with its
    reason: every row lands somewhere.
    """
    if "track_id" not in rows.columns:
        rows = rows.with_columns(
            pl.col("mmsi").cast(pl.Int64).cast(pl.Utf8).alias("track_id"),
            pl.lit("mmsi").alias("id_kind"),
        )
    common = [
        pl.col("mmsi").cast(pl.Int64),
        pl.col("ts").cast(pl.Datetime("us", "UTC")),
        pl.lit(False).alias("ts_estimated"),
        pl.lit("archive").alias("ts_source"),
        pl.lit(None, dtype=pl.Int8).alias("msg_type"),
        pl.lit(context.source).alias("source"),
        pl.lit(None, dtype=pl.Utf8).alias("station"),
        pl.lit(context.location).alias("location"),
    ]
    frame = rows.with_columns(*common)
    has_position = pl.col("lat").is_not_null() & pl.col("lon").is_not_null()
    positions = POSITIONS.conform(frame.filter(has_position))
    present = [name for name in IDENTITY_FIELDS if name in frame.columns]
    has_identity = pl.any_horizontal(pl.col(present).is_not_null()) if present else pl.lit(False)
    other = OTHER.conform(
        frame.filter(~has_position & ~has_identity).with_columns(
            pl.lit(NO_POSITION_NO_IDENTITY).alias("reason")
        )
    )
    if not present:
        return NormalisedBatch(positions, STATICS.empty(), other)
    with_identity = frame.filter(has_identity)
    fingerprint = pl.concat_str(
        [pl.col(name).cast(pl.Utf8).fill_null("") for name in present], separator="\x1f"
    )
    changed = with_identity.with_columns(fingerprint.alias("_identity")).with_columns(
        (
            pl.col("_identity")
            != pl.col("_identity").shift(1).over("track_id", order_by=["ts", "line"])
        )
        .fill_null(True)
        .alias("_changed")
    )
    statics = STATICS.conform(changed.filter(pl.col("_changed") | ~has_position))
    return NormalisedBatch(positions, statics, other)
