"""Phone numbers, read in the node's country first and then in its neighbours'.

``phonenumbers``' matcher runs once per region of
:attr:`ExtractionContext.phone_regions` (the node's country first): a
national number (``012 345 678``) takes the first region where it is valid,
so a Sihanoukville node reads it as +855 12 345 678, and a number written
with its country code (``+66 81 234 5678``, ``0066 ...``) is read in that
country whatever the order. A national number valid in several regions is
proposed in the first, less confident, with the others in
``details["also_valid_in"]``.

Phones have no check digit; the near miss is a number written after a phone
word ("phone", "tel", "HP", "WA", "โทร", "ទូរស័ព្ទ", "ဖုန်း") that is valid
in no region: proposed flagged with the reason of
:func:`portintel.domain.identifiers.check_phone` (wrong length, unassigned
country code, ...).
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence

import phonenumbers

from portintel.domain.extraction.suggestion import Kind, Rule, Suggestion, found
from portintel.domain.extraction.text import NOT_AFTER_ALNUM, overlaps
from portintel.domain.identifiers import check_phone

MATCHER = Rule("phone.matcher", 1)
KEYWORD = Rule("phone.keyword", 1)

_KEYWORD = re.compile(
    r"(?:"
    + NOT_AFTER_ALNUM
    + r"(?:phone|tel|telp|telephone|mobile|mob|cell|hp|handphone|whatsapp|wa|telegram|line"
    r"|viber|signal|no\.?\s*hp)"
    r"|โทรศัพท์|โทร|เบอร์|ទូរស័ព្ទ|លេខទូរស័ព្ទ|ဖုန်း|ဖုန်းနံပါတ်)"
    r"[^\d+]{0,12}?(?P<number>\+?\d[\d\s().\-]{3,18}\d)(?!\d)",
    re.IGNORECASE,
)


def _e164(number: phonenumbers.PhoneNumber) -> str:
    return str(phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164))


def _also_valid_in(raw: str, region: str, regions: Sequence[str]) -> list[str]:
    if raw.lstrip().startswith("+"):
        return []
    others = []
    for other in regions:
        if other == region:
            continue
        try:
            number = phonenumbers.parse(raw, other)
        except phonenumbers.NumberParseException:
            continue
        if phonenumbers.is_valid_number(number) and number.country_code != _code(region):
            others.append(other)
    return others


def _code(region: str) -> int:
    return int(phonenumbers.country_code_for_region(region))


def find_phones(
    text: str, normal: str, *, regions: Sequence[str], taken: list[tuple[int, int]]
) -> Iterator[Suggestion]:
    """Valid phones of ``regions`` in order, then flagged numbers after a phone word.

    ``taken`` are spans other identifiers hold already (an MMSI is not also
    a phone); the spans found here are added to it.
    """
    for region in regions:
        for match in phonenumbers.PhoneNumberMatcher(normal, region):
            span = (match.start, match.end)
            if overlaps(span, taken):
                continue
            taken.append(span)
            region_found = phonenumbers.region_code_for_number(match.number) or region
            others = _also_valid_in(match.raw_string, region, regions)
            details = {"region": region_found}
            if others:
                details["also_valid_in"] = " ".join(others)
            international = match.raw_string.lstrip().startswith(("+", "00"))
            yield found(
                MATCHER,
                Kind.PHONE,
                text,
                span,
                _e164(match.number),
                confidence=0.95 if international else (0.6 if others else 0.85),
                details=details,
            )
    home = regions[0] if regions else ""
    for keyword in _KEYWORD.finditer(normal):
        span = keyword.span("number")
        if overlaps(span, taken):
            continue
        taken.append(span)
        raw = keyword.group("number")
        check = check_phone(raw, home)
        value = check.value or re.sub(r"[^\d+]", "", raw)
        yield found(KEYWORD, Kind.PHONE, text, span, value, confidence=0.7, reason=check.reason)
