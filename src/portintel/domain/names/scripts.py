"""Which writing system a name is written in, from the Unicode blocks of its letters.

Collation keeps every name in the script it was written in and compares it
through romanisations; which romanisation applies (Thai RTGS, a syllable
table for Burmese, a general transliteration for the rest) depends on the
script, so it is decided once per name here.
"""

from __future__ import annotations

from enum import StrEnum


class Script(StrEnum):
    """The scripts the region's reports are written in (and "other" for the rest)."""

    LATIN = "latin"
    KHMER = "khmer"
    THAI = "thai"
    MYANMAR = "myanmar"
    LAO = "lao"
    ARABIC = "arabic"
    HAN = "han"
    CYRILLIC = "cyrillic"
    OTHER = "other"


_BLOCKS: tuple[tuple[int, int, Script], ...] = (
    (0x0041, 0x024F, Script.LATIN),  # Basic Latin letters to Latin Extended-B
    (0x1E00, 0x1EFF, Script.LATIN),  # Latin Extended Additional (Vietnamese tones)
    (0x0400, 0x04FF, Script.CYRILLIC),
    (0x0600, 0x06FF, Script.ARABIC),
    (0x0E00, 0x0E7F, Script.THAI),
    (0x0E80, 0x0EFF, Script.LAO),
    (0x1000, 0x109F, Script.MYANMAR),
    (0xA9E0, 0xA9FF, Script.MYANMAR),  # Myanmar Extended-B
    (0xAA60, 0xAA7F, Script.MYANMAR),  # Myanmar Extended-A
    (0x1780, 0x17FF, Script.KHMER),
    (0x19E0, 0x19FF, Script.KHMER),  # Khmer symbols
    (0x4E00, 0x9FFF, Script.HAN),
)


def char_script(char: str) -> Script | None:
    """The script of one character; None for digits, spaces, punctuation and marks
    outside the blocks above (they belong to no script of their own)."""
    point = ord(char)
    if point < 0x80 and not char.isalpha():
        return None
    for start, end, script in _BLOCKS:
        if start <= point <= end:
            return script
    return Script.OTHER if char.isalpha() else None


def scripts_of(text: str) -> tuple[Script, ...]:
    """The scripts of ``text``'s letters, most used first (ties: first seen first)."""
    counts: dict[Script, int] = {}
    for char in text:
        script = char_script(char)
        if script is not None:
            counts[script] = counts.get(script, 0) + 1
    return tuple(sorted(counts, key=lambda script: -counts[script]))


def main_script(text: str) -> Script:
    """The script most of ``text``'s letters are written in; LATIN when it has none."""
    if text.isascii():
        return Script.LATIN
    found = scripts_of(text)
    return found[0] if found else Script.LATIN
