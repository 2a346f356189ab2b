"""Framing a batch: where each line's sentence, payload, receive time and station are.

Two engines give the same :class:`Framed` result:

- ``native``: the compiled kernel (``_kernel.scan``) reads every line in one
  pass over the buffer: line bounds, sentence fields and checksum, tag block
  (checksum, ``c:``, ``s:``, ``g:``) and the extent of a receive-time column. Time
  columns, which are rare and come in many formats, are then parsed with
  Polars as in the NumPy engine.
- ``numpy``: whole-array NumPy/Polars operations (sentences.py, prefixes.py),
  the reference the native engine is tested against.

A rejected line carries a reason code: ``REASONS[code - 1]`` is its text.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
import numpy.typing as npt
import polars as pl
import pyarrow as pa  # type: ignore[import-untyped]

from portintel.ais import sentences as sentence_module
from portintel.ais.byte_ranges import range_strings
from portintel.ais.prefixes import (
    BAD_TAG_CHECKSUM,
    BAD_TAG_TIME,
    BAD_TIME_COLUMN,
    MALFORMED_TAG,
    TAG_MODES,
    TagMode,
    parse_prefixes,
    parse_time_columns,
    received_series,
)
from portintel.ais.sentences import (
    Lines,
    SentenceFields,
    find_bang,
    parse_sentences,
    split_lines,
)

try:
    from portintel.ais import _kernel
except ImportError:  # optional: not built without a C compiler, refused on big-endian hosts
    _kernel = None  # type: ignore[assignment]

U8 = npt.NDArray[np.uint8]
I64 = npt.NDArray[np.int64]

Engine = Literal["auto", "native", "numpy"]
NATIVE_AVAILABLE = _kernel is not None
"""True when the compiled kernel is built and loads (``pip install`` builds it where a C
compiler is found; without one the package installs anyway and decodes with NumPy)."""

SENTENCE_REASONS = (
    sentence_module.NO_SENTENCE,
    sentence_module.MALFORMED,
    sentence_module.NOT_AIS,
    sentence_module.BAD_FRAGMENT,
    sentence_module.BAD_FILL,
    sentence_module.BAD_CHECKSUM,
    sentence_module.EMPTY_PAYLOAD,
)
PREFIX_REASONS = (MALFORMED_TAG, BAD_TAG_CHECKSUM, BAD_TAG_TIME, BAD_TIME_COLUMN)
REASONS = SENTENCE_REASONS + PREFIX_REASONS
REASON_TEXT = np.array([None, *REASONS], dtype=np.object_)
"""Reason text by code (0: no reason)."""
_TIME_COLUMN_CODE = PREFIX_REASONS.index(BAD_TIME_COLUMN) + 1  # in the kernel's prefix codes
_NONE = np.full((), None, dtype=np.object_)
_CODE_OF = {text: code for code, text in enumerate(REASONS, start=1)}


@dataclass
class Packed:
    """The first ``characters`` characters of every line's payload, packed by the kernel."""

    characters: int
    words: npt.NDArray[np.uint64]  # (words, lines)
    first_invalid: I64


@dataclass
class Framed(SentenceFields):
    """Per line: bounds, raw text, sentence fields, receive time, station and reason code."""

    lines: Lines
    raw: pl.Series
    received_us: pl.Series  # Int64, nullable
    station: pl.Series  # String, nullable
    reason: I64  # 0, or the code of the reason (see REASONS); 0 for blank lines
    group: I64  # NMEA 4.0 tag block group id (g:), -1 if none
    tag_untrusted: npt.NDArray[np.bool_]  # the tag block's checksum is wrong or missing
    packed: Packed | None = None  # native engine: the start of every payload, packed

    def __len__(self) -> int:
        return len(self.lines)


def resolve(engine: Engine) -> Literal["native", "numpy"]:
    """The engine to use: ``auto`` is native when the kernel is built."""
    if engine == "numpy":
        return "numpy"
    if engine not in ("auto", "native"):
        raise ValueError(f"unknown AIS decoding engine {engine!r}: use auto, native or numpy")
    if NATIVE_AVAILABLE:
        return "native"
    if engine == "native":
        raise RuntimeError(
            "the compiled AIS kernel (portintel.ais._kernel) is not built: "
            "reinstall portintel (pip install -e .) with a C compiler available, "
            "or decode with engine='numpy'"
        )
    return "numpy"


NATIVE_LIMIT = 2**31 - 1
"""The kernel addresses a batch with 32-bit offsets: larger batches are framed with NumPy."""


def frame(buffer: U8, numbers: I64, *, tag_mode: TagMode, engine: Engine) -> Framed:
    """Frame every line of ``buffer`` (which ends with a newline)."""
    if resolve(engine) == "native" and buffer.shape[0] <= NATIVE_LIMIT:
        return _frame_native(buffer, numbers, tag_mode)
    return _frame_numpy(buffer, numbers, tag_mode)


def count_lines(data: bytes, engine: Engine) -> int:
    """The number of newlines in ``data`` (memchr in the kernel, else bytes.count)."""
    if resolve(engine) == "native":
        return _kernel.count_lines(data)
    return data.count(b"\n")


