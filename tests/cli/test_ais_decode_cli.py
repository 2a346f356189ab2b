"""``portintel ais decode FILE``, run as a real process: output, exit status and stderr summary.

Records are checked against pyais decoding the same lines, so the test does
not depend on hard-coded values.
"""

from __future__ import annotations

import csv
import gzip
import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pyais
import pytest

from tests.adapters.ais.nmea_samples import SEA, corrupt_checksum, position, sentences, static

MAIN = "from portintel.cli.app import main; main()"


def _decode(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", MAIN, "ais", "decode", *args],
        capture_output=True,
        text=True,
        timeout=120,
        env={
            "COLUMNS": "200",
            "PATH": "/usr/bin:/bin",
            "HOME": str(Path.home()),
            # the sources under test (a worktree's) rather than the installed ones
            **({"PYTHONPATH": os.environ["PYTHONPATH"]} if "PYTHONPATH" in os.environ else {}),
        },
    )


def _good_lines() -> list[str]:
    return [
        position(574000001, *SEA),
        *static(574000001, "SEA STAR", 9074729, seconds=5),
        position(574000002, 10.5, 103.25, seconds=9, speed=12.3),
    ]


def _expected(lines: list[str]) -> dict[int, dict[str, object]]:
    """pyais's asdict for each message, by the line number of its last sentence."""
    expected = {}
    position_one, static_first, static_second, position_two = lines
    for number, parts in (
        (1, [position_one]),
        (3, [static_first, static_second]),
        (4, [position_two]),
    ):
        expected[number] = pyais.decode(*parts).asdict(enum_as_int=True)
    return expected


@pytest.fixture
def good_file(tmp_path: Path) -> Path:
    path = tmp_path / "good.nmea"
    path.write_text("\n".join(_good_lines()) + "\n")
    return path


def test_jsonl_records_equal_pyais_with_their_line_numbers(good_file: Path) -> None:
    result = _decode(str(good_file))
    assert result.returncode == 0, result.stderr
    records = [json.loads(text) for text in result.stdout.splitlines()]
    expected = _expected(_good_lines())
    assert [record["line"] for record in records] == sorted(expected)
    for record in records:
        for name, value in expected[record["line"]].items():
            assert record[name] == value, (record["line"], name)
        assert record["received_at"].endswith("Z")
    assert "3 messages decoded" in result.stderr
    assert "0 lines rejected" in result.stderr


def test_csv_has_one_row_per_message_and_the_union_of_columns(good_file: Path) -> None:
    result = _decode(str(good_file), "--format", "csv")
    assert result.returncode == 0, result.stderr
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    expected = _expected(_good_lines())
    assert [int(row["line"]) for row in rows] == sorted(expected)
    for row in rows:
        theirs = expected[int(row["line"])]
        assert int(row["mmsi"]) == theirs["mmsi"]
        assert int(row["msg_type"]) == theirs["msg_type"]
    static_row = next(row for row in rows if row["msg_type"] == "5")
    assert static_row["shipname"] == expected[3]["shipname"]
    assert static_row["imo"] == str(expected[3]["imo"])
    assert static_row["lat"] == ""  # a type 5 message has no position: empty cell


def test_gzip_input_gives_the_same_records_as_plain(good_file: Path, tmp_path: Path) -> None:
    packed = tmp_path / "good.nmea.gz"
    packed.write_bytes(gzip.compress(good_file.read_bytes()))
    plain, compressed = _decode(str(good_file)), _decode(str(packed))
    assert compressed.returncode == 0, compressed.stderr
    assert compressed.stdout == plain.stdout
    assert compressed.stdout.count("\n") == 3


def test_missing_file_exits_1_naming_the_file(tmp_path: Path) -> None:
    missing = tmp_path / "nowhere.nmea"
    result = _decode(str(missing))
    assert result.returncode == 1
    assert result.stdout == ""
    assert "nowhere.nmea" in result.stderr
    assert "what to do" in result.stderr


def test_truncated_gzip_exits_1_with_a_hint(good_file: Path, tmp_path: Path) -> None:
    broken = tmp_path / "broken.nmea.gz"
    broken.write_bytes(gzip.compress(good_file.read_bytes())[:20])
    result = _decode(str(broken))
    assert result.returncode == 1
    assert "cannot be decompressed" in result.stderr


def test_bad_lines_are_summarised_on_stderr_and_good_ones_still_printed(tmp_path: Path) -> None:
    good_one, static_first, _, good_two = _good_lines()
    lines = [
        good_one,
        corrupt_checksum(position(574000003, *SEA)),  # line 2
        "this is not NMEA at all",  # line 3
        static_first,  # line 4: its second half never comes
        good_two,  # line 5
        "!AIVDM,1,1,,A,13RlIW?04F1beOV",  # line 6: truncated
    ]
    path = tmp_path / "mixed.nmea"
    path.write_text("\n".join(lines) + "\n")
    result = _decode(str(path))
    assert result.returncode == 0, result.stderr
    printed = [json.loads(text)["line"] for text in result.stdout.splitlines()]
    assert printed == [1, 5]
    assert "2 messages decoded" in result.stderr
    assert "4 lines rejected" in result.stderr
    for number, reason in ((2, "checksum"), (3, ""), (4, "incomplete"), (6, "")):
        line = next(text for text in result.stderr.splitlines() if f"line {number}:" in text)
        assert reason in line


def test_both_engines_print_the_same_records(good_file: Path, tmp_path: Path) -> None:
    lines = [*_good_lines(), corrupt_checksum(position(574000003, *SEA)), "not NMEA"]
    path = tmp_path / "both.nmea"
    path.write_text("\n".join(lines) + "\n")
    native = _decode(str(path), "--engine", "native")
    reference = _decode(str(path), "--engine", "numpy")
    assert native.returncode == reference.returncode == 0, native.stderr + reference.stderr
    assert native.stdout.count("\n") == 3
    assert native.stdout == reference.stdout
    assert native.stderr == reference.stderr


def test_an_unknown_engine_is_refused_naming_the_choices(good_file: Path) -> None:
    result = _decode(str(good_file), "--engine", "fast")
    assert result.returncode == 2
    assert "native" in result.stderr and "numpy" in result.stderr


@pytest.mark.parametrize("output", ["jsonl", "csv"])
def test_binary_data_and_safety_text_are_printed(output: str, tmp_path: Path) -> None:
    lines = [
        *sentences({"msg_type": 8, "mmsi": 2655619, "dac": 235, "fid": 10, "data": b"\x01\xfe"}),
        *sentences({"msg_type": 14, "mmsi": 970010001, "text": "SART ACTIVE"}),
    ]
    path = tmp_path / "binary.nmea"
    path.write_text("\n".join(lines) + "\n")
    result = _decode(str(path), "--format", output)
    assert result.returncode == 0, result.stderr
    if output == "jsonl":
        records = [json.loads(text) for text in result.stdout.splitlines()]
    else:
        records = list(csv.DictReader(io.StringIO(result.stdout)))
    assert records[0]["data"] == "01fe"
    assert records[1]["text"] == "SART ACTIVE"
