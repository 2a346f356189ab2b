"""Property-based round trips: random valid messages encoded by pyais decode equal to pyais.

Per message type, hypothesis draws 10,000 messages (each field over its whole
bit range, in pyais's units), pyais encodes them; portintel decodes all of
them in one batch and every field must equal pyais's own decoding of the same
sentences. Collecting first and decoding once keeps the suite fast.
"""

from __future__ import annotations

from typing import Any

import pyais
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pyais.encode import encode_dict

from portintel.domain.maritime.ais import decode_lines
from portintel.domain.maritime.ais.fields import LAYOUTS, TYPE_24_LAYOUTS, Field, Kind
from tests.domain.maritime.pyais_reference import assert_same

EXAMPLES = 10_000
SIXBIT_TEXT = "@ABCDEFGHIJKLMNOPQRSTUVWXYZ[\\]^_ !\"#$%&'()*+,-./0123456789:;<=>?"


def _value(field: Field) -> st.SearchStrategy[Any]:
    width, kind = field.width, field.kind
    if kind is Kind.TEXT:
        return st.text(alphabet=SIXBIT_TEXT, max_size=width // 6)
    if kind is Kind.BOOL:
        return st.booleans()
    if kind in (Kind.UINT, Kind.CODE):
        return st.integers(0, 2**width - 1)
    if kind is Kind.SINT:
        return st.integers(-(2 ** (width - 1)), 2 ** (width - 1) - 1)
    if kind is Kind.FLOAT:
        return st.integers(0, 2**width - 1).map(float)
    if kind is Kind.TENTH:
        return st.integers(0, 2**width - 1).map(lambda raw: raw / 10)
    signed = st.integers(-(2 ** (width - 1)), 2 ** (width - 1) - 1)
    if kind is Kind.LATLON:
        return signed.map(lambda raw: raw / 600000)
    if kind is Kind.LATLON_600:
        return signed.map(lambda raw: raw / 600)
    if kind is Kind.TURN:
        return st.one_of(st.integers(-128, 127), st.floats(-720, 720, allow_nan=False))
    raise AssertionError(kind)


def _message(message_type: int, layout: tuple[Field, ...]) -> st.SearchStrategy[dict[str, Any]]:
    fields = {
        f.name: _value(f)
        for f in layout
        if f.kind is not Kind.SPARE and f.name not in ("msg_type", "partno")
    }
    if layout is TYPE_24_LAYOUTS[2]:
        fields["mmsi"] = st.integers(980_000_000, 989_999_999)
    elif layout is TYPE_24_LAYOUTS[1]:
        fields["mmsi"] = st.integers(0, 979_999_999)
    fixed: dict[str, Any] = {"msg_type": message_type}
    if message_type == 24:
        fixed["partno"] = 0 if layout is TYPE_24_LAYOUTS[0] else 1
    return st.fixed_dictionaries(fields).map(lambda drawn: {**drawn, **fixed})


CASES = [(t, layout, f"type {t}") for t, layout in sorted(LAYOUTS.items())] + [
    (24, layout, f"type 24 {name}")
    for layout, name in zip(TYPE_24_LAYOUTS, ("part A", "part B", "part B auxiliary"), strict=True)
]


@pytest.mark.parametrize(("message_type", "layout", "label"), CASES, ids=[c[2] for c in CASES])
def test_round_trip(message_type: int, layout: tuple[Field, ...], label: str) -> None:
    encoded: list[list[str]] = []

    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(_message(message_type, layout))
    def collect(message: dict[str, Any]) -> None:
        encoded.append(encode_dict(message, radio_channel="B", seq_id=len(encoded) % 10))

    collect()
    assert len(encoded) >= EXAMPLES
    lines = [sentence for sentences in encoded for sentence in sentences]
    batch = decode_lines(lines)
    assert batch.rejects.height == 0, batch.rejects.head(3)
    table = batch.messages[message_type]
    assert table.height == len(encoded)
    rows = table.iter_rows(named=True)
    for sentences, ours in zip(encoded, rows, strict=True):
        theirs = pyais.decode(*sentences).asdict(enum_as_int=True)
        assert_same(ours, theirs, f"{label} {sentences}")
