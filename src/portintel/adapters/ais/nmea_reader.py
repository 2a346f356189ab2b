"""Read NMEA files in chunks of lines with their line numbers, ready for the decoder.

Lines that cannot be decoder input are refused here with a reason and line
number instead of being fed on: lines longer than any NMEA sentence could
be (a stream with no newlines must not exhaust memory) and lines with bytes
that are not text. A chunk never ends inside a multi-sentence message, so
each chunk can be committed on its own and an interrupted ingest resumes at
a chunk boundary without splitting a message.
"""

from __future__ import annotations

import gzip
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

from portintel.adapters.ais.files import open_binary

MAX_LINE_BYTES = 4096
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


class _Chunker:
    def __init__(self, first_line: int) -> None:
        self.chunk = NmeaChunk()
        self.run: LineRun | None = None
        self.next_line = first_line

    def add(self, text: str, reason: str | None) -> None:
        number = self.next_line
        self.next_line += 1
        if reason is not None:
            self.chunk.rejects.append((number, text[:RAW_PREFIX_CHARS], reason))
            self.run = None
            return
        if not text.strip():
            self.run = None
            return
        self.chunk.sentences += 1
        if self.run is None:
            self.run = LineRun(number, [])
            self.chunk.runs.append(self.run)
        self.run.lines.append(text)


def read_nmea_chunks(
    path: Path,
    *,
    start_line: int = 0,
    start_offset: int = 0,
    chunk_lines: int = 100_000,
    max_line_bytes: int = MAX_LINE_BYTES,
) -> Iterator[NmeaChunk]:
    """Chunks of ``path`` after ``start_line`` lines and ``start_offset`` bytes (the manifest)."""
    with open_binary(path) as handle:
        if start_offset:
            handle.seek(start_offset)
        offset = start_offset
        chunker = _Chunker(start_line + 1)
        pending_fragment = False
        while True:
            raw = handle.readline(max_line_bytes + 1)
            if not raw:
                break
            offset += len(raw)
            if len(raw) > max_line_bytes and not raw.endswith(b"\n"):
                # an overlong line: keep a prefix as evidence, skip the rest of it
                while True:
                    rest = handle.readline(1 << 16)
                    offset += len(rest)
                    if not rest or rest.endswith(b"\n"):
                        break
                text = raw[:RAW_PREFIX_CHARS].decode("utf-8", errors="replace")
                chunker.add(text, LINE_TOO_LONG)
                pending_fragment = False
            else:
                text, reason = classify(raw)
                chunker.add(text, reason)
                pending_fragment = reason is None and unfinished_fragment(text)
            count = chunker.next_line - start_line - 1
            if count >= chunk_lines and not pending_fragment:
                chunk = chunker.chunk
                chunk.end_line, chunk.end_offset = chunker.next_line - 1, offset
                chunk.progress_bytes = _disk_offset(handle, offset)
                yield chunk
                start_line = chunker.next_line - 1
                chunker = _Chunker(chunker.next_line)
        chunk = chunker.chunk
        chunk.end_line, chunk.end_offset = chunker.next_line - 1, offset
        chunk.progress_bytes = _disk_offset(handle, offset)
        yield chunk


def _disk_offset(handle: BinaryIO, offset: int) -> int:
    if isinstance(handle, gzip.GzipFile) and handle.fileobj is not None:
        return int(handle.fileobj.tell())
    return offset
