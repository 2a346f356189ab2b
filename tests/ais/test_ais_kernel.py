"""The compiled AIS kernel: ``pack`` against a bit-string reference, ``scan`` on hand-written lines.

The kernel is built by ``pip install -e .`` (setup.py). Where it is expected a
missing kernel fails these tests; where it is deliberately absent (CI's
no-compiler step) they skip, saying so (see :mod:`tests.ais.native`).
"""

from __future__ import annotations

from functools import reduce
from types import ModuleType

import numpy as np
import numpy.typing as npt
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from portintel.ais.armoring import Conversion
from tests.ais.native import require_native
from tests.ais.nmea_text import sentence as _sentence
from tests.ais.nmea_text import tag_block as _tag

I64 = npt.NDArray[np.int64]

GOOD = "!AIVDM,1,1,,A,13RlIW?04F1beOVEFLB9bRvH0L0L,0*6C"


def _kernel() -> ModuleType:
    try:
        from portintel.ais import _kernel
    except ImportError as error:
        require_native(str(error))
        raise
    return _kernel


# ---------------------------------------------------------------------------
# pack


def _sixbit(byte: int) -> int | None:
    if 48 <= byte <= 87:
        return byte - 48
    if 96 <= byte <= 119:
        return byte - 56
    return None


def _reference_pack(payload: bytes, characters: int) -> tuple[list[int], int]:
    """Words and first invalid index of one payload, through a string of bits."""
    bits = ""
    first_invalid = characters
    for position in range(characters):
        value = 0
        if position < len(payload):
            decoded = _sixbit(payload[position])
            if decoded is None:
                first_invalid = min(first_invalid, position)
            else:
                value = decoded
        bits += f"{value:06b}"
    width = (characters * 6 + 63) // 64
    bits = bits.ljust(width * 64, "0")
    return [int(bits[64 * w : 64 * (w + 1)], 2) for w in range(width)], first_invalid


def _pack(
    arena: bytes, start: list[int], length: list[int], characters: int
) -> tuple[npt.NDArray[np.uint64], I64]:
    n = len(start)
    width = (characters * 6 + 63) // 64
    words = np.full(width * n, 0xDEADBEEF, dtype=np.uint64)  # garbage: every word is written
    first_invalid = np.full(n, -7, dtype=np.int64)
    _kernel().pack(
        np.frombuffer(arena, dtype=np.uint8),
        np.array(start, dtype=np.int64),
        np.array(length, dtype=np.int64),
        characters,
        words,
        first_invalid,
    )
    return words, first_invalid


ARMOURED = bytes(range(48, 88)) + bytes(range(96, 120))
MOSTLY_ARMOURED = st.one_of(
    st.sampled_from(list(ARMOURED)),
    st.sampled_from([0, 10, 32, 44, 47, 88, 95, 120, 127, 128, 200, 255]),
)


@st.composite
def _pack_cases(draw: st.DrawFn) -> tuple[bytes, list[int], list[int], int]:
    arena = bytes(draw(st.lists(MOSTLY_ARMOURED, max_size=200)))
    payloads = draw(
        st.lists(
            st.integers(0, len(arena)).flatmap(
                lambda start: st.tuples(st.just(start), st.integers(0, len(arena) - start))
            ),
            max_size=12,
        )
    )
    characters = draw(st.integers(0, 90))
    return arena, [s for s, _ in payloads], [n for _, n in payloads], characters


@settings(max_examples=400, deadline=None)
@given(_pack_cases())
def test_pack_equals_the_bit_string_reference(
    case: tuple[bytes, list[int], list[int], int],
) -> None:
    arena, start, length, characters = case
    words, first_invalid = _pack(arena, start, length, characters)
    n = len(start)
    width = (characters * 6 + 63) // 64
    assert words.shape == (width * n,)
    for i in range(n):
        expected_words, expected_invalid = _reference_pack(
            arena[start[i] : start[i] + length[i]], characters
        )
        got = [int(words[w * n + i]) for w in range(width)]
        assert got == expected_words, f"payload {i}: {arena[start[i] : start[i] + length[i]]!r}"
        assert int(first_invalid[i]) == expected_invalid, f"payload {i}"


