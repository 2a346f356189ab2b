"""Raw AIS bit fields to the values pyais gives, computed for whole columns.

The scalings reproduce pyais exactly (bit for bit): positions are rounded to
six decimals with integer arithmetic, tenths are IEEE divisions of the raw
value, and the rate of turn comes from a 256-entry table computed with the
same formula. "Not available" values (lat 91, lon 181, speed 102.3, heading
511, turn -128) are plain decoded values, as in pyais.
"""

from __future__ import annotations

import math

import numpy as np
import numpy.typing as npt
import polars as pl
import pyarrow as pa  # type: ignore[import-untyped]

from portintel.ais.armoring import Conversion, Counts, FieldSpec, Payloads
from portintel.ais.byte_ranges import strings
from portintel.ais.enumerations import CODE_TABLES
from portintel.ais.fields import Field, Kind

I64 = npt.NDArray[np.int64]
F64 = npt.NDArray[np.float64]


def _turn(raw: int) -> float:
    if not raw:
        return 0.0
    if abs(raw) in (127, 128):
        return float(raw)
    return math.copysign(round((raw / 4.733) ** 2), raw)


TURN_TABLE: F64 = np.array([_turn(raw) for raw in range(-128, 128)], dtype=np.float64)


LOOKUP_TABLES: dict[str, npt.NDArray[np.generic]] = {
    # pyais's converters of the binary applications, applied to every raw value
    # (at most 12 bits) once: Python's round() to one or two decimals, exactly.
    "airtemp_legacy": np.array([round(v * 0.1 - 60.0, 1) for v in range(4096)]),
    "dewpoint_legacy": np.array([round(v * 0.1 - 20.0, 1) for v in range(4096)]),
    "water_level_legacy": np.array([round(v * 0.1 - 10.0, 1) for v in range(4096)]),
    "water_level_31": np.array([round(v * 0.01 - 10.0, 2) for v in range(4096)]),
    "pressure_800": np.arange(4096, dtype=np.int64) + 800,
    "pressure_799": np.arange(4096, dtype=np.int64) + 799,
}
"""Raw value -> pyais's value, for fields whose conversion is not a plain scaling."""

POLARS_TYPES: dict[Kind, pl.DataType] = {
    Kind.UINT: pl.Int64(),
    Kind.SINT: pl.Int64(),
    Kind.BOOL: pl.Boolean(),
    Kind.TEXT: pl.String(),
    Kind.FLOAT: pl.Float64(),
    Kind.TENTH: pl.Float64(),
    Kind.LATLON: pl.Float64(),
    Kind.LATLON_600: pl.Float64(),
    Kind.TURN: pl.Float64(),
    Kind.CODE: pl.Int64(),
    Kind.BYTES: pl.Binary(),
    Kind.HUNDREDTH: pl.Float64(),
    Kind.LATLON_60000: pl.Float64(),
}


def polars_type(field: Field) -> pl.DataType:
    """The column type of a field (a lookup's is that of its table)."""
    if field.kind is Kind.LOOKUP:
        assert field.table is not None
        return pl.Float64() if LOOKUP_TABLES[field.table].dtype == np.float64 else pl.Int64()
    return POLARS_TYPES[field.kind]


CONVERSIONS: dict[Kind, Conversion] = {
    Kind.FLOAT: Conversion.FLOAT,
    Kind.TENTH: Conversion.TENTH,
    Kind.LATLON: Conversion.LATLON,
    Kind.LATLON_600: Conversion.LATLON_600,
    Kind.BOOL: Conversion.BOOL,
}
"""Kinds the compiled kernel converts itself; the others it reads as numbers."""


def field_spec(field: Field) -> FieldSpec:
    """What a numeric field asks of ``Payloads.prepare_fields``."""
    kind = field.kind
    return field.offset, field.width, field.is_signed, CONVERSIONS.get(kind, Conversion.INT)


def decode_field(payloads: Payloads, field: Field) -> pl.Series:
    """The column of one field over every payload (null where the payload ends before it)."""
    kind = field.kind
    if kind is Kind.TEXT:
        codes, available = payloads.text(field.offset, field.width)
        count = codes.shape[1]
        offsets = np.arange(codes.shape[0] + 1, dtype=np.int64) * count
        column = strings(codes.reshape(-1), offsets, field.name)
        column = column.str.strip_chars_end("@").str.strip_chars(" ")
        return _with_nulls(column, available == 0)
    if kind is Kind.BYTES:
        data, lengths, available = payloads.binary(field.offset, field.width)
        return _binary_column(field.name, data, lengths, available == 0)
    values: npt.NDArray[np.generic]
    ready = payloads.converted(field_spec(field))
    if ready is not None and kind in CONVERSIONS:
        values, available = ready
        return _column(field.name, values, available)
    if field.is_signed:
        raw, available = payloads.signed(field.offset, field.width)
    else:
        raw, available = payloads.unsigned(field.offset, field.width)
    if kind in (Kind.UINT, Kind.SINT):
        values = raw
    elif kind is Kind.BOOL:
        values = raw != 0
    elif kind is Kind.FLOAT:
        values = raw.astype(np.float64)
    elif kind is Kind.TENTH:
        values = raw.astype(np.float64) / 10.0
    elif kind is Kind.LATLON:
        values = ((10 * raw + 3) // 6) / 1e6
    elif kind is Kind.LATLON_600:
        values = ((10000 * raw + 3) // 6) / 1e6
    elif kind is Kind.HUNDREDTH:
        values = raw.astype(np.float64) / 100.0
    elif kind is Kind.LATLON_60000:
        values = ((100 * raw + 3) // 6) / 1e6
    elif kind is Kind.CODE:
        values = CODE_TABLES[field.table or field.name][raw]
    elif kind is Kind.LOOKUP:
        assert field.table is not None
        values = LOOKUP_TABLES[field.table][raw]
    elif kind is Kind.TURN:
        values = TURN_TABLE[np.clip(raw, -128, 127) + 128]
    else:  # pragma: no cover - spare fields are never output
        raise ValueError(f"no column for {kind}")
    return _column(field.name, values, available)


def _column(name: str, values: npt.NDArray[np.generic], available: Counts) -> pl.Series:
    """A Series of the values, null where the payload holds none of the field's bits."""
    series = pl.Series(name, values)
    missing = np.flatnonzero(available == 0)
    if missing.size:
        # not pa.array(values, mask=...): pyarrow imports pandas (0.5 s) on its first call
        series.scatter(missing, None)
    return series


def _binary_column(
    name: str, data: npt.NDArray[np.uint8], lengths: I64, missing: npt.NDArray[np.bool_]
) -> pl.Series:
    """Rows of ``data`` (rows x bytes) cut to their lengths, as a Binary column."""
    inside = np.arange(data.shape[1])[None, :] < lengths[:, None]
    offsets = np.zeros(lengths.shape[0] + 1, dtype=np.int64)
    np.cumsum(lengths, out=offsets[1:])
    array = pa.LargeBinaryArray.from_buffers(
        pa.large_binary(),
        lengths.shape[0],
        [
            pa.py_buffer(np.packbits(~missing, bitorder="little")) if missing.any() else None,
            pa.py_buffer(offsets),
            pa.py_buffer(np.ascontiguousarray(data[inside])),
        ],
    )
    return pl.Series(name, array)


def _with_nulls(column: pl.Series, missing: npt.NDArray[np.bool_]) -> pl.Series:
    if not missing.any():
        return column
    return column.scatter(np.flatnonzero(missing), None)
