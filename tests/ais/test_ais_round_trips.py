"""Property-based round trips: random valid messages encoded by pyais decode equal to pyais.

Per message type, at least 10,000 random messages (asserted) are encoded by
pyais, decoded by portintel and compared field by field with pyais's own
decoding of the same sentences. Every field ranges over its whole bit range,
in pyais's units.

One hypothesis example is a whole batch decoded in one ``decode_lines`` call:
a few messages drawn field by field by hypothesis (which favours edge values
and shrinks a failure to a small counterexample) followed by many more from a
hypothesis-seeded generator that also favours the edges (minimum, maximum,
0, +-1). Drawing all 10,000 messages per type through hypothesis strategies
costs about 2 ms each and made the suite take a quarter of an hour.
"""

from __future__ import annotations

import random
from typing import Any

import pyais
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pyais.encode import encode_dict

from portintel.ais import decode_lines
from portintel.ais.fields import LAYOUTS, TYPE_24_LAYOUTS, Field, Kind
from tests.ais.pyais_reference import assert_same

MESSAGES_PER_TYPE = 10_000
DRAWN = 8  # messages per batch drawn field by field by hypothesis
GENERATED = 192  # messages per batch from the seeded generator
# A few batches more than needed: the count is asserted, not assumed.
BATCHES = MESSAGES_PER_TYPE // (DRAWN + GENERATED) + 5
EDGE_CHANCE = 0.25
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


def _integer(rng: random.Random, low: int, high: int) -> int:
    if rng.random() < EDGE_CHANCE:
        return rng.choice([v for v in (low, low + 1, -1, 0, 1, high - 1, high) if low <= v <= high])
    return rng.randint(low, high)


def _generated_value(field: Field, rng: random.Random) -> Any:
    """The generator's counterpart of ``_value``: same ranges, same units."""
    width, kind = field.width, field.kind
    if kind is Kind.TEXT:
        size = _integer(rng, 0, width // 6)
        return "".join(rng.choice(SIXBIT_TEXT) for _ in range(size))
    if kind is Kind.BOOL:
        return rng.random() < 0.5
    unsigned_high = 2**width - 1
    signed_low, signed_high = -(2 ** (width - 1)), 2 ** (width - 1) - 1
    if kind in (Kind.UINT, Kind.CODE):
        return _integer(rng, 0, unsigned_high)
    if kind is Kind.SINT:
        return _integer(rng, signed_low, signed_high)
    if kind is Kind.FLOAT:
        return float(_integer(rng, 0, unsigned_high))
    if kind is Kind.TENTH:
        return _integer(rng, 0, unsigned_high) / 10
    if kind is Kind.LATLON:
        return _integer(rng, signed_low, signed_high) / 600000
    if kind is Kind.LATLON_600:
        return _integer(rng, signed_low, signed_high) / 600
    if kind is Kind.TURN:
        if rng.random() < 0.5:
            return _integer(rng, -128, 127)
        return rng.uniform(-720, 720)
    raise AssertionError(kind)


def _fixed_fields(message_type: int, layout: tuple[Field, ...]) -> dict[str, Any]:
    fixed: dict[str, Any] = {"msg_type": message_type}
    if message_type == 24:
        fixed["partno"] = 0 if layout is TYPE_24_LAYOUTS[0] else 1
    return fixed


def _mmsi_range(layout: tuple[Field, ...]) -> tuple[int, int] | None:
    """Type 24 part B: pyais reads an auxiliary craft's layout for MMSIs 98xxxxxxx."""
    if layout is TYPE_24_LAYOUTS[2]:
        return 980_000_000, 989_999_999
    if layout is TYPE_24_LAYOUTS[1]:
        return 0, 979_999_999
    return None


def _generated_message(
    message_type: int, layout: tuple[Field, ...], rng: random.Random
) -> dict[str, Any]:
    message = {
        f.name: _generated_value(f, rng)
        for f in layout
        if f.kind is not Kind.SPARE and f.name not in ("msg_type", "partno")
    }
    mmsi_range = _mmsi_range(layout)
    if mmsi_range is not None:
        message["mmsi"] = _integer(rng, *mmsi_range)
    return {**message, **_fixed_fields(message_type, layout)}


def _message(message_type: int, layout: tuple[Field, ...]) -> st.SearchStrategy[dict[str, Any]]:
    fields = {
        f.name: _value(f)
        for f in layout
        if f.kind is not Kind.SPARE and f.name not in ("msg_type", "partno")
    }
    mmsi_range = _mmsi_range(layout)
    if mmsi_range is not None:
        fields["mmsi"] = st.integers(*mmsi_range)
    fixed = _fixed_fields(message_type, layout)
    return st.fixed_dictionaries(fields).map(lambda drawn: {**drawn, **fixed})


CASES = [(t, layout, f"type {t}") for t, layout in sorted(LAYOUTS.items())] + [
    (24, layout, f"type 24 {name}")
    for layout, name in zip(TYPE_24_LAYOUTS, ("part A", "part B", "part B auxiliary"), strict=True)
]


@pytest.mark.parametrize(("message_type", "layout", "label"), CASES, ids=[c[2] for c in CASES])
def test_round_trip(message_type: int, layout: tuple[Field, ...], label: str) -> None:
    checked = 0

    @settings(
        max_examples=BATCHES,
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(
        st.lists(_message(message_type, layout), min_size=DRAWN, max_size=DRAWN),
        st.integers(0, 2**64 - 1),
    )
    def check_batch(drawn: list[dict[str, Any]], seed: int) -> None:
        nonlocal checked
        rng = random.Random(seed)
        messages = drawn + [_generated_message(message_type, layout, rng) for _ in range(GENERATED)]
        encoded = [
            encode_dict(message, radio_channel="B", seq_id=index % 10)
            for index, message in enumerate(messages)
        ]
        lines = [sentence for sentences in encoded for sentence in sentences]
        batch = decode_lines(lines)
        assert batch.rejects.height == 0, batch.rejects.head(3)
        assert batch.unsupported.height == 0, batch.unsupported.head(3)
        table = batch.messages[message_type]
        assert table.height == len(encoded)
        for sentences, ours in zip(encoded, table.iter_rows(named=True), strict=True):
            theirs = pyais.decode(*sentences).asdict(enum_as_int=True)
            assert_same(ours, theirs, f"{label} {sentences}")
        checked += len(encoded)

    check_batch()
    assert checked >= MESSAGES_PER_TYPE, f"{label}: only {checked} messages checked"