def test_pack_known_words_and_alphabet_edges() -> None:
    # '0' -> 0, 'W' -> 39, '`' -> 40, 'w' -> 63; 'X' (88) and '_' (95) are outside.
    arena = b"0W`w" + b"w" * 11 + b"0X_"
    words, first_invalid = _pack(arena, [0, 4, 15, 16], [4, 11, 3, 2], 11)
    assert words.shape == (8,)  # 11 characters = 66 bits = 2 words, for 4 payloads
    n = 4
    assert int(words[0 * n + 0]) == int("000000" + "100111" + "101000" + "111111", 2) << 40
    assert int(words[1 * n + 0]) == 0
    # Eleven 'w': 64 ones in the first word, then the last two bits.
    assert int(words[0 * n + 1]) == 2**64 - 1
    assert int(words[1 * n + 1]) == 0b11 << 62
    assert first_invalid.tolist() == [11, 11, 1, 0]
    assert int(words[0 * n + 2]) == 0  # '0', then two invalid characters read as 0


def test_pack_with_no_characters_or_no_payloads() -> None:
    words, first_invalid = _pack(b"13Rl", [0, 1], [4, 3], 0)
    assert words.shape == (0,)
    assert first_invalid.tolist() == [0, 0]
    words, first_invalid = _pack(b"", [], [], 30)
    assert words.shape == (0,) and first_invalid.shape == (0,)


def _pack_args(
    start: list[int] | None = None,
    length: list[int] | None = None,
    characters: int = 10,
    words: int | None = None,
    invalid: int | None = None,
) -> tuple[object, ...]:
    starts = np.array([0, 2] if start is None else start, dtype=np.int64)
    lengths = np.array([2, 2] if length is None else length, dtype=np.int64)
    n = starts.shape[0]
    width = (characters * 6 + 63) // 64
    return (
        np.frombuffer(b"13RlIW", dtype=np.uint8),
        starts,
        lengths,
        characters,
        np.zeros(width * n if words is None else words, dtype=np.uint64),
        np.zeros(n if invalid is None else invalid, dtype=np.int64),
    )


@pytest.mark.parametrize(
    "args",
    [
        pytest.param(_pack_args(length=[2]), id="lengths-shorter-than-starts"),
        pytest.param(_pack_args(length=[2, 2, 2]), id="lengths-longer-than-starts"),
        pytest.param(_pack_args(words=1), id="too-few-words"),
        pytest.param(_pack_args(words=4), id="too-many-words"),
        pytest.param(_pack_args(invalid=1), id="too-few-first-invalid"),
        pytest.param(_pack_args(invalid=3), id="too-many-first-invalid"),
        pytest.param(_pack_args(characters=-1, words=0), id="negative-characters"),
        pytest.param(_pack_args(start=[0, 5]), id="past-the-arena-end"),
        pytest.param(_pack_args(start=[7, 0]), id="start-past-the-arena"),
        pytest.param(_pack_args(start=[-1, 0]), id="negative-start"),
        pytest.param(_pack_args(length=[2, -1]), id="negative-length"),
    ],
)
def test_pack_rejects_mismatched_sizes_and_payloads_outside_the_arena(
    args: tuple[object, ...],
) -> None:
    with pytest.raises(ValueError, match="pack:"):
        _kernel().pack(*args)


def test_pack_accepts_a_payload_ending_exactly_at_the_arena_end() -> None:
    words, first_invalid = _pack(b"13RlIW", [4], [2], 2)
    assert first_invalid.tolist() == [2]
    assert int(words[0]) == ((ord("I") - 48) << 58) | ((ord("W") - 48) << 52)


# ---------------------------------------------------------------------------
# scan


