"""Typing of the compiled kernel (see _kernel.c)."""

from collections.abc import Sequence
from typing import Any

Buffer = Any  # any C-contiguous object with the buffer protocol (NumPy arrays, bytes)

SCAN_COLUMNS: tuple[str, ...]
SCAN_DTYPES: tuple[str, ...]
SCAN_CHARACTERS: int
SCAN_WORDS: int

def count_lines(buffer: Buffer, /) -> int: ...
def scan(
    buffer: Buffer,
    columns: Sequence[Buffer],
    words: Buffer,
    first_invalid: Buffer,
    tag_mode: int,  # 0 trust, 1 flag, 2 strict (prefixes.TAG_MODES)
    /,
) -> int: ...
def pack(
    arena: Buffer,
    start: Buffer,
    length: Buffer,
    characters: int,
    words: Buffer,
    first_invalid: Buffer,
    /,
) -> None: ...
def extract(
    words: Buffer,
    bits: Buffer,
    offsets: Buffer,
    widths: Buffer,
    signed: Buffer,
    kinds: Buffer,
    values: Sequence[Buffer],
    available: Buffer,
    /,
) -> None: ...
def blake2b_hex(texts: list[str], /) -> list[str]: ...
def blake2b_hex_arrow(offsets: Buffer, data: Buffer, out: Buffer, /) -> None: ...
def receive_datagrams(fd: int, most: int, timeout_ms: int, /) -> list[bytes]: ...
