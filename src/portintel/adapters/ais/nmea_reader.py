"""Read NMEA files in chunks of lines with their line numbers, ready for the decoder.

Lines that cannot be decoder input are refused here with a reason and line
number instead of being fed on: lines longer than any NMEA sentence could
be (a stream with no newlines must not exhaust memory) and lines with bytes
that are not text. A chunk never ends inside a multi-sentence message, so
each chunk can be committed on its own and an interrupted ingest resumes at
a chunk boundary without splitting a message.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

import numpy as np

from portintel.adapters.ais.files import DamageCallback, compressed_position, open_binary

MAX_LINE_BYTES = 4096
BLOCK_BYTES = 1 << 20
"""An NMEA sentence is at most 82 characters; tag blocks and logger columns add a few hundred."""
RAW_PREFIX_CHARS = 300
LINE_TOO_LONG = "line too long"
UNDECODABLE_BYTES = "undecodable bytes"
REPLACEMENT = "\ufffd"


@dataclass(frozen=True, slots=True)
class LineRun:
    """Consecutive decodable lines starting at ``first_line``."""

    first_line: int
    lines: list[str]


@dataclass(slots=True)
class NmeaChunk:
    """Lines of one chunk as runs for the decoder, refusals, and the position reached."""

    runs: list[LineRun] = field(default_factory=list)
    rejects: list[tuple[int, str, str]] = field(default_factory=list)
    sentences: int = 0
    end_line: int = 0
    end_offset: int = 0
    progress_bytes: int = 0
    """Bytes of the file on disk read so far (compressed bytes for .gz), for progress bars."""


def unfinished_fragment(line: str) -> bool:
    """True when ``line`` is a part, not the last, of a multi-sentence message."""
    start = line.find("!")
    if start < 0:
        return False
    fields = line[start:].split(",", 3)
    if len(fields) < 3 or not fields[1].isdigit() or not fields[2].isdigit():
        return False
    return int(fields[2]) < int(fields[1])


def classify(raw: bytes) -> tuple[str, str | None]:
    """The text of a raw line and the reason to refuse it, if any."""
    text = raw.decode("utf-8", errors="replace").rstrip("\r\n")
    if REPLACEMENT in text or "\x00" in text:
        return text, UNDECODABLE_BYTES
    return text, None


class _ChunkBuilder:
    """Numbers lines, groups them into runs and cuts chunks at message boundaries."""

    def __init__(self, start_line: int, start_offset: int, chunk_lines: int) -> None:
        self.chunk_lines = chunk_lines
        self.next_line = start_line + 1
        self.offset = start_offset
        self.chunk = NmeaChunk()
        self.count = 0
        self.run: LineRun | None = None

    def _cut(self, last: str | None) -> NmeaChunk | None:
        if self.count < self.chunk_lines or (last is not None and unfinished_fragment(last)):
            return None
        chunk = self.chunk
        chunk.end_line, chunk.end_offset = self.next_line - 1, self.offset
        self.chunk, self.count, self.run = NmeaChunk(), 0, None
        return chunk

    def add_good(self, texts: list[str], ends: Sequence[int]) -> Iterator[NmeaChunk]:
        """Lines known to be clean text; ``ends[i]``: bytes of lines 0..i, newlines included."""
        index = 0
        while index < len(texts):
            take = texts[index : index + max(1, self.chunk_lines - self.count)]
            if self.run is None:
                self.run = LineRun(self.next_line, [])
                self.chunk.runs.append(self.run)
            self.run.lines.extend(take)
            self.chunk.sentences += len(take) - take.count("")
            self.next_line += len(take)
            self.count += len(take)
            self.offset += ends[index + len(take) - 1] - (ends[index - 1] if index else 0)
            index += len(take)
            chunk = self._cut(take[-1])
            if chunk is not None:
                yield chunk

    def add_one(self, text: str, reason: str | None, size: int) -> Iterator[NmeaChunk]:
        if reason is None:
            yield from self.add_good([text], [size])  # one line: its end is its size
            return
        self.chunk.rejects.append((self.next_line, text[:RAW_PREFIX_CHARS], reason))
        self.run = None
        self.next_line += 1
        self.count += 1
        self.offset += size
        chunk = self._cut(None)
        if chunk is not None:
            yield chunk

    def finish(self) -> NmeaChunk:
        chunk = self.chunk
        chunk.end_line, chunk.end_offset = self.next_line - 1, self.offset
        return chunk


def _pieces(
    builder: _ChunkBuilder, pieces: list[bytes], max_line_bytes: int, *, newline: bool = True
) -> Iterator[NmeaChunk]:
    """Complete lines of one block: clean ASCII in bulk, anything else line by line."""
    extra = 1 if newline else 0
    joined = b"\n".join(pieces)
    if joined.isascii() and b"\x00" not in joined and max(map(len, pieces)) <= max_line_bytes:
        texts = joined.decode("ascii").replace("\r", "").split("\n")
        sizes = np.fromiter(map(len, pieces), dtype=np.int64, count=len(pieces)) + extra
        yield from builder.add_good(texts, np.cumsum(sizes).tolist())
        return
    for piece in pieces:
        if len(piece) > max_line_bytes:
            prefix = piece[:RAW_PREFIX_CHARS].decode("utf-8", errors="replace")
            yield from builder.add_one(prefix, LINE_TOO_LONG, len(piece) + extra)
        else:
            text, reason = classify(piece)
            yield from builder.add_one(text, reason, len(piece) + extra)


def read_nmea_chunks(
    path: Path,
    *,
    start_line: int = 0,
    start_offset: int = 0,
    chunk_lines: int = 100_000,
    max_line_bytes: int = MAX_LINE_BYTES,
    block_bytes: int = BLOCK_BYTES,
    on_damage: DamageCallback | None = None,
) -> Iterator[NmeaChunk]:
    """Chunks of ``path`` after ``start_line`` lines and ``start_offset`` bytes (the manifest).

    The file is read in blocks and split into lines in bulk; a block of clean
    ASCII (the usual case) costs no Python work per line. An overlong line is
    refused as soon as it exceeds the limit and skipped up to its newline
    without being held in memory. A damaged ``.gz`` ends where the damage
    starts and ``on_damage`` hears why.
    """
    builder = _ChunkBuilder(start_line, start_offset, chunk_lines)
    with open_binary(path, on_damage) as handle:
        if start_offset:
            handle.seek(start_offset)
        carry = b""
        discarded: int | None = None  # bytes of an overlong line being skipped
        while block := handle.read(block_bytes):
            pieces = (carry + block).split(b"\n")
            carry = pieces.pop()
            if discarded is not None and pieces:
                builder.offset += discarded + len(pieces.pop(0)) + 1
                discarded = None
            if pieces:
                for chunk in _pieces(builder, pieces, max_line_bytes):
                    chunk.progress_bytes = _disk_offset(handle, chunk.end_offset)
                    yield chunk
            if discarded is not None:
                discarded += len(carry)
                carry = b""
            elif len(carry) > max_line_bytes:
                prefix = carry[:RAW_PREFIX_CHARS].decode("utf-8", errors="replace")
                builder.chunk.rejects.append((builder.next_line, prefix, LINE_TOO_LONG))
                builder.run = None
                builder.next_line += 1
                builder.count += 1
                discarded, carry = len(carry), b""
        if discarded is not None:
            builder.offset += discarded
        elif carry:
            yield from _pieces(builder, [carry], max_line_bytes, newline=False)
        chunk = builder.finish()
        chunk.progress_bytes = _disk_offset(handle, chunk.end_offset)
        yield chunk


def _disk_offset(handle: BinaryIO, offset: int) -> int:
    on_disk = compressed_position(handle)
    return offset if on_disk is None else on_disk
