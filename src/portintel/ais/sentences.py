"""NMEA 0183 AIS sentences (``!AIVDM``/``!AIVDO``, any talker), split for whole batches.

Input is one byte buffer holding many lines, each ending in ``\\n``. Every line
is parsed at once with NumPy: the sentence fields sit at positions that follow
from a few bytes (talker and counts are one character each, the sequence id
and channel at most one), so a line is read by looking at a dozen positions,
not by scanning it. Checksums are XORs over ranges of the buffer
(``bitwise_xor.reduceat``). A line that is not a well-formed sentence gets a
reason; nothing is dropped.

What stands before the ``!`` (a tag block, a receive-time column) is handled by
:mod:`portintel.ais.prefixes`.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import polars as pl

from portintel.ais.byte_ranges import fixed_rows

U8 = npt.NDArray[np.uint8]
I64 = npt.NDArray[np.int64]
Mask = npt.NDArray[np.bool_]

BANG, COMMA, STAR, BACKSLASH, NEWLINE = 33, 44, 42, 92, 10
WHITESPACE: Mask = np.zeros(256, dtype=np.bool_)
WHITESPACE[[9, 10, 11, 12, 13, 32]] = True
HEX: I64 = np.full(256, -1, dtype=np.int64)
for _digit, _char in enumerate("0123456789ABCDEF"):
    HEX[ord(_char)] = _digit
    HEX[ord(_char.lower())] = _digit

MIN_SENTENCE = len("!AIVDM,1,1,,,,0*00")

# Reasons a line is rejected, in the order they are checked (first wins).
NO_SENTENCE = "no NMEA sentence: expected '!' followed by e.g. AIVDM"
MALFORMED = "malformed sentence: expected !ccVDM,count,index,seq,channel,payload,fill*hh"
NOT_AIS = "not an AIS sentence: formatter is not VDM or VDO"
BAD_FRAGMENT = "malformed sentence: fragment count/number must be digits with 1 <= number <= count"
BAD_FILL = "malformed sentence: fill bits must be 0-5"
BAD_CHECKSUM = "bad checksum"
EMPTY_PAYLOAD = "empty payload"
BAD_PAYLOAD = "invalid character in payload (outside the 6-bit alphabet)"


@dataclass
class Lines:
    """Line boundaries of a buffer; ``start``/``end`` exclude surrounding whitespace."""

    buffer: U8
    start: I64
    end: I64
    next_start: I64  # start of the following line (end of this one incl. newline)
    number: I64

    def __len__(self) -> int:
        return int(self.start.shape[0])


def split_lines(buffer: U8, numbers: I64) -> Lines:
    """Find the lines of ``buffer`` (which ends with a newline)."""
    newlines = np.flatnonzero(buffer == NEWLINE).astype(np.int64)
    start = np.empty_like(newlines)
    if newlines.shape[0]:
        start[0] = 0
        start[1:] = newlines[:-1] + 1
    end = newlines.copy()
    _trim(buffer, start, end)
    return Lines(buffer, start, end, newlines + 1, numbers)


def _trim(buffer: U8, start: I64, end: I64) -> None:
    rows = np.flatnonzero((end > start) & WHITESPACE[buffer[np.maximum(end - 1, 0)]])
    while rows.shape[0]:
        end[rows] -= 1
        rows = rows[(end[rows] > start[rows]) & WHITESPACE[buffer[np.maximum(end[rows] - 1, 0)]]]
    rows = np.flatnonzero((end > start) & WHITESPACE[buffer[start]])
    while rows.shape[0]:
        start[rows] += 1
        rows = rows[(end[rows] > start[rows]) & WHITESPACE[buffer[start[rows]]]]


def hex_pair(high: npt.NDArray[np.uint8], low: npt.NDArray[np.uint8]) -> I64:
    """The number written by two hex digits, -1 unless both are hex digits."""
    first, second = HEX[high], HEX[low]
    value: I64 = np.where((first >= 0) & (second >= 0), first * 16 + second, -1)
    return value


def range_xor(buffer: U8, start: I64, stop: I64) -> I64:
    """XOR of ``buffer[start:stop]`` for each pair (0 for empty ranges)."""
    if start.shape[0] == 0:
        return np.zeros(0, dtype=np.int64)
    valid = stop > start
    first = np.where(valid, start, 0)
    last = np.where(valid, stop, 1)
    bounds = np.empty(2 * first.shape[0], dtype=np.int64)
    bounds[0::2] = first
    bounds[1::2] = last
    # reduceat reduces [bounds[i], bounds[i+1]); only the even slots are kept,
    # so whatever the odd (between-range) slots hold does not matter.
    bounds = np.minimum(bounds, buffer.shape[0] - 1)
    result = np.bitwise_xor.reduceat(buffer, bounds)[0::2].astype(np.int64)
    return np.where(valid, result, 0)


@dataclass
class SentenceFields:
    """The fields of the sentence on each line (meaningful where it has no reject reason)."""

    count: I64
    index: I64
    sequence: I64  # -1 when empty
    channel: I64  # ASCII code, 0 when empty
    payload_start: I64
    payload_end: I64
    fill: I64


@dataclass
class Sentences(SentenceFields):
    """The sentence on each line, where its '!' is, and why it is rejected (None: it is not)."""

    bang: I64  # position of '!'
    reason: npt.NDArray[np.object_]  # None or the reason text


def find_bang(lines: Lines, text: pl.Series) -> I64:
    """Position of the sentence's '!' on each line, -1 when there is none.

    ``text`` holds the lines as strings over the same bytes (see
    ``decoder._line_strings``); Polars finds the first '!' of every line in
    one pass and reports byte offsets, which index the buffer directly.
    """
    found = text.str.find("!", literal=True).fill_null(-1).to_numpy().astype(np.int64)
    bang: I64 = np.where(found >= 0, lines.start + found, -1)
    return bang


def parse_sentences(lines: Lines, bang: I64) -> Sentences:
    """Read the comma-separated fields of every sentence and verify checksums."""
    buffer = lines.buffer
    end = lines.end
    reason = np.full(len(lines), None, dtype=np.object_)

    # The fixed-position characters are read with two row gathers (the first
    # 15 bytes from '!', the last 5 of the line) instead of one random take
    # per character. Lines too short to hold them fail ``long_enough`` and
    # their bytes (read from the next line) decide nothing.
    has_bang = bang >= 0
    head = fixed_rows(buffer, np.maximum(bang, 0), 15).T
    tail = fixed_rows(buffer, np.maximum(end - 5, 0), 5).T

    def number(column: npt.NDArray[np.uint8]) -> I64:
        return column.astype(np.int64)

    long_enough = has_bang & (end - bang >= MIN_SENTENCE)
    frame = (
        long_enough
        & (head[6] == COMMA)
        & (head[8] == COMMA)
        & (head[10] == COMMA)
        & (tail[2] == STAR)
        & (tail[0] == COMMA)
    )
    formatter = number(head[3]) * 65536 + number(head[4]) * 256 + number(head[5])
    is_ais = (formatter == _code("VDM")) | (formatter == _code("VDO"))
    count = number(head[7]) - 48
    index = number(head[9]) - 48
    fragments_ok = (count >= 1) & (count <= 9) & (index >= 1) & (index <= count)

    c11 = number(head[11])
    empty_sequence = c11 == COMMA
    digit_sequence = (c11 >= 48) & (c11 <= 57) & (head[12] == COMMA)
    sequence = np.where(digit_sequence, c11 - 48, -1)
    channel_at = np.where(digit_sequence, bang + 13, bang + 12)
    c_channel = number(np.where(digit_sequence, head[13], head[12]))
    after_channel = np.where(digit_sequence, head[14], head[13])
    empty_channel = c_channel == COMMA
    one_channel = (c_channel != COMMA) & (after_channel == COMMA)
    channel = np.where(one_channel, c_channel, 0)
    payload_start = np.where(one_channel, channel_at + 2, channel_at + 1)
    payload_end = end - 5
    fields_ok = (
        (empty_sequence | digit_sequence)
        & (empty_channel | one_channel)
        & (payload_end >= payload_start)
    )
    fill = number(tail[1]) - 48
    fill_ok = (fill >= 0) & (fill <= 5)
    declared = hex_pair(tail[3], tail[4])
    computed = range_xor(buffer, np.where(frame, bang + 1, 0), np.where(frame, end - 3, 0))
    checksum_ok = (declared >= 0) & (declared == computed)

    checks = (
        (has_bang, NO_SENTENCE),
        (frame & fields_ok, MALFORMED),
        (is_ais, NOT_AIS),
        (fragments_ok, BAD_FRAGMENT),
        (fill_ok, BAD_FILL),
        (checksum_ok, BAD_CHECKSUM),
        (payload_end > payload_start, EMPTY_PAYLOAD),
    )
    for passed, text in reversed(checks):
        reason[~passed] = text
    return Sentences(
        bang=bang,
        count=count,
        index=index,
        sequence=sequence,
        channel=channel,
        payload_start=payload_start,
        payload_end=payload_end,
        fill=fill,
        reason=reason,
    )


def _code(text: str) -> int:
    return ord(text[0]) * 65536 + ord(text[1]) * 256 + ord(text[2])
