"""Input files: directories, .gz by content, format detection."""

from __future__ import annotations

import gzip
from pathlib import Path

import polars as pl
import pytest

from portintel.adapters.ais.files import detect_format, expand_paths, open_binary
from portintel.errors import InvalidInput
from tests.adapters.ais.nmea_samples import SEA, position


def test_directories_expand_in_order_skipping_hidden(tmp_path: Path) -> None:
    (tmp_path / "b").mkdir()
    (tmp_path / "b" / "2.nmea").write_text("x\n")
    (tmp_path / "1.nmea").write_text("x\n")
    (tmp_path / ".hidden").mkdir()
    (tmp_path / ".hidden" / "3.nmea").write_text("x\n")
    named = tmp_path / "b" / "2.nmea"
    found = expand_paths([tmp_path, named])
    assert found == [(tmp_path / "1.nmea", False), (named, False), (named, True)]


def test_missing_path_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(InvalidInput, match="does not exist"):
        expand_paths([tmp_path / "nope.nmea"])


def test_formats_are_detected_by_content_also_when_gzipped(tmp_path: Path) -> None:
    nmea = tmp_path / "feed.log"
    nmea.write_text(position(574000001, *SEA) + "\n", encoding="ascii")
    gz = tmp_path / "feed.dat"
    gz.write_bytes(gzip.compress(nmea.read_bytes()))
    csv = tmp_path / "table.txt"
    csv.write_text("MMSI,BaseDateTime,LAT,LON\n574000001,2026-03-01T00:00:00,10,103\n")
    parquet = tmp_path / "table.bin"
    pl.DataFrame({"MMSI": [1]}).write_parquet(parquet)
    assert [detect_format(p) for p in (nmea, gz, csv, parquet)] == [
        "nmea",
        "nmea",
        "csv",
        "parquet",
    ]
    with open_binary(gz) as handle:
        assert handle.read() == nmea.read_bytes()


def test_unknown_content_asks_for_format(tmp_path: Path) -> None:
    odd = tmp_path / "notes.txt"
    odd.write_text("hello\n")
    with pytest.raises(InvalidInput, match="--format"):
        detect_format(odd)
