"""AIS 6-bit payload armouring, undone for whole batches with NumPy.

A payload character carries six bits: ASCII 48-87 map to 0-39 and 96-119 to
40-63 (ITU-R M.1371, IEC 61162-1). Every other byte is invalid. Fields are read
straight from the armoured characters: a field of ``width`` bits at bit
``offset`` spans a handful of characters, so one field of a million messages
costs a few array operations, and no bit matrix is ever materialised.

Reading beyond the end of a payload follows pyais: a field that starts past
the last bit is missing (null), a field cut by the end keeps only the bits that
are there (as a narrower number).

A payload is invalid when a character that a field is read from lies outside
the 6-bit alphabet; characters no field reaches are not looked at (as in
pyais). :class:`PackedPayloads` reads the same fields from 64-bit words that
the compiled kernel packs, with the same results.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from enum import IntEnum
from typing import Any

import numpy as np
import numpy.typing as npt

from portintel.ais.byte_ranges import fixed_rows

U8 = npt.NDArray[np.uint8]
I64 = npt.NDArray[np.int64]
Mask = npt.NDArray[np.bool_]
Counts = npt.NDArray[np.integer[Any]]
"""How many bits of a field each payload holds (0: the field is missing)."""


class Conversion(IntEnum):
    """How the kernel stores a field (``_kernel.extract``): pyais's conversions, bit for bit."""

    INT = 0  # the number, int64
    FLOAT = 1  # float64 of the number
    TENTH = 2  # float64 of number / 10
    LATLON = 3  # 1/10000 minutes to degrees, rounded to six decimals
    LATLON_600 = 4  # 1/10 minutes to degrees, rounded to six decimals
    BOOL = 5  # number != 0


