"""What loggers put before an AIS sentence: NMEA 4.0 tag blocks and receive-time columns.

A tag block ``\\s:station,c:1565218798*53\\`` carries the receiving station and
the receive time (unix seconds, or milliseconds when the number is that
large), and for grouped sentences ``g:1-2-id``; its checksum is verified like
a sentence's. A wrong (or missing) tag checksum marks the line's tag data
untrusted (``TagMode``): its time is then not used (``flag``, the default),
used anyway (``trust``) or the line is refused (``strict``); its station and
group are read in every case. A logger may also write the receive time as a first column:
``2024-01-01 12:00:00.123,!AIVDM...`` or ``1704110400.123 !AIVDM...``.

Prefixes repeat a lot (one receive second covers many lines), so each distinct
prefix is parsed once with Polars and the results are joined back.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

import numpy as np
import numpy.typing as npt
import polars as pl
import pyarrow as pa  # type: ignore[import-untyped]

from portintel.ais.byte_ranges import range_strings, run_heads
from portintel.ais.sentences import BACKSLASH, STAR, Lines, hex_pair, range_xor

I64 = npt.NDArray[np.int64]

BAD_TAG_CHECKSUM = "bad tag block checksum"
MALFORMED_TAG = "malformed tag block: expected \\key:value,...*hh\\ before the sentence"
BAD_TIME_COLUMN = "unrecognised text before the sentence (not a receive time or tag block)"
BAD_TAG_TIME = "malformed tag block time c: (expected unix seconds or milliseconds)"

TAG_BLOCK_SHAPE = r"^[^\\!]*\\[^\\!]*\\!"
"""Up to the first '!': two backslashes, the second right before the '!'."""
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
GROUP_SHAPE = r"^[0-9]{1,9}-[0-9]{1,9}-([0-9]{1,9})$"
"""A g: value: sentence number, sentence count and group id, 1 to 9 digits each."""

TagMode = Literal["trust", "flag", "strict"]
TAG_MODES: dict[TagMode, int] = {"trust": 0, "flag": 1, "strict": 2}
"""A tag mode's number in the compiled kernel (TAG_TRUST, TAG_FLAG, TAG_STRICT)."""

SEPARATORS = np.zeros(256, dtype=np.bool_)
SEPARATORS[[ord(","), ord(";"), ord(" "), ord("\t")]] = True


@dataclass
class Prefixes:
    """Per line: receive time (microseconds since 1970 UTC), station, and a reason if bad."""

    received_us: pl.Series  # Int64, nullable
    station: pl.Series  # String, nullable
    reason: npt.NDArray[np.object_]
    group: I64  # tag block group id, -1 if none
    tag_untrusted: npt.NDArray[np.bool_]


