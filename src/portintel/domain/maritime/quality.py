"""Quality checks for positions and statics: pure, vectorised, and every refusal explained.

A check never deletes: it splits a frame into the rows accepted and the
rows quarantined, each quarantined row carrying a ``reason`` from
:data:`REASONS`. Checks run in order and a row gets the first reason that
applies, so counts by reason add up to the rows refused. What is doubtful
but possible is kept and *flagged* in columns of the positions dataset:

- ``on_land`` and ``distance_to_shore_km`` come from the land mask (an
  adapter computes them; the mask knows only the ocean, so berths, rivers,
  lakes and canals are "land"). A position is refused only when it is
  absurd: exactly 0,0 (an empty fix), or on land farther than
  ``far_inland_km`` from the sea *and* away from every listed navigable
  inland water. Base stations (type 4), SAR aircraft (type 9) and aids to
  navigation (type 21, often lighthouses) are not land-checked: their
  ``on_land`` is null.
- ``implied_speed_knots`` is the *lowest* speed consistent with the
  distance and time from the vessel's previous fix, given each fix's
  position resolution (1/10 minute, about 185 m, for type 27; 1/10,000
  minute plus GNSS noise otherwise) and the source's timestamp resolution
  (whole minutes when every time of a source in the batch is a whole
  minute, as in many archives; whole seconds; or finer). ``speed_flag`` is
  set when it exceeds the segmenting speed (25 kn): the fix is kept and the
  segmenter breaks the track there. A 40 kn speedboat is kept, flagged.

Only physically impossible jumps are quarantined: a fix whose lowest
implied speed exceeds ``max_vessel_speed_knots`` (100 kn: beyond racing
powerboats and hydrofoils in service; ``max_aircraft_speed_knots``, 600 kn,
for type 9), both into it and out of it, so the good fix after a spike is
not punished for the spike. The last fix of a track is a spike when the
jump into it is impossible and the track moved plausibly before it.
Timestamps that are file times (``ts_estimated``) carry no speed
information and skip the check.
"""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl

from portintel.domain.identifiers import MID_COUNTRY

INVALID_MMSI = "invalid MMSI"
POSITION_NOT_AVAILABLE = "position not available (91/181)"
LATITUDE_OUT_OF_RANGE = "latitude out of range"
LONGITUDE_OUT_OF_RANGE = "longitude out of range"
POSITION_AT_NULL_ISLAND = "position at 0,0 (empty fix)"
POSITION_FAR_INLAND = "position far inland, away from the sea and navigable water"
IMPOSSIBLE_SPEED = "impossible speed from previous fix"
MISSING_TIMESTAMP = "missing timestamp"

REASONS = (
    INVALID_MMSI,
    MISSING_TIMESTAMP,
    POSITION_NOT_AVAILABLE,
    LATITUDE_OUT_OF_RANGE,
    LONGITUDE_OUT_OF_RANGE,
    POSITION_AT_NULL_ISLAND,
    POSITION_FAR_INLAND,
    IMPOSSIBLE_SPEED,
)

NOT_LAND_CHECKED = (4, 9, 21)
"""Base stations, SAR aircraft and aids to navigation: on land or in the air by design."""
AIRCRAFT = 9
COARSE_POSITION_TYPES = (27,)
"""Long-range broadcasts: positions in 1/10 minute instead of 1/10,000 minute."""
COARSE_POSITION_NM = 0.1 * 2**0.5
"""Half-open 1/10 minute cells in latitude and longitude: up to 0.1 nm each way."""

EARTH_RADIUS_NM = 3440.065
ALLOCATED_MIDS = sorted(MID_COUNTRY)


@dataclass(frozen=True, slots=True)
class QualityThresholds:
    """Configurable limits, all in one place.

    ``segment_speed_knots`` is DESIGN's segment break (25 kn, after GFW): a
    flag, never a refusal. ``max_vessel_speed_knots`` (100 kn) and
    ``max_aircraft_speed_knots`` (600 kn, SAR jets) are physical limits.
    ``min_interval_seconds`` floors the time between fixes, for receivers
    whose clocks disagree by seconds; ``gnss_noise_nm`` (28 m) is each fix's
    position noise beyond its resolution (AIS's high-accuracy flag means
    under 10 m). ``far_inland_km`` is how far from the mask's sea a position
    on land must be, away from every listed inland water, to be refused; the
    inland water table covers waters farther than 500 km from the sea, so
    values below that refuse barges.
    """

    segment_speed_knots: float = 25.0
    max_vessel_speed_knots: float = 100.0
    max_aircraft_speed_knots: float = 600.0
    min_interval_seconds: float = 10.0
    gnss_noise_nm: float = 0.015
    far_inland_km: float = 1000.0


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


