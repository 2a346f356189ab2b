"""The compiled engine decodes exactly as the NumPy engine, table by table, on any input.

The NumPy engine is the reference (it is itself proven equal to pyais on the
real samples); the native engine (``_kernel``, built by ``pip install -e .``)
must give identical messages, rejects and unsupported rows for real lines,
mutated real lines, near-valid and random input, and streams fed in chunks.
Where the kernel is expected its absence fails these tests; where it is
deliberately absent they skip, saying so (see :mod:`tests.ais.native`).
"""

from __future__ import annotations

import random
from collections.abc import Callable
from functools import cache
from typing import Literal

import numpy as np
import polars as pl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from polars.testing import assert_frame_equal

from portintel.ais import (
    NATIVE_AVAILABLE,
    DecodedBatch,
    StreamDecoder,
    decode_bytes,
    decode_lines,
    framing,
)
from portintel.ais.fields import layouts_of
from portintel.ais.framing import TagMode
from tests.ais.native import ENGINE_UNDER_TEST, require_native
from tests.ais.nmea_text import checksum as _checksum
from tests.ais.nmea_text import sentence as _sentence
from tests.ais.nmea_text import tag_block as _tag
from tests.ais.test_ais_message_types import _sentences as _payload_sentences
from tests.ais.test_ais_round_trips import _generated_message, encode
from tests.ais_samples import sample

Engine = Literal["native", "numpy"]
FILES = ["marinetraffic-sample.nmea", "kystverket-1000.nm4"]
SETTINGS = settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])

GOOD = "!AIVDM,1,1,,A,13RlIW?04F1beOVEFLB9bRvH0L0L,0*6C"
ARMOURED = "".join(map(chr, range(48, 88))) + "".join(map(chr, range(96, 120)))
OUTSIDE = "XYZ[\\]^_xyz{|}~ !\"#$%&'()*+-./\x7f\x00é"
WHITESPACE = ["", " ", "\t", "\r", " \r", "\x0b", "\x0c", "  \t "]
TIME_VALUES = [
    "1565218798",
    "1700000000123",
    "99999999999",
    "100000000000",
    "",
    "+1700000000",
    "-1700000000",
    "-0",
    "0",
    "9223372036854775807",
    "9223372036854775808",
    "-9223372036854775808",
    "99999999999999999999999",
    "92233720368547758",
    "17a0",
    "1.5",
    " 17",
    "0x10",
    "+",
    "-",
]
COLUMNS = [
    "2024-01-01 12:00:00.123,",
    "2024-01-01T12:00:00.123Z;",
    "2024/01/01 12:00:00.5\t",
    "01/02/2024 12:00:00.000 ",
    "1704110400.123 ",
    "1704110400,",
    "1704110400123;",
    "-1 ",
    "1e9 ",
    "nan,",
    "inf ",
    "garbage,",
    "12:00:00 ",
    ",",
    " ;, ",
    "2024-13-45 99:99:99,",
]


# ---------------------------------------------------------------------------
# engines and comparison


def _require_native() -> None:
    require_native()


def _assert_frames(ours: pl.DataFrame, reference: pl.DataFrame, what: str) -> None:
    try:
        assert_frame_equal(ours, reference, check_exact=True)
    except AssertionError as error:
        raise AssertionError(f"{what}: native != numpy\n{error}") from None


def _assert_same(native: DecodedBatch, numpy: DecodedBatch, where: object) -> None:
    assert sorted(native.messages) == sorted(numpy.messages), f"message types differ: {where!r}"
    for message_type, table in numpy.messages.items():
        _assert_frames(native.messages[message_type], table, f"type {message_type} of {where!r}")
    _assert_frames(native.rejects, numpy.rejects, f"rejects of {where!r}")
    _assert_frames(native.unsupported, numpy.unsupported, f"unsupported of {where!r}")


TAG_MODES: list[TagMode] = ["strict", "flag", "trust"]


def _tags(mode: TagMode) -> dict[str, bool]:
    """decode_*'s arguments for a tag mode."""
    return {"verify_tag_checksums": mode != "trust", "strict_tag_checksums": mode == "strict"}