class Scanned:
    """What ``scan`` wrote: its columns by name, and the payload words it packed."""

    def __init__(self, lines: list[bytes], tag_mode: int) -> None:
        kernel = _kernel()
        self.buffer = b"".join(line + b"\n" for line in lines)
        n = len(lines)
        columns = [np.full(n, -99, dtype=dtype) for dtype in kernel.SCAN_DTYPES]
        self.words = np.full(kernel.SCAN_WORDS * n, 0xDEADBEEF, dtype=np.uint64)
        self.first_invalid = np.full(n, -7, dtype=np.int64)
        scanned = kernel.scan(self.buffer, columns, self.words, self.first_invalid, tag_mode)
        assert scanned == n
        self.columns = {
            name: column.tolist() for name, column in zip(kernel.SCAN_COLUMNS, columns, strict=True)
        }
        self.n = n

    def packed(self, line: int) -> list[int]:
        return [int(self.words[w * self.n + line]) for w in range(_kernel().SCAN_WORDS)]


TRUST, FLAG, STRICT = 0, 1, 2  # tag modes (prefixes.TAG_MODES)


def _scan(lines: list[bytes], tag_mode: int = STRICT) -> dict[str, list[int]]:
    return Scanned(lines, tag_mode).columns


def _scan_args(
    buffer: bytes,
    lines: int,
    words: int | None = None,
    invalid: int | None = None,
    columns: int | None = None,
) -> tuple[object, ...]:
    kernel = _kernel()
    count = len(kernel.SCAN_COLUMNS) if columns is None else columns
    return (
        buffer,
        [
            np.zeros(lines, dtype=kernel.SCAN_DTYPES[k % len(kernel.SCAN_DTYPES)])
            for k in range(count)
        ],
        np.zeros(kernel.SCAN_WORDS * lines if words is None else words, dtype=np.uint64),
        np.zeros(lines if invalid is None else invalid, dtype=np.int64),
        True,
    )


def test_scan_columns_are_named() -> None:
    columns = _kernel().SCAN_COLUMNS
    expected = {
        "start",
        "end",
        "next_start",
        "bang",
        "count",
        "index",
        "sequence",
        "channel",
        "payload_start",
        "payload_end",
        "fill",
        "sentence_reason",
        "prefix_reason",
        "received_us",
        "received_known",
        "station_start",
        "station_end",
        "station_run",
        "group",
        "tag_untrusted",
        "column_start",
        "column_end",
    }
    assert set(columns) == expected and len(columns) == len(expected)


def test_scan_line_bounds_exclude_surrounding_whitespace() -> None:
    lines = [b" \t" + GOOD.encode() + b" \r", b"", b"  \r", GOOD.encode()]
    got = _scan(lines)
    first = len(lines[0]) + 1
    assert got["start"] == [2, first, first + 1, first + 1 + 4]
    assert got["end"] == [2 + len(GOOD), first, first + 1, first + 5 + len(GOOD)]
    assert got["next_start"] == [first, first + 1, first + 5, first + 6 + len(GOOD)]
    assert got["bang"] == [2, -1, -1, first + 5]
    assert got["sentence_reason"] == [0, 1, 1, 0]


def test_scan_sentence_fields() -> None:
    single = GOOD.encode()
    multi = _sentence("BSVDO,2,1,7,B,53nPnh8000,2").encode()
    no_channel = _sentence("AIVDM,3,2,,,53nPnh,5").encode()
    got = _scan([single, multi, no_channel])
    offset_multi = len(single) + 1
    offset_none = offset_multi + len(multi) + 1
    assert got["bang"] == [0, offset_multi, offset_none]
    assert got["count"] == [1, 2, 3]
    assert got["index"] == [1, 1, 2]
    assert got["sequence"] == [-1, 7, -1]
    assert got["channel"] == [ord("A"), ord("B"), 0]
    assert got["payload_start"] == [14, offset_multi + 15, offset_none + 13]
    assert got["payload_end"] == [14 + 28, offset_multi + 25, offset_none + 19]
    assert got["fill"] == [0, 2, 5]
    assert got["sentence_reason"] == [0, 0, 0]
    assert got["prefix_reason"] == [0, 0, 0]
    assert got["received_known"] == [0, 0, 0]
    assert got["station_run"] == [-1, -1, -1]


