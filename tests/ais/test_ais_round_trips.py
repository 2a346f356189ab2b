"""Property-based round trips: random valid messages of every type 1-27 decode equal to pyais.

Per message type, random messages of each of its layouts (the DAC/FI
applications of types 6 and 8, the variants of 16, 22, 24, 25 and 26) are
encoded by pyais, decoded by portintel and compared field by field with
pyais's own decoding of the same sentences. Every field ranges over its whole
bit range, in pyais's units; binary data and text have every length up to
their field's width, so multi-sentence messages are common.

How many messages per type is ``PORTINTEL_AIS_ROUND_TRIPS`` (default
``DEFAULT_MESSAGES_PER_TYPE``, asserted): the full 10,000 per type runs with
``PORTINTEL_AIS_ROUND_TRIPS=10000`` (CI's decoder job; about two minutes on
one core), the default keeps a developer's run short.

One hypothesis example is a whole batch decoded in one ``decode_lines`` call:
a few messages drawn field by field by hypothesis (which favours edge values
and shrinks a failure to a small counterexample) followed by many more from a
hypothesis-seeded generator that also favours the edges (minimum, maximum,
0, +-1). Drawing every message through hypothesis strategies costs about
2 ms each and made the suite take a quarter of an hour.
"""

from __future__ import annotations

import os
import random
from functools import cache
from typing import Any

import pyais
import pyais.messages
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pyais.encode import encode_msg

from portintel.ais import DECODED_TYPES, decode_lines
from portintel.ais.fields import (
    BINARY_ADDRESSED_APPLICATIONS,
    BINARY_BROADCAST_APPLICATIONS,
    PYAIS_NAMES,
    TYPE_24_LAYOUTS,
    VARIANTS,
    Field,
    Kind,
    layouts_of,
)
from tests.ais.pyais_reference import assert_same

DEFAULT_MESSAGES_PER_TYPE = 1_000
MESSAGES_PER_TYPE = int(os.environ.get("PORTINTEL_AIS_ROUND_TRIPS", DEFAULT_MESSAGES_PER_TYPE))
DRAWN = 8  # messages per batch drawn field by field by hypothesis
GENERATED = 192  # messages per batch from the seeded generator
# A batch more than needed: the count is asserted, not assumed.
BATCHES = MESSAGES_PER_TYPE // (DRAWN + GENERATED) + 1
EDGE_CHANCE = 0.25
SIXBIT_TEXT = "@ABCDEFGHIJKLMNOPQRSTUVWXYZ[\\]^_ !\"#$%&'()*+,-./0123456789:;<=>?"
Layout = tuple[Field, ...]


@cache
def pyais_class(message_type: int, layout: Layout) -> type[pyais.messages.Payload]:
    """The pyais message class with exactly this layout (field names and widths)."""
    wanted = [(PYAIS_NAMES.get(f.name, f.name), f.width) for f in layout]
    found = [
        cls
        for cls in vars(pyais.messages).values()
        if isinstance(cls, type)
        and issubclass(cls, pyais.messages.Payload)
        and hasattr(cls, "__attrs_attrs__")
        and [(f.name, f.metadata["width"]) for f in cls.fields()] == wanted
    ]
    if pyais.messages.MSG_CLASS[message_type] in found:  # types 2, 3, 11, 13 share a layout
        return pyais.messages.MSG_CLASS[message_type]
    found = [cls for cls in found if cls.fields()[0].metadata["default"] == message_type]
    # Type 26 addressed, structured or not, has the same layout in pyais: either class.
    assert len(found) in (1, 2), f"type {message_type}: {len(found)} pyais classes match"
    return found[0]


def _signed_range(width: int) -> tuple[int, int]:
    return -(2 ** (width - 1)), 2 ** (width - 1) - 1


def _scaled(field: Field, raw: int) -> Any:
    """A raw value in pyais's units for the field (what its encoder takes)."""
    kind = field.kind
    if kind is Kind.FLOAT:
        return float(raw)
    if kind is Kind.TENTH:
        return raw / 10
    if kind is Kind.HUNDREDTH:
        return raw / 100
    if kind is Kind.LATLON:
        return raw / 600000
    if kind is Kind.LATLON_600:
        return raw / 600
    if kind is Kind.LATLON_60000:
        return raw / 60000
    if kind is Kind.LOOKUP:
        from portintel.ais.conversions import LOOKUP_TABLES

        assert field.table is not None
        return LOOKUP_TABLES[field.table][raw].item()
    return raw


def _raw_range(field: Field) -> tuple[int, int]:
    if field.is_signed and field.kind is not Kind.LOOKUP:
        return _signed_range(field.width)
    return 0, 2**field.width - 1


