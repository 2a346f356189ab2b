"""Vessel names after the prefixes the region writes before them.

``MV``, ``M/V``, ``MT``, ``M/T``, ``FV``, ``F/V``, ``FB``, ``F/B``
(fishing boat, Philippines), ``KM`` (Kapal Motor), ``KMN`` (Kapal Motor
Nelayan), ``KMP`` (Kapal Motor Penumpang), ``KLM`` (Kapal Layar Motor), ``MB``
(motor boat), and the same after Thai "เรือ", Khmer "នាវា"/"ទូក", Burmese "သင်္ဘော".
The name is what follows: up to five words that start with a capital letter
or a digit (``KM Sinar Jaya 88``, ``MV KOH RONG STAR``), stopping at an
identifier word (IMO, MMSI, call sign, flag), a lower-case word or
punctuation. The value is the name in upper case with single spaces, as
registers write it.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from portintel.domain.extraction.suggestion import Kind, Rule, Suggestion, found
from portintel.domain.extraction.text import NOT_AFTER_ALNUM

RULE = Rule("vessel_name.prefix", 1)
PREFIXES = ("M/V", "M/T", "F/V", "F/B", "MV", "MT", "FV", "FB", "KMN", "KMP", "KM", "KLM", "MB")
_STOP_WORDS = frozenset(
    {
        "IMO",
        "MMSI",
        "CALL",
        "CALLSIGN",
        "FLAG",
        "WITH",
        "AND",
        "FROM",
        "TO",
        "AT",
        "IN",
        "ON",
        "DAN",
        "DARI",
        "KE",
        "DI",
        "YANG",
        "BENDERA",
        "NO",
        "NR",
    }
)
_PREFIX = "|".join(re.escape(prefix) for prefix in PREFIXES)
_CANDIDATE = re.compile(
    NOT_AFTER_ALNUM
    + r"(?P<prefix>"
    + _PREFIX
    + r")\.?[ \t]+(?P<name>[A-Z0-9][A-Za-z0-9'\-]*(?:[ \t]+[A-Z0-9][A-Za-z0-9'\-]*){0,5})"
)


def _name_words(name: str) -> list[str]:
    words = []
    for word in name.split():
        if word.upper() in _STOP_WORDS:
            break
        words.append(word)
        if len(words) == 5:
            break
    return words


def find_vessel_names(text: str, normal: str) -> Iterator[Suggestion]:
    """Names after a vessel prefix, upper-cased; the prefix is kept in ``details``."""
    for match in _CANDIDATE.finditer(normal):
        words = _name_words(match.group("name"))
        if not words or all(word.isdigit() for word in words):
            continue
        start = match.start("name")
        end = start + len(" ".join(words))
        # the words may be separated by several spaces in the text: find the real end
        end = start + _span_length(normal[start:], words)
        prefix = match.group("prefix").upper()
        yield found(
            RULE,
            Kind.VESSEL_NAME,
            text,
            (start, end),
            " ".join(words).upper(),
            confidence=0.85 if len(words) > 1 or not words[0].isupper() else 0.75,
            details={"prefix": prefix},
        )


def _span_length(rest: str, words: list[str]) -> int:
    position = 0
    for word in words:
        position = rest.index(word, position) + len(word)
    return position