def _same_by_both(decode: Callable[[Engine], DecodedBatch], where: object) -> DecodedBatch:
    _require_native()
    reference = decode("numpy")
    _assert_same(decode("native"), reference, where)
    return reference


def _same_bytes(data: bytes, verify: TagMode, first_line: int = 1) -> DecodedBatch:
    return _same_by_both(
        lambda engine: decode_bytes(data, first_line=first_line, **_tags(verify), engine=engine),
        data,
    )


def _same_lines(lines: list[str], verify: TagMode, first_line: int = 1) -> DecodedBatch:
    return _same_by_both(
        lambda engine: decode_lines(lines, first_line=first_line, **_tags(verify), engine=engine),
        lines,
    )


def _same_everywhere(lines: list[bytes], verify: TagMode, ending: bytes = b"\n") -> None:
    """Both engines agree on the lines as bytes (with ``ending``) and as strings."""
    lines = [line.replace(b"\n", b" ") for line in lines]
    data = b"".join(line + ending for line in lines)
    by_bytes = _same_bytes(data, verify, first_line=3)
    text = [line.decode("utf-8", errors="replace") for line in lines]
    by_lines = _same_lines(text, verify, first_line=3)
    for batch in (by_bytes, by_lines):
        accounted = batch.message_count + batch.rejects.height + batch.unsupported.height
        assert accounted <= len(lines)


# ---------------------------------------------------------------------------
# real samples


@cache
def _sample_bytes(name: str) -> bytes:
    return sample(name).read_bytes()


@cache
def _real_lines() -> tuple[bytes, ...]:
    return tuple(
        line for name in FILES for line in _sample_bytes(name).splitlines() if line.strip()
    )


@cache
def _real_payloads() -> tuple[tuple[str, int], ...]:
    """Payload and fill bits of every single-fragment real sentence with a payload."""
    found = []
    for line in _real_lines():
        text = line.decode()
        fields = text[text.index("!") :].split(",")
        if fields[1] == "1" and fields[5]:
            found.append((fields[5], int(fields[6][0])))
    return tuple(found)


@pytest.mark.parametrize("verify", TAG_MODES)
@pytest.mark.parametrize("name", FILES)
def test_real_samples_decode_identically(name: str, verify: TagMode) -> None:
    batch = _same_bytes(_sample_bytes(name), verify)
    assert batch.message_count > 700
    if name.startswith("kystverket") and verify == "strict":
        assert set(batch.rejects["reason"].to_list()) == {"bad tag block checksum"}
    if name.startswith("kystverket") and verify != "strict":
        assert batch.rejects.height == 0


@pytest.mark.parametrize("name", FILES)
def test_real_samples_as_lines_decode_identically(name: str) -> None:
    lines = _sample_bytes(name).decode().splitlines()
    batch = _same_lines(lines, verify="trust", first_line=100)
    assert batch.message_count > 700
    assert min([*batch.rejects["line"].to_list(), 100]) >= 100


def test_auto_engine_is_the_native_one_and_equals_numpy_on_the_samples() -> None:
    _require_native()
    data = _sample_bytes(FILES[1])
    _assert_same(
        decode_bytes(data, engine="auto"), decode_bytes(data, engine="numpy"), "auto vs numpy"
    )
    _assert_same(decode_bytes(data), decode_bytes(data, engine="native"), "default vs native")


def test_an_unknown_engine_is_refused() -> None:
    with pytest.raises(ValueError, match="engine"):
        decode_bytes(GOOD.encode(), engine="fortran")  # type: ignore[arg-type]


def test_the_engine_under_test_is_the_installed_one() -> None:
    """A run that says it tests the NumPy engine alone really has no kernel, and vice versa."""
    if ENGINE_UNDER_TEST == "numpy":
        assert not NATIVE_AVAILABLE
        assert framing.resolve("auto") == "numpy"
    else:
        assert NATIVE_AVAILABLE, "the compiled AIS kernel is not built: run `pip install -e .`"
        assert framing.resolve("auto") == "native"


