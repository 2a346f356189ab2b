"""The row keys a day partition holds, as a sorted array of 128-bit numbers.

A row key is a BLAKE2b-128 digest written as 32 hexadecimal characters
(:mod:`portintel.domain.maritime.row_key`). The store checks every row it
writes against the keys of its partition. Kept as Polars text and checked
with ``is_in``, that cost a hash table of every stored key per write (about
0.1 s of CPU a write once a partition holds 800,000 rows, so a file's
ingest grew with the square of its size) and about 50 bytes of memory a key.
Here a key is its 16 bytes as two unsigned 64-bit words, kept sorted:
membership is a binary search of the batch's keys, adding is a merge, and a
million keys take 16 MB.

The index is exact: two keys are the same key only when all 128 bits are.
A text that is not 32 lower-case hexadecimal characters (never written by
this project's writers, but a store is only files) is folded to 128 bits by
BLAKE2b of its text, so it is still found again when written again.
"""

from __future__ import annotations

import hashlib

import numpy as np
import numpy.typing as npt
import polars as pl
import pyarrow as pa  # type: ignore[import-untyped]

Words = npt.NDArray[np.uint64]
"""Keys as an ``(n, 2)`` array: the high then the low 64 bits of each."""

KEY_CHARACTERS = 32
_NIBBLE = np.full(256, 255, dtype=np.uint8)
_NIBBLE[np.frombuffer(b"0123456789", dtype=np.uint8)] = np.arange(10, dtype=np.uint8)
_NIBBLE[np.frombuffer(b"abcdef", dtype=np.uint8)] = np.arange(10, 16, dtype=np.uint8)
_HEX = frozenset("0123456789abcdef")


def key_words(keys: pl.Series) -> Words:
    """The keys of ``keys`` (text, no nulls) as 128-bit numbers, in the same order."""
    rows = keys.len()
    if rows == 0:
        return np.empty((0, 2), dtype=np.uint64)
    text = keys.cast(pl.Utf8).to_arrow()
    if isinstance(text, pa.ChunkedArray):
        text = text.combine_chunks()
    if text.type != pa.large_string():
        text = text.cast(pa.large_string())
    if text.null_count:
        raise ValueError("row keys must not be null")
    offsets = np.frombuffer(text.buffers()[1], dtype=np.int64)[text.offset : text.offset + rows + 1]
    data = np.frombuffer(text.buffers()[2], dtype=np.uint8)
    if np.all(np.diff(offsets) == KEY_CHARACTERS):
        nibbles = _NIBBLE[data[offsets[0] : offsets[-1]]].reshape(rows, KEY_CHARACTERS)
        if int(nibbles.max()) < 16:
            packed = (nibbles[:, 0::2] << 4) | nibbles[:, 1::2]
            return np.ascontiguousarray(packed).view(">u8").astype(np.uint64)
    return _folded(keys.cast(pl.Utf8).to_list())


def _folded(keys: list[str]) -> Words:
    """Keys of any text: hexadecimal ones as they are, others by a digest of their text."""
    digests = bytearray()
    for key in keys:
        if len(key) == KEY_CHARACTERS and _HEX.issuperset(key):
            digests += bytes.fromhex(key)
        else:
            digests += hashlib.blake2b(key.encode("utf-8"), digest_size=16).digest()
    return np.frombuffer(bytes(digests), dtype=">u8").reshape(-1, 2).astype(np.uint64)


class KeyIndex:
    """A set of row keys: sorted by their high word (equal high words in any order)."""

    __slots__ = ("_high", "_low")

    def __init__(self, words: Words | None = None) -> None:
        if words is None or len(words) == 0:
            self._high: npt.NDArray[np.uint64] = np.empty(0, dtype=np.uint64)
            self._low: npt.NDArray[np.uint64] = np.empty(0, dtype=np.uint64)
            return
        unique = _sorted_unique(words)
        self._high = np.ascontiguousarray(unique[:, 0])
        self._low = np.ascontiguousarray(unique[:, 1])

    @classmethod
    def of(cls, keys: pl.Series) -> KeyIndex:
        return cls(key_words(keys))

    def __len__(self) -> int:
        return int(self._high.shape[0])

    @property
    def nbytes(self) -> int:
        return int(self._high.nbytes + self._low.nbytes)

    def contains(self, words: Words) -> npt.NDArray[np.bool_]:
        """Per key of ``words``, whether the index holds it."""
        found = np.zeros(len(words), dtype=np.bool_)
        if len(words) == 0 or len(self) == 0:
            return found
        high, low = words[:, 0], words[:, 1]
        first = np.searchsorted(self._high, high, side="left")
        last = np.searchsorted(self._high, high, side="right")
        span = last - first
        single = span == 1
        found[single] = self._low[first[single]] == low[single]
        # two stored keys sharing 64 high bits: compare against each (about never)
        for row in np.flatnonzero(span > 1):
            found[row] = bool(np.any(self._low[first[row] : last[row]] == low[row]))
        return found

    def add(self, words: Words) -> None:
        """Add keys (those already held are not added twice)."""
        if len(words) == 0:
            return
        new = _sorted_unique(words)
        self.add_absent(new[~self.contains(new)])

    def add_absent(self, words: Words) -> None:
        """Add keys the caller knows are distinct and not held (a write's new rows)."""
        if len(words) == 0:
            return
        new = words[np.argsort(words[:, 0], kind="stable")]
        at = np.searchsorted(self._high, new[:, 0], side="left")
        self._high = np.insert(self._high, at, new[:, 0])
        self._low = np.insert(self._low, at, new[:, 1])


def _sorted_unique(words: Words) -> Words:
    """``words`` sorted by (high, low) with repeats left out."""
    ordered = words[np.lexsort((words[:, 1], words[:, 0]))]
    keep = np.ones(len(ordered), dtype=np.bool_)
    keep[1:] = np.any(ordered[1:] != ordered[:-1], axis=1)
    return ordered[keep]