FieldSpec = tuple[int, int, bool, Conversion]
"""A numeric field to read: offset, width, signed, conversion."""
DTYPES: dict[Conversion, type[np.generic]] = {Conversion.BOOL: np.bool_, Conversion.INT: np.int64}
"""The dtype the kernel stores a conversion in (float64 for the others)."""

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
    _first_invalid: I64 | None = field(default=None, repr=False)
    _checked: int = 0  # characters that fields were read from (0 .. _checked - 1)
    _sextet_matrix: U8 = field(default_factory=lambda: np.zeros((0, 0), dtype=np.uint8))
    _width: int = 0

    def __len__(self) -> int:
        return int(self.start.shape[0])

    def subset(self, rows: I64) -> Payloads:
        return type(self)(self.arena, self.start[rows], self.length[rows], self.bits[rows])

    def _read(self, characters: int) -> None:
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
        first_invalid = np.full(len(self), characters, dtype=np.int64)
        if bad.any():
            is_invalid = values[:, bad] == INVALID
            first_invalid[bad] = np.argmax(is_invalid, axis=0)
            values = np.where(values == INVALID, 0, values).astype(np.uint8)
        self._first_invalid = first_invalid
        self._sextet_matrix = values
        self._width = characters

    def sextet(self, index: int) -> npt.NDArray[np.integer[Any]]:
        """6-bit value of character ``index`` of every payload (0 past the end)."""
        self._checked = max(self._checked, index + 1)
        self._read(max(index + 1, 28))
        column: npt.NDArray[np.integer[Any]] = self._sextet_matrix[index]
        return column

    def prepare(self, bits: int) -> None:
        """Read enough characters for a layout of ``bits`` bits in one go."""
        characters = (bits + 5) // 6
        self._checked = max(self._checked, characters)
        self._read(characters)

    def prepare_fields(self, bits: int, fields: Sequence[FieldSpec]) -> None:
        """Get ready to read a layout of ``bits`` bits whose numeric fields are
        ``(offset, width, signed, conversion)``; here the same as ``prepare(bits)``."""
        self.prepare(bits)

    def converted(self, spec: FieldSpec) -> tuple[npt.NDArray[np.generic], Counts] | None:
        """A field's values already converted (see ``Conversion``), or None: convert them."""
        return None

    def invalid_characters(self) -> Mask:
        """True where a character that a field was read from lies outside the 6-bit alphabet.

        Only characters that fields were read from are checked: the rest of a
        payload is not decoded (as in pyais), so it cannot make a value wrong.
        """
        if self._first_invalid is None:
            return np.zeros(len(self), dtype=np.bool_)
        invalid: Mask = self._first_invalid < self._checked
        return invalid

    def message_type(self) -> I64:
        """The first character's value (0 for an empty payload); only it is checked."""
        inside = self.length > 0
        values = SIXBIT[self.arena[np.where(inside, self.start, 0)]]
        invalid = inside & (values == INVALID)
        if self._first_invalid is None:
            self._first_invalid = np.where(invalid, 0, 1).astype(np.int64)
            self._checked = max(self._checked, 1)
        return np.where(inside & ~invalid, values, 0).astype(np.int64)

    def _bits(self, offset: int, width: int) -> I64:
        """Raw bits of a field, zeros past the end of a payload."""
        first, last = offset // 6, (offset + width - 1) // 6
        # Up to five characters fit 32 bits: half the memory traffic of int64.
        wide: type[np.integer[Any]] = np.int64 if 6 * (last + 1 - first) > 32 else np.uint32
        accumulated: npt.NDArray[np.integer[Any]] = self.sextet(first).astype(wide)
        for index in range(first + 1, last + 1):
            accumulated = (accumulated << 6) | self.sextet(index)
        shift = 6 * (last + 1) - (offset + width)
        value: I64 = ((accumulated >> shift) & ((1 << width) - 1)).astype(np.int64)
        return value

    def unsigned(self, offset: int, width: int) -> tuple[I64, Counts]:
        """Raw bits of a field and how many of them exist (0 = field missing)."""
        value = self._bits(offset, width)
        if len(self) and int(self.bits.min()) >= offset + width:
            return value, np.full(len(self), width, dtype=np.int64)
        available = np.clip(self.bits - offset, 0, width)
        short = available < width
        value = np.where(short, value >> (width - available), value)
        return value, available

    def signed(self, offset: int, width: int) -> tuple[I64, Counts]:
        value, available = self.unsigned(offset, width)
        available = np.asarray(available, dtype=np.int64)
        top = np.maximum(available - 1, 0)
        negative = (available > 0) & (((value >> top) & 1) == 1)
        return np.where(negative, value - (np.int64(1) << available), value), available

    def binary(self, offset: int, width: int) -> tuple[U8, I64, Counts]:
        """Bytes (rows x bytes) of a binary field, its length in bytes and its bits per row.

        pyais's ``get_bytes``: the bits of the field that the payload holds,
        right-padded with zeros to a whole byte.
        """
        available = np.clip(self.bits - offset, 0, width).astype(np.int64)
        lengths = (available + 7) // 8
        count = int(lengths.max()) if len(self) else 0
        data = np.zeros((len(self), count), dtype=np.uint8)
        for index in range(count):
            start = offset + 8 * index
            size = min(8, width - 8 * index)
            value = self._bits(start, size)
            kept = np.clip(available - 8 * index, 0, 8)
            mask = (0xFF << (8 - kept)) & 0xFF
            data[:, index] = (value << (8 - size)) & mask
        return data, lengths, available

    def text(self, offset: int, width: int) -> tuple[U8, Counts]:
        """ASCII codes (rows x characters) of a 6-bit text field.

        A width that is not a multiple of six reads one more character, of up
        to six bits (pyais's ``get_str``).
        """
        count = (width + 5) // 6
        if len(self) and int(self.bits.min()) >= offset + 6 * count:
            # Every payload holds the whole field.
            return self._text_codes(offset, count), np.full(len(self), width, dtype=np.int64)
        codes = np.empty((len(self), count), dtype=np.uint8)
        for index in range(count):
            value, _ = self.unsigned(offset + 6 * index, 6)
            codes[:, index] = TEXT_CHARACTERS[value]
        _, available = self.unsigned(offset, 1)
        return codes, available

    def _text_codes(self, offset: int, count: int) -> U8:
        """ASCII codes of ``count`` characters from ``offset``, the block shifted at once."""
        first, shift = offset // 6, offset % 6
        self._checked = max(self._checked, (offset + 6 * count + 5) // 6)
        self._read(first + count + 1)
        block = self._sextet_matrix[first : first + count + 1].astype(np.uint16)
        values = ((block[:count] << 6 | block[1:]) >> (6 - shift)) & 63
        codes: U8 = np.ascontiguousarray(TEXT_CHARACTERS[values].T)
        return codes


@dataclass
class PackedPayloads(Payloads):
    """Payloads read from 64-bit words packed by the compiled kernel (``_kernel.pack``).

    The same fields and the same validity as :class:`Payloads`: a layout's
    characters are de-armoured and packed once, then a field costs a shift and
    a mask (two words when it straddles a word boundary).
    """

    _words: npt.NDArray[np.uint64] = field(default_factory=lambda: np.zeros((0, 0), np.uint64))
    _packed: int = 0  # characters packed into _words
    _fields: dict[FieldSpec, tuple[npt.NDArray[np.generic], npt.NDArray[np.uint8]]] = field(
        default_factory=dict
    )

    def subset(self, rows: I64) -> Payloads:
        if not self._packed:
            return super().subset(rows)
        assert self._first_invalid is not None
        return PackedPayloads(
            self.arena,
            self.start[rows],
            self.length[rows],
            self.bits[rows],
            _first_invalid=self._first_invalid[rows],
            _words=np.take(self._words, rows, axis=1),
            _packed=self._packed,
        )

    def _read(self, characters: int) -> None:
        """Pack the first ``characters`` of every payload into 64-bit words (the kernel)."""
        if characters <= self._packed:
            return
        from portintel.ais import _kernel

        size = len(self)
        words = np.empty(((6 * characters + 63) // 64, size), dtype=np.uint64)
        first_invalid = np.empty(size, dtype=np.int64)
        _kernel.pack(
            self.arena,
            np.ascontiguousarray(self.start, dtype=np.int64),
            np.ascontiguousarray(self.length, dtype=np.int64),
            characters,
            words,
            first_invalid,
        )
        self._words, self._first_invalid, self._packed = words, first_invalid, characters

    def prepare_fields(self, bits: int, fields: Sequence[FieldSpec]) -> None:
        """Pack the layout's characters, then read and convert its numeric fields in one call."""
        from portintel.ais import _kernel

        self.prepare(bits)
        wanted = [spec for spec in fields if spec not in self._fields]
        if not wanted or len(self) == 0:
            return
        offsets, widths, signs, kinds = (
            np.array(column, dtype=np.int64) for column in zip(*wanted, strict=True)
        )
        values: list[npt.NDArray[np.generic]] = [
            np.empty(len(self), dtype=DTYPES.get(spec[3], np.float64)) for spec in wanted
        ]
        available = np.empty((len(wanted), len(self)), dtype=np.uint8)
        _kernel.extract(
            self._words,
            np.ascontiguousarray(self.bits, dtype=np.int64),
            offsets,
            widths,
            signs,
            kinds,
            [value.view(np.uint8) if value.dtype == np.bool_ else value for value in values],
            available,
        )
        for row, spec in enumerate(wanted):
            self._fields[spec] = (values[row], available[row])

    def converted(self, spec: FieldSpec) -> tuple[npt.NDArray[np.generic], Counts] | None:
        return self._fields.get(spec)

    def _extracted(self, offset: int, width: int, signed: bool) -> tuple[I64, Counts] | None:
        """A numeric field ``prepare_fields`` already read, or None."""
        cached = self._fields.get((offset, width, signed, Conversion.INT))
        return None if cached is None else (cached[0].astype(np.int64, copy=False), cached[1])

    def unsigned(self, offset: int, width: int) -> tuple[I64, Counts]:
        return self._extracted(offset, width, False) or super().unsigned(offset, width)

    def signed(self, offset: int, width: int) -> tuple[I64, Counts]:
        return self._extracted(offset, width, True) or super().signed(offset, width)

    def message_type(self) -> I64:
        if self._packed:
            return self._bits(0, 6)
        return super().message_type()

    def sextet(self, index: int) -> npt.NDArray[np.integer[Any]]:
        return self._bits(6 * index, 6)

    def _bits(self, offset: int, width: int) -> I64:
        last = (offset + width + 5) // 6
        self._checked = max(self._checked, last)
        if last > self._packed:  # a field past the prepared layout (type 24's part number)
            self._read(max(last, 28))
        word, at = divmod(offset, 64)
        words = self._words
        if at + width <= 64:
            value = (words[word] >> np.uint64(64 - at - width)) & np.uint64((1 << width) - 1)
        else:
            low = at + width - 64  # bits taken from the next word
            high = words[word] & np.uint64((1 << (64 - at)) - 1)
            value = (high << np.uint64(low)) | (words[word + 1] >> np.uint64(64 - low))
        result: I64 = value.astype(np.int64)
        return result

    def _text_codes(self, offset: int, count: int) -> U8:
        codes = np.empty((len(self), count), dtype=np.uint8)
        for index in range(count):
            codes[:, index] = TEXT_CHARACTERS[self._bits(offset + 6 * index, 6)]
        return codes
