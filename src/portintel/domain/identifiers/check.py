"""The one result every identifier check returns.

followthemoney drops values it cannot clean (an IMO with a bad check digit, a
phone without a region). portintel must never lose them: a check therefore
always keeps the raw input, and says in words why a value is not valid, so
the raw value can be stored with its flag (``invalid_reason``) and shown to
an analyst, who may know better than the check digit.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class IdentifierCheck:
    """Outcome of checking one identifier.

    ``value`` is the normalised form (``IMO9074729``, ``+85512345678``) when
    one could be made, also for some invalid values (best effort, e.g. an IMO
    with a wrong check digit); ``None`` when the input has no usable shape.
    ``reason`` is set exactly when ``valid`` is False.
    """

    kind: str
    raw: str
    value: str | None
    valid: bool
    reason: str | None

    @classmethod
    def ok(cls, kind: str, raw: str, value: str) -> IdentifierCheck:
        return cls(kind=kind, raw=raw, value=value, valid=True, reason=None)

    @classmethod
    def invalid(cls, kind: str, raw: str, reason: str, value: str | None = None) -> IdentifierCheck:
        return cls(kind=kind, raw=raw, value=value, valid=False, reason=reason)


def ascii_digits(text: str) -> str:
    """Replace every Unicode decimal digit (Khmer ១, Thai ๑, Arabic-Indic ١) by 0-9.

    Officers in the region copy numbers from documents and phones that use
    native digits; they are the same number and must check the same way.
    """
    return "".join(str(unicodedata.decimal(char)) if char.isdecimal() else char for char in text)
