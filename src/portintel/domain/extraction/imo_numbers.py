"""IMO ship numbers: ``IMO9074729``, ``IMO 9074729``, ``IMO no. 907 4729``, ``IMO: ៩០៧៤៧២៩``.

Only after the word "IMO": seven bare digits are too common (dates, amounts,
phone fragments) to be proposed as ships. The check digit is verified with
:func:`portintel.domain.identifiers.check_imo`; a wrong one is proposed
flagged ("IMO check digit is 8, expected 9"), never dropped.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from portintel.domain.extraction.suggestion import Kind, Rule, Suggestion, found
from portintel.domain.extraction.text import NOT_AFTER_ALNUM, NOT_BEFORE_ALNUM
from portintel.domain.identifiers import check_imo

RULE = Rule("imo.prefixed", 1)
_IMO = re.compile(
    NOT_AFTER_ALNUM + r"IMO[\s:#.\-]*(?:no\.?|number|nr\.?)?[\s:#.\-]*"
    r"(\d{3}\s?\d{4}|\d{7})" + NOT_BEFORE_ALNUM,
    re.IGNORECASE,
)


def find_imo_numbers(text: str, normal: str) -> Iterator[Suggestion]:
    """IMO numbers in ``normal`` (``text`` with ASCII digits), valid or flagged."""
    for match in _IMO.finditer(normal):
        digits = match.group(1).replace(" ", "")
        check = check_imo(digits)
        yield found(
            RULE,
            Kind.IMO,
            text,
            match.span(),
            check.value or f"IMO{digits}",
            confidence=0.98,
            reason=check.reason,
        )
