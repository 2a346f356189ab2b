"""The compact key index answers exactly as a set of the keys' texts would."""

from __future__ import annotations

import hashlib

import polars as pl
from hypothesis import given
from hypothesis import strategies as st

from portintel.adapters.trackstore.key_index import KeyIndex, key_words


def _key(seed: int) -> str:
    return hashlib.blake2b(str(seed).encode(), digest_size=16).hexdigest()


texts = st.one_of(
    st.integers(0, 60).map(_key),
    # keys sharing their high 64 bits: the index must still tell them apart
    st.integers(0, 5).map(lambda low: "00000000000000ff" + f"{low:016x}"),
    st.text(min_size=0, max_size=40),  # not a key this project writes, still exact
    st.integers(0, 60).map(lambda seed: _key(seed).upper()),
)


@given(
    stored=st.lists(st.lists(texts, max_size=20), max_size=5),
    asked=st.lists(texts, max_size=30),
)
def test_the_index_agrees_with_a_set_of_the_texts(
    stored: list[list[str]], asked: list[str]
) -> None:
    index, reference = KeyIndex(), set()
    for batch in stored:
        index.add(key_words(pl.Series(batch, dtype=pl.Utf8)))
        reference.update(batch)
    assert len(index) == len(reference)
    found = index.contains(key_words(pl.Series(asked, dtype=pl.Utf8)))
    assert found.tolist() == [text in reference for text in asked]


def test_words_are_the_key_bytes_in_order() -> None:
    key = "0123456789abcdef" + "fedcba9876543210"
    words = key_words(pl.Series([key, key]))
    assert words.tolist() == [[0x0123456789ABCDEF, 0xFEDCBA9876543210]] * 2
    # upper case is another text, so another key
    assert KeyIndex.of(pl.Series([key])).contains(key_words(pl.Series([key.upper()]))).tolist() == [
        False
    ]


def test_an_index_built_from_a_series_holds_each_key_once() -> None:
    keys = pl.Series([_key(1), _key(2), _key(1)])
    index = KeyIndex.of(keys)
    assert len(index) == 2
    assert index.nbytes == 32
    assert index.contains(key_words(pl.Series([_key(2), _key(3)]))).tolist() == [True, False]


@given(st.lists(st.integers(0, 200).map(_key), unique=True, max_size=40), st.integers(0, 40))
def test_adding_absent_keys_in_any_order_keeps_them_findable(keys: list[str], split: int) -> None:
    index = KeyIndex.of(pl.Series(keys[:split], dtype=pl.Utf8))
    index.add_absent(key_words(pl.Series(keys[split:], dtype=pl.Utf8)))
    assert len(index) == len(keys)
    assert index.contains(key_words(pl.Series(keys, dtype=pl.Utf8))).all()
