"""CSV and Parquet archives -> typed canonical rows (or refusals with a reason and row number).

Tables are read as text in streaming batches (pyarrow), so a multi-gigabyte
daily archive never sits in memory whole, and parsed with Polars
expressions. A row whose MMSI, time or position cannot be read is refused
with the reason; optional fields that do not parse become null. ``line``
is the row's line in the file (header = 1); ``raw`` is the row's values
joined by commas, as evidence in the quarantine.
"""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
import polars as pl
import pyarrow as pa  # type: ignore[import-untyped]
import pyarrow.csv as pa_csv  # type: ignore[import-untyped]
import pyarrow.parquet as pq  # type: ignore[import-untyped]

from portintel.adapters.ais.files import DamageCallback, is_gzip, open_binary
from portintel.adapters.ais.layouts import Layout, choose_layout
from portintel.domain.maritime.vocabulary import DMA_SHIP_TYPES, STATUS_LABELS
from portintel.errors import InvalidInput

UNPARSEABLE_MMSI = "unparseable MMSI"
UNPARSEABLE_TIMESTAMP = "unparseable timestamp"
UNPARSEABLE_POSITION = "unparseable position"
MISSING_VESSEL_ID = "missing vessel id"
NOT_WHOLE_NUMBER = "not a whole number"
INTEGER_FIELDS = ("heading", "nav_status", "ship_type", "imo")
WRONG_COLUMN_COUNT = "wrong number of columns"
BATCH_ROWS = 200_000

DType = pl.DataType | type[pl.DataType]


@dataclass(frozen=True, slots=True)
class ArchiveBatch:
    """Parsed rows, refused rows, and how far into the input this batch reaches."""

    rows: pl.DataFrame
    rejects: pl.DataFrame
    rows_done: int
    bytes_done: int


_CLEAN = "\x00text:"
"""Prefix of the cleaned text of each mapped column, computed once per batch (parse_rows)."""


def _cleaned(column: str, layout: Layout) -> pl.Expr:
    value = pl.col(column).cast(pl.Utf8).str.strip_chars()
    blank = (value.str.len_chars() == 0) | value.is_in(list(layout.null_values))
    return pl.when(blank).then(None).otherwise(value).alias(_CLEAN + column)


def _text(column: str, layout: Layout) -> pl.Expr:
    """The column's text, stripped, null when blank or a null word (cleaned once per batch)."""
    return pl.col(_CLEAN + column)


def _number(column: str, layout: Layout, dtype: DType) -> pl.Expr:
    return _text(column, layout).cast(dtype, strict=False)


def _decimal(column: str, layout: Layout) -> pl.Expr:
    return _text(column, layout).cast(pl.Float64, strict=False)


def _whole(column: str, layout: Layout, dtype: DType) -> pl.Expr:
    """An integer field written as ``7``, ``7.0`` or ``7.00`` (MarineCadastre writes floats).

    A fraction (``0.5``) gives null here; :func:`_fraction` says why the row is refused.
    """
    value = _decimal(column, layout)
    whole = value.is_finite() & (value == value.floor())
    return pl.when(whole).then(value).otherwise(None).cast(dtype, strict=False)


def _fraction(column: str, layout: Layout) -> pl.Expr:
    """True where ``column`` holds a finite number that is not whole."""
    value = _decimal(column, layout)
    return (value.is_finite() & (value != value.floor())).fill_null(False)


def _drop(expr: pl.Expr, sentinel: float) -> pl.Expr:
    return pl.when(expr == sentinel).then(None).otherwise(expr)


def _coded(column: str, layout: Layout, labels: Mapping[str, int], dtype: DType) -> pl.Expr:
    """An AIS code given as a number or as its label."""
    text = _text(column, layout)
    by_label = text.str.to_lowercase().replace_strict(labels, default=None, return_dtype=pl.Int64)
    return pl.coalesce(_whole(column, layout, pl.Int64), by_label).cast(dtype, strict=False)


def _timestamp(frame: pl.DataFrame, column: str, fmt: str | None, layout: Layout) -> pl.Expr:
    dtype = frame.schema[column]
    if isinstance(dtype, pl.Datetime):
        stamp = pl.col(column)
        if dtype.time_zone is None:
            return stamp.dt.replace_time_zone("UTC").dt.cast_time_unit("us")
        return stamp.dt.convert_time_zone("UTC").dt.cast_time_unit("us")
    text = _text(column, layout)
    if fmt and "%z" in fmt:
        parsed = text.str.to_datetime(fmt, strict=False, time_unit="us", time_zone="UTC")
        return parsed
    parsed = text.str.to_datetime(fmt, strict=False, time_unit="us")
    return parsed.dt.replace_time_zone("UTC")


