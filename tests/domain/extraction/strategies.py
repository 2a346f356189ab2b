"""Hypothesis strategies: identifiers embedded in text of the region's scripts.

The filler is everyday words of reports in the five languages around a run of
random letters. The letters are Khmer, Thai and Burmese consonants (no vowel signs, so
no honorific, month or keyword of those scripts can form by chance) and Latin
letters without vowels, ``c``, ``h`` or ``p`` (so no "IMO", "tel", "HP" or
"PP" either), without digits: whatever extraction finds in a generated text
comes from the embedded identifier.
"""

from __future__ import annotations

from hypothesis import strategies as st

KHMER = [chr(code) for code in range(0x1780, 0x17A3)]
THAI = [chr(code) for code in range(0x0E01, 0x0E2F)]
BURMESE = [chr(code) for code in range(0x1000, 0x1021)]
LATIN = list("bdfgjkqvxyz")
NATIVE_DIGITS = {
    "khmer": "០១២៣៤៥៦៧៨៩",
    "thai": "๐๑๒๓๔๕๖๗๘๙",
    "burmese": "၀၁၂၃၄၅၆၇၈၉",
    "ascii": "0123456789",
}

# everyday words of the five languages' reports (none a keyword, title, month or place)
WORDS = [
    "boarded",
    "the",
    "boat",
    "with",
    "crew",
    "people",
    "night",
    "pier",
    "เรือประมง",
    "ลูกเรือ",
    "ผู้โดยสาร",
    "ท่าเรือ",
    "กลางคืน",
    "នាវា",
    "អ្នកដំណើរ",
    "នៅ",
    "កំពង់ផែ",
    "យប់",
    "kapal",
    "penumpang",
    "berangkat",
    "malam",
    "dermaga",
    "လှေ",
    "ခရီးသည်",
    "ညဘက်",
    "ဆိပ်ကမ်း",
]
letters = st.text(alphabet=st.sampled_from(KHMER + THAI + BURMESE + LATIN + [" "]), max_size=30)
words = st.lists(st.sampled_from(WORDS), max_size=6).map(" ".join)
filler = st.tuples(words, letters, words).map(lambda parts: " ".join(p for p in parts if p))
separator = st.sampled_from([" ", "  ", ", ", "\n", ": ", "; "])
digit_script = st.sampled_from(sorted(NATIVE_DIGITS))


def in_script(text: str, script: str) -> str:
    """``text`` with its ASCII digits written in ``script``."""
    digits = NATIVE_DIGITS[script]
    return "".join(
        digits[int(char)] if char.isascii() and char.isdigit() else char for char in text
    )


@st.composite
def embedded(draw: st.DrawFn, token: str) -> tuple[str, int]:
    """(text, offset of ``token`` in it): ``token`` between random multilingual filler."""
    before = draw(filler) + draw(separator)
    after = draw(separator) + draw(filler)
    return before + token + after, len(before)
