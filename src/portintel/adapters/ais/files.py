"""Input files: expand directories, open .gz transparently, fingerprint, detect the format."""

from __future__ import annotations

import hashlib
import io
import zlib
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import BinaryIO, Literal

from portintel.errors import InvalidInput

Format = Literal["nmea", "csv", "parquet"]
FORMATS: tuple[str, ...] = ("auto", "nmea", "csv", "parquet")
GZIP_MAGIC = b"\x1f\x8b"
PARQUET_MAGIC = b"PAR1"
NMEA_MARKERS = ("VDM,", "VDO,")


def expand_paths(paths: list[Path]) -> list[tuple[Path, bool]]:
    """(file, named explicitly) for files named and every non-hidden file under directories.

    The flag lets the caller refuse a named file it cannot read but skip, and
    report, a stray README inside a directory of archives.
    """
    found: list[tuple[Path, bool]] = []
    for path in paths:
        if path.is_dir():
            found.extend(
                (child, False)
                for child in sorted(
                    child
                    for child in path.rglob("*")
                    if child.is_file()
                    and not any(part.startswith(".") for part in child.relative_to(path).parts)
                )
            )
        elif path.is_file():
            found.append((path, True))
        else:
            raise InvalidInput(
                f"{path} does not exist or is not a file or directory",
                field="path",
                hint="give NMEA, CSV or Parquet files (plain or .gz) or directories holding them",
            )
    return found


def is_gzip(path: Path) -> bool:
    with path.open("rb") as handle:
        return handle.read(2) == GZIP_MAGIC


DamageCallback = Callable[[str], None]
TRUNCATED_GZIP = "truncated gzip"
CORRUPT_GZIP = "corrupt gzip"


class TolerantGzip(io.RawIOBase):
    """A gzip stream that ends, instead of raising, where the compressed data is damaged.

    A download cut short or a disk that lost a block leaves a ``.gz`` whose
    first part is fine. Reading stops at the damage and ``on_damage`` hears
    why (with how many bytes were read before it), so the caller keeps what
    was readable and records the rest as refused; nothing raises out of the
    middle of an ingest ("Aborted." and nothing stored). Built on ``zlib``
    directly: ``gzip.GzipFile`` raises on a truncated stream and loses what
    it had decompressed in that call. Concatenated members are read in turn.
    """

    BLOCK = 1 << 16
    OUTPUT = 4 << 20

    def __init__(self, path: Path, on_damage: DamageCallback | None = None) -> None:
        self.path = path
        self.on_damage = on_damage
        self.raw = path.open("rb")
        self.damage: str | None = None
        self._start()

    def _start(self) -> None:
        self.raw.seek(0)
        self.delivered = 0
        self._inflate = zlib.decompressobj(16 + zlib.MAX_WBITS)
        self._in_member = False
        self._pending = b""
        self._done = False

    @property
    def fileobj(self) -> BinaryIO:
        """The compressed file underneath, for progress in bytes on disk."""
        return self.raw

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def readinto(self, buffer: bytearray | memoryview) -> int:  # type: ignore[override]
        view = memoryview(buffer).cast("B")
        while not self._pending and not self._done:
            self._fill()
        count = min(len(view), len(self._pending))
        view[:count] = self._pending[:count]
        self._pending = self._pending[count:]
        self.delivered += count
        return count

    def _fill(self) -> None:
        tail = self._inflate.unconsumed_tail
        block = tail if tail else self.raw.read(self.BLOCK)
        if not block:
            if self._in_member:
                self._damaged(
                    TRUNCATED_GZIP, "compressed data ended before the end-of-stream marker"
                )
            self._done = True
            return
        try:
            self._pending = self._inflate.decompress(block, self.OUTPUT)
        except zlib.error as exc:
            self._damaged(CORRUPT_GZIP, str(exc))
            self._done = True
            return
        self._in_member = True
        if self._inflate.eof:
            rest = self._inflate.unused_data
            self._inflate = zlib.decompressobj(16 + zlib.MAX_WBITS)
            self._in_member = False
            if rest.strip(b"\x00"):
                self.raw.seek(-len(rest), io.SEEK_CUR)

    def _damaged(self, kind: str, detail: str) -> None:
        self.damage = (
            f"{kind}: {detail} (after {self.delivered + len(self._pending):,} readable bytes); "
            "the rest of the file cannot be read"
        )
        if self.on_damage is not None:
            self.on_damage(self.damage)

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        """Forward seeks re-read (gzip has no index): a resumed ingest skips what it did."""
        target = offset if whence == io.SEEK_SET else self.delivered + offset
        if whence not in (io.SEEK_SET, io.SEEK_CUR):
            raise io.UnsupportedOperation("gzip streams seek from the start or the position")
        if target < self.delivered:
            self._start()
        scratch = bytearray(1 << 20)
        while self.delivered < target:
            view = memoryview(scratch)[: min(len(scratch), target - self.delivered)]
            if self.readinto(view) == 0:
                break
        return self.delivered

    def tell(self) -> int:
        return self.delivered

    def close(self) -> None:
        self.raw.close()
        super().close()


def open_binary(path: Path, on_damage: DamageCallback | None = None) -> BinaryIO:
    """The file's bytes, decompressed when it is gzip (recognised by content, not name).

    A damaged gzip ends early and calls ``on_damage`` with the reason (see
    :class:`TolerantGzip`).
    """
    if is_gzip(path):
        return io.BufferedReader(TolerantGzip(path, on_damage), buffer_size=1 << 20)
    return path.open("rb")


def compressed_position(handle: BinaryIO) -> int | None:
    """Bytes read so far of the file on disk under a gzip stream; None for a plain file."""
    inner = getattr(handle, "raw", None)
    if isinstance(inner, TolerantGzip):
        return int(inner.fileobj.tell())
    return None


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while block := handle.read(1 << 20):
            digest.update(block)
    return digest.hexdigest()


def modified_at(path: Path) -> datetime:
    return datetime.fromtimestamp(path.stat().st_mtime, tz=UTC)


def detect_format(path: Path) -> Format:
    """Parquet by its magic bytes; NMEA when an early line holds a VDM/VDO sentence; else CSV."""
    with open_binary(path) as handle:
        head = handle.read(64 * 1024)
    if head.startswith(PARQUET_MAGIC):
        return "parquet"
    text = head.decode("utf-8", errors="replace")
    lines = [line for line in text.splitlines()[:50] if line.strip()]
    if any("!" in line and any(m in line for m in NMEA_MARKERS) for line in lines):
        return "nmea"
    if lines and lines[0].count(",") >= 3:
        return "csv"
    raise InvalidInput(
        f"{path}: cannot tell whether this is NMEA, CSV or Parquet",
        field="format",
        hint="name the format with --format nmea|csv|parquet",
    )
