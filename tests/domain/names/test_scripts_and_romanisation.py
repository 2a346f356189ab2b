"""Scripts, Thai RTGS and romanisation of names (issue #12, item 4)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from portintel.adapters.name_data import name_variants
from portintel.domain.names import Script, ascii_words, main_script, romanisations, rtgs, scripts_of


@pytest.mark.parametrize(
    ("text", "script"),
    [
        ("Sok Chanthy", Script.LATIN),
        ("Nguyễn Minh Phúc", Script.LATIN),
        ("សុខ ចាន់ធី", Script.KHMER),
        ("สมชาย ใจดี", Script.THAI),
        ("အောင်ဆန်းစုကြည်", Script.MYANMAR),
        ("12 345", Script.LATIN),  # no letters at all: Latin, compared as written
    ],
)
def test_main_script(text: str, script: Script) -> None:
    assert main_script(text) is script


def test_mixed_scripts_most_used_first() -> None:
    assert scripts_of("Sok សុខ ចាន់ធី") == (Script.KHMER, Script.LATIN)


@pytest.mark.parametrize(
    ("thai", "expected"),
    [
        # RTGS forms as published (Royal Institute; Wikipedia's romanisations of these names)
        ("สมชาย", "somchai"),
        ("ประยุทธ์ จันทร์โอชา", "prayut chanocha"),
        ("อภิสิทธิ์ เวชชาชีวะ", "aphisit wetchachiwa"),
        ("ชวน หลีกภัย", "chuan likphai"),
        ("ประวิตร วงษ์สุวรรณ", "prawit wongsuwan"),
        ("ยิ่งลักษณ์", "yinglak"),
        ("เปรม", "prem"),
        ("ศรีสุข", "sisuk"),
        ("กรุงเทพ", "krungthep"),
        ("เกรียงไกร", "kriangkrai"),
        ("เรือง", "rueang"),
    ],
)
def test_rtgs(thai: str, expected: str) -> None:
    assert rtgs(thai) == expected


@given(st.text(alphabet=st.characters(min_codepoint=0x0E01, max_codepoint=0x0E5B), max_size=30))
def test_rtgs_never_fails_and_gives_ascii(text: str) -> None:
    result = rtgs(text)
    assert result.isascii()
    assert all(char.isalpha() or char == " " for char in result)


def test_romanisations_keep_native_readings_and_table_spellings() -> None:
    variants = name_variants()
    assert romanisations("សុខ ចាន់ធី", variants)[0] == "sok chan thy"
    assert romanisations("အောင်ဆန်းစုကြည်", variants)[0] == "aung san suu kyi"
    assert "nguyen minh phuc" in romanisations("Nguyễn Minh Phúc", variants)
    assert "chanocha" in romanisations("Chan-o-cha", variants)


def test_a_khmer_word_is_not_cut_into_half_syllables() -> None:
    # សុខុន starts with the table's សុខ, but what is left (ុន) is half a syllable
    forms = romanisations("សុខុន", name_variants())
    assert all("sok " not in form for form in forms)


@given(st.text(max_size=40))
def test_ascii_words_are_lower_case_letters_digits_and_spaces(text: str) -> None:
    words = ascii_words(text)
    assert words == words.strip()
    assert all(("a" <= char <= "z") or ("0" <= char <= "9") or char == " " for char in words)
