"""Quality filters for positions and statics: pure, vectorised, and every refusal explained.

A filter never deletes: it splits a frame into the rows accepted and the
rows quarantined, each quarantined row carrying a ``reason`` from
:data:`REASONS`. Checks run in order and a row gets the first reason that
applies, so counts by reason add up to the rows refused.

The implied-speed check compares each fix with the previous *accepted* fix
of the same MMSI (ordered by time). A single wild fix between two good ones
is flagged as a spike: implied speed into it AND out of it above the
threshold, so the good fix after it is not punished for the spike. The
last fix of a track is a spike when the jump into it is impossible and the
track moved plausibly before it (a fast ferry stays a fast ferry). Timestamps that are file
times (``ts_estimated``) carry no speed information and skip the check.
"""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl

from portintel.domain.identifiers import MID_COUNTRY

INVALID_MMSI = "invalid MMSI"
POSITION_NOT_AVAILABLE = "position not available (91/181)"
LATITUDE_OUT_OF_RANGE = "latitude out of range"
LONGITUDE_OUT_OF_RANGE = "longitude out of range"
POSITION_ON_LAND = "position on land"
IMPOSSIBLE_SPEED = "impossible speed from previous fix"
MISSING_TIMESTAMP = "missing timestamp"

REASONS = (
    INVALID_MMSI,
    MISSING_TIMESTAMP,
    POSITION_NOT_AVAILABLE,
    LATITUDE_OUT_OF_RANGE,
    LONGITUDE_OUT_OF_RANGE,
    POSITION_ON_LAND,
    IMPOSSIBLE_SPEED,
)

EARTH_RADIUS_NM = 3440.065
ALLOCATED_MIDS = sorted(MID_COUNTRY)


@dataclass(frozen=True, slots=True)
class QualityThresholds:
    """Configurable limits. The speed default is DESIGN's segment break (25 kn, after GFW).

    ``min_interval_seconds`` floors the time between fixes so two reports in
    the same second (several receivers) do not divide by zero, and jumps
    shorter than ``jump_tolerance_nm`` (GNSS noise) are never flagged.
    """

    max_implied_speed_knots: float = 25.0
    min_interval_seconds: float = 10.0
    jump_tolerance_nm: float = 0.1


@dataclass(frozen=True, slots=True)
class QualityResult:
    """Rows kept, and rows refused with a ``reason`` column added."""

    accepted: pl.DataFrame
    quarantined: pl.DataFrame


def valid_mmsi(mmsi: pl.Expr) -> pl.Expr:
    """ITU-R M.585 shapes with Maritime Identification Digits allocated to a country.

    The same rule as :func:`portintel.domain.identifiers.check_mmsi`, as one
    column expression instead of a call per row.

    Ships MIDxxxxxx, coast stations 00MIDxxxx, groups 0MIDxxxxx, SAR aircraft
    111MIDxxx, handhelds 8MIDxxxxx, craft of a parent ship 98MIDxxxx, aids to
    navigation 99MIDxxxx; and the MID-less 970/972/974 (SART, MOB, EPIRB).
    """
    text = mmsi.cast(pl.Int64).cast(pl.Utf8).str.zfill(9)
    in_range = mmsi.cast(pl.Int64).is_between(1, 999_999_999)

    def mid_at(start: int) -> pl.Expr:
        return text.str.slice(start, 3).is_in(ALLOCATED_MIDS)

    first = text.str.slice(0, 1)
    shape_ok = (
        pl.when(text.str.starts_with("00"))
        .then(mid_at(2))
        .when(text.str.starts_with("0"))
        .then(mid_at(1))
        .when(text.str.starts_with("111"))
        .then(mid_at(3))
        .when(
            text.str.starts_with("970") | text.str.starts_with("972") | text.str.starts_with("974")
        )
        .then(pl.lit(True))
        .when(text.str.starts_with("98") | text.str.starts_with("99"))
        .then(mid_at(2))
        .when(first == "8")
        .then(mid_at(1))
        .otherwise(mid_at(0))
    )
    return (in_range & shape_ok).fill_null(False)


def _mmsi_refused() -> pl.Expr:
    """An MMSI track whose MMSI is invalid; an archive's own vessel ids are not MMSIs."""
    return (pl.col("id_kind") == "mmsi") & ~valid_mmsi(pl.col("mmsi"))