_FIX = ("lat", "lon", "ts", "_pos_nm", "_ts_res")


def _lowest_speed(
    here: tuple[pl.Expr, ...], other: tuple[pl.Expr, ...], thresholds: QualityThresholds
) -> pl.Expr:
    """The lowest knots consistent with two fixes' resolutions; null where there is no other.

    The distance shrinks by both fixes' position uncertainty, the time grows
    by the coarser timestamp resolution (two times truncated to the same
    minute may be up to a minute apart) and is never below the floor.
    """
    lat, lon, ts, pos_nm, ts_res = here
    other_lat, other_lon, other_ts, other_pos_nm, other_ts_res = other
    distance = (_haversine_nm(lat, lon, other_lat, other_lon) - pos_nm - other_pos_nm).clip(
        lower_bound=0.0
    )
    seconds = (ts - other_ts).dt.total_microseconds().abs().cast(pl.Float64) / 1e6
    seconds = seconds + pl.max_horizontal(ts_res, other_ts_res)
    hours = seconds.clip(lower_bound=thresholds.min_interval_seconds) / 3600.0
    return pl.when(other_ts.is_null()).then(None).otherwise(distance / hours)


_NEIGHBOURS = (2, 1, -1)


def _with_neighbours(frame: pl.DataFrame) -> pl.DataFrame:
    """``frame`` (sorted by track, ts) with each fix's neighbours two back, one back, one ahead.

    Shifts over the whole sorted frame, masked where the neighbour is another vessel: the
    same as a shift per vessel, without grouping.
    """
    same = {by: pl.col("track_id").shift(by) == pl.col("track_id") for by in _NEIGHBOURS}
    return frame.with_columns(
        *(
            pl.when(same[by]).then(pl.col(c).shift(by)).alias(f"_{c}{by}")
            for c in _FIX
            for by in _NEIGHBOURS
        ),
        pl.when(same[1]).then(pl.col("ts_estimated").shift(1)).alias("_estimated1"),
    )


def _at(by: int) -> tuple[pl.Expr, ...]:
    return tuple(pl.col(f"_{c}{by}") for c in _FIX)


_HERE = tuple(pl.col(c) for c in _FIX)
_HELPERS = [f"_{c}{by}" for c in _FIX for by in _NEIGHBOURS] + ["_estimated1"]


def _spike(thresholds: QualityThresholds) -> pl.Expr:
    """True for a physically impossible fix (over a frame with neighbours)."""
    before, previous, following = _at(2), _at(1), _at(-1)
    limit = (
        pl.when(pl.col("msg_type") == AIRCRAFT)
        .then(thresholds.max_aircraft_speed_knots)
        .otherwise(thresholds.max_vessel_speed_knots)
    )
    speed_in = _lowest_speed(_HERE, previous, thresholds)
    speed_out = _lowest_speed(_HERE, following, thresholds)
    # going straight from the previous fix to the next one, skipping this fix
    speed_skip = _lowest_speed(previous, following, thresholds)
    # how the track moved just before: tells a fast craft from a spike at a track's end
    speed_before = _lowest_speed(previous, before, thresholds)
    inside = (speed_out > limit) & (speed_skip <= limit)
    at_end = speed_out.is_null() & (speed_before.is_null() | (speed_before <= limit))
    spike = (speed_in > limit) & (inside.fill_null(False) | at_end)
    return spike.fill_null(False) & ~pl.col("ts_estimated") & ~pl.col("_context")


def _implied_speed(thresholds: QualityThresholds) -> pl.Expr:
    """Lowest knots from the previous fix (over a frame with neighbours); null if untimed."""
    timed = ~pl.col("ts_estimated") & ~pl.col("_estimated1").fill_null(False)
    speed = _lowest_speed(_HERE, _at(1), thresholds)
    return pl.when(timed).then(speed).alias("implied_speed_knots")


