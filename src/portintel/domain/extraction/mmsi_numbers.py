"""MMSIs after the word "MMSI", with the flag their MID gives.

An MMSI has no check digit: a near miss is a number in no ITU format or
with an unallocated MID, proposed flagged with the reason from
:func:`portintel.domain.identifiers.check_mmsi`. A ship's MMSI carries its
flag country (``details["country"]``), so "MMSI 514123456" says Cambodia.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from portintel.domain.extraction.suggestion import Kind, Rule, Suggestion, found
from portintel.domain.extraction.text import NOT_AFTER_ALNUM, NOT_BEFORE_ALNUM
from portintel.domain.identifiers import check_mmsi, mmsi_country, mmsi_kind

RULE = Rule("mmsi.prefixed", 1)
_MMSI = re.compile(
    NOT_AFTER_ALNUM + r"MMSI[\s:#.\-]*(?:no\.?|number|nr\.?)?[\s:#.\-]*"
    r"(\d{3}\s?\d{3}\s?\d{3}|\d{8,10})" + NOT_BEFORE_ALNUM,
    re.IGNORECASE,
)


def find_mmsis(text: str, normal: str) -> Iterator[Suggestion]:
    """MMSIs in ``normal``, each with its kind and flag country when it has one."""
    for match in _MMSI.finditer(normal):
        digits = match.group(1).replace(" ", "")
        check = check_mmsi(digits)
        details = {"mmsi_kind": mmsi_kind(digits)}
        country = mmsi_country(digits)
        if country:
            details["country"] = country
        yield found(
            RULE,
            Kind.MMSI,
            text,
            match.span(),
            check.value or digits,
            confidence=0.95,
            reason=check.reason,
            details=details,
        )
