"""Words for full-text search: case and accents folded, unspaced scripts as pairs, the
same words for a text and a query (issue #12, item 7)."""

from __future__ import annotations

import re

from hypothesis import given
from hypothesis import strategies as st

from portintel.domain.fulltext import MAX_TERMS, Term, admits, query_terms, text_words

LATIN = st.text(
    alphabet="abcdefghijklmnopqrstuvwxyzàáâãèéêìíòóôõùúýăđĩũơưạảấầẩẫậắằẳẵặẹẻẽếềểễệ",
    min_size=1,
    max_size=8,
)
THAI = st.text(alphabet=[chr(c) for c in range(0x0E01, 0x0E2F)], min_size=1, max_size=8)
KHMER = st.text(alphabet=[chr(c) for c in range(0x1780, 0x17A3)], min_size=1, max_size=8)
ANY_TEXT = st.text(max_size=60)


def _finds(query: str, *texts: str) -> bool:
    return admits(query_terms(query), text_words(*texts))


def test_accents_and_case_fold() -> None:
    assert _finds("nguyen minh phuc", "Crew: NGUYỄN Minh Phúc, deckhand.")
    assert _finds("Nguyễn", "nguyen")
    assert _finds("ecole", "École")
    assert not _finds("tran", "Nguyễn Minh Phúc")


def test_a_query_word_finds_the_words_it_begins() -> None:
    assert _finds("boat", "two boats left")
    assert _finds("sea drag", "the SEA DRAGON 7 sailed")
    assert not _finds("boats", "one boat")
    assert not _finds("dragon sea", "a dragon")  # every word is needed


def test_unspaced_scripts_are_found_inside_a_run() -> None:
    assert _finds("ใจดี", "สมชายใจดีขึ้นเรือ")  # Thai, no spaces
    assert _finds("ចាន់ធី", "សុខចាន់ធីជិះទូក")  # Khmer
    assert _finds("ใ", "สมชายใจดี")  # one character: the pairs it begins
    assert not _finds("ใจร้าย", "สมชายใจดี")


def test_kinds_never_meet() -> None:
    # "u" + hex pairs are not words a Latin query could begin
    assert not _finds("ue0", "สมชาย")
    assert not _finds("0", "สมชาย")


def test_words_are_ascii_letters_and_digits_that_no_store_splits() -> None:
    for word in text_words("Nguyễn 012-345 สมชาย ឈឹម Ђорђе 北京 MV SEA_DRAGON"):
        assert re.fullmatch(r"[a-z0-9]+", word), word


@given(st.lists(st.one_of(LATIN, THAI, KHMER), min_size=1, max_size=6), st.data())
def test_any_word_of_a_text_finds_it(words: list[str], data: st.DataObject) -> None:
    text = " ".join(words)
    chosen = data.draw(st.sampled_from(words))
    assert _finds(chosen, text)
    assert _finds(chosen.upper(), text)


@given(ANY_TEXT)
def test_a_text_finds_itself(text: str) -> None:
    terms = query_terms(text)
    if terms and len(terms) < MAX_TERMS:
        assert admits(terms, text_words(text))


@given(ANY_TEXT, ANY_TEXT)
def test_words_of_texts_are_the_union(first: str, second: str) -> None:
    assert set(text_words(first, second)) == set(text_words(first)) | set(text_words(second))


def test_terms_say_whether_they_are_prefixes() -> None:
    assert query_terms("Boat") == (Term("wboat", prefix=True),)
    pairs = query_terms("ใจดี")
    assert pairs and not any(term.prefix for term in pairs)
    assert query_terms(" -- ") == ()
    assert len(query_terms(" ".join(f"w{i}" for i in range(100)))) == MAX_TERMS
