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
}


SIGNED_KINDS = frozenset({Kind.SINT, Kind.LATLON, Kind.LATLON_600, Kind.TURN})
"""Kinds whose raw bits are a two's-complement number."""

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
    return field.offset, field.width, kind in SIGNED_KINDS, CONVERSIONS.get(kind, Conversion.INT)


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
    values: npt.NDArray[np.generic]
    ready = payloads.converted(field_spec(field))
    if ready is not None and kind in CONVERSIONS:
        values, available = ready
        return _column(field.name, values, available)
    if kind in SIGNED_KINDS:
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
    elif kind is Kind.CODE:
        values = CODE_TABLES[field.name][raw]
    elif kind is Kind.TURN:
        values = TURN_TABLE[np.clip(raw, -128, 127) + 128]
    else:  # pragma: no cover - spare fields are never output
        raise ValueError(f"no column for {kind}")
    return _column(field.name, values, available)


def _column(name: str, values: npt.NDArray[np.generic], available: Counts) -> pl.Series:
    """A Series of the values, null where the payload holds none of the field's bits."""
    missing = available == 0
    if missing.any():
        return pl.Series(name, pa.array(values, mask=missing))
    return pl.Series(name, values)


def _with_nulls(column: pl.Series, missing: npt.NDArray[np.bool_]) -> pl.Series:
    if not missing.any():
        return column
    return column.scatter(np.flatnonzero(missing), None)