def _optional_fields(layout: Layout, frame: pl.DataFrame) -> list[pl.Expr]:
    """Expressions for the optional canonical fields; null where the layout lacks the column."""
    columns = layout.columns
    builders: dict[str, Callable[[str], pl.Expr]] = {
        "sog": lambda c: _drop(_number(c, layout, pl.Float64), 102.3),
        "cog": lambda c: _drop(_number(c, layout, pl.Float64), 360.0),
        "heading": lambda c: _drop(_whole(c, layout, pl.Float64), 511.0).cast(pl.Int16),
        "nav_status": lambda c: _coded(c, layout, STATUS_LABELS, pl.Int8),
        "name": lambda c: _text(c, layout),
        "callsign": lambda c: _text(c, layout),
        "imo": lambda c: (
            _text(c, layout)
            .str.replace(r"^(?i)imo\s*", "")
            .cast(pl.Float64, strict=False)
            .pipe(lambda v: pl.when(v == v.floor()).then(v).otherwise(None))
            .cast(pl.Int64, strict=False)
        ),
        "ship_type": lambda c: _coded(c, layout, DMA_SHIP_TYPES, pl.Int16),
        "length": lambda c: _number(c, layout, pl.Float64),
        "width": lambda c: _number(c, layout, pl.Float64),
        "draught": lambda c: _number(c, layout, pl.Float64),
        "destination": lambda c: _text(c, layout),
        "eta": lambda c: _timestamp(frame, c, layout.eta_format, layout),
    }
    return [
        (builder(columns[name]) if columns.get(name) in frame.columns else pl.lit(None)).alias(name)
        for name, builder in builders.items()
    ]


