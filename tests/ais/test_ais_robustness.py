"""Hostile input never raises; every bad line is rejected with its reason and line number."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from portintel.ais import (
    DECODED_TYPES,
    StreamDecoder,
    decode_bytes,
    decode_lines,
    message_schema,
)
from tests.ais.nmea_text import sentence as _sentence
from tests.ais.nmea_text import tag_block as _tag

GOOD = "!AIVDM,1,1,,A,13RlIW?04F1beOVEFLB9bRvH0L0L,0*6C"


def _accounted(lines: list[str], first_line: int = 1) -> None:
    batch = decode_lines(lines, first_line=first_line)
    seen = list(batch.rejects["line"]) + list(batch.unsupported["line"])
    for frame in batch.messages.values():
        seen += list(frame["line"])
    non_blank = [n for n, line in enumerate(lines, start=first_line) if line.strip(" \t\r\x0b\x0c")]
    # Every non-blank line is in exactly one place (a multipart message counts its last line).
    assert len(seen) == len(set(seen))
    assert set(seen) <= set(non_blank)


PART_1 = _sentence("AIVDM,2,1,3,A,53nPnh800000ha@J2218UH60U@4hT6000000000t2PD33t?P008000000000,0")
PART_2 = _sentence("AIVDM,2,2,3,A,00000000000,2")


def test_good_sentences_around_bad_ones_still_decode() -> None:
    bad_checksum = GOOD[:-2] + "00"
    truncated = GOOD[:30]
    lines = [GOOD, bad_checksum, "garbage \x00\xff", truncated, "", GOOD]
    batch = decode_lines(lines, first_line=10)
    assert batch.messages[1]["line"].to_list() == [10, 15]
    reasons = dict(zip(batch.rejects["line"], batch.rejects["reason"], strict=True))
    assert reasons[11] == "bad checksum"
    assert reasons[12].startswith("no NMEA sentence")
    assert reasons[13].startswith("malformed sentence")
    assert 14 not in reasons  # a blank line is not data
    assert batch.rejects.filter(batch.rejects["line"] == 11)["raw"].item() == bad_checksum


def test_multipart_assembled_and_half_groups_rejected() -> None:
    batch = decode_lines([PART_1, GOOD, PART_2, PART_1, GOOD])
    assert batch.messages[5]["line"].to_list() == [3]
    assert "\n" in batch.messages[5]["raw"].item()
    reasons = dict(zip(batch.rejects["line"], batch.rejects["reason"], strict=True))
    assert reasons == {4: "incomplete multipart group"}


def test_stream_decoder_holds_groups_across_feeds_and_flushes_the_rest() -> None:
    stream = StreamDecoder()
    first = stream.feed([GOOD, PART_1], first_line=1)
    assert first.message_count == 1 and first.rejects.height == 0
    second = stream.feed([PART_2, PART_1], first_line=3)
    assert second.messages[5]["line"].to_list() == [3]
    flushed = stream.flush()
    assert flushed.rejects["line"].to_list() == [4]
    assert flushed.rejects["reason"].to_list() == ["incomplete multipart group"]


def test_tag_blocks_times_stations_and_bad_tag_checksums() -> None:
    good_tag = _tag("s:rx1,c:1700000000") + GOOD
    bad_tag = "\\s:rx1,c:1700000000*00\\" + GOOD
    millis = _tag("c:1700000000123") + GOOD
    column = "2024-01-01 12:00:00.500," + GOOD
    unix_column = "1704110400.25 " + GOOD
    lines = [good_tag, bad_tag, millis, column, unix_column, "nonsense," + GOOD]
    batch = decode_lines(lines)
    table = batch.messages[1]
    # The sentence behind a wrong tag checksum is kept, flagged, without the tag's time.
    assert table["line"].to_list() == [1, 2, 3, 4, 5]
    assert table["station"].to_list() == ["rx1", "rx1", None, None, None]
    assert table["tag_untrusted"].to_list() == [False, True, False, False, False]
    stamps = [t.isoformat() if t else None for t in table["received_at"]]
    assert stamps == [
        "2023-11-14T22:13:20+00:00",
        None,
        "2023-11-14T22:13:20.123000+00:00",
        "2024-01-01T12:00:00.500000+00:00",
        "2024-01-01T12:00:00.250000+00:00",
    ]
    reasons = dict(zip(batch.rejects["line"], batch.rejects["reason"], strict=True))
    assert list(reasons) == [6]
    assert reasons[6].startswith("unrecognised text before the sentence")
    strict = decode_lines(lines, strict_tag_checksums=True)
    assert strict.messages[1]["line"].to_list() == [1, 3, 4, 5]
    assert dict(zip(strict.rejects["line"], strict.rejects["reason"], strict=True))[2] == (
        "bad tag block checksum"
    )
    told = decode_lines(lines, verify_tag_checksums=False).messages[1]
    assert told["received_at"][1].isoformat() == "2023-11-14T22:13:20+00:00"
    assert told["tag_untrusted"][1]


def test_grouped_tag_blocks_and_other_talkers() -> None:
    lines = [
        _tag("g:1-2-42,c:1700000000") + PART_1.replace("!AIVDM", "!BSVDM")[:-2],
        _tag("g:2-2-42") + PART_2,
    ]
    lines[0] = _tag("g:1-2-42,c:1700000000") + _sentence(PART_1[1:-3].replace("AIVDM", "BSVDM"))
    batch = decode_lines(lines)
    assert batch.messages[5]["received_at"].item().timestamp() == 1700000000


STATION_FIRST = _tag("g:1-2-3454,s:41925,c:1635731893")
"""NMEA 4.0 as a common receiver network writes it: s: and c: on the first fragment only."""


def test_nmea_4_groups_with_station_and_time_on_the_first_fragment_only() -> None:
    lines = [STATION_FIRST + PART_1, _tag("g:2-2-3454") + PART_2]
    assert lines[1].startswith("\\g:2-2-3454*5B\\")  # as in the issue
    batch = decode_lines(lines)
    assert batch.rejects.height == 0
    row = batch.messages[5].row(0, named=True)
    assert (row["line"], row["station"], row["tag_untrusted"]) == (2, "41925", False)
    assert row["received_at"].timestamp() == 1635731893
    assert row["raw"] == "\n".join(lines)


def test_nmea_4_groups_take_time_and_station_from_whichever_fragment_has_them() -> None:
    lines = [_tag("g:1-2-7") + PART_1, _tag("g:2-2-7,s:rx9,c:1700000000") + PART_2]
    row = decode_lines(lines).messages[5].row(0, named=True)
    assert (row["station"], row["received_at"].timestamp()) == ("rx9", 1700000000)


def test_nmea_4_groups_go_by_group_id_whatever_the_sequence_ids_and_channels_say() -> None:
    """Two interleaved groups: fragments matched by g: id, not by sequence id or channel."""
    other_part_1 = _sentence(PART_1[1:-3].replace("AIVDM,2,1,3,A", "AIVDM,2,1,5,B"))
    lines = [
        _tag("g:1-2-11,s:a,c:1700000000") + PART_1,
        _tag("g:1-2-12,s:b,c:1700000001") + other_part_1,
        _tag("g:2-2-12") + PART_2,
        _tag("g:2-2-11") + PART_2,
    ]
    batch = decode_lines(lines)
    assert batch.rejects.height == 0
    table = batch.messages[5]
    assert table.select("line", "station").rows() == [(3, "b"), (4, "a")]
    assert table["raw"].to_list() == ["\n".join(lines[1:3]), "\n".join([lines[0], lines[3]])]


def test_nmea_4_groups_span_stream_batches() -> None:
    decoder = StreamDecoder()
    first = decoder.feed([STATION_FIRST + PART_1], first_line=1)
    second = decoder.feed([_tag("g:2-2-3454") + PART_2], first_line=2)
    assert first.message_count == 0 and first.rejects.height == 0
    row = second.messages[5].row(0, named=True)
    assert (row["line"], row["station"]) == (2, "41925")


def test_a_wrong_tag_checksum_on_a_later_fragment_flags_the_group() -> None:
    lines = [STATION_FIRST + PART_1, "\\g:2-2-3454*00\\" + PART_2]
    row = decode_lines(lines).messages[5].row(0, named=True)
    assert row["tag_untrusted"] is True
    assert row["received_at"].timestamp() == 1635731893  # the first fragment's tag is sound
    strict = decode_lines(lines, strict_tag_checksums=True)
    assert strict.rejects["reason"].to_list() == [
        "incomplete multipart group",
        "bad tag block checksum",
    ]


def test_types_beyond_27_are_kept_raw() -> None:
    lines = [_sentence(f"AIVDM,1,1,,A,{first}3c2VT1D0u00D00,2") for first in "L0w"]
    batch = decode_lines(lines)
    assert batch.unsupported.to_dicts() == [
        {"line": 1, "raw": lines[0], "msg_type": 28},
        {"line": 2, "raw": lines[1], "msg_type": 0},
        {"line": 3, "raw": lines[2], "msg_type": 63},
    ]
    assert batch.message_count == 0


@settings(max_examples=300, deadline=None)
@given(st.lists(st.binary(max_size=120), max_size=30))
def test_random_bytes_never_raise(chunks: list[bytes]) -> None:
    data = b"\n".join(chunks)
    batch = decode_bytes(data)
    assert batch.message_count + batch.rejects.height + batch.unsupported.height >= 0


@settings(max_examples=300, deadline=None)
@given(
    st.lists(
        st.one_of(
            st.sampled_from([GOOD, PART_1, PART_2, "\\c:1*31\\" + GOOD, ""]),
            st.sampled_from([GOOD, PART_1, PART_2]).flatmap(
                lambda line: st.integers(0, len(line)).map(lambda cut: line[:cut])
            ),
            st.text(max_size=90),
        ),
        max_size=40,
    )
)
def test_truncated_and_mixed_lines_are_all_accounted_for(lines: list[str]) -> None:
    _accounted(lines, first_line=7)


def test_every_table_has_its_type_schema_whatever_the_batch_holds() -> None:
    part_a = _sentence("AIVDM,1,1,,A,H3mw=<@4pT0000000000000000,2")
    batch = decode_lines([part_a, GOOD])
    for message_type, table in batch.messages.items():
        assert dict(table.schema) == message_schema(message_type)
    assert "mothership_mmsi" in batch.messages[24].columns
    for message_type in DECODED_TYPES:
        schema = message_schema(message_type)
        assert list(schema)[-5:] == ["line", "received_at", "station", "raw", "tag_untrusted"]


def test_a_type_whose_every_message_is_rejected_has_no_table() -> None:
    # A type 24 payload with a NUL inside the part-A fields: rejected, not an empty table.
    line = _sentence("BSVDM,1,1,,B,H3m8Fn\x005E=@EHthhTpLDp000000,2")
    batch = decode_lines([line, GOOD])
    assert list(batch.messages) == [1]
    assert batch.rejects["reason"].to_list() == [
        "invalid character in payload (outside the 6-bit alphabet)"
    ]