def line_strings(lines: Lines) -> pl.Series:
    """Each line without surrounding whitespace, as strings over the buffer.

    Arrow strings must tile their buffer, so the gaps between lines (newlines,
    whitespace) and the lines alternate; the lines are the odd entries.
    """
    size = len(lines)
    bounds = np.zeros(2 * size + 1, dtype=np.int64)
    bounds[1::2] = lines.start
    bounds[2::2] = lines.end
    array = pa.LargeStringArray.from_buffers(
        2 * size, pa.py_buffer(bounds), pa.py_buffer(lines.buffer)
    )
    return pl.Series("raw", array).gather(np.arange(1, 2 * size, 2))


def _frame_numpy(buffer: U8, numbers: I64, tag_mode: TagMode) -> Framed:
    lines = split_lines(buffer, numbers)
    raw = line_strings(lines)
    bang = find_bang(lines, raw)
    sentences = parse_sentences(lines, bang)
    prefixes = parse_prefixes(lines, bang, raw, tag_mode=tag_mode)
    reason = sentences.reason
    no_sentence_reason = _is_none(reason)
    reason[no_sentence_reason] = prefixes.reason[no_sentence_reason]
    reason[lines.end <= lines.start] = None
    codes = np.zeros(len(lines), dtype=np.int64)
    rejected = np.flatnonzero(~_is_none(reason))
    if rejected.shape[0]:
        texts, inverse = np.unique(reason[rejected].astype(np.str_), return_inverse=True)
        codes[rejected] = np.array([_CODE_OF[str(text)] for text in texts])[inverse]
    return Framed(
        lines=lines,
        raw=raw,
        count=sentences.count,
        index=sentences.index,
        sequence=sentences.sequence,
        channel=sentences.channel,
        payload_start=sentences.payload_start,
        payload_end=sentences.payload_end,
        fill=sentences.fill,
        received_us=prefixes.received_us,
        station=prefixes.station,
        reason=codes,
        group=prefixes.group,
        tag_untrusted=prefixes.tag_untrusted,
    )


def _is_none(values: npt.NDArray[np.object_]) -> npt.NDArray[np.bool_]:
    """True where an object array (reasons: None or text) holds None (identity, fast)."""
    result: npt.NDArray[np.bool_] = np.equal(values, _NONE)
    return result


def _frame_native(buffer: U8, numbers: I64, tag_mode: TagMode) -> Framed:
    size = numbers.shape[0]
    # int32 columns (the receive time int64): see _kernel.c.
    column: dict[str, npt.NDArray[np.signedinteger[Any]]] = {
        name: np.empty(size, dtype=dtype)
        for name, dtype in zip(_kernel.SCAN_COLUMNS, _kernel.SCAN_DTYPES, strict=True)
    }
    words = np.empty((_kernel.SCAN_WORDS, size), dtype=np.uint64)
    first_invalid = np.empty(size, dtype=np.int64)
    _kernel.scan(buffer, list(column.values()), words, first_invalid, TAG_MODES[tag_mode])
    lines = Lines(buffer, column["start"], column["end"], column["next_start"], numbers)
    prefix = column["prefix_reason"]
    micros = column["received_us"]
    known = column["received_known"].astype(np.bool_)

    # Receive-time columns before the sentence (or its tag block).
    start, end = column["column_start"], column["column_end"]
    rows = np.flatnonzero(end > start)
    if rows.shape[0]:
        parsed = parse_time_columns(range_strings(buffer, start[rows], end[rows], "time"))
        missing = parsed.is_null().to_numpy()
        prefix[rows[missing]] = _TIME_COLUMN_CODE
        fill = ~missing & ~known[rows]  # a tag block's c: wins over the column
        micros[rows[fill]] = parsed.fill_null(0).to_numpy()[fill]
        known[rows[fill]] = True

    sentence = column["sentence_reason"]
    reason = np.where(
        sentence > 0, sentence, np.where(prefix > 0, prefix + len(SENTENCE_REASONS), 0)
    )
    reason[lines.end <= lines.start] = 0
    return Framed(
        lines=lines,
        raw=line_strings(lines),
        count=column["count"],
        index=column["index"],
        sequence=column["sequence"],
        channel=column["channel"],
        payload_start=column["payload_start"],
        payload_end=column["payload_end"],
        fill=column["fill"],
        received_us=received_series(micros, known),
        station=_stations(
            buffer, column["station_start"], column["station_end"], column["station_run"]
        ),
        reason=reason,
        group=column["group"].astype(np.int64),
        tag_untrusted=column["tag_untrusted"].astype(np.bool_),
        packed=Packed(_kernel.SCAN_CHARACTERS, words, first_invalid),
    )


def _stations(buffer: U8, start: I64, end: I64, run: I64) -> pl.Series:
    """The s: text of every line (null without one), built once per run of equal texts."""
    size = run.shape[0]
    has = run >= 0
    if not has.any():
        return pl.Series("station", pa.nulls(size, pa.large_string()))
    heads = np.flatnonzero(run == np.arange(size))
    texts = range_strings(buffer, start[heads], end[heads], "station")
    gathered = texts.gather(np.searchsorted(heads, np.maximum(run, 0)))
    if has.all():
        return gathered
    return pl.select(
        pl.when(pl.lit(pl.Series(has))).then(pl.lit(gathered)).alias("station")
    ).to_series()


__all__ = [
    "NATIVE_AVAILABLE",
    "REASONS",
    "REASON_TEXT",
    "Engine",
    "Framed",
    "TagMode",
    "frame",
    "resolve",
]
