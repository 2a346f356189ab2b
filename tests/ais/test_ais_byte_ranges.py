"""The byte-range helpers the decoder's speed rests on, against plain Python slicing."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from portintel.ais.byte_ranges import fixed_rows, run_heads


@st.composite
def _ranges(draw: st.DrawFn) -> tuple[bytes, list[int], list[int]]:
    # A tiny alphabet so that equal neighbouring ranges are common.
    data = draw(st.binary(min_size=1, max_size=300).map(lambda b: bytes(c % 3 for c in b)))
    count = draw(st.integers(1, 40))
    starts = sorted(draw(st.lists(st.integers(0, len(data)), min_size=count, max_size=count)))
    lengths = draw(st.lists(st.integers(0, 70), min_size=count, max_size=count))
    stops = [min(start + length, len(data)) for start, length in zip(starts, lengths, strict=True)]
    return data, starts, stops


@settings(max_examples=300, deadline=None)
@given(_ranges())
def test_run_heads_marks_every_range_that_differs_from_the_previous(
    case: tuple[bytes, list[int], list[int]],
) -> None:
    data, starts, stops = case
    buffer = np.frombuffer(data, dtype=np.uint8)
    heads = run_heads(buffer, np.array(starts, np.int64), np.array(stops, np.int64), width=48)
    texts = [data[start:stop] for start, stop in zip(starts, stops, strict=True)]
    for index, text in enumerate(texts):
        same_as_previous = index > 0 and len(text) <= 48 and text == texts[index - 1]
        if not same_as_previous:
            assert heads[index], (index, texts[index - 1 : index + 1])
        elif len(texts[index - 1]) <= 48:
            assert not heads[index], (index, text)


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=100), st.integers(1, 64), st.data())
def test_fixed_rows_reads_zeros_past_the_end(data: bytes, width: int, draw: st.DataObject) -> None:
    buffer = np.frombuffer(data, dtype=np.uint8)
    starts = draw.draw(st.lists(st.integers(0, len(data)), min_size=1, max_size=20))
    rows = fixed_rows(buffer, np.array(starts, np.int64), width)
    for row, start in zip(rows, starts, strict=True):
        expected = data[start : start + width].ljust(width, b"\0")
        assert row.tobytes() == expected