@pytest.mark.parametrize(
    ("line", "reason"),
    [
        pytest.param(GOOD, 0, id="good"),
        pytest.param(GOOD.lower(), 3, id="lowercase-not-ais"),  # vdm is not VDM
        pytest.param("garbage without a sentence", 1, id="no-sentence"),
        pytest.param("!AIVDM,1,1,,A,1*0", 2, id="too-short"),
        pytest.param(GOOD[:-3] + "#" + GOOD[-2:], 2, id="no-star"),
        pytest.param(_sentence("AIVDM,1,1,12,A,13RlIW,0"), 2, id="two-digit-sequence"),
        pytest.param(_sentence("AIVDM,1,1,,AB,13RlIW,0"), 2, id="two-char-channel"),
        pytest.param(_sentence("AIVDM,1,1,,A,13RlIW,10"), 2, id="two-digit-fill"),
        pytest.param(_sentence("GPGGA,1,1,,A,13RlIW,0"), 3, id="not-ais"),
        pytest.param(_sentence("AIVDM,0,1,,A,13RlIW,0"), 4, id="zero-count"),
        pytest.param(_sentence("AIVDM,1,2,,A,13RlIW,0"), 4, id="index-past-count"),
        pytest.param(_sentence("AIVDM,X,1,,A,13RlIW,0"), 4, id="non-digit-count"),
        pytest.param(_sentence("AIVDM,1,1,,A,13RlIW,6"), 5, id="fill-6"),
        pytest.param(_sentence("AIVDM,1,1,,A,13RlIW,x"), 5, id="fill-letter"),
        pytest.param(GOOD[:-2] + "6D", 6, id="wrong-checksum"),
        pytest.param(GOOD[:-2] + "1G", 6, id="non-hex-checksum"),
        pytest.param(GOOD[:-2] + "6c", 0, id="lowercase-hex-checksum"),
        pytest.param(_sentence("AIVDM,1,1,,A,,0"), 7, id="empty-payload"),
        pytest.param(_sentence("AIVDM,1,1,,,,0") + "  ", 7, id="empty-payload-no-channel"),
    ],
)
def test_scan_sentence_reasons(line: str, reason: int) -> None:
    got = _scan([line.encode()])
    assert got["sentence_reason"] == [reason]


def test_scan_tag_block_time_station_and_reasons() -> None:
    lines = [
        _tag("s:rx1,c:1700000000") + GOOD,
        _tag("c:1700000000123,s:rx1") + GOOD,
        "\\s:rx1,c:1700000000*00\\" + GOOD,
        _tag("g:1-2-3,c:17x") + GOOD,
        _tag("c:") + GOOD,
        "\\c:1\\" + GOOD,
        "\\a\\b\\" + GOOD,
        "\\c:1*31" + GOOD,
        _tag("c:-5") + GOOD,
    ]
    got = _scan([line.encode() for line in lines])
    assert got["prefix_reason"] == [0, 0, 2, 3, 3, 2, 1, 0, 0]
    assert got["received_known"] == [1, 1, 0, 0, 0, 0, 0, 0, 1]
    assert got["tag_untrusted"] == [0, 0, 1, 0, 0, 1, 0, 0, 0]
    seconds, milliseconds = 1_700_000_000_000_000, 1_700_000_000_123_000
    assert got["received_us"][:2] == [seconds, milliseconds]
    assert got["received_us"][8] == -5_000_000
    assert got["sentence_reason"] == [0] * 9
    start = got["start"]
    assert got["station_start"][:3] == [start[0] + 3, start[1] + 19, start[2] + 3]
    assert got["station_end"][:3] == [start[0] + 6, start[1] + 22, start[2] + 6]
    assert got["station_start"][3:] == [-1] * 6 and got["station_end"][3:] == [-1] * 6
    # The line without a closing backslash before '!' has no tag block: all of
    # it is a receive-time column (to be parsed, and rejected, by the decoder).
    assert got["column_start"][7] == start[7]
    assert got["column_end"][7] == got["bang"][7]