def _time_resolution(frame: pl.DataFrame) -> pl.Expr:
    """Seconds of timestamp resolution per source in this batch: 60, 1 or 0.001."""
    ts = pl.col("ts")
    group = "source" if "source" in frame.columns else "_order"
    by = pl.col(group) if group == "source" else pl.lit(0)
    minute = ((ts.dt.second() == 0) & (ts.dt.microsecond() == 0)) | ts.is_null()
    second = (ts.dt.microsecond() == 0) | ts.is_null()
    return (
        pl.when(minute.all().over(by))
        .then(60.0)
        .when(second.all().over(by))
        .then(1.0)
        .otherwise(0.001)
    )


def _land_reason(thresholds: QualityThresholds) -> pl.Expr:
    checked = pl.col("msg_type").is_null() | ~pl.col("msg_type").is_in(NOT_LAND_CHECKED)
    far = (
        pl.col("on_land").fill_null(False)
        & (pl.col("distance_to_shore_km").fill_null(0.0) > thresholds.far_inland_km)
        & ~pl.col("_inland_water").fill_null(False)
    )
    return checked & far


def check_positions(
    positions: pl.DataFrame,
    *,
    thresholds: QualityThresholds | None = None,
    land: pl.DataFrame | None = None,
    previous_fixes: pl.DataFrame | None = None,
) -> QualityResult:
    """Split positions into accepted and quarantined (first failing check gives the reason).

    ``land`` has ``on_land``, ``distance_to_shore_km`` and ``inland_water``
    per row, computed by the caller (the land mask is a data file, read
    outside the domain); without it nothing is on land. The accepted rows
    carry ``on_land`` (null for types that are not land-checked),
    ``distance_to_shore_km``, ``implied_speed_knots`` and ``speed_flag``.
    ``previous_fixes`` (track_id or mmsi, ts, lat, lon[, msg_type]) are the last
    accepted fixes of earlier batches, so the speed check does not start
    blind at every batch boundary.
    """
    limits = thresholds or QualityThresholds()
    columns = [c for c in positions.columns if c not in _FLAG_COLUMNS]
    frame = positions.select(columns)
    frame = with_track_ids(frame)
    if "msg_type" not in frame.columns:
        frame = frame.with_columns(pl.lit(None, dtype=pl.Int8).alias("msg_type"))
    if land is None:
        land = pl.DataFrame(
            {
                "on_land": [False] * frame.height,
                "distance_to_shore_km": [None] * frame.height,
                "inland_water": [None] * frame.height,
            },
            schema={
                "on_land": pl.Boolean,
                "distance_to_shore_km": pl.Float64,
                "inland_water": pl.Boolean,
            },
        )
    not_checked = pl.col("msg_type").is_in(NOT_LAND_CHECKED).fill_null(False)
    frame = frame.with_columns(
        pl.when(not_checked)
        .then(None)
        .otherwise(land["on_land"].cast(pl.Boolean))
        .alias("on_land"),
        land["distance_to_shore_km"].cast(pl.Float64).alias("distance_to_shore_km"),
        land["inland_water"].cast(pl.Boolean).alias("_inland_water"),
    )
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
        .when((lat == 0.0) & (lon == 0.0))
        .then(pl.lit(POSITION_AT_NULL_ISLAND))
        .when(_land_reason(limits))
        .then(pl.lit(POSITION_FAR_INLAND))
        .otherwise(pl.lit(None, dtype=pl.Utf8))
    )
    first = _split(frame, reason)
    judged = _speed_judgement(first.accepted, limits, previous_fixes)
    # the judgement is of the same rows in the same order: its columns go beside them
    wide = first.accepted.with_columns(judged["implied_speed_knots"], judged["_speeding"])
    output = [*columns, *(c for c in _FLAG_COLUMNS if c not in columns)]
    accepted = (
        wide.filter(~pl.col("_speeding"))
        .with_columns(
            (pl.col("implied_speed_knots") > limits.segment_speed_knots)
            .fill_null(False)
            .alias("speed_flag")
        )
        .select(output)
    )
    quarantined = pl.concat(
        [
            first.quarantined.select([*columns, "reason"]),
            wide.filter(pl.col("_speeding"))
            .with_columns(pl.lit(IMPOSSIBLE_SPEED).alias("reason"))
            .select([*columns, "reason"]),
        ]
    )
    return QualityResult(accepted, quarantined)


_JUDGED = ("track_id", "ts", "lat", "lon", "msg_type", "ts_estimated")


