"""IMO ship identification numbers: seven digits, the last a check digit.

The check digit is the last digit of the sum of the first six digits weighted
7, 6, 5, 4, 3, 2 (SOLAS XI-1/3, IMO Resolution A.1117(30)). What it catches:
any change of the check digit itself and any swap of two adjacent differing
digits; a single wrong digit only where weight x difference is not a multiple
of ten (weights 7 and 3 always; weight 5 for odd differences; weights 6, 4
and 2 unless the digit is off by exactly 5).

Companies (registered owners, managers) get seven-digit IMO numbers too, with
another check digit (weights 8, 6, 4, 2, 9, 7, modulo 11). A ship check that
fails on a valid company number says so, because reports mix the two up.
"""

from __future__ import annotations

import re

from portintel.domain.identifiers.check import IdentifierCheck, ascii_digits

KIND = "imo"
WEIGHTS = (7, 6, 5, 4, 3, 2)
COMPANY_WEIGHTS = (8, 6, 4, 2, 9, 7)
_SHAPE = re.compile(r"^(?:IMO)?[\s:.#-]*(?:NO\.?|NUMBER)?[\s:.#-]*([0-9][0-9\s]*)$")


def imo_check_digit(six: str) -> int:
    """The check digit for the first six digits of an IMO number."""
    if len(six) != 6 or not six.isascii() or not six.isdigit():
        raise ValueError(f"an IMO check digit needs exactly six digits, got {six!r}")
    return sum(int(digit) * weight for digit, weight in zip(six, WEIGHTS, strict=True)) % 10


def imo_company_check_digit(six: str) -> int:
    """The check digit of an IMO company (owner, manager) number."""
    if len(six) != 6 or not six.isascii() or not six.isdigit():
        raise ValueError(f"an IMO check digit needs exactly six digits, got {six!r}")
    total = sum(int(digit) * weight for digit, weight in zip(six, COMPANY_WEIGHTS, strict=True))
    return (11 - total % 11) % 10


def check_imo(raw: str) -> IdentifierCheck:
    """Check an IMO number written as ``9074729``, ``IMO 9074729`` or ``IMO: 907 4729``."""
    text = ascii_digits(raw).strip().upper()
    if not text:
        return IdentifierCheck.invalid(KIND, raw, "IMO number is empty")
    match = _SHAPE.match(text)
    if not match:
        return IdentifierCheck.invalid(
            KIND,
            raw,
            f"{raw!r} is not an IMO number: expected seven digits, optionally after 'IMO'",
        )
    digits = re.sub(r"\s", "", match.group(1))
    if not digits.strip("0"):
        # AIS static reports send IMO 0 for "not available": a placeholder, not a ship.
        return IdentifierCheck.invalid(KIND, raw, f"IMO {digits} means 'not available'")
    if len(digits) != 7:
        return IdentifierCheck.invalid(
            KIND, raw, f"an IMO number has 7 digits, {raw!r} has {len(digits)}"
        )
    value = f"IMO{digits}"
    expected = imo_check_digit(digits[:6])
    found = int(digits[6])
    if found != expected:
        reason = f"IMO check digit is {found}, expected {expected}"
        if imo_company_check_digit(digits[:6]) == found:
            reason += " (it is a valid IMO company number, not a ship's)"
        return IdentifierCheck.invalid(KIND, raw, reason, value=value)
    return IdentifierCheck.ok(KIND, raw, value)