def _value(field: Field) -> st.SearchStrategy[Any]:
    width, kind = field.width, field.kind
    if kind is Kind.TEXT:
        return st.text(alphabet=SIXBIT_TEXT, max_size=width // 6)
    if kind is Kind.BYTES:
        return st.binary(max_size=(width + 7) // 8)
    if kind is Kind.BOOL:
        return st.booleans()
    if kind is Kind.TURN:
        return st.one_of(st.integers(-128, 127), st.floats(-720, 720, allow_nan=False))
    low, high = _raw_range(field)
    return st.integers(low, high).map(lambda raw: _scaled(field, raw))


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
    if kind is Kind.BYTES:
        return rng.randbytes(_integer(rng, 0, (width + 7) // 8))
    if kind is Kind.BOOL:
        return rng.random() < 0.5
    if kind is Kind.TURN:
        if rng.random() < 0.5:
            return _integer(rng, -128, 127)
        return rng.uniform(-720, 720)
    return _scaled(field, _integer(rng, *_raw_range(field)))


def _fixed_fields(message_type: int, layout: Layout) -> dict[str, Any]:
    """The fields that choose the layout, set so that pyais reads it back with this one."""
    fixed: dict[str, Any] = {"msg_type": message_type}
    if message_type == 24:
        fixed["partno"] = 0 if layout is TYPE_24_LAYOUTS[0] else 1
    applications = {6: BINARY_ADDRESSED_APPLICATIONS, 8: BINARY_BROADCAST_APPLICATIONS}
    for (dac, fid), application in applications.get(message_type, {}).items():
        if application is layout:
            fixed.update(dac=dac, fid=fid)
    if message_type == 6 and layout is VARIANTS[6][1]:
        fixed.update(dac=1, fid=16)  # the short persons-on-board message
    if message_type == 8 and (fixed.get("dac"), fixed.get("fid")) == (1, 21):
        fixed["wmo"] = False
    if message_type in (22, 25, 26):
        index = next(i for i, known in enumerate(VARIANTS[message_type]) if known is layout)
        fixed["addressed"] = bool(index // 2) if message_type != 22 else bool(index)
        if message_type != 22:
            fixed["structured"] = bool(index % 2)
    return fixed


def _mmsi_range(layout: Layout) -> tuple[int, int] | None:
    """Type 24 part B: pyais reads an auxiliary craft's layout for MMSIs 98xxxxxxx."""
    if layout is TYPE_24_LAYOUTS[2]:
        return 980_000_000, 989_999_999
    if layout is TYPE_24_LAYOUTS[1]:
        return 0, 979_999_999
    return None


def _free(layout: Layout, fixed: dict[str, Any]) -> list[Field]:
    return [f for f in layout if f.kind is not Kind.SPARE and f.name not in fixed]


def _generated_message(message_type: int, layout: Layout, rng: random.Random) -> dict[str, Any]:
    fixed = _fixed_fields(message_type, layout)
    message = {f.name: _generated_value(f, rng) for f in _free(layout, fixed)}
    mmsi_range = _mmsi_range(layout)
    if mmsi_range is not None:
        message["mmsi"] = _integer(rng, *mmsi_range)
    return {**message, **fixed}


def _message(message_type: int, layout: Layout) -> st.SearchStrategy[dict[str, Any]]:
    fixed = _fixed_fields(message_type, layout)
    fields = {f.name: _value(f) for f in _free(layout, fixed)}
    mmsi_range = _mmsi_range(layout)
    if mmsi_range is not None:
        fields["mmsi"] = st.integers(*mmsi_range)
    return st.fixed_dictionaries(fields).map(lambda drawn: {**drawn, **fixed})


def encode(message_type: int, layout: Layout, message: dict[str, Any], seq_id: int) -> list[str]:
    """The sentences pyais's encoder writes for a message of this layout."""
    named = {PYAIS_NAMES.get(name, name): value for name, value in message.items()}
    payload = pyais_class(message_type, layout).create(**named)
    return encode_msg(payload, radio_channel="B", talker_id="AI", seq_id=seq_id)


def test_every_layout_has_its_pyais_class() -> None:
    for message_type in range(1, 28):
        for layout in layouts_of(message_type):
            pyais_class(message_type, layout)
    assert set(range(1, 28)) == DECODED_TYPES


def test_the_full_count_is_ten_thousand_per_type_when_asked() -> None:
    """CI's decoder job sets PORTINTEL_AIS_ROUND_TRIPS=10000; any run checks what it says."""
    assert BATCHES * (DRAWN + GENERATED) >= MESSAGES_PER_TYPE
    assert (
        MESSAGES_PER_TYPE >= DEFAULT_MESSAGES_PER_TYPE or "PORTINTEL_AIS_ROUND_TRIPS" in os.environ
    )


@pytest.mark.parametrize("message_type", sorted(DECODED_TYPES), ids=lambda t: f"type {t}")
def test_round_trip(message_type: int) -> None:
    layouts = layouts_of(message_type)
    checked = 0
    by_layout = dict.fromkeys(range(len(layouts)), 0)

    @settings(
        max_examples=BATCHES,
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(
        st.lists(
            st.sampled_from(range(len(layouts))).flatmap(
                lambda index: st.tuples(st.just(index), _message(message_type, layouts[index]))
            ),
            min_size=DRAWN,
            max_size=DRAWN,
        ),
        st.integers(0, 2**64 - 1),
    )
    def check_batch(drawn: list[tuple[int, dict[str, Any]]], seed: int) -> None:
        nonlocal checked
        rng = random.Random(seed)
        generated = [rng.randrange(len(layouts)) for _ in range(GENERATED)]
        messages = drawn + [
            (index, _generated_message(message_type, layouts[index], rng)) for index in generated
        ]
        encoded = [
            encode(message_type, layouts[index], message, seq_id=number % 10)
            for number, (index, message) in enumerate(messages)
        ]
        lines = [sentence for sentences in encoded for sentence in sentences]
        batch = decode_lines(lines)
        assert batch.rejects.height == 0, batch.rejects.head(3)
        assert batch.unsupported.height == 0, batch.unsupported.head(3)
        table = batch.messages[message_type]
        assert table.height == len(encoded)
        for sentences, ours in zip(encoded, table.iter_rows(named=True), strict=True):
            theirs = pyais.decode(*sentences).asdict(enum_as_int=True)
            assert_same(ours, theirs, f"type {message_type} {sentences}")
        for index, _ in messages:
            by_layout[index] += 1
        checked += len(encoded)

    check_batch()
    assert checked >= MESSAGES_PER_TYPE, f"type {message_type}: only {checked} messages checked"
    assert all(by_layout.values()), f"type {message_type}: a layout was never drawn {by_layout}"
