"""Thai names in the Royal Thai General System of Transcription (RTGS), as data and rules.

Why our own: pythainlp's ``royin`` engine (Apache-2.0) gives the same system
but installs 67 MB (its corpora) and spends over a second loading a word
segmenter on first use, for names that are already split into words by
spaces. The RTGS (Royal Institute, 1999) maps each consonant to one initial
and one final sound and each vowel pattern to one spelling; the tables below
are that mapping, and :func:`rtgs` applies it syllable by syllable:

* a syllable is an optional preposed vowel (เ แ โ ใ ไ), an initial
  consonant or cluster (กร, ปล, ...; a silent ห before a sonorant; อ as a
  silent carrier), the vowel marks after it, and an optional final;
* a consonant without a written vowel takes an inherent ``o`` when a final
  follows it (สม = som) and ``a`` when it opens the next syllable (ทวี = thawi);
* a consonant under the cancellation mark ``์`` is silent, and so is an
  unwritten consonant just before it when the syllable is already closed
  (จันทร์ = chan); tone marks are not written in RTGS.

What rules cannot know (a linking vowel read but not written, as in
ชินวัตร = Chinnawat) is left out: names are compared fuzzily, and the common
passport spellings (Shinawatra, Vejjajiva) are kept as variants in
``vocabularies/name_variants.csv``.
"""

from __future__ import annotations

# consonant -> (initial, final); "" where the consonant is silent there
CONSONANTS: dict[str, tuple[str, str]] = {
    "ก": ("k", "k"), "ข": ("kh", "k"), "ฃ": ("kh", "k"), "ค": ("kh", "k"), "ฅ": ("kh", "k"),
    "ฆ": ("kh", "k"), "ง": ("ng", "ng"), "จ": ("ch", "t"), "ฉ": ("ch", "t"), "ช": ("ch", "t"),
    "ซ": ("s", "t"), "ฌ": ("ch", "t"), "ญ": ("y", "n"), "ฎ": ("d", "t"), "ฏ": ("t", "t"),
    "ฐ": ("th", "t"), "ฑ": ("th", "t"), "ฒ": ("th", "t"), "ณ": ("n", "n"), "ด": ("d", "t"),
    "ต": ("t", "t"), "ถ": ("th", "t"), "ท": ("th", "t"), "ธ": ("th", "t"), "น": ("n", "n"),
    "บ": ("b", "p"), "ป": ("p", "p"), "ผ": ("ph", "p"), "ฝ": ("f", "p"), "พ": ("ph", "p"),
    "ฟ": ("f", "p"), "ภ": ("ph", "p"), "ม": ("m", "m"), "ย": ("y", "i"), "ร": ("r", "n"),
    "ล": ("l", "n"), "ว": ("w", "o"), "ศ": ("s", "t"), "ษ": ("s", "t"), "ส": ("s", "t"),
    "ห": ("h", ""), "ฬ": ("l", "n"), "อ": ("", ""), "ฮ": ("h", ""),
}  # fmt: skip

LEADING_VOWELS = frozenset("เแโใไ")
ABOVE_BELOW = {"ิ": "i", "ี": "i", "ึ": "ue", "ื": "ue", "ุ": "u", "ู": "u"}
TONE_MARKS = frozenset("่้๊๋")
CANCEL = "์"
SHORTENER = "็"  # mai taikhu
SARA_A, SARA_AA, SARA_AM, MAI_HAN_AKAT = "ะ", "า", "ำ", "ั"
DEPENDENT = set(ABOVE_BELOW) | {SARA_A, SARA_AA, SARA_AM, MAI_HAN_AKAT, SHORTENER}
CLUSTER_FIRST = set("กขคตปผพบด")
CLUSTER_SECOND = set("รลว")
SONORANTS = set("งญนมยรลว")


def _strip_silent(word: str) -> list[str]:
    """The word without tone marks and without consonants cancelled by ``์``
    (with a vowel mark between them and the cancel mark, as in ธิ์)."""
    chars = [char for char in word if char not in TONE_MARKS]
    kept: list[str] = []
    for char in chars:
        if char == CANCEL:
            if kept and kept[-1] in ABOVE_BELOW:
                kept.pop()
            if kept and kept[-1] in CONSONANTS:
                kept.pop()
            kept.append(CANCEL)  # remembers that a silent consonant stood here
            continue
        kept.append(char)
    return kept


class _Reader:
    def __init__(self, chars: list[str]) -> None:
        self.chars = chars
        self.i = 0

    def at(self, offset: int = 0) -> str:
        index = self.i + offset
        return self.chars[index] if 0 <= index < len(self.chars) else ""

    def is_consonant(self, offset: int = 0) -> bool:
        return self.at(offset) in CONSONANTS

    def opens_syllable(self, offset: int) -> bool:
        """Whether the consonant at ``offset`` carries a vowel of its own (so is no final)."""
        following = self.at(offset + 1)
        if following in DEPENDENT:
            return True
        if following == "ร" and self.at(offset + 2) == "ร":  # วรรณ: a syllable of its own
            return True
        # a cluster such as ปร before its vowel, or อ/ว read as the vowel of this consonant
        return following in ("อ",) and self.at(offset + 2) not in DEPENDENT

    def initial(self, *, preposed: bool = False) -> str:
        """The initial consonant or cluster; after a preposed vowel a cluster needs no
        vowel mark of its own (เปรม = prem)."""
        first = self.at()
        self.i += 1
        if first == "ห" and self.at() in SONORANTS and self.opens_syllable(0):
            first = self.at()  # ห only marks the tone of a sonorant: หล = l
            self.i += 1
        sound = CONSONANTS[first][0]
        second = self.at()
        if first in frozenset("ศสซ") and second == "ร" and self.at(1) in DEPENDENT:
            self.i += 1  # ศรี = si: ร is silent after s
            return sound
        liquid = second in frozenset("รล")
        if preposed and first in CLUSTER_FIRST and liquid and self.at(1) not in DEPENDENT:
            self.i += 1
            return sound + CONSONANTS[second][0]
        if (
            first in CLUSTER_FIRST
            and second in CLUSTER_SECOND
            and (self.at(1) in DEPENDENT or self.at(1) == "อ")
        ):
            self.i += 1
            sound += CONSONANTS[second][0]
        return sound