def test_scan_tag_checksums_are_not_verified_when_asked() -> None:
    lines = ["\\s:rx1,c:1700000000*00\\" + GOOD, "\\c:17x*00\\" + GOOD, "\\c:1\\" + GOOD]
    got = _scan([line.encode() for line in lines], tag_mode=TRUST)
    # The time of an untrusted tag is used; without '*hh' the body's last
    # three characters are taken for it, as always, so "c:1" is lost.
    assert got["prefix_reason"] == [0, 3, 0]
    assert got["received_known"] == [1, 0, 0]
    assert got["tag_untrusted"] == [1, 1, 1]
    assert got["station_start"][0] == got["start"][0] + 3


def test_scan_flags_wrong_tag_checksums_and_drops_their_time() -> None:
    lines = ["\\s:rx1,c:1700000000*00\\" + GOOD, "\\c:17x*00\\" + GOOD, _tag("c:5") + GOOD]
    got = _scan([line.encode() for line in lines], tag_mode=FLAG)
    assert got["prefix_reason"] == [0, 0, 0]
    assert got["received_known"] == [0, 0, 1]
    assert got["tag_untrusted"] == [1, 1, 0]
    assert got["station_start"][0] == got["start"][0] + 3


def test_scan_reads_the_group_id_of_well_formed_groups_only() -> None:
    values = [
        "1-2-3454",
        "2-2-3454",
        "1-2-999999999",
        "1-2-1000000000",
        "1-2",
        "1-2-3-4",
        "a-2-3",
        "1--3",
        "1-2-",
        "",
        "1-2-3x",
    ]
    lines = [_tag(f"s:rx,g:{value}") + GOOD for value in values]
    lines.append("\\g:1-2-77*00\\" + GOOD)  # a stale checksum: the group still counts
    got = _scan([line.encode() for line in lines], tag_mode=FLAG)
    assert got["group"] == [3454, 3454, 999999999, *([-1] * 8), 77]


def test_scan_huge_tag_time_wraps_and_out_of_range_is_bad() -> None:
    lines = [_tag("c:9223372036854775807") + GOOD, _tag("c:9223372036854775808") + GOOD]
    got = _scan([line.encode() for line in lines])
    assert got["prefix_reason"] == [0, 3]
    assert got["received_known"] == [1, 0]
    wrapped = (9223372036854775807 * 1000) % 2**64
    assert got["received_us"][0] == (wrapped - 2**64 if wrapped >= 2**63 else wrapped)


def test_scan_station_runs_share_the_first_line_of_the_run() -> None:
    lines = [
        _tag("s:A,c:1") + GOOD,
        _tag("c:2,s:A") + GOOD,
        _tag("s:B") + GOOD,
        _tag("s:A") + GOOD,
        _tag("s:A") + GOOD,
        GOOD,
        _tag("s:A") + GOOD,
        _tag("s:AB") + GOOD,
    ]
    got = _scan([line.encode() for line in lines])
    assert got["station_run"][:5] == [0, 0, 2, 3, 3]
    assert got["station_run"][5] == -1
    assert got["station_run"][7] == 7


def test_scan_receive_time_columns() -> None:
    lines = [
        "2024-01-01 12:00:00.123," + GOOD,
        "1704110400.123 \t" + GOOD,
        "junk ;," + _tag("c:1") + GOOD,
        " " + GOOD,
    ]
    got = _scan([line.encode() for line in lines])
    start = got["start"]
    assert got["column_start"] == start
    assert [e - s for s, e in zip(start, got["column_end"], strict=True)] == [23, 14, 4, 0]
    assert got["prefix_reason"] == [0, 0, 0, 0]
    assert got["received_known"] == [0, 0, 1, 0]


