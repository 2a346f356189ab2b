"""Byte ranges of a buffer turned into Arrow-backed Polars strings without a Python loop."""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
import polars as pl
import pyarrow as pa  # type: ignore[import-untyped]

U8 = npt.NDArray[np.uint8]
I64 = npt.NDArray[np.int64]


def gather_ranges(buffer: U8, start: I64, stop: I64) -> tuple[U8, I64]:
    """Concatenate ``buffer[start[i]:stop[i]]``; return the bytes and n+1 offsets."""
    lengths = np.maximum(stop - start, 0)
    offsets = np.zeros(lengths.shape[0] + 1, dtype=np.int64)
    np.cumsum(lengths, out=offsets[1:])
    total = int(offsets[-1])
    if total == 0:
        return np.zeros(0, dtype=np.uint8), offsets
    positions = np.repeat(start - offsets[:-1], lengths) + np.arange(total, dtype=np.int64)
    return buffer[positions], offsets


def strings(data: U8, offsets: I64, name: str = "") -> pl.Series:
    """A Utf8 Series over ``data`` split at ``offsets`` (data must be valid UTF-8)."""
    array = pa.LargeStringArray.from_buffers(
        offsets.shape[0] - 1, pa.py_buffer(offsets.astype(np.int64)), pa.py_buffer(data)
    )
    series = pl.Series(name, array)
    assert series.dtype == pl.String
    return series


def range_strings(buffer: U8, start: I64, stop: I64, name: str = "") -> pl.Series:
    data, offsets = gather_ranges(buffer, start, stop)
    return strings(data, offsets, name)
