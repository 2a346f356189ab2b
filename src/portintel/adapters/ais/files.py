"""Input files: expand directories, open .gz transparently, fingerprint, detect the format."""

from __future__ import annotations

import gzip
import hashlib
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


def open_binary(path: Path) -> BinaryIO:
    """The file's bytes, decompressed when it is gzip (recognised by content, not name)."""
    if is_gzip(path):
        return gzip.open(path, "rb")  # type: ignore[return-value]
    return path.open("rb")


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