@pytest.mark.parametrize(
    ("buffer", "lines"),
    [
        pytest.param(GOOD.encode() + b"\n", 2, id="fewer-lines-than-rows"),
        pytest.param(GOOD.encode() + b"\n" + GOOD.encode() + b"\n", 1, id="more-lines"),
        pytest.param(GOOD.encode(), 1, id="no-newline"),
        pytest.param(b"", 1, id="empty-buffer"),
    ],
)
def test_scan_rejects_an_output_that_does_not_match_the_lines(buffer: bytes, lines: int) -> None:
    with pytest.raises(ValueError, match="scan"):
        _kernel().scan(*_scan_args(buffer, lines))


@pytest.mark.parametrize(
    ("words", "invalid"),
    [
        pytest.param(0, None, id="no-words"),
        pytest.param(1, None, id="too-few-words"),
        pytest.param(100, None, id="too-many-words"),
        pytest.param(None, 0, id="no-first-invalid"),
        pytest.param(None, 2, id="too-many-first-invalid"),
    ],
)
def test_scan_rejects_words_that_do_not_match_the_lines(
    words: int | None, invalid: int | None
) -> None:
    with pytest.raises(ValueError, match="scan"):
        _kernel().scan(*_scan_args(GOOD.encode() + b"\n", 1, words, invalid))


@pytest.mark.parametrize("offset", [-1, 1, -len("start")])
def test_scan_rejects_a_wrong_number_of_columns(offset: int) -> None:
    count = len(_kernel().SCAN_COLUMNS) + offset
    with pytest.raises(ValueError, match="scan"):
        _kernel().scan(*_scan_args(GOOD.encode() + b"\n", 1, columns=count))


def test_scan_rejects_columns_of_different_sizes() -> None:
    kernel = _kernel()
    args = _scan_args(GOOD.encode() + b"\n", 1)
    columns = args[1]
    assert isinstance(columns, list)
    columns[-1] = np.zeros(2, dtype=kernel.SCAN_DTYPES[-1])
    with pytest.raises(ValueError, match="scan"):
        kernel.scan(*args)
    columns[-1] = np.zeros(1, dtype=np.int64)  # one entry, but 64 bits where 32 are due
    with pytest.raises(ValueError, match="scan"):
        kernel.scan(*args)
    columns[-1] = np.zeros(1, dtype=kernel.SCAN_DTYPES[-1])
    assert kernel.scan(*args) == 1  # the same arrays, now matching, are accepted
    columns[:] = [np.zeros(12, dtype=np.uint8) for _ in columns]  # not whole int64 entries
    with pytest.raises(ValueError, match="scan"):
        kernel.scan(*args)


def test_scan_of_nothing_is_zero_lines() -> None:
    assert _kernel().scan(*_scan_args(b"", 0)) == 0


@pytest.mark.parametrize(
    ("buffer", "lines"),
    [(b"", 0), (b"x", 0), (b"\n", 1), (b"a\r\nb\n\nc", 3), (b"\n" * 1000, 1000)],
)
def test_count_lines_counts_newlines(buffer: bytes, lines: int) -> None:
    assert _kernel().count_lines(buffer) == lines


@st.composite
def _sentences_with_payloads(draw: st.DrawFn) -> list[bytes]:
    lines = []
    for payload in draw(st.lists(st.lists(MOSTLY_ARMOURED, max_size=70), max_size=10)):
        text = bytes(b if b not in b",*\n" else 48 for b in payload)
        channel = draw(st.sampled_from([b"A", b"B", b""]))
        body = b"AIVDM,1,1,," + channel + b"," + text + b",0"
        checksum = reduce(lambda a, b: a ^ b, body, 0)
        prefix = draw(st.sampled_from([b"", b"\\c:1*31\\", b" "]))
        lines.append(prefix + b"!" + body + f"*{checksum:02X}".encode())
    return lines


