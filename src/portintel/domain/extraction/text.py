"""Text helpers every rule shares: native digits read as digits, offsets kept.

Khmer (០-៩), Thai (๐-๙), Burmese (၀-၉) and every other Unicode decimal digit
is replaced by its ASCII digit one character for one character, so an offset
in the normalised text is the same offset in the report's text and a
suggestion points at what the officer wrote.

Scripts of the region do not put spaces between words, and Python's ``\\b``
treats Khmer or Thai letters as word characters: "នាវាIMO 9074729" has no
``\\b`` before ``IMO``. Rules therefore bound their matches with
:data:`NOT_AFTER_ALNUM` / :data:`NOT_BEFORE_ALNUM`, which only refuse ASCII
letters and digits next to a match.
"""

from __future__ import annotations

import unicodedata

NOT_AFTER_ALNUM = r"(?<![A-Za-z0-9])"
NOT_BEFORE_ALNUM = r"(?![A-Za-z0-9])"


def with_ascii_digits(text: str) -> str:
    """``text`` with every decimal digit as 0-9; same length, same offsets."""
    return "".join(str(unicodedata.decimal(char)) if char.isdecimal() else char for char in text)


def overlaps(span: tuple[int, int], taken: list[tuple[int, int]]) -> bool:
    """Whether ``span`` shares a character with any span in ``taken``."""
    start, end = span
    return any(start < other_end and other_start < end for other_start, other_end in taken)