def test_a_batch_too_large_for_the_kernel_is_framed_with_numpy(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    _require_native()
    data = _sample_bytes(FILES[1])
    expected = decode_bytes(data, engine="numpy")
    # The kernel's 32-bit offsets stop at 2 GiB; a small limit takes the same path.
    monkeypatch.setattr(framing, "NATIVE_LIMIT", 1000)
    assert (
        framing.frame(
            np.frombuffer(data, dtype=np.uint8),
            np.arange(1, data.count(b"\n") + 1),
            tag_mode="flag",
            engine="native",
        ).packed
        is None
    )  # not scanned by the kernel
    _assert_same(decode_bytes(data, engine="native"), expected, "over the limit")


def test_without_the_kernel_auto_falls_back_and_native_says_how_to_build_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(framing, "NATIVE_AVAILABLE", False)
    assert framing.resolve("auto") == "numpy"
    with pytest.raises(RuntimeError, match="pip install"):
        framing.resolve("native")
    data = _sample_bytes(FILES[1])
    _assert_same(decode_bytes(data, engine="auto"), decode_bytes(data, engine="numpy"), "auto")


# ---------------------------------------------------------------------------
# mutations of real lines


def _reseal(line: bytes) -> bytes:
    """Recompute the sentence checksum (and a tag block's) so a mutation reaches deeper."""
    bang = line.find(b"!")
    if bang < 0:
        return line
    if len(line) - bang >= 4 and line[-3:-2] == b"*":
        line = line[:-2] + _checksum(line[bang + 1 : -3]).encode()
    if bang >= 5 and line[bang - 1 : bang] == b"\\" and line[bang - 4 : bang - 3] == b"*":
        opening = line.find(b"\\")
        if opening < bang - 4:
            body = line[opening + 1 : bang - 4]
            line = line[: bang - 3] + _checksum(body).encode() + line[bang - 1 :]
    return line


def _sentence_of(line: bytes) -> bytes:
    bang = line.find(b"!")
    return line[bang:] if bang >= 0 else line


@st.composite
def _byte_edit(draw: st.DrawFn, line: bytes) -> bytes:
    position = draw(st.integers(0, len(line)))
    kind = draw(st.sampled_from(["flip", "insert", "delete", "truncate"]))
    byte = bytes([draw(st.integers(0, 255))])
    if kind == "flip" and position < len(line):
        return line[:position] + byte + line[position + 1 :]
    if kind == "insert":
        return line[:position] + byte + line[position:]
    if kind == "delete":
        return line[:position] + line[position + 1 :]
    return line[:position]


@st.composite
def _checksum_edit(draw: st.DrawFn, line: bytes) -> bytes:
    sentence = _sentence_of(line)
    head = line[: len(line) - len(sentence)]
    if len(sentence) < 4:
        return line
    correct = sentence[-2:].decode("latin-1")
    new = draw(
        st.sampled_from(
            [correct.lower(), "1G", "G1", "gg", "  ", "0", "", "000", correct[::-1], "zz"]
        )
        | st.text(alphabet="0123456789ABCDEFabcdef", min_size=2, max_size=2)
    )
    return head + sentence[:-2] + new.encode("latin-1", errors="replace")


@st.composite
def _tag_block(draw: st.DrawFn) -> str:
    fields = draw(
        st.lists(
            st.one_of(
                st.sampled_from(TIME_VALUES).map(lambda value: f"c:{value}"),
                st.sampled_from(["rx1", "rx2", "", "2573135", "a b"]).map(lambda s: f"s:{s}"),
                st.sampled_from(["1-2-9999", "2-2-9999", "1-3-7", "x"]).map(lambda g: f"g:{g}"),
                st.sampled_from(["n:12", "d:dest", "t:text", "c", "s", "q:", "cc:5", "xs:1"]),
            ),
            max_size=4,
        )
    )
    body = ",".join(fields)
    checksum = draw(
        st.sampled_from(["right", "right", "lower", "wrong", "invalid", "none", "short"])
    )
    correct = _checksum(body.encode())
    if checksum == "lower":
        return f"\\{body}*{correct.lower()}\\"
    if checksum == "wrong":
        return f"\\{body}*{int(correct, 16) ^ 0x11:02X}\\"
    if checksum == "invalid":
        return f"\\{body}*{draw(st.sampled_from(['1G', 'G1', 'x', '']))}\\"
    if checksum == "none":
        return f"\\{body}\\"
    if checksum == "short":
        return f"\\{body}*{correct[0]}\\"
    return f"\\{body}*{correct}\\"


@st.composite
def _prefix_edit(draw: st.DrawFn, line: bytes) -> bytes:
    sentence = _sentence_of(line)
    kind = draw(st.sampled_from(["tag", "column", "column+tag", "backslashes", "none"]))
    tag = draw(_tag_block()).encode()
    column = draw(st.sampled_from(COLUMNS) | st.text(max_size=12)).encode()
    if kind == "tag":
        return tag + sentence
    if kind == "column":
        return column + sentence
    if kind == "column+tag":
        return column + tag + sentence
    if kind == "backslashes":
        shape = draw(st.sampled_from(["one", "three", "open-only", "close-only", "after"]))
        if shape == "one":
            return tag[:-1] + sentence
        if shape == "three":
            return b"\\x" + tag + sentence
        if shape == "open-only":
            return b"\\c:1565218798*53" + sentence
        if shape == "close-only":
            return b"c:1565218798*53\\" + sentence
        return tag + sentence + b"\\c:1*31\\"
    return sentence


@st.composite
def _payload_edit(draw: st.DrawFn, line: bytes) -> bytes:
    """Characters outside the 6-bit alphabet, or another fill, with a resealed checksum."""
    text = line.decode("latin-1")
    bang = text.find("!")
    fields = text[bang:].split(",") if bang >= 0 else []
    if len(fields) < 7:
        return line
    if draw(st.booleans()) and fields[5]:
        payload = fields[5]
        position = draw(st.integers(0, len(payload) - 1))
        bad = draw(st.sampled_from(list(OUTSIDE)))
        fields[5] = payload[:position] + bad + payload[position + 1 :]
    else:
        fields[6] = str(draw(st.integers(0, 9))) + fields[6][1:]
    edited = (text[:bang] + ",".join(fields)).encode("utf-8", errors="replace")
    return _reseal(edited)


@st.composite
def _mutated_real_line(draw: st.DrawFn) -> bytes:
    line = draw(st.sampled_from(_real_lines()))
    edits = draw(
        st.lists(
            st.sampled_from(
                ["bytes", "checksum", "prefix", "prefix", "prefix", "payload", "payload", "unicode"]
            ),
            min_size=1,
            max_size=3,
        )
    )
    for edit in edits:
        if edit == "bytes":
            line = draw(_byte_edit(line))
        elif edit == "checksum":
            line = draw(_checksum_edit(line))
        elif edit == "prefix":
            line = draw(_prefix_edit(line))
        elif edit == "payload":
            line = draw(_payload_edit(line))
        else:
            position = draw(st.integers(0, len(line)))
            odd = draw(st.sampled_from([b"\xff", b"\xc3", "é".encode(), "€".encode(), b"\x00"]))
            line = line[:position] + odd + line[position:]
    if draw(st.booleans()):
        line = _reseal(line)
    before = draw(st.sampled_from(WHITESPACE)).encode()
    after = draw(st.sampled_from(WHITESPACE)).encode()
    return before + line + after


@st.composite
def _group(draw: st.DrawFn) -> list[bytes]:
    """The fragments of one multi-part message, some maybe missing, reordered or altered."""
    payload, fill = draw(st.sampled_from([p for p in _real_payloads() if len(p[0]) >= 4]))
    wanted = draw(st.integers(1, 3))
    cuts = sorted(draw(st.sets(st.integers(1, len(payload) - 1), min_size=1, max_size=wanted)))
    count = len(cuts) + 1
    parts = [payload[a:b] for a, b in zip([0, *cuts], [*cuts, len(payload)], strict=True)]
    sequence = draw(st.sampled_from(["", "0", "3", "9"]))
    channel = draw(st.sampled_from(["A", "B", "", "1", "2"]))
    talker = draw(st.sampled_from(["AI", "BS", "AB"]))
    station = draw(st.sampled_from([None, "rx1", "rx2"]))
    time = draw(st.sampled_from([None, "1565218798", "1700000000123"]))
    lines = []
    for number, part in enumerate(parts, start=1):
        part_fill = fill if number == count else 0
        body = f"{talker}VDM,{count},{number},{sequence},{channel},{part},{part_fill}"
        tags = []
        if station is not None:
            tags.append(f"s:{station}")
        if time is not None and draw(st.booleans()):
            tags.append(f"c:{time}")
        if draw(st.booleans()):
            tags.append(f"g:{number}-{count}-{draw(st.integers(1, 9999))}")
        prefix = _tag(",".join(draw(st.permutations(tags)))) if tags else ""
        lines.append((prefix + _sentence(body)).encode())
    kept = [line for line in lines if draw(st.integers(0, 9)) > 0]
    if draw(st.integers(0, 4)) == 0:
        kept = list(draw(st.permutations(kept)))
    return kept


@st.composite
def _interleaved_groups(draw: st.DrawFn) -> list[bytes]:
    groups = draw(st.lists(_group(), min_size=1, max_size=4))
    singles = draw(st.lists(st.sampled_from(_real_lines()), max_size=4))
    queues = [*groups, singles]
    merged: list[bytes] = []
    while any(queues):
        choice = draw(st.sampled_from([q for q in queues if q]))
        merged.append(choice.pop(0))
    return merged


NEAR_ALPHABET = "!AIVDM,0123456789AB,*\\sc:g-" + "13RlIW?0:;<=>@`abcdefghijklmnopqrstuvw"
NEAR_STARTS = [
    "",
    "!AIVDM,1,1,,A,",
    "!AIVDM,2,1,3,B,",
    "!AIVDM,2,2,3,B,",
    "!BSVDO,1,1,,",
    "\\c:1565218798*53\\!AIVDM,",
    "\\s:rx1*",
    "!AIVDM,",
]


@st.composite
def _near_valid_alphabet_line(draw: st.DrawFn) -> bytes:
    start = draw(st.sampled_from(NEAR_STARTS))
    middle = draw(st.text(alphabet=NEAR_ALPHABET, max_size=60))
    end = draw(st.sampled_from(["", ",0", ",0*", ",2*", ",0*1G"]))
    line = (start + middle + end).encode()
    choice = draw(st.integers(0, 3))
    if choice == 0:
        return line + _checksum(line[line.find(b"!") + 1 :]).encode()
    if choice == 1:
        return _reseal(line)
    return line


NEAR_FIELDS = {
    "talker": ["AI", "BS", "AB", "", "A", "GP"],
    "formatter": ["VDM", "VDO", "VDX", "vdm", "VD"],
    "count": ["1", "2", "3", "9", "0", ""],
    "index": ["1", "2", "3", "0", ""],
    "sequence": ["", "0", "9", "12"],
    "channel": ["A", "B", "", "1", "2", "AB"],
    "fill": ["0", "2", "4", "5", "6", "9", ""],
}


@st.composite
def _near_valid_fields_line(draw: st.DrawFn) -> bytes:
    """A sentence built field by field: usually a valid one, some fields odd or random."""
    fields = {name: values[0] for name, values in NEAR_FIELDS.items()}
    for name in draw(st.sets(st.sampled_from(sorted(NEAR_FIELDS)), max_size=3)):
        fields[name] = draw(
            st.sampled_from(NEAR_FIELDS[name]) | st.text(alphabet=NEAR_ALPHABET, max_size=3)
        )
    payload = draw(
        st.sampled_from([p for p, _ in _real_payloads()])
        | st.text(alphabet=ARMOURED, max_size=60)
        | st.text(alphabet=NEAR_ALPHABET + OUTSIDE, max_size=40)
    )
    body = (
        f"{fields['talker']}{fields['formatter']},{fields['count']},{fields['index']},"
        f"{fields['sequence']},{fields['channel']},{payload},{fields['fill']}"
    )
    prefix = draw(st.sampled_from(["", "", "", "\\c:1565218798*53\\", "1704110400 "]))
    checksum = draw(st.sampled_from(["right", "right", "right", "lower", "none", "bad", "hex"]))
    correct = _checksum(body.encode())
    suffix = {
        "right": f"*{correct}",
        "lower": f"*{correct.lower()}",
        "none": "",
        "bad": f"*{int(correct, 16) ^ 0x21:02X}",
        "hex": f"*{correct[0]}G",
    }[checksum]
    return (prefix + "!" + body + suffix).encode("utf-8", errors="replace")


def _near_valid_line() -> st.SearchStrategy[bytes]:
    return _near_valid_alphabet_line() | _near_valid_fields_line() | _near_valid_fields_line()


def _any_line() -> st.SearchStrategy[bytes]:
    return st.one_of(
        st.sampled_from(_real_lines()),
        _mutated_real_line(),
        _mutated_real_line(),
        _near_valid_line(),
        st.sampled_from([b"", b"   ", b"\r", GOOD.encode()]),
        st.binary(max_size=60),
    )


# ---------------------------------------------------------------------------
# property tests


@SETTINGS
@given(
    st.data(),
    st.lists(st.integers(0, 4), min_size=1, max_size=25),
    st.sampled_from(TAG_MODES),
    st.sampled_from([b"\n", b"\r\n"]),
)
def test_mutated_real_lines_decode_identically(
    data: st.DataObject, shape: list[int], verify: TagMode, ending: bytes
) -> None:
    lines: list[bytes] = []
    for kind in shape:
        if kind == 0:
            lines.extend(data.draw(_interleaved_groups()))
        else:
            lines.append(data.draw(_any_line() if kind == 1 else _mutated_real_line()))
    _same_everywhere(lines, verify, ending)


@SETTINGS
@given(st.data(), st.sampled_from(TAG_MODES))
def test_multipart_groups_decode_identically(data: st.DataObject, verify: TagMode) -> None:
    lines = data.draw(_interleaved_groups())
    _same_everywhere(lines, verify)


@SETTINGS
@given(st.lists(_near_valid_line(), max_size=30), st.sampled_from(TAG_MODES))
def test_near_valid_lines_decode_identically(lines: list[bytes], verify: TagMode) -> None:
    _same_everywhere(lines, verify)


@SETTINGS
@given(st.binary(max_size=800), st.sampled_from(TAG_MODES))
def test_random_bytes_decode_identically(data: bytes, verify: TagMode) -> None:
    _same_bytes(data, verify)


@SETTINGS
@given(st.lists(st.text(max_size=60), max_size=20), st.sampled_from(TAG_MODES))
def test_random_text_lines_decode_identically(lines: list[str], verify: TagMode) -> None:
    _same_lines(lines, verify, first_line=0)


@pytest.mark.parametrize(
    "line",
    [
        _tag("c:9223372036854775807") + GOOD,
        _tag("c:-9223372036854775808") + GOOD,
        _tag("c:9223372036854775808") + GOOD,
        _tag("c:92233720368547758") + GOOD,
        _tag("c:99999999999") + GOOD,
        _tag("c:100000000000") + GOOD,
        _tag("c:+1700000000,s:rx") + GOOD,
        _tag("s:rx,c:") + GOOD,
        _tag("c:1,c:x") + GOOD,
        _tag("s:a,s:b") + GOOD,
        "\\c:1565218798*53\\\\" + GOOD,
        "\\\\" + GOOD,
        "\\*00\\" + GOOD,
        "\\c:1565218798*53" + GOOD,
        "\\c:1565218798*53\\ " + GOOD,
        "1704110400.123 " + _tag("s:rx") + GOOD,
        "2024-01-01 12:00:00.123," + _tag("c:1565218798") + GOOD,
        "1704110400.123 !" + GOOD,
        GOOD[:-2] + "6c",
        GOOD[:-2] + "1G",
        GOOD + "\\",
        GOOD + "!",
        "!" + GOOD,
        GOOD.replace(",0*", ",\u00e9*"),
        _sentence("AIVDM,1,1,,A,13RlIW?04F1beOVEFLB9bRvH0L0L,9"),
        _sentence("AIVDM,1,1,,A,13RlIW?04F1beOVEFLB9bRvH0L0X,0"),
        _sentence("AIVDM,1,1,,A,X3RlIW?04F1beOVEFLB9bRvH0L0L,0"),
        _sentence("AIVDM,1,1,,A,1,0"),
        _sentence("AIVDM,1,1,,A,1,5"),
        _sentence("AIVDM,1,1,,A,,0"),
    ],
)
@pytest.mark.parametrize("verify", TAG_MODES)
def test_edge_lines_decode_identically(line: str, verify: TagMode) -> None:
    lines = [line, GOOD, " " + line + "\r", line]
    _same_lines(lines, verify)
    _same_bytes("\n".join(lines).encode(), verify)


# ---------------------------------------------------------------------------
# streams


def _stream(
    lines: list[str], cuts: list[int], verify: TagMode, engine: Engine
) -> list[DecodedBatch]:
    decoder = StreamDecoder(**_tags(verify), engine=engine)
    results = []
    position = 0
    for cut in [*cuts, len(lines)]:
        stop = max(position, min(cut, len(lines)))
        results.append(decoder.feed(lines[position:stop], first_line=position + 1))
        position = stop
    results.append(decoder.flush())
    return results


def _concatenated(batches: list[DecodedBatch]) -> dict[str, pl.DataFrame]:
    tables: dict[str, list[pl.DataFrame]] = {}
    for batch in batches:
        for message_type, table in batch.messages.items():
            tables.setdefault(f"type {message_type}", []).append(table)
        tables.setdefault("rejects", []).append(batch.rejects)
        tables.setdefault("unsupported", []).append(batch.unsupported)
    return {name: pl.concat(frames, how="diagonal") for name, frames in tables.items()}


@SETTINGS
@given(
    st.data(),
    st.lists(st.integers(0, 4), min_size=1, max_size=12),
    st.lists(st.integers(0, 60), max_size=8),
    st.sampled_from(TAG_MODES),
)
def test_streams_fed_in_chunks_decode_identically(
    data: st.DataObject, shape: list[int], cuts: list[int], verify: TagMode
) -> None:
    _require_native()
    lines: list[bytes] = []
    for kind in shape:
        if kind <= 1:
            lines.extend(data.draw(_interleaved_groups()))
        else:
            lines.append(data.draw(_any_line()))
    text = [line.decode("utf-8", errors="replace").replace("\n", " ") for line in lines]
    cuts = sorted(cuts)
    native = _stream(text, cuts, verify, "native")
    numpy = _stream(text, cuts, verify, "numpy")
    assert len(native) == len(numpy) == len(cuts) + 2
    for number, (ours, reference) in enumerate(zip(native, numpy, strict=True)):
        _assert_same(ours, reference, f"feed {number} of {text!r} cut at {cuts}")
    whole_native, whole_numpy = _concatenated(native), _concatenated(numpy)
    assert sorted(whole_native) == sorted(whole_numpy)
    for name, frame in whole_numpy.items():
        _assert_frames(whole_native[name], frame, f"{name} of {text!r} cut at {cuts}")
    # Streamed, every line ends up where the one-batch decode puts it.
    batch = decode_lines(text, **_tags(verify), engine="native")
    assert whole_native["rejects"].height == batch.rejects.height
    assert sum(f.height for n, f in whole_native.items() if n.startswith("type")) == (
        batch.message_count
    )


# ---------------------------------------------------------------------------
# every message type and layout


def test_every_type_and_layout_decodes_identically() -> None:
    """Messages of every layout of types 1-27 (many multi-sentence), as lines and as bytes."""
    rng = random.Random(27)
    lines: list[str] = []
    for message_type in range(1, 28):
        for layout in layouts_of(message_type):
            for _ in range(20):
                message = _generated_message(message_type, layout, rng)
                lines.extend(encode(message_type, layout, message, seq_id=len(lines) % 10))
    batch = _same_lines(lines, verify="flag")
    assert set(batch.messages) == set(range(1, 28))
    assert batch.rejects.height == 0
    _same_bytes(("\n".join(lines) + "\n").encode(), verify="flag")


@SETTINGS
@given(
    st.lists(
        st.tuples(st.integers(0, 63), st.text(alphabet=ARMOURED, max_size=180), st.integers(0, 5)),
        min_size=1,
        max_size=30,
    ),
    st.sampled_from(TAG_MODES),
)
def test_payloads_of_any_type_and_length_decode_identically(
    messages: list[tuple[int, str, int]], verify: TagMode
) -> None:
    lines = [
        line
        for number, (message_type, rest, fill) in enumerate(messages)
        for line in _payload_sentences(ARMOURED[message_type] + rest, fill, number % 10)
    ]
    _same_lines(lines, verify)