@settings(max_examples=200, deadline=None)
@given(_sentences_with_payloads(), st.booleans())
def test_scan_packs_the_payload_of_every_good_sentence(
    lines: list[bytes], verify_tag_checksums: bool
) -> None:
    kernel = _kernel()
    scanned = Scanned(lines, verify_tag_checksums)
    columns = scanned.columns
    for i, line in enumerate(lines):
        payload = scanned.buffer[columns["payload_start"][i] : columns["payload_end"][i]]
        assert payload == line.split(b",")[5]
        assert columns["sentence_reason"][i] == (0 if payload else 7), f"line {i}: {line!r}"
        if payload:
            words, first_invalid = _reference_pack(payload, kernel.SCAN_CHARACTERS)
            assert scanned.packed(i) == words, f"line {i}: {line!r}"
            assert int(scanned.first_invalid[i]) == first_invalid, f"line {i}: {line!r}"


def test_scan_packs_a_known_payload() -> None:
    kernel = _kernel()
    assert kernel.SCAN_WORDS * 64 >= kernel.SCAN_CHARACTERS * 6
    scanned = Scanned([GOOD.encode(), _sentence("AIVDM,1,1,,A,1X,0").encode()], True)
    expected, _ = _reference_pack(b"13RlIW?04F1beOVEFLB9bRvH0L0L", kernel.SCAN_CHARACTERS)
    assert scanned.packed(0) == expected
    assert expected[0] >> 58 == 1  # message type 1
    assert scanned.first_invalid.tolist() == [kernel.SCAN_CHARACTERS, 1]


def _reference_field(bits: str, offset: int, width: int, signed: bool) -> tuple[int, int]:
    """pyais's reading of a field from a bit string: the bits that are there, as a number."""
    taken = bits[offset : offset + width]
    if not taken:
        return 0, 0
    value = int(taken, 2)
    if signed and taken[0] == "1":
        value -= 1 << len(taken)
    return value, len(taken)


@st.composite
def _extract_cases(
    draw: st.DrawFn,
) -> tuple[list[str], list[tuple[int, int, bool]], int]:
    words = draw(st.integers(min_value=1, max_value=5))
    rows = draw(st.integers(min_value=0, max_value=12))
    # Bit counts up to the packed width; zero and short payloads included.
    payloads = [
        "".join(draw(st.lists(st.sampled_from("01"), min_size=n, max_size=n)))
        for n in draw(st.lists(st.integers(0, 64 * words), min_size=rows, max_size=rows))
    ]
    fields = draw(
        st.lists(
            st.integers(1, 57).flatmap(
                lambda width: st.tuples(
                    st.integers(0, 64 * words - width), st.just(width), st.booleans()
                )
            ),
            min_size=1,
            max_size=8,
        )
    )
    return payloads, fields, words


@settings(max_examples=300, deadline=None)
@given(_extract_cases())
def test_extract_equals_the_bit_string_reference(
    case: tuple[list[str], list[tuple[int, int, bool]], int],
) -> None:
    kernel = _kernel()
    payloads, fields, width = case
    n = len(payloads)
    words = np.zeros((width, n), dtype=np.uint64)
    for i, bits in enumerate(payloads):
        # Bits past the payload's end are garbage in real use: fill them with ones.
        padded = bits + "1" * (64 * width - len(bits))
        for w in range(width):
            words[w, i] = int(padded[64 * w : 64 * (w + 1)], 2)
    bit_counts = np.array([len(bits) for bits in payloads], dtype=np.int64)
    offsets, widths, signs = (
        np.array(column, dtype=np.int64) for column in zip(*fields, strict=True)
    )
    values = [np.full(n, -7, dtype=np.int64) for _ in fields]
    available = np.full((len(fields), n), 99, dtype=np.uint8)
    kinds = np.zeros(len(fields), dtype=np.int64)  # plain numbers
    kernel.extract(words, bit_counts, offsets, widths, signs, kinds, values, available)
    for f, (offset, field_width, signed) in enumerate(fields):
        for i, bits in enumerate(payloads):
            value, have = _reference_field(bits, offset, field_width, signed)
            assert int(available[f, i]) == have, (f, i)
            if have:
                assert int(values[f][i]) == value, (f, i, bits, offset, field_width, signed)


