"""MMSI (Maritime Mobile Service Identity): nine digits, their pattern says what it is.

ITU-R M.585 formats, by leading digits (M = the three-digit MID, X = any):

=============  ==================  ============================================
pattern        kind                note
=============  ==================  ============================================
MXXXXXX        ship                M from 201 to 775 (first digit 2-7)
0MXXXXX        group               a group of ships
00MXXXX        coast_station       coast and port stations
111MXXX        sar_aircraft        search-and-rescue aircraft
8MXXXXX        handheld            handheld VHF with DSC and GNSS
98MXXXX        craft_associated    boats carried by a parent ship
99MXXXX        aton                aids to navigation
970XXYYYY      sart                AIS search-and-rescue transmitter
972XXYYYY      mob                 man-overboard device
974XXYYYY      epirb               EPIRB with AIS
=============  ==================  ============================================

Anything else (``1`` not followed by ``11``, ``9`` not followed by a known
pattern, an unallocated MID) is kept but flagged: AIS is full of made-up
numbers such as 000000000 and 123456789, and they are evidence too.
"""

from __future__ import annotations

from portintel.domain.identifiers.check import IdentifierCheck, ascii_digits
from portintel.domain.identifiers.maritime_identification_digits import MID_COUNTRY

KIND = "mmsi"

# (kind, leading pattern, offset of the MID or None) in matching order.
_PATTERNS: tuple[tuple[str, str, int | None], ...] = (
    ("sart", "970", None),
    ("mob", "972", None),
    ("epirb", "974", None),
    ("craft_associated", "98", 2),
    ("aton", "99", 2),
    ("sar_aircraft", "111", 3),
    ("coast_station", "00", 2),
    ("group", "0", 1),
    ("handheld", "8", 1),
)
_SHIP_FIRST_DIGITS = frozenset("234567")

KIND_DESCRIPTIONS = {
    "ship": "ship station",
    "group": "group of ships",
    "coast_station": "coast or port station",
    "sar_aircraft": "search-and-rescue aircraft",
    "handheld": "handheld VHF radio",
    "craft_associated": "craft associated with a parent ship",
    "aton": "aid to navigation",
    "sart": "AIS search-and-rescue transmitter (SART)",
    "mob": "man-overboard device (MOB)",
    "epirb": "EPIRB with AIS",
    "unknown": "no MMSI format",
}


def _normalise(raw: str) -> str:
    """Digits only: drop spaces and an ``MMSI`` / ``MMSI:`` prefix, map native digits."""
    compact = "".join(ascii_digits(raw).split()).upper()
    return compact.removeprefix("MMSI").removeprefix(":")


def _kind_and_mid(mmsi: str) -> tuple[str, str | None]:
    if len(mmsi) != 9 or not mmsi.isascii() or not mmsi.isdigit():
        return "unknown", None
    for kind, prefix, offset in _PATTERNS:
        if mmsi.startswith(prefix):
            return kind, None if offset is None else mmsi[offset : offset + 3]
    if mmsi[0] in _SHIP_FIRST_DIGITS:
        return "ship", mmsi[:3]
    return "unknown", None


def mmsi_kind(mmsi: str) -> str:
    """What the MMSI identifies: ``ship``, ``coast_station``, ``aton``, ... or ``unknown``."""
    return _kind_and_mid(_normalise(mmsi))[0]


def mmsi_mid(mmsi: str) -> str | None:
    """The three MID digits embedded in the MMSI, or None for kinds without one."""
    return _kind_and_mid(_normalise(mmsi))[1]


def mmsi_country(mmsi: str) -> str | None:
    """ISO 3166-1 alpha-2 country of the MMSI's MID; None when absent or unallocated."""
    mid = mmsi_mid(mmsi)
    return MID_COUNTRY.get(mid) if mid is not None else None


def check_mmsi(raw: str) -> IdentifierCheck:
    """Check an MMSI: exactly nine digits in a known format with an allocated MID."""
    mmsi = _normalise(raw)
    if not mmsi:
        return IdentifierCheck.invalid(KIND, raw, "MMSI is empty")
    if not mmsi.isascii() or not mmsi.isdigit():
        return IdentifierCheck.invalid(KIND, raw, f"an MMSI has only digits, {raw!r} has others")
    if len(mmsi) != 9:
        return IdentifierCheck.invalid(KIND, raw, f"an MMSI has 9 digits, {raw!r} has {len(mmsi)}")
    kind, mid = _kind_and_mid(mmsi)
    if kind == "unknown":
        return IdentifierCheck.invalid(
            KIND,
            raw,
            f"MMSI {mmsi} matches no ITU format (ships start with a MID 201-775)",
            value=mmsi,
        )
    if mid is not None and mid not in MID_COUNTRY:
        return IdentifierCheck.invalid(
            KIND,
            raw,
            f"MID {mid} of {KIND_DESCRIPTIONS[kind]} MMSI {mmsi} is not allocated to any country",
            value=mmsi,
        )
    return IdentifierCheck.ok(KIND, raw, mmsi)