def with_track_ids(frame: pl.DataFrame) -> pl.DataFrame:
    """``frame`` with ``track_id``/``id_kind`` derived from ``mmsi`` where it has none."""
    if "track_id" not in frame.columns:
        frame = frame.with_columns(pl.col("mmsi").cast(pl.Int64).cast(pl.Utf8).alias("track_id"))
    if "id_kind" not in frame.columns:
        frame = frame.with_columns(pl.lit("mmsi").alias("id_kind"))
    return frame


def _split(frame: pl.DataFrame, reason: pl.Expr) -> QualityResult:
    tagged = frame.with_columns(reason.alias("reason"))
    accepted = tagged.filter(pl.col("reason").is_null()).drop("reason")
    quarantined = tagged.filter(pl.col("reason").is_not_null())
    return QualityResult(accepted, quarantined)


def _static_reason() -> pl.Expr:
    return (
        pl.when(_mmsi_refused())
        .then(pl.lit(INVALID_MMSI))
        .when(pl.col("ts").is_null())
        .then(pl.lit(MISSING_TIMESTAMP))
        .otherwise(pl.lit(None, dtype=pl.Utf8))
    )


def check_statics(statics: pl.DataFrame) -> QualityResult:
    """Statics are refused only for an invalid MMSI or no time; their text is kept as sent."""
    result = _split(with_track_ids(statics), _static_reason())
    return QualityResult(
        result.accepted.select(statics.columns),
        result.quarantined.select([*statics.columns, "reason"]),
    )


def _haversine_nm(lat1: pl.Expr, lon1: pl.Expr, lat2: pl.Expr, lon2: pl.Expr) -> pl.Expr:
    phi1, phi2 = lat1.radians(), lat2.radians()
    dphi = (lat2 - lat1).radians()
    dlambda = (lon2 - lon1).radians()
    a = (dphi / 2).sin().pow(2) + phi1.cos() * phi2.cos() * (dlambda / 2).sin().pow(2)
    return 2 * EARTH_RADIUS_NM * a.sqrt().clip(0.0, 1.0).arcsin()


def _implied_speed(
    lat: pl.Expr,
    lon: pl.Expr,
    ts: pl.Expr,
    other_lat: pl.Expr,
    other_lon: pl.Expr,
    other_ts: pl.Expr,
    thresholds: QualityThresholds,
) -> pl.Expr:
    """Knots between two fixes, null where there is no other fix or the jump is within noise."""
    distance = _haversine_nm(lat, lon, other_lat, other_lon)
    seconds = (ts - other_ts).dt.total_microseconds().abs().cast(pl.Float64) / 1e6
    hours = seconds.clip(lower_bound=thresholds.min_interval_seconds) / 3600.0
    return (
        pl.when(other_ts.is_null())
        .then(None)
        .when(distance > thresholds.jump_tolerance_nm)
        .then(distance / hours)
        .otherwise(0.0)
    )


def _speed_flags(frame: pl.DataFrame, thresholds: QualityThresholds) -> pl.Series:
    """Spike flags, vectorised: shifts within each MMSI over the frame sorted by (mmsi, ts)."""
    ordered = frame.with_row_index("_row").sort("track_id", "ts", "_order")
    shifted = ordered.with_columns(
        pl.col(c).shift(by).over("track_id").alias(f"_{c}{by}")
        for c in ("lat", "lon", "ts")
        for by in (2, 1, -1)
    )

    def at(by: int) -> tuple[pl.Expr, pl.Expr, pl.Expr]:
        return pl.col(f"_lat{by}"), pl.col(f"_lon{by}"), pl.col(f"_ts{by}")

    here = (pl.col("lat"), pl.col("lon"), pl.col("ts"))
    before, previous, following = at(2), at(1), at(-1)
    limit = thresholds.max_implied_speed_knots
    speed_in = _implied_speed(*here, *previous, thresholds)
    speed_out = _implied_speed(*here, *following, thresholds)
    # going straight from the previous fix to the next one, skipping this fix
    speed_skip = _implied_speed(*previous, *following, thresholds)
    # how the track moved just before: tells a fast vessel from a spike at a track's end
    speed_before = _implied_speed(*previous, *before, thresholds)
    inside = (speed_out > limit) & (speed_skip <= limit)
    at_end = speed_out.is_null() & (speed_before.is_null() | (speed_before <= limit))
    spike = (speed_in > limit) & (inside.fill_null(False) | at_end)
    flags = shifted.select(
        "_row",
        (spike.fill_null(False) & ~pl.col("ts_estimated") & ~pl.col("_context")).alias("flag"),
    ).sort("_row")
    return flags["flag"]