def _speed_judgement(
    accepted: pl.DataFrame, limits: QualityThresholds, previous_fixes: pl.DataFrame | None
) -> pl.DataFrame:
    """Per row of ``accepted``, in its order: ``_speeding`` (an impossible jump) and speed.

    Judged on the few columns the speed rules read (sorting and shifting the
    whole rows, raw text and all, cost most of the checks' time), with the
    previous batches' last fixes as context ahead of each track.
    """
    candidates = accepted.select(
        *_JUDGED,
        pl.int_range(pl.len()).alias("_order"),
        pl.lit(False).alias("_context"),
        _time_resolution(accepted).alias("_ts_res"),
        pl.when(pl.col("msg_type").is_in(COARSE_POSITION_TYPES).fill_null(False))
        .then(COARSE_POSITION_NM + limits.gnss_noise_nm)
        .otherwise(limits.gnss_noise_nm)
        .alias("_pos_nm"),
    )
    if previous_fixes is not None and previous_fixes.height:
        context = (
            with_track_ids(previous_fixes)
            .select(
                pl.col("track_id").cast(pl.Utf8),
                pl.col("ts").cast(pl.Datetime("us", "UTC")),
                pl.col("lat").cast(pl.Float64),
                pl.col("lon").cast(pl.Float64),
                (
                    pl.col("msg_type").cast(pl.Int8)
                    if "msg_type" in previous_fixes.columns
                    else pl.lit(None, dtype=pl.Int8)
                ).alias("msg_type"),
                pl.lit(False).alias("ts_estimated"),
                pl.lit(-1, dtype=pl.Int64).alias("_order"),
                pl.lit(True).alias("_context"),
                pl.lit(0.0).alias("_ts_res"),
            )
            .join(candidates.select("track_id").unique(), on="track_id", how="semi")
        )
        context = context.with_columns(
            pl.when(pl.col("msg_type").is_in(COARSE_POSITION_TYPES).fill_null(False))
            .then(COARSE_POSITION_NM + limits.gnss_noise_nm)
            .otherwise(limits.gnss_noise_nm)
            .alias("_pos_nm")
        )
        candidates = pl.concat([candidates, context], how="diagonal_relaxed")
    judged = _with_neighbours(candidates.sort("track_id", "ts", "_order")).with_columns(
        _spike(limits).alias("_speeding"), _implied_speed(limits)
    )
    spikes = judged.filter(pl.col("_speeding"))
    kept = judged.filter(~pl.col("_speeding")).drop(_HELPERS)
    if spikes.height:
        # a spike left: the fix after it is now measured from the fix before it
        respiked = pl.col("track_id").is_in(spikes["track_id"].unique().implode())
        again = _with_neighbours(kept.filter(respiked).drop("implied_speed_knots"))
        again = again.with_columns(_implied_speed(limits)).drop(_HELPERS)
        kept = pl.concat([kept.filter(~respiked), again.select(kept.columns)])
    verdict = ("_order", "_context", "_speeding", "implied_speed_knots")
    return (
        pl.concat([kept.select(verdict), spikes.select(verdict)])
        .filter(~pl.col("_context"))
        .drop("_context")
        .sort("_order")
    )


_FLAG_COLUMNS = ("on_land", "distance_to_shore_km", "implied_speed_knots", "speed_flag")


def last_fixes(positions: pl.DataFrame) -> pl.DataFrame:
    """The latest fix of each track (track_id, ts, lat, lon, msg_type): the next batch's context."""
    schema: dict[str, pl.DataType] = {
        "track_id": pl.Utf8(),
        "ts": pl.Datetime("us", "UTC"),
        "lat": pl.Float64(),
        "lon": pl.Float64(),
        "msg_type": pl.Int8(),
    }
    if positions.height == 0:
        return pl.DataFrame(schema=schema)
    positions = with_track_ids(positions)
    timed = (
        positions.filter(~pl.col("ts_estimated"))
        if "ts_estimated" in positions.columns
        else positions
    )
    if "msg_type" not in timed.columns:
        timed = timed.with_columns(pl.lit(None, dtype=pl.Int8).alias("msg_type"))
    return (
        timed.sort("ts")
        .group_by("track_id")
        .agg(pl.col("ts", "lat", "lon", "msg_type").last())
        .select([pl.col(name).cast(dtype) for name, dtype in schema.items()])
    )
