"""portintel decodes the real shared samples exactly as pyais does, field by field."""

from __future__ import annotations

import pytest

from portintel.ais import DECODED_TYPES, decode_lines
from tests.ais.pyais_reference import assert_same, reference_messages, rows_by_line
from tests.ais_samples import sample

FILES = ["marinetraffic-sample.nmea", "kystverket-1000.nm4"]


def _lines(name: str) -> list[str]:
    return sample(name).read_text().splitlines()


@pytest.mark.parametrize("name", FILES)
def test_every_message_pyais_decodes_is_equal(name: str) -> None:
    lines = _lines(name)
    batch = decode_lines(lines, verify_tag_checksums=False)
    ours = {t: rows_by_line(frame) for t, frame in batch.messages.items()}
    compared = 0
    for line, theirs in reference_messages(lines):
        kind = theirs["msg_type"]
        assert kind in DECODED_TYPES, f"{name} line {line}: pyais decodes type {kind}"
        assert line in ours[kind], f"{name} line {line}: type {kind} not decoded"
        assert_same(ours[kind][line], theirs, f"{name} line {line}")
        compared += 1
    assert compared == batch.message_count
    assert compared > 700
    assert batch.unsupported.height == 0


def test_marinetraffic_rejects_empty_payloads_and_lone_fragments() -> None:
    lines = _lines("marinetraffic-sample.nmea")
    batch = decode_lines(lines)
    reasons = dict(zip(batch.rejects["line"], batch.rejects["reason"], strict=True))
    for number, line in enumerate(lines, start=1):
        if ",,0*" in line and line.count(",") == 6 and line.split(",")[5] == "":
            assert reasons[number] == "empty payload"
        if line.startswith("!AIVDM,2,1"):
            assert reasons[number] == "incomplete multipart group"
    assert batch.unsupported.height == 0
    assert set(batch.messages) >= {15, 20}  # interrogation, data link management


def test_kystverket_group_tag_blocks_with_stale_checksums_are_kept_and_flagged() -> None:
    """Kystverket adds g: without updating the checksum: the messages stay, flagged, timeless."""
    lines = _lines("kystverket-1000.nm4")
    batch = decode_lines(lines)
    grouped = {n for n, line in enumerate(lines, start=1) if line.startswith("\\g:")}
    assert batch.rejects.height == 0
    rows = [row for frame in batch.messages.values() for row in frame.iter_rows(named=True)]
    flagged = [row for row in rows if row["tag_untrusted"]]
    assert {row["line"] for row in flagged} <= grouped
    assert {row["msg_type"] for row in flagged} == {5}
    assert len(flagged) == len(grouped) // 2  # one type 5 per pair of fragments
    assert all(row["received_at"] is None for row in flagged)
    trusted = [row for row in rows if not row["tag_untrusted"]]
    assert all(row["received_at"].timestamp() >= 1565218798 for row in trusted)


def test_kystverket_stale_tag_checksums_are_refused_when_strict() -> None:
    lines = _lines("kystverket-1000.nm4")
    batch = decode_lines(lines, strict_tag_checksums=True)
    rejected = set(batch.rejects["line"].to_list())
    grouped = {n for n, line in enumerate(lines, start=1) if line.startswith("\\g:")}
    assert rejected == grouped
    assert set(batch.rejects["reason"].to_list()) == {"bad tag block checksum"}
    assert 5 not in batch.messages


def test_kystverket_stale_tag_times_are_used_when_told() -> None:
    lines = _lines("kystverket-1000.nm4")
    batch = decode_lines(lines, verify_tag_checksums=False)
    received = batch.messages[5]["received_at"]
    assert batch.rejects.height == 0
    assert received.null_count() == 0
    assert batch.messages[5]["tag_untrusted"].all()
