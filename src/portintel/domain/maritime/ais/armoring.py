"""AIS 6-bit payload armouring, undone for whole batches with NumPy.

A payload character carries six bits: ASCII 48-87 map to 0-39 and 96-119 to
40-63 (ITU-R M.1371, IEC 61162-1). Every other byte is invalid. Fields are read
straight from the armoured characters: a field of ``width`` bits at bit
``offset`` spans a handful of characters, so one field of a million messages
costs a few array operations, and no bit matrix is ever materialised.

Reading beyond the end of a payload follows pyais: a field that starts past
the last bit is missing (null), a field cut by the end keeps only the bits that
are there (as a narrower number).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt

from portintel.domain.maritime.ais.byte_ranges import fixed_rows

U8 = npt.NDArray[np.uint8]
I64 = npt.NDArray[np.int64]
Mask = npt.NDArray[np.bool_]

INVALID = 255
SIXBIT: U8 = np.full(256, INVALID, dtype=np.uint8)
SIXBIT[48:88] = np.arange(0, 40, dtype=np.uint8)
SIXBIT[96:120] = np.arange(40, 64, dtype=np.uint8)

TEXT_CHARACTERS: U8 = np.array([v + 64 if v < 32 else v for v in range(64)], dtype=np.uint8)
"""6-bit value -> ASCII of AIS text: 0-31 are '@', 'A'..'_'; 32-63 are ' '..'?'."""


@dataclass
class Payloads:
    """The payloads of a batch of messages, addressed inside one byte arena.

    ``start[i]``/``length[i]`` locate message i's armoured characters in
    ``arena``; ``bits[i]`` is its bit length after removing the fill bits.
    """

    arena: U8
    start: I64
    length: I64
    bits: I64
    _invalid: Mask | None = field(default=None, repr=False)
    _sextet_matrix: U8 = field(default_factory=lambda: np.zeros((0, 0), dtype=np.uint8))
    _width: int = 0

    def __len__(self) -> int:
        return int(self.start.shape[0])

    def subset(self, rows: I64) -> Payloads:
        return Payloads(self.arena, self.start[rows], self.length[rows], self.bits[rows])

    def _matrix(self, characters: int) -> None:
        """Read the first ``characters`` of every payload at once into a sextet matrix.

        One row gather (see ``fixed_rows``); characters past a payload's end
        read as 0.
        """
        if self._width >= characters or len(self) == 0:
            return
        rows = fixed_rows(self.arena, self.start, characters)
        # Transposed so that each character position is one contiguous column.
        values = SIXBIT[rows.T]
        if int(self.length.min()) < characters:
            inside = np.arange(characters)[:, None] < self.length[None, :]
            values = np.where(inside, values, 0).astype(np.uint8)
        # INVALID (255) is the largest byte: a column maximum finds bad
        # payloads without a full comparison matrix in the usual all-valid case.
        bad = values.max(axis=0) == INVALID
        self._invalid = bad
        if bad.any():
            values = np.where(values == INVALID, 0, values).astype(np.uint8)
        self._sextet_matrix = values
        self._width = characters

    def sextet(self, index: int) -> npt.NDArray[np.integer[Any]]:
        """6-bit value of character ``index`` of every payload (0 past the end)."""
        if index == 0 and self._width == 0:  # the message type alone: one gather
            inside = self.length > 0
            values = SIXBIT[self.arena[np.where(inside, self.start, 0)]]
            invalid = inside & (values == INVALID)
            self._invalid = invalid
            return np.where(inside & ~invalid, values, 0).astype(np.int64)
        self._matrix(max(index + 1, 28))
        column: npt.NDArray[np.integer[Any]] = self._sextet_matrix[index]
        return column

    def prepare(self, bits: int) -> None:
        """Read enough characters for a layout of ``bits`` bits in one go."""
        self._matrix((bits + 5) // 6)

    def invalid_characters(self) -> Mask:
        """True where a character read so far lies outside the 6-bit alphabet.

        Only characters that fields were read from are checked: the rest of a
        payload is not decoded (as in pyais), so it cannot make a value wrong.
        """
        if self._invalid is None:
            return np.zeros(len(self), dtype=np.bool_)
        return self._invalid

    def message_type(self) -> I64:
        return self.sextet(0).astype(np.int64)

    def unsigned(self, offset: int, width: int) -> tuple[I64, I64]:
        """Raw bits of a field and how many of them exist (0 = field missing)."""
        first, last = offset // 6, (offset + width - 1) // 6
        # Up to five characters fit 32 bits: half the memory traffic of int64.
        wide: type[np.integer[Any]] = np.int64 if 6 * (last + 1 - first) > 32 else np.uint32
        accumulated: npt.NDArray[np.integer[Any]] = self.sextet(first).astype(wide)
        for index in range(first + 1, last + 1):
            accumulated = (accumulated << 6) | self.sextet(index)
        shift = 6 * (last + 1) - (offset + width)
        value = ((accumulated >> shift) & ((1 << width) - 1)).astype(np.int64)
        if len(self) and int(self.bits.min()) >= offset + width:
            return value, np.full(len(self), width, dtype=np.int64)
        available = np.clip(self.bits - offset, 0, width)
        short = available < width
        value = np.where(short, value >> (width - available), value)
        return value, available

    def signed(self, offset: int, width: int) -> tuple[I64, I64]:
        value, available = self.unsigned(offset, width)
        top = np.maximum(available - 1, 0)
        negative = (available > 0) & (((value >> top) & 1) == 1)
        return np.where(negative, value - (np.int64(1) << available), value), available

    def text(self, offset: int, width: int) -> tuple[U8, I64]:
        """ASCII codes (rows x characters) of a 6-bit text field."""
        count = width // 6
        first, shift = offset // 6, offset % 6
        if len(self) and int(self.bits.min()) >= offset + width:
            # Every payload holds the whole field: shift the character block at once.
            self._matrix(first + count + 1)
            block = self._sextet_matrix[first : first + count + 1].astype(np.uint16)
            values = ((block[:count] << 6 | block[1:]) >> (6 - shift)) & 63
            codes_t = TEXT_CHARACTERS[values]
            return np.ascontiguousarray(codes_t.T), np.full(len(self), width, dtype=np.int64)
        codes = np.empty((len(self), count), dtype=np.uint8)
        for index in range(count):
            value, _ = self.unsigned(offset + 6 * index, 6)
            codes[:, index] = TEXT_CHARACTERS[value]
        _, available = self.unsigned(offset, 1)
        return codes, available
