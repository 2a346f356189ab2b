"""What loggers put before an AIS sentence: NMEA 4.0 tag blocks and receive-time columns.

A tag block ``\\s:station,c:1565218798*53\\`` carries the receiving station and
the receive time (unix seconds, or milliseconds when the number is that
large), and for grouped sentences ``g:1-2-id``; its checksum is verified like
a sentence's. A logger may also write the receive time as a first column:
``2024-01-01 12:00:00.123,!AIVDM...`` or ``1704110400.123 !AIVDM...``.

Prefixes repeat a lot (one receive second covers many lines), so each distinct
prefix is parsed once with Polars and the results are joined back.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import polars as pl
import pyarrow as pa  # type: ignore[import-untyped]

from portintel.domain.maritime.ais.byte_ranges import range_strings, run_heads
from portintel.domain.maritime.ais.sentences import BACKSLASH, HEX, STAR, Lines, range_xor

I64 = npt.NDArray[np.int64]

BAD_TAG_CHECKSUM = "bad tag block checksum"
MALFORMED_TAG = "malformed tag block: expected \\key:value,...*hh\\ before the sentence"
BAD_TIME_COLUMN = "unrecognised text before the sentence (not a receive time or tag block)"
BAD_TAG_TIME = "malformed tag block time c: (expected unix seconds or milliseconds)"

MILLISECONDS_FROM = 100_000_000_000
"""A c: value this large is milliseconds (seconds would be past the year 5000)."""

TIME_FORMATS = (
    "%Y-%m-%d %H:%M:%S%.f",
    "%Y-%m-%dT%H:%M:%S%.f",
    "%Y-%m-%dT%H:%M:%S%.fZ",
    "%Y-%m-%d %H:%M:%S%.fZ",
    "%Y/%m/%d %H:%M:%S%.f",
    "%d/%m/%Y %H:%M:%S%.f",
)
SEPARATORS = np.zeros(256, dtype=np.bool_)
SEPARATORS[[ord(","), ord(";"), ord(" "), ord("\t")]] = True


@dataclass
class Prefixes:
    """Per line: receive time (microseconds since 1970 UTC), station, and a reason if bad."""

    received_us: pl.Series  # Int64, nullable
    station: pl.Series  # String, nullable
    reason: npt.NDArray[np.object_]


def parse_prefixes(lines: Lines, bang: I64, *, verify_tag_checksums: bool = True) -> Prefixes:
    size = len(lines)
    reason = np.full(size, None, dtype=np.object_)
    micros = np.zeros(size, dtype=np.int64)
    known = np.zeros(size, dtype=np.bool_)
    station = pl.Series("station", pa.nulls(size, pa.large_string()))
    rows = np.flatnonzero((bang > lines.start) & (bang >= 0))
    if rows.shape[0] == 0:
        return Prefixes(_received(micros, known), station, reason)

    buffer = lines.buffer
    start, close = lines.start[rows], bang[rows] - 1
    tagged = buffer[np.maximum(close, 0)] == BACKSLASH
    open_at = np.full(rows.shape[0], -1, dtype=np.int64)
    if tagged.any():
        slashes = np.flatnonzero(buffer == BACKSLASH).astype(np.int64)
        where = np.searchsorted(slashes, start[tagged])
        first = slashes[np.minimum(where, slashes.shape[0] - 1)]
        following = slashes[np.minimum(where + 1, slashes.shape[0] - 1)]
        good = (first < close[tagged]) & (following == close[tagged])
        open_at[np.flatnonzero(tagged)[good]] = first[good]
        bad_tag = np.flatnonzero(tagged)[~good]
        reason[rows[bad_tag]] = MALFORMED_TAG
    has_tag = open_at >= 0

    # Tag blocks: checksum, then c:/s: by distinct text.
    tag_rows = np.flatnonzero(has_tag)
    if tag_rows.shape[0]:
        t_open, t_close = open_at[tag_rows], close[tag_rows]
        star_ok = (t_close - t_open >= 4) & (buffer[np.maximum(t_close - 3, 0)] == STAR)
        declared = (
            HEX[buffer[np.maximum(t_close - 2, 0)]] * 16 + HEX[buffer[np.maximum(t_close - 1, 0)]]
        )
        computed = range_xor(buffer, t_open + 1, t_close - 3)
        checksum_ok = star_ok & (declared >= 0) & (declared == computed)
        if not verify_tag_checksums:
            checksum_ok = star_ok
        reason[rows[tag_rows[~checksum_ok]]] = BAD_TAG_CHECKSUM
        body_start, body_stop = t_open + 1, np.maximum(t_close - 3, t_open + 1)
        heads = run_heads(buffer, body_start, body_stop)
        texts = range_strings(buffer, body_start[heads], body_stop[heads], "tag")
        parsed = _parse_tags(pl.DataFrame({"text": texts}))  # one row per run of equal tags
        run = np.cumsum(heads) - 1
        target = rows[tag_rows]
        bad_time = parsed["bad_time"].to_numpy()[run]
        reason[target[bad_time & checksum_ok]] = BAD_TAG_TIME
        micros[target] = parsed["received_us"].fill_null(0).to_numpy()[run]
        known[target] = parsed["received_us"].is_not_null().to_numpy()[run]
        stations = parsed["station"]
        if stations.null_count() < stations.len():
            station = station.scatter(target, stations.gather(run))

    # Receive-time column: whatever precedes the tag block (or the sentence).
    column_end = np.where(has_tag, open_at, np.where(tagged, start, close + 1))
    _trim_separators(buffer, start, column_end)
    column_rows = np.flatnonzero(column_end > start)
    if column_rows.shape[0]:
        texts = range_strings(buffer, start[column_rows], column_end[column_rows], "time")
        parsed = _by_distinct(texts, _parse_time_column)
        column = parsed["received_us"]
        missing = column.is_null().to_numpy()
        target = rows[column_rows]
        reason[target[missing]] = BAD_TIME_COLUMN
        # A tag block's c: wins over the column where the tag gave a time.
        fill = target[~missing & ~known[target]]
        micros[fill] = column.fill_null(0).to_numpy()[~missing & ~known[target]]
        known[fill] = True
    return Prefixes(_received(micros, known), station, reason)


def _received(micros: I64, known: npt.NDArray[np.bool_]) -> pl.Series:
    if known.all():
        return pl.Series("received_us", micros)
    return pl.Series("received_us", pa.array(micros, mask=~known))


def _trim_separators(buffer: npt.NDArray[np.uint8], start: I64, end: I64) -> None:
    rows = np.flatnonzero((end > start) & SEPARATORS[buffer[np.maximum(end - 1, 0)]])
    while rows.shape[0]:
        end[rows] -= 1
        rows = rows[(end[rows] > start[rows]) & SEPARATORS[buffer[np.maximum(end[rows] - 1, 0)]]]


def _by_distinct(texts: pl.Series, parse: Callable[[pl.DataFrame], pl.DataFrame]) -> pl.DataFrame:
    """Parse each distinct text once and return one result row per input text."""
    frame = pl.DataFrame({"text": texts}).with_row_index("row")
    distinct = frame.select(pl.col("text").unique())
    parsed = parse(distinct)
    joined = frame.join(parsed, on="text", how="left", maintain_order="left")
    return joined.sort("row")


def _parse_tags(distinct: pl.DataFrame) -> pl.DataFrame:
    text = pl.col("text")
    time_text = text.str.extract(r"(?:^|,)c:([^,]*)", 1)
    seconds = time_text.str.to_integer(strict=False)
    micros = (
        pl.when(seconds >= MILLISECONDS_FROM).then(seconds * 1_000).otherwise(seconds * 1_000_000)
    )
    return distinct.with_columns(
        received_us=micros.cast(pl.Int64),
        station=text.str.extract(r"(?:^|,)s:([^,]*)", 1),
        bad_time=(time_text.is_not_null() & seconds.is_null()).fill_null(False),
    )


def _parse_time_column(distinct: pl.DataFrame) -> pl.DataFrame:
    text = pl.col("text").str.strip_chars()
    number = text.cast(pl.Float64, strict=False)
    from_number = (
        pl.when(number >= MILLISECONDS_FROM).then(number * 1_000).otherwise(number * 1_000_000)
    ).round(0)
    attempts = [
        text.str.to_datetime(fmt, strict=False, time_unit="us").dt.epoch("us")
        for fmt in TIME_FORMATS
    ]
    return distinct.with_columns(
        received_us=pl.coalesce(from_number.cast(pl.Int64, strict=False), *attempts)
    )
