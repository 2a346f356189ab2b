"""Passport numbers, checked against the document's MRZ when one is given.

Without an MRZ there is no check digit: the number is normalised (upper case,
no spaces or dashes) and its shape checked, nothing more. With an MRZ every
ICAO 9303 check digit is verified, the composite included, and the number
must be the one the zone carries: a mismatch is flagged, never corrected,
because either the officer mistyped or the document is not what it seems.
"""

from __future__ import annotations

import re

from portintel.domain.identifiers.check import IdentifierCheck, ascii_digits
from portintel.domain.identifiers.mrz import parse_mrz
from portintel.errors import InvalidInput

KIND = "passport"
_SEPARATORS = re.compile(r"[\s\-./]")
_SHAPE = re.compile(r"^[A-Z0-9]{4,20}$")


def normalise_passport_number(number: str) -> str:
    """Upper case, native digits to 0-9, without spaces, dashes, dots or slashes."""
    return _SEPARATORS.sub("", ascii_digits(number).upper())


def check_passport(number: str, *, mrz: str | None = None) -> IdentifierCheck:
    """Check a passport number, and its MRZ when given (all check digits)."""
    value = normalise_passport_number(number)
    if not value:
        return IdentifierCheck.invalid(KIND, number, "passport number is empty")
    if not _SHAPE.match(value):
        return IdentifierCheck.invalid(
            KIND,
            number,
            f"passport number {number!r} should be 4 to 20 letters A-Z and digits",
            value=value if value.isascii() else None,
        )
    if mrz is None or not mrz.strip():
        return IdentifierCheck.ok(KIND, number, value)
    try:
        zone = parse_mrz(mrz)
    except InvalidInput as exc:
        return IdentifierCheck.invalid(KIND, number, f"MRZ unreadable: {exc}", value=value)
    reasons = list(zone.errors)
    if zone.document_number != value:
        reasons.insert(
            0,
            f"passport number {value} differs from the MRZ document number {zone.document_number}",
        )
    if reasons:
        return IdentifierCheck.invalid(KIND, number, "; ".join(reasons), value=value)
    return IdentifierCheck.ok(KIND, number, value)