def test_extract_refuses_fields_outside_the_words_and_wrong_sizes() -> None:
    kernel = _kernel()
    words = np.zeros((2, 3), dtype=np.uint64)
    bits = np.full(3, 128, dtype=np.int64)

    def run(offset: int, width: int, values: int = 1, rows: int = 3) -> None:
        kernel.extract(
            words,
            bits,
            np.array([offset], dtype=np.int64),
            np.array([width], dtype=np.int64),
            np.array([0], dtype=np.int64),
            np.array([0], dtype=np.int64),
            [np.empty(rows, dtype=np.int64) for _ in range(values)],
            np.empty((1, 3), dtype=np.uint8),
        )

    run(100, 28)  # inside: no error
    for offset, width in ((120, 9), (0, 58), (0, 0), (-1, 4)):
        with pytest.raises(ValueError, match="field 0"):
            run(offset, width)
    with pytest.raises(ValueError, match="expected 1 arrays"):
        run(0, 6, values=2)
    with pytest.raises(ValueError, match="holds"):
        run(0, 6, rows=2)


def test_scan_columns_are_32_bit_but_the_receive_time() -> None:
    kernel = _kernel()
    dtypes = dict(zip(kernel.SCAN_COLUMNS, kernel.SCAN_DTYPES, strict=True))
    assert dtypes.pop("received_us") == "int64"
    assert set(dtypes.values()) == {"int32"}
    # A receive time past 2**31 survives.
    assert _scan([b"\\c:1700000000*5F\\" + GOOD.encode()])["received_us"] == [1_700_000_000_000_000]


@settings(max_examples=200, deadline=None)
@given(
    st.lists(st.integers(-(2**27), 2**27 - 1), min_size=1, max_size=40),
    st.sampled_from(
        [
            Conversion.FLOAT,
            Conversion.TENTH,
            Conversion.LATLON,
            Conversion.LATLON_600,
            Conversion.BOOL,
        ]
    ),
)
def test_extract_converts_exactly_as_the_numpy_engine(
    numbers: list[int], conversion: Conversion
) -> None:
    """Each conversion equals the NumPy engine's formula bit for bit (pyais's scalings)."""
    kernel = _kernel()
    n = len(numbers)
    raw = np.array(numbers, dtype=np.int64)
    # A signed 28-bit field at bit 0 of one word per payload.
    words = ((raw.astype(np.uint64) & np.uint64(2**28 - 1)) << np.uint64(36)).reshape(1, n)
    dtype = np.bool_ if conversion is Conversion.BOOL else np.float64
    out: npt.NDArray[np.generic] = np.empty(n, dtype=dtype)
    kernel.extract(
        np.ascontiguousarray(words),
        np.full(n, 64, dtype=np.int64),
        np.array([0], dtype=np.int64),
        np.array([28], dtype=np.int64),
        np.array([1], dtype=np.int64),
        np.array([int(conversion)], dtype=np.int64),
        [out.view(np.uint8) if dtype is np.bool_ else out],
        np.empty((1, n), dtype=np.uint8),
    )
    expected = {
        Conversion.FLOAT: raw.astype(np.float64),
        Conversion.TENTH: raw.astype(np.float64) / 10.0,
        Conversion.LATLON: ((10 * raw + 3) // 6) / 1e6,
        Conversion.LATLON_600: ((10000 * raw + 3) // 6) / 1e6,
        Conversion.BOOL: raw != 0,
    }[conversion]
    assert out.tobytes() == expected.astype(dtype).tobytes()  # bit for bit


def test_extract_refuses_an_unknown_conversion() -> None:
    with pytest.raises(ValueError, match="no kind 9"):
        _kernel().extract(
            np.zeros((1, 1), dtype=np.uint64),
            np.full(1, 64, dtype=np.int64),
            np.array([0], dtype=np.int64),
            np.array([6], dtype=np.int64),
            np.array([0], dtype=np.int64),
            np.array([9], dtype=np.int64),
            [np.empty(1, dtype=np.int64)],
            np.empty((1, 1), dtype=np.uint8),
        )