def _final(reader: _Reader, vowel: str) -> str:
    """The final consonant after ``vowel`` (and silent trailing ones), or ""."""
    if not reader.is_consonant() or reader.opens_syllable(0):
        return ""
    if reader.at() == "ร" and reader.at(1) == "ร":  # รร: -an, or -a before a final
        return ""
    final = CONSONANTS[reader.at()][1]
    reader.i += 1
    # a final cluster's second consonant (ตร, กร) and an unwritten consonant before a
    # cancelled one (จันทร์, ลักษณ์) are silent
    while reader.is_consonant() and not reader.opens_syllable(0):
        if reader.at(1) in ("", CANCEL, " ") or reader.at() == "ร":
            reader.i += 1
            continue
        break
    if final == "i" and vowel.endswith("i"):
        return ""
    if final == "o" and vowel in ("o", "u"):
        return ""
    return final


def _syllable(reader: _Reader) -> str:
    lead = ""
    if reader.at() in LEADING_VOWELS:
        lead = reader.at()
        reader.i += 1
        if not reader.is_consonant():
            return {"เ": "e", "แ": "ae", "โ": "o", "ใ": "ai", "ไ": "ai"}[lead]
    initial = reader.initial(preposed=bool(lead))
    nxt = reader.at()
    if lead:
        vowel = {"เ": "e", "แ": "ae", "โ": "o", "ใ": "ai", "ไ": "ai"}[lead]
        if lead == "เ":
            if nxt == "ี" and reader.at(1) == "ย":
                vowel, reader.i = "ia", reader.i + 2
            elif nxt == "ื" and reader.at(1) == "อ":
                vowel, reader.i = "uea", reader.i + 2
            elif nxt == SARA_AA:
                reader.i += 1
                return initial + "ao"
            elif nxt == "อ" or nxt == "ิ":
                vowel, reader.i = "oe", reader.i + 1
        if reader.at() in (SARA_A, SHORTENER):
            reader.i += 1
        if lead in frozenset("ใไ"):
            if reader.at() == "ย" and not reader.opens_syllable(0):
                reader.i += 1
            return initial + vowel
        return initial + vowel + _final(reader, vowel)
    if nxt == MAI_HAN_AKAT:
        reader.i += 1
        if reader.at() == "ว":
            reader.i += 1
            return initial + "ua" + _final(reader, "ua")
        return initial + "a" + _final(reader, "a")
    if nxt in ABOVE_BELOW:
        reader.i += 1
        vowel = ABOVE_BELOW[nxt]
        if nxt == "ื" and reader.at() == "อ":
            reader.i += 1
        return initial + vowel + _final(reader, vowel)
    if nxt == SARA_AA:
        reader.i += 1
        return initial + "a" + _final(reader, "a")
    if nxt == SARA_A:
        reader.i += 1
        return initial + "a"
    if nxt == SARA_AM:
        reader.i += 1
        return initial + "am"
    if nxt == SHORTENER:
        reader.i += 1
        return initial + "o" + _final(reader, "o")
    if nxt == "อ" and reader.at(1) not in DEPENDENT:
        reader.i += 1
        return initial + "o" + _final(reader, "o")
    if nxt == "ร" and reader.at(1) == "ร":
        reader.i += 2
        closed = reader.is_consonant() and not reader.opens_syllable(0)
        return initial + ("a" + _final(reader, "a") if closed else "an")
    if nxt == "ว" and reader.is_consonant(1) and not reader.opens_syllable(1):
        reader.i += 1
        return initial + "ua" + _final(reader, "ua")
    if reader.is_consonant() and not reader.opens_syllable(0):
        return initial + "o" + _final(reader, "o")  # สม = som
    if initial == "" and not reader.is_consonant():
        return ""
    return initial + ("a" if reader.is_consonant() else "o")  # ทวี = tha-wi; ณ = no


def rtgs_word(word: str) -> str:
    """One Thai word in RTGS, lower case (characters outside Thai letters are dropped)."""
    reader = _Reader(_strip_silent(word))
    parts: list[str] = []
    while reader.i < len(reader.chars):
        char = reader.at()
        if char in CONSONANTS or char in LEADING_VOWELS:
            parts.append(_syllable(reader))
        elif char == "ฤ":
            reader.i += 1
            if reader.at() == "ๅ":
                reader.i += 1
            parts.append("rue")
        else:
            reader.i += 1  # marks left over, ๆ, ฯ, Thai digits: not part of a name's sound
    return "".join(parts)


def rtgs(text: str) -> str:
    """Thai text in RTGS, word by word (words are split at spaces and hyphens)."""
    words = text.replace("-", " ").split()
    return " ".join(filter(None, (rtgs_word(word) for word in words)))
