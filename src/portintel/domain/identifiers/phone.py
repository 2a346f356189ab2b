"""Phone numbers to E.164, with the node's country as the region hint.

Numbers in reports are written as people say them: ``012 345 678`` in
Sihanoukville means +855 12 345 678. The node's country (settings) is the
region hint for numbers without a country code; a number written with its
country code (``+66 81 234 5678``, ``0066 ...``) is read in that country,
whatever the hint. A number that only makes sense in another country and has
no country code cannot be guessed: it is kept raw and flagged.
"""

from __future__ import annotations

import phonenumbers

from portintel.domain.identifiers.check import IdentifierCheck, ascii_digits

KIND = "phone"

# Countries whose numbers turn up in the unit's reports; a national number that
# is invalid under the hint is tried against these to suggest the right one.
NEIGHBOUR_REGIONS = ("KH", "TH", "VN", "LA", "MM", "MY", "ID", "SG", "PH", "BD", "IN", "LK", "CN")


def _e164(number: phonenumbers.PhoneNumber) -> str:
    return str(phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164))


def check_phone(raw: str, region: str) -> IdentifierCheck:
    """Check a phone number; ``value`` is E.164 (``+85512345678``) when it can be formed."""
    text = ascii_digits(raw).strip()
    hint = region.strip().upper() or None
    if not text:
        return IdentifierCheck.invalid(KIND, raw, "phone number is empty")
    try:
        number = phonenumbers.parse(text, hint)
    except phonenumbers.NumberParseException as exc:
        return IdentifierCheck.invalid(KIND, raw, _parse_reason(raw, text, hint, exc))
    e164 = _e164(number)
    if phonenumbers.is_valid_number(number):
        return IdentifierCheck.ok(KIND, raw, e164)
    country_code = number.country_code or 0
    where = f"{phonenumbers.region_code_for_country_code(country_code)} (+{country_code})"
    if not phonenumbers.is_possible_number(number):
        reason = f"{raw!r} has the wrong length for a phone number of {where}"
        return IdentifierCheck.invalid(KIND, raw, reason, value=e164)
    reason = f"{raw!r} is not a valid phone number of {where}"
    if not text.startswith("+"):
        elsewhere = _valid_elsewhere(text, hint)
        if elsewhere:
            reason += f"; it would be one of {elsewhere}: write it with its country code"
    return IdentifierCheck.invalid(KIND, raw, reason, value=e164)


def _valid_elsewhere(text: str, hint: str | None) -> str | None:
    """The first neighbouring country where this national number is valid, if any."""
    for region in NEIGHBOUR_REGIONS:
        if region == hint:
            continue
        try:
            number = phonenumbers.parse(text, region)
        except phonenumbers.NumberParseException:
            continue
        if phonenumbers.is_valid_number(number):
            return f"{region} ({_e164(number)})"
    return None


def _parse_reason(
    raw: str, text: str, region: str | None, exc: phonenumbers.NumberParseException
) -> str:
    error = exc.error_type
    if error == phonenumbers.NumberParseException.INVALID_COUNTRY_CODE:
        if text.startswith("+"):
            return f"{raw!r} starts with a country code that is not assigned"
        if region is None:
            return f"{raw!r} has no country code and no region hint was given"
        return f"{raw!r} has no known country code (region hint {region!r} is not a known region)"
    if error == phonenumbers.NumberParseException.TOO_SHORT_NSN:
        return f"{raw!r} is too short to be a phone number"
    if error == phonenumbers.NumberParseException.TOO_SHORT_AFTER_IDD:
        return f"{raw!r} is too short after the international prefix"
    if error == phonenumbers.NumberParseException.TOO_LONG:
        return f"{raw!r} is too long to be a phone number"
    return f"{raw!r} is not a phone number"