def parse_rows(
    frame: pl.DataFrame,
    layout: Layout,
    first_line: int,
    lines: Sequence[int] | npt.NDArray[np.int64] | None = None,
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Typed canonical rows and refused rows of one batch of an archive."""
    columns = layout.columns
    raw = pl.concat_str(
        [pl.col(c).cast(pl.Utf8).fill_null("") for c in frame.columns], separator=","
    )
    numbered = frame.with_columns(
        (
            pl.Series("_line", lines, dtype=pl.Int64)
            if lines is not None
            else pl.int_range(first_line, first_line + frame.height, dtype=pl.Int64).alias("_line")
        ),
        raw.alias("_raw"),
    )
    mapped = sorted({c for c in columns.values() if c in frame.columns})
    numbered = numbered.with_columns(_cleaned(c, layout) for c in mapped)
    lat_text, lon_text = _text(columns["lat"], layout), _text(columns["lon"], layout)
    mmsi = (
        _whole(columns["mmsi"], layout, pl.Int64)
        if columns.get("mmsi") in numbered.columns
        else pl.lit(None, dtype=pl.Int64)
    )
    if "track_id" in columns:
        identity = [
            _text(columns["track_id"], layout).alias("track_id"),
            pl.lit("vessel_id").alias("id_kind"),
        ]
    else:
        identity = [mmsi.cast(pl.Utf8).alias("track_id"), pl.lit("mmsi").alias("id_kind")]
    fractions = [
        pl.when(_fraction(columns[name], layout)).then(
            pl.format(f"{NOT_WHOLE_NUMBER}: {columns[name]} = {{}}", _text(columns[name], layout))
        )
        for name in INTEGER_FIELDS
        if columns.get(name) in numbered.columns
    ]
    typed = numbered.select(
        *identity,
        mmsi.alias("mmsi"),
        (
            pl.coalesce(*(f.otherwise(None) for f in fractions))
            if fractions
            else pl.lit(None, dtype=pl.Utf8)
        ).alias("_fraction"),
        _timestamp(numbered, columns["timestamp"], layout.time_format, layout).alias("ts"),
        lat_text.cast(pl.Float64, strict=False).alias("lat"),
        lon_text.cast(pl.Float64, strict=False).alias("lon"),
        (lat_text.is_not_null() | lon_text.is_not_null()).alias("_has_position"),
        *_optional_fields(layout, numbered),
        pl.col("_line").alias("line"),
        pl.col("_raw").alias("raw"),
    )
    typed = typed.with_columns(
        pl.when(pl.col(name) > 0).then(pl.col(name)).otherwise(None).alias(name)
        for name in ("imo", "length", "width", "draught")
    )
    position_bad = pl.col("_has_position") & (pl.col("lat").is_null() | pl.col("lon").is_null())
    id_missing = pl.col("track_id").is_null() if "track_id" in columns else pl.col("mmsi").is_null()
    reason = (
        pl.when(id_missing)
        .then(pl.lit(MISSING_VESSEL_ID if "track_id" in columns else UNPARSEABLE_MMSI))
        .when(pl.col("ts").is_null())
        .then(pl.lit(UNPARSEABLE_TIMESTAMP))
        .when(position_bad)
        .then(pl.lit(UNPARSEABLE_POSITION))
        .when(pl.col("_fraction").is_not_null())
        .then(pl.col("_fraction"))
        .otherwise(pl.lit(None, dtype=pl.Utf8))
    )
    tagged = typed.with_columns(reason.alias("reason"))
    rows = tagged.filter(pl.col("reason").is_null()).drop("reason", "_has_position", "_fraction")
    rejects = tagged.filter(pl.col("reason").is_not_null()).select(
        "line", "raw", "reason", "mmsi", "track_id", "ts"
    )
    return rows, rejects


def _as_text(frame: pl.DataFrame, keep: str) -> pl.DataFrame:
    """Every column as text except ``keep`` (a native timestamp column stays a timestamp)."""
    return frame.with_columns(
        pl.col(name).cast(pl.Utf8)
        for name in frame.columns
        if name != keep or not isinstance(frame.schema[name], pl.Datetime)
    )


def _csv_header(path: Path) -> list[str]:
    """Column names from the first line only (later rows may be ragged)."""
    with open_binary(path) as handle:
        first = handle.readline(1 << 20).decode("utf-8-sig", errors="replace")
    return next(csv.reader([first.rstrip("\r\n")]), [])


class _open_stream:
    """A pyarrow stream over ``path`` (gunzipped when needed) and the raw file, for progress.

    A ``.gz`` is read through :class:`~portintel.adapters.ais.files.TolerantGzip`,
    so a damaged archive ends where the damage starts instead of failing whole.
    """

    def __init__(self, path: Path, on_damage: DamageCallback | None) -> None:
        self.path = path
        self.on_damage = on_damage

    def __enter__(self) -> tuple[Any, Any]:
        if is_gzip(self.path):
            self.handle = open_binary(self.path, self.on_damage)
            self.raw = self.handle.raw.fileobj  # type: ignore[attr-defined]
        else:
            self.handle = self.raw = self.path.open("rb")
        return pa.PythonFile(self.handle, mode="r"), self.raw

    def __exit__(self, *exc: object) -> None:
        self.handle.close()


def archive_header(path: Path, fmt: str) -> list[str]:
    """The column names of a CSV (first line) or Parquet archive."""
    try:
        if fmt == "parquet":
            return list(pq.ParquetFile(path).schema_arrow.names)
        return _csv_header(path)
    except (pa.ArrowInvalid, OSError) as exc:
        raise InvalidInput(
            f"{path}: cannot read as {fmt}: {exc}",
            field="path",
            hint="check the file is complete and name its format with --format",
        ) from exc


def read_archive(
    path: Path,
    fmt: str,
    *,
    column_map: Mapping[str, str] | None = None,
    time_format: str | None = None,
    id_column: str | None = None,
    layout: Layout | None = None,
    start_row: int = 0,
    batch_rows: int = BATCH_ROWS,
    on_damage: DamageCallback | None = None,
) -> Iterator[ArchiveBatch]:
    """Parsed batches of a CSV or Parquet archive, resuming after ``start_row`` data rows.

    ``layout`` (see :func:`~portintel.adapters.ais.layouts.choose_layout`) is
    chosen from the header, ``column_map``, ``time_format`` and ``id_column``
    when not given.
    """
    location = str(path)
    if layout is None:
        layout = choose_layout(
            archive_header(path, fmt),
            location=location,
            column_map=column_map,
            time_format=time_format,
            id_column=id_column,
        )
    try:
        if fmt == "parquet":
            yield from _read_parquet(path, layout, start_row, batch_rows)
        else:
            yield from _read_csv(path, layout, start_row, batch_rows, on_damage)
    except (pa.ArrowInvalid, OSError) as exc:
        raise InvalidInput(
            f"{location}: cannot read as {fmt}: {exc}",
            field="path",
            hint="check the file is complete and name its format with --format",
        ) from exc


def _batches_after(
    batches: Iterator[Any], start_row: int, on_skip: Callable[[int], object] | None = None
) -> Iterator[tuple[int, pl.DataFrame]]:
    """(index of the batch's first data row, frame) for rows at or after ``start_row``.

    ``on_skip`` hears how many rows a resume skips, to keep line numbers right.
    """
    seen = 0
    for batch in batches:
        frame = pl.from_arrow(batch)
        assert isinstance(frame, pl.DataFrame)
        first = seen
        seen += frame.height
        skip = min(frame.height, max(0, start_row - first))
        if skip and on_skip is not None:
            on_skip(skip)
        if skip == frame.height:
            continue
        yield first + skip, frame.slice(skip)


def _read_csv(
    path: Path,
    layout: Layout,
    start_row: int,
    batch_rows: int,
    on_damage: DamageCallback | None,
) -> Iterator[ArchiveBatch]:
    header = _csv_header(path)
    options = pa_csv.ConvertOptions(
        column_types={name: pa.string() for name in header}, strings_can_be_null=False
    )
    ragged = _RaggedRows()
    with _open_stream(path, on_damage) as (stream, raw):
        reader = pa_csv.open_csv(
            stream,
            # one thread: rows are then reported in order, with their line numbers
            read_options=pa_csv.ReadOptions(block_size=8 << 20, use_threads=False),
            parse_options=pa_csv.ParseOptions(invalid_row_handler=ragged.handle),
            convert_options=options,
        )
        for first, frame in _batches_after(iter(reader), start_row, ragged.lines_of):
            for offset in range(0, frame.height, batch_rows):
                part = frame.slice(offset, batch_rows)
                rows, rejects = parse_rows(part, layout, 0, ragged.lines_of(part.height))
                rejects = pl.concat([rejects, ragged.drain()], how="diagonal_relaxed")
                yield ArchiveBatch(rows, rejects, first + offset + part.height, raw.tell())


class _RaggedRows:
    """Rows with the wrong number of columns: refused by line, and the line count kept true.

    pyarrow skips such a row when told to; the rows after it keep their real
    line numbers because the skipped lines are left out of the numbering.
    """

    def __init__(self) -> None:
        self.refused: list[tuple[int, str, str]] = []
        self.skipped: set[int] = set()
        self.next_line = 2

    def handle(self, row: Any) -> str:
        if row.number is not None:
            self.skipped.add(int(row.number))
        reason = f"{WRONG_COLUMN_COUNT} (expected {row.expected_columns})"
        self.refused.append((int(row.number or 0), str(row.text), reason))
        return "skip"

    def lines_of(self, count: int) -> npt.NDArray[np.int64]:
        """Line numbers of the next ``count`` rows read, skipping the refused lines (in bulk)."""
        start = end = self.next_line
        end += count
        ahead = sorted(line for line in self.skipped if line >= start)
        for line in ahead:  # ascending: each refused line inside the span pushes its end on
            if line >= end:
                break
            end += 1
        lines = np.arange(start, end, dtype=np.int64)
        if ahead:
            lines = lines[~np.isin(lines, ahead)]
        self.next_line = end
        self.skipped = {line for line in ahead if line >= end}
        return lines

    def drain(self) -> pl.DataFrame:
        rows, self.refused = self.refused, []
        return pl.DataFrame(
            rows, schema={"line": pl.Int64, "raw": pl.Utf8, "reason": pl.Utf8}, orient="row"
        )


def _read_parquet(
    path: Path,
    layout: Layout,
    start_row: int,
    batch_rows: int,
) -> Iterator[ArchiveBatch]:
    parquet = pq.ParquetFile(path)
    total_rows = max(1, parquet.metadata.num_rows)
    size = path.stat().st_size
    for first, frame in _batches_after(parquet.iter_batches(batch_size=batch_rows), start_row):
        text = _as_text(frame, layout.columns["timestamp"])
        rows, rejects = parse_rows(text, layout, first_line=first + 2)
        done = first + frame.height
        yield ArchiveBatch(rows, rejects, done, size * done // total_rows)