def parse_prefixes(
    lines: Lines, bang: I64, text: pl.Series, *, tag_mode: TagMode = "flag"
) -> Prefixes:
    """Parse what precedes each line's '!' (``text``: the lines as strings over the buffer)."""
    size = len(lines)
    reason = np.full(size, None, dtype=np.object_)
    micros = np.zeros(size, dtype=np.int64)
    known = np.zeros(size, dtype=np.bool_)
    group = np.full(size, -1, dtype=np.int64)
    untrusted = np.zeros(size, dtype=np.bool_)
    station = pl.Series("station", pa.nulls(size, pa.large_string()))
    rows = np.flatnonzero((bang > lines.start) & (bang >= 0))
    if rows.shape[0] == 0:
        return Prefixes(received_series(micros, known), station, reason, group, untrusted)

    buffer = lines.buffer
    start, close = lines.start[rows], bang[rows] - 1
    tagged = buffer[np.maximum(close, 0)] == BACKSLASH
    open_at = np.full(rows.shape[0], -1, dtype=np.int64)
    if tagged.any():
        # A well-formed tag block: exactly two backslashes before the first
        # '!', the second one right before it. Polars scans the lines in one
        # pass each (byte offsets), not the whole buffer.
        tagged_rows = rows[tagged]
        tagged_text = text.gather(tagged_rows)
        first = tagged_text.str.find("\\", literal=True).fill_null(0).to_numpy()
        first = start[tagged] + first.astype(np.int64)
        # Two backslashes on the whole line (the usual case) are the opening
        # one and the one before '!'; other lines go through the regex.
        good = tagged_text.str.count_matches("\\", literal=True).to_numpy() == 2
        unusual = np.flatnonzero(~good)
        if unusual.shape[0]:
            shaped = tagged_text.gather(unusual).str.contains(TAG_BLOCK_SHAPE)
            good[unusual] = shaped.fill_null(False).to_numpy()
        good &= first < close[tagged]
        open_at[np.flatnonzero(tagged)[good]] = first[good]
        reason[tagged_rows[~good]] = MALFORMED_TAG
    has_tag = open_at >= 0

    # Tag blocks: checksum, then c:/s: by distinct text.
    tag_rows = np.flatnonzero(has_tag)
    if tag_rows.shape[0]:
        t_open, t_close = open_at[tag_rows], close[tag_rows]
        star_ok = (t_close - t_open >= 4) & (buffer[np.maximum(t_close - 3, 0)] == STAR)
        body_start, body_stop = t_open + 1, np.maximum(t_close - 3, t_open + 1)
        # Runs of identical tag blocks, checksum included: the checksum of a
        # run is verified once, on its first line.
        heads = run_heads(buffer, body_start, t_close)
        head_rows = np.flatnonzero(heads)
        h_close = t_close[head_rows]
        declared = hex_pair(buffer[np.maximum(h_close - 2, 0)], buffer[np.maximum(h_close - 1, 0)])
        computed = range_xor(buffer, t_open[head_rows] + 1, h_close - 3)
        head_ok = (declared >= 0) & (declared == computed)
        checksum_ok = star_ok & head_ok[np.cumsum(heads) - 1]
        target = rows[tag_rows]
        untrusted[target] = ~checksum_ok
        if tag_mode == "strict":
            reason[target[~checksum_ok]] = BAD_TAG_CHECKSUM
        use_time = checksum_ok | (tag_mode == "trust")
        texts = range_strings(buffer, body_start[heads], body_stop[heads], "tag")
        parsed = _parse_tags(pl.DataFrame({"text": texts}))  # one row per run of equal tags
        run = np.cumsum(heads) - 1
        bad_time = parsed["bad_time"].to_numpy()[run]
        reason[target[bad_time & use_time]] = BAD_TAG_TIME
        micros[target] = parsed["received_us"].fill_null(0).to_numpy()[run]
        known[target] = parsed["received_us"].is_not_null().to_numpy()[run] & use_time
        group[target] = parsed["group"].fill_null(-1).to_numpy()[run]
        stations = parsed["station"]
        if stations.null_count() < stations.len():
            station = station.scatter(target, stations.gather(run))

    # Receive-time column: whatever precedes the tag block (or the sentence).
    column_end = np.where(has_tag, open_at, np.where(tagged, start, close + 1))
    _trim_separators(buffer, start, column_end)
    column_rows = np.flatnonzero(column_end > start)
    if column_rows.shape[0]:
        texts = range_strings(buffer, start[column_rows], column_end[column_rows], "time")
        column = parse_time_columns(texts)
        missing = column.is_null().to_numpy()
        target = rows[column_rows]
        reason[target[missing]] = BAD_TIME_COLUMN
        # A tag block's c: wins over the column where the tag gave a time.
        fill = target[~missing & ~known[target]]
        micros[fill] = column.fill_null(0).to_numpy()[~missing & ~known[target]]
        known[fill] = True
    return Prefixes(received_series(micros, known), station, reason, group, untrusted)


def parse_time_columns(texts: pl.Series) -> pl.Series:
    """Receive times (microseconds since 1970 UTC, null where unrecognised) of time columns."""
    column: pl.Series = _by_distinct(texts, _parse_time_column)["received_us"]
    return column


def received_series(micros: I64, known: npt.NDArray[np.bool_]) -> pl.Series:
    """Receive times as a nullable Int64 Series (null where not ``known``)."""
    if known.all():
        return pl.Series("received_us", micros)
    series = pl.Series("received_us", micros)
    # not pa.array(micros, mask=...): pyarrow imports pandas (0.5 s) on its first call
    series.scatter(np.flatnonzero(~known), None)
    return series


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
        group=text.str.extract(r"(?:^|,)g:([^,]*)", 1)
        .str.extract(GROUP_SHAPE, 1)
        .str.to_integer(strict=False)
        .cast(pl.Int64),
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
