"""Passport numbers after their keyword, in the five languages of the reports.

"passport no. N1234567", "paspor: B 1234567", "หนังสือเดินทาง AA1234567",
"លិខិតឆ្លងដែន N01234567", "နိုင်ငံကူးလက်မှတ် MA123456". A passport number
has no check digit of its own (only its MRZ does, see
:mod:`~portintel.domain.extraction.machine_readable_zones`): the shape is
checked with :func:`portintel.domain.identifiers.check_passport`, and a value
of the wrong shape after the keyword is proposed flagged.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from portintel.domain.extraction.suggestion import Kind, Rule, Suggestion, found
from portintel.domain.extraction.text import NOT_AFTER_ALNUM, NOT_BEFORE_ALNUM
from portintel.domain.identifiers import check_passport

RULE = Rule("passport.keyword", 1)
_KEYWORD = re.compile(
    r"(?:" + NOT_AFTER_ALNUM + r"(?:passport|paspor|pasport|PP)" + NOT_BEFORE_ALNUM + r"|"
    r"หนังสือเดินทาง|លិខិតឆ្លងដែន|နိုင်ငံကူးလက်မှတ်)"
    r"(?:\s*(?:no\.?|number|nomor|#|เลขที่|លេខ|အမှတ်))?[\s:#.\-]*"
    r"([A-Z]{0,3}[\s\-]?\d[A-Z0-9]{2,11})" + NOT_BEFORE_ALNUM,
    re.IGNORECASE,
)


def find_passport_numbers(text: str, normal: str) -> Iterator[Suggestion]:
    """Passport numbers after a passport keyword, normalised (upper case, no spaces)."""
    for match in _KEYWORD.finditer(normal):
        check = check_passport(match.group(1))
        value = check.value or match.group(1).upper()
        yield found(
            RULE,
            Kind.PASSPORT,
            text,
            match.span(1),
            value,
            confidence=0.9,
            reason=check.reason,
        )
