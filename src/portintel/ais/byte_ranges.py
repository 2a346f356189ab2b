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


def fixed_rows(buffer: U8, start: I64, width: int) -> npt.NDArray[np.uint8]:
    """``buffer[start[i] : start[i] + width]`` as rows of a matrix (zero past the end).

    A sliding-window view makes this one row gather, with no index matrix.
    """
    limit = buffer.shape[0] - width
    windows = np.lib.stride_tricks.sliding_window_view
    if limit < 0:  # the whole buffer is shorter than one row
        padded = np.concatenate([buffer, np.zeros(width, dtype=np.uint8)])
        short_rows: npt.NDArray[np.uint8] = windows(padded, width)[
            np.minimum(start, buffer.shape[0])
        ]
        return short_rows
    near_end = start > limit
    if not near_end.any():
        rows: npt.NDArray[np.uint8] = windows(buffer, width)[start]
        return rows
    base = int(start[near_end].min())
    tail = np.concatenate([buffer[base:], np.zeros(width, dtype=np.uint8)])
    rows = np.empty((start.shape[0], width), dtype=np.uint8)
    head = np.flatnonzero(~near_end)
    rows[head] = windows(buffer, width)[start[head]]
    rows[near_end] = windows(tail, width)[start[near_end] - base]
    return rows


WORD_MASKS = np.array([(1 << (8 * kept)) - 1 for kept in range(9)], dtype=np.uint64)
"""WORD_MASKS[k] keeps the first k bytes of a little-endian 64-bit word."""


def run_heads(buffer: U8, start: I64, stop: I64, width: int = 48) -> npt.NDArray[np.bool_]:
    """True where range i differs from range i-1 (ranges longer than ``width`` always do).

    Consecutive lines of a feed usually share their tag block, so parsing only
    the heads of runs of equal text saves most of the work.
    """
    size = start.shape[0]
    heads = np.ones(size, dtype=np.bool_)
    if size < 2:
        return heads
    length = stop - start
    short = length <= width
    if not short.any():
        return heads
    words = max((int(length[short].max()) + 7) // 8, 1)
    # Each range as little-endian 64-bit words, the bytes past its end masked
    # off: equal ranges have equal words, with 8 bytes compared per operation.
    rows = np.ascontiguousarray(fixed_rows(buffer, start, 8 * words)).view("<u8")
    equal = (length[1:] == length[:-1]) & short[1:] & short[:-1]
    for word in range(words):
        kept = np.clip(length - 8 * word, 0, 8)
        values = rows[:, word] & WORD_MASKS[kept]
        equal &= values[1:] == values[:-1]
    heads[1:] = ~equal
    return heads