def check_positions(
    positions: pl.DataFrame,
    *,
    thresholds: QualityThresholds | None = None,
    on_land: pl.Series | None = None,
    previous_fixes: pl.DataFrame | None = None,
) -> QualityResult:
    """Split positions into accepted and quarantined (first failing check gives the reason).

    ``on_land`` is a boolean per row computed by the caller (the land mask
    is a data file, read outside the domain). ``previous_fixes`` (mmsi, ts,
    lat, lon) are the last accepted fixes of earlier batches, so the speed
    check does not start blind at every batch boundary.
    """
    limits = thresholds or QualityThresholds()
    land = on_land if on_land is not None else pl.Series([False] * positions.height)
    lat, lon = pl.col("lat"), pl.col("lon")
    reason = (
        pl.when(_mmsi_refused())
        .then(pl.lit(INVALID_MMSI))
        .when(pl.col("ts").is_null())
        .then(pl.lit(MISSING_TIMESTAMP))
        .when((lat == 91.0) | (lon == 181.0) | lat.is_null() | lon.is_null())
        .then(pl.lit(POSITION_NOT_AVAILABLE))
        .when(~lat.is_between(-90.0, 90.0) | lat.is_nan())
        .then(pl.lit(LATITUDE_OUT_OF_RANGE))
        .when(~lon.is_between(-180.0, 180.0) | lon.is_nan())
        .then(pl.lit(LONGITUDE_OUT_OF_RANGE))
        .when(pl.col("_on_land"))
        .then(pl.lit(POSITION_ON_LAND))
        .otherwise(pl.lit(None, dtype=pl.Utf8))
    )
    columns = positions.columns
    positions = with_track_ids(positions)
    tagged = positions.with_columns(land.cast(pl.Boolean).fill_null(False).alias("_on_land"))
    first = _split(tagged, reason)
    candidates = first.accepted.with_columns(
        pl.int_range(pl.len()).alias("_order"), pl.lit(False).alias("_context")
    )
    if previous_fixes is not None and previous_fixes.height:
        context = (
            with_track_ids(previous_fixes)
            .select(
                pl.col("track_id").cast(pl.Utf8),
                pl.col("ts").cast(pl.Datetime("us", "UTC")),
                pl.col("lat").cast(pl.Float64),
                pl.col("lon").cast(pl.Float64),
                pl.lit(False).alias("ts_estimated"),
                pl.lit(-1, dtype=pl.Int64).alias("_order"),
                pl.lit(True).alias("_context"),
            )
            .join(candidates.select("track_id").unique(), on="track_id", how="semi")
        )
        candidates = pl.concat([candidates, context], how="diagonal_relaxed")
    flagged = candidates.with_columns(_speed_flags(candidates, limits).alias("_speeding"))
    flagged = flagged.filter(~pl.col("_context")).sort("_order")
    second = _split(
        flagged,
        pl.when(pl.col("_speeding"))
        .then(pl.lit(IMPOSSIBLE_SPEED))
        .otherwise(pl.lit(None, dtype=pl.Utf8)),
    )
    helpers = ["_on_land", "_order", "_context", "_speeding"]
    accepted = second.accepted.drop(helpers, strict=False).select(columns)
    quarantined = pl.concat(
        [
            first.quarantined.drop(helpers, strict=False),
            second.quarantined.drop(helpers, strict=False),
        ],
        how="diagonal_relaxed",
    ).select([*columns, "reason"])
    return QualityResult(accepted, quarantined)


def last_fixes(positions: pl.DataFrame) -> pl.DataFrame:
    """The latest fix of each track (track_id, ts, lat, lon): context for the next batch."""
    if positions.height == 0:
        return pl.DataFrame(
            schema={
                "track_id": pl.Utf8,
                "ts": pl.Datetime("us", "UTC"),
                "lat": pl.Float64,
                "lon": pl.Float64,
            }
        )
    positions = with_track_ids(positions)
    timed = (
        positions.filter(~pl.col("ts_estimated"))
        if "ts_estimated" in positions.columns
        else positions
    )
    return timed.sort("ts").group_by("track_id").agg(pl.col("ts", "lat", "lon").last())
