"""Name comparison across scripts, spellings and word order (issue #12, item 4)."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from portintel.adapters.name_data import name_variants
from portintel.domain.names import compare_names, parse_name_variants, prepare_name, skeleton
from portintel.errors import ConfigurationError

VOCABULARIES = Path(__file__).resolve().parents[3] / "src" / "portintel" / "vocabularies"


def similarity(a: str, b: str) -> float:
    variants = name_variants()
    return compare_names(prepare_name(a, variants), prepare_name(b, variants))


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("សុខ ចាន់ធី", "Sok Chanthy"),  # the example: Khmer report, Thai report
        ("SOKH CHANTHY", "Sok Chanthy"),  # and the crew list
        ("Chim Vibul", "Chhim Vibol"),
        ("Nguyen Minh Phuc", "Nguyễn Minh Phúc"),
        ("Soeharto", "Suharto"),
        ("Mohammed Ali", "Ali Muhammad"),
        ("ทักษิณ ชินวัตร", "Thaksin Shinawatra"),
        ("อภิสิทธิ์ เวชชาชีวะ", "Abhisit Vejjajiva"),
        ("အောင်ဆန်းစုကြည်", "Aung San Suu Kyi"),
        ("Chanthy Sok", "Sok Chanthy"),
        ("Ahmad Faizal bin Osman", "Ahmad Faizal Osman"),  # the patronymic particle left out
        ("Ahmad Faizal b. Osman", "Ahmad Faizal bin Osman"),
    ],
)
def test_same_name_in_two_writings(a: str, b: str) -> None:
    assert similarity(a, b) >= 0.9


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Hun Sen", "Hun Manet"),
        ("Aung San", "Aung San Suu Kyi"),
        ("Sok An", "Sok Chanthy"),
        ("Nguyen Tan Dung", "Nguyen Phu Trong"),
        ("Thaksin Shinawatra", "Yingluck Shinawatra"),
        ("Kyaw Zaw", "Kyaw Swe"),  # one skeleton (sw), two syllables the table tells apart
        ("Nur Karim Rahman", "Nur Karim Hossain"),  # the third part tells them apart
        ("Teuku Iskandar Nasution", "Teuku Iskandar Cahyono"),
    ],
)
def test_different_people_sharing_a_name_part_stay_below_review(a: str, b: str) -> None:
    assert similarity(a, b) < 0.85


def test_skeleton_ignores_vowels_aspiration_and_doubling() -> None:
    assert skeleton("chanthy") == skeleton("chanathei") == skeleton("chanthi")
    assert skeleton("sokh") == skeleton("sok")
    assert skeleton("vibol") == skeleton("wibul")
    assert skeleton("chea") != skeleton("chou")  # short names keep their first vowel


names = st.lists(
    st.text(alphabet="abcdefghijklmnopqrstuvwxyz", min_size=1, max_size=8), min_size=1, max_size=4
)


@given(names)
def test_a_name_equals_itself_in_any_word_order(tokens: list[str]) -> None:
    assert similarity(" ".join(tokens), " ".join(reversed(tokens))) == pytest.approx(1.0)


@given(names, names)
def test_similarity_is_symmetric_and_bounded(a: list[str], b: list[str]) -> None:
    forward, backward = similarity(" ".join(a), " ".join(b)), similarity(" ".join(b), " ".join(a))
    assert 0.0 <= forward <= 1.0
    assert forward == pytest.approx(backward, abs=0.03)


def test_variants_table_says_where_a_row_is_wrong() -> None:
    with pytest.raises(ConfigurationError, match="line 3"):
        parse_name_variants("group,variant,script,source\nsok,sokh,latin,x\nsok,,latin,x\n")
    with pytest.raises(ConfigurationError, match="columns"):
        parse_name_variants("a,b\n")


def test_every_shipped_variant_row_names_a_source() -> None:
    from portintel.adapters.name_data import VARIANTS_FILE, package_text

    text = package_text(VARIANTS_FILE)
    sources = {line.rsplit(",", 1)[1] for line in text.splitlines()[1:] if line}
    documented = (VOCABULARIES / "name_variants-SOURCES.md").read_text(encoding="utf-8")
    assert sources and all(f"`{source}`" in documented for source in sources)


def test_titles_before_a_name_are_dropped_but_family_names_are_not() -> None:
    from portintel.domain.names.matching import without_titles

    assert without_titles("Samdech Hun Sen") == "Hun Sen"
    assert without_titles("Dr. Mahathir Mohamad") == "Mahathir Mohamad"
    assert without_titles("Daw Aung San Suu Kyi") == "Aung San Suu Kyi"
    assert without_titles("Tan Ah Kow") == "Tan Ah Kow"  # Tan is a family name too
    assert without_titles("Haji Ahmad") == "Haji Ahmad"  # one word would be left
    assert similarity("Samdech Hun Sen", "ហ៊ុន សែន") >= 0.95
    assert similarity("Tan Ah Kow", "Lim Ah Kow") < 0.85
