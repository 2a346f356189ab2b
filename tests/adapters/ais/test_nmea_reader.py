"""Reading NMEA in chunks: line numbers, refusals, multipart-safe chunk ends, resume."""

from __future__ import annotations

import gzip
from pathlib import Path

from portintel.adapters.ais.nmea_reader import (
    LINE_TOO_LONG,
    UNDECODABLE_BYTES,
    read_nmea_chunks,
    unfinished_fragment,
)
from tests.adapters.ais.nmea_samples import SEA, position, static


def _lines(chunks: list) -> list[tuple[int, str]]:
    """(line number, text) of every non-blank line handed to the decoder."""
    return [
        (run.first_line + i, line)
        for chunk in chunks
        for run in chunk.runs
        for i, line in enumerate(run.lines)
        if line.strip()
    ]


def test_bad_lines_are_refused_with_their_numbers_and_the_rest_kept(tmp_path: Path) -> None:
    good = [position(574000001, *SEA, seconds=i) for i in range(3)]
    path = tmp_path / "mixed.nmea"
    path.write_bytes(
        good[0].encode()
        + b"\n"
        + b"\xff\xfe\x00garbage\n"
        + b"!"
        + b"A" * 10_000
        + b"\n"
        + b"\n"
        + good[1].encode()
        + b"\r\n"
        + good[2].encode()  # no final newline
    )
    chunks = list(read_nmea_chunks(path))
    assert _lines(chunks) == [(1, good[0]), (5, good[1]), (6, good[2])]
    rejects = [(line, reason) for chunk in chunks for line, _raw, reason in chunk.rejects]
    assert rejects == [(2, UNDECODABLE_BYTES), (3, LINE_TOO_LONG)]
    assert sum(chunk.sentences for chunk in chunks) == 3
    assert chunks[-1].end_line == 6 and chunks[-1].end_offset == path.stat().st_size


def test_a_chunk_never_ends_inside_a_multipart_message(tmp_path: Path) -> None:
    first, second = static(574000001, "SEA STAR", 9074729)
    assert unfinished_fragment(first) and not unfinished_fragment(second)
    path = tmp_path / "parts.nmea"
    path.write_text(
        "\n".join([position(574000002, *SEA), first, second, position(574000003, *SEA)]) + "\n"
    )
    chunks = list(read_nmea_chunks(path, chunk_lines=2))
    assert [len(run.lines) for chunk in chunks for run in chunk.runs] == [3, 1]
    assert [chunk.end_line for chunk in chunks] == [3, 4]


def test_an_endless_line_across_blocks_is_refused_once_and_reading_goes_on(tmp_path: Path) -> None:
    good = position(574000001, *SEA)
    path = tmp_path / "endless.nmea"
    path.write_bytes(b"!" + b"C" * 50_000 + b"\n" + good.encode() + b"\n")
    chunks = list(read_nmea_chunks(path, block_bytes=1024))
    assert [(line, reason) for c in chunks for line, _raw, reason in c.rejects] == [
        (1, LINE_TOO_LONG)
    ]
    assert _lines(chunks) == [(2, good)]
    assert chunks[-1].end_offset == path.stat().st_size


def test_small_blocks_give_the_same_lines_and_offsets(tmp_path: Path) -> None:
    lines = [position(574000001, *SEA, seconds=i) for i in range(50)]
    path = tmp_path / "feed.nmea"
    path.write_text("\r\n".join(lines) + "\r\n")
    big = list(read_nmea_chunks(path, chunk_lines=7))
    small = list(read_nmea_chunks(path, chunk_lines=7, block_bytes=100))
    assert _lines(big) == _lines(small) == [(i + 1, line) for i, line in enumerate(lines)]
    assert [(c.end_line, c.end_offset) for c in big] == [(c.end_line, c.end_offset) for c in small]
    # every recorded offset is a line boundary: resuming there gives the rest exactly
    middle = big[2]
    rest = list(read_nmea_chunks(path, start_line=middle.end_line, start_offset=middle.end_offset))
    assert _lines(rest) == [(i + 1, line) for i, line in enumerate(lines)][middle.end_line :]


def test_resume_from_a_recorded_offset_numbers_lines_on(tmp_path: Path) -> None:
    lines = [position(574000001, *SEA, seconds=i) for i in range(5)]
    path = tmp_path / "feed.nmea.gz"
    path.write_bytes(gzip.compress(("\n".join(lines) + "\n").encode()))
    first = next(read_nmea_chunks(path, chunk_lines=2))
    resumed = list(read_nmea_chunks(path, start_line=first.end_line, start_offset=first.end_offset))
    assert _lines(resumed) == [(3, lines[2]), (4, lines[3]), (5, lines[4])]
