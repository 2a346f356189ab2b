"""Romanisations of a name: the forms in Latin letters it is compared through.

A name keeps its native script; collation compares it through one or more
romanisations, because a Cambodian report writes សុខ ចាន់ធី where a crew
list writes SOKH CHANTHY:

* Thai: the RTGS of :mod:`.thai` (and the ASCII transliteration, as a second form);
* Burmese: syllables from the variants table (အောင် = aung), the rest through
  anyascii (ISC licence; unidecode is GPL and may not be used);
* Khmer: known spellings from the variants table, the rest through anyascii;
* Vietnamese and other Latin names: diacritics folded (Nguyễn = nguyen);
* every other script: anyascii.

Every form is lower case ASCII letters, digits and spaces.
"""

from __future__ import annotations

import re
import unicodedata

from anyascii import anyascii

from portintel.domain.names.scripts import Script, main_script
from portintel.domain.names.thai import rtgs
from portintel.domain.names.variants import NameVariants

_NOT_LETTERS = re.compile(r"[^a-z0-9]+")


def ascii_words(text: str) -> str:
    """``text`` transliterated to lower-case ASCII words: letters and digits kept (a
    vessel's number tells sister ships apart), the rest a space."""
    folded = anyascii(unicodedata.normalize("NFC", text)).lower()
    return _NOT_LETTERS.sub(" ", folded).strip()


def _starts_with_mark(piece: str) -> bool:
    return unicodedata.category(piece[0]) in ("Mn", "Mc")


def _by_table(text: str, variants: NameVariants, *, partial: bool) -> str:
    """Native-script words through the table where it knows them, anyascii elsewhere.

    A word the table does not know whole is cut into known spellings; the cut
    is kept when every piece is known or, with ``partial`` (Burmese, written
    without spaces between the syllables of a name), when no piece starts
    with a combining mark (a syllable cut in half); else the word goes
    through anyascii whole.
    """
    words: list[str] = []
    for word in unicodedata.normalize("NFC", text).lower().split():
        group = variants.group(word)
        if group is not None:
            words.append(group)
            continue
        pieces = variants.segment(word)
        known = [variants.group(piece) for piece in pieces]
        if all(known) or (partial and not any(map(_starts_with_mark, pieces))):
            words.extend(
                found or ascii_words(piece) for found, piece in zip(known, pieces, strict=True)
            )
        else:
            words.append(ascii_words(word))
    return " ".join(filter(None, words))


def romanisations(name: str, variants: NameVariants) -> tuple[str, ...]:
    """The distinct romanised forms of ``name``, the most faithful first."""
    script = main_script(name)
    forms: list[str] = []
    if script is Script.THAI:
        known = [variants.group(word) for word in name.split()]
        if any(known):  # a Thai word the table knows (its usual spelling), the rest in RTGS
            forms.append(
                " ".join(
                    found or rtgs(word) for found, word in zip(known, name.split(), strict=True)
                )
            )
        forms.append(rtgs(name))
    elif script in (Script.MYANMAR, Script.KHMER):
        forms.append(_by_table(name, variants, partial=script is Script.MYANMAR))
    forms.append(ascii_words(name))
    if "-" in name:  # Chan-o-cha is also written Chanocha
        forms.append(ascii_words(name.replace("-", "")))
    return tuple(dict.fromkeys(form for form in forms if form))
