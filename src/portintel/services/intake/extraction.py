"""Pull identifiers out of a report's free text as facts.

Officers write "boarded KOH RONG STAR, IMO 9074729, MMSI 514123456, captain's
phone 012 345 678, position 10°37.7'N 103°30.2'E". Each identifier becomes a
:class:`~portintel.domain.reports.FactDraft`; checking and cleaning happen
later, in :mod:`portintel.services.intake.fact_statements`, so a number with a bad
check digit is still kept, flagged with its reason.

What is extracted, and as what:

=================== ========================================= ===================
found               pattern                                   fact
=================== ========================================= ===================
IMO number          "IMO" then 7 digits                       Vessel.imoNumber
MMSI                "MMSI" then 9 digits                      Vessel.mmsi
passport number     "passport" (no., number, #) then a number Passport.number
phone number        after "phone", "tel", "mobile", "call",   LegalEntity.phone
                    "WhatsApp", "Telegram", "Line"; or any
                    number phonenumbers finds valid in the
                    node's region
coordinates         decimal ("10.6283, 103.5033", "10.628N    Address.latitude,
                    103.503E") or degrees and minutes          Address.longitude
                    ("10°37.7'N 103°30.2'E", seconds optional)
=================== ========================================= ===================

Digits in Khmer, Thai or other native scripts are read as digits. A number
inside an IMO, MMSI, passport or coordinate match is not also a phone.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import phonenumbers

from portintel.domain.identifiers.check import ascii_digits
from portintel.domain.reports import FactDraft

PREFIX = "extracted"

_IMO = re.compile(r"\bIMO\b[\s:#.\-]*(?:no\.?|number)?[\s:#.\-]*(\d{7})(?!\d)", re.IGNORECASE)
_MMSI = re.compile(r"\bMMSI\b[\s:#.\-]*(?:no\.?|number)?[\s:#.\-]*(\d{9})(?!\d)", re.IGNORECASE)
_PASSPORT = re.compile(
    r"\bpassport\b(?:\s*(?:no\.?|number|#))?[\s:#.\-]*([A-Z]{0,3}\d[A-Z0-9]{4,9})\b",
    re.IGNORECASE,
)
_PHONE_KEYWORD = re.compile(
    r"\b(?:phone|tel|telephone|mobile|mob|cell|call|whatsapp|telegram|line|viber|signal)\b"
    r"[^\d+]{0,12}(\+?\d[\d\s().\-]{4,18}\d)",
    re.IGNORECASE,
)
_DECIMAL = re.compile(
    r"(?<![\d.])(-?\d{1,2}\.\d{2,})\s*°?\s*[,;/]?\s+(-?\d{1,3}\.\d{2,})\s*°?(?![\d.])"
)
_DECIMAL_HEMISPHERES = re.compile(
    r"(?<![\d.])(\d{1,2}(?:\.\d+)?)\s*°?\s*([NS])\s*[,;/]?\s*(\d{1,3}(?:\.\d+)?)\s*°?\s*([EW])\b",
    re.IGNORECASE,
)
_DEGREES_MINUTES = re.compile(
    r"(?<!\d)(\d{1,2})\s*[°º\s]\s*(\d{1,2}(?:\.\d+)?)\s*['′]?\s*(?:(\d{1,2}(?:\.\d+)?)\s*[\"″])?\s*([NS])"
    r"[\s,;/]*"
    r"(\d{1,3})\s*[°º\s]\s*(\d{1,2}(?:\.\d+)?)\s*['′]?\s*(?:(\d{1,2}(?:\.\d+)?)\s*[\"″])?\s*([EW])\b",
    re.IGNORECASE,
)


def _signed(value: float, hemisphere: str | None, negative: str) -> float:
    if hemisphere and hemisphere.upper() == negative:
        return -abs(value)
    return value


def _coordinates(text: str) -> Iterator[tuple[tuple[int, int], float, float]]:
    for match in _DEGREES_MINUTES.finditer(text):
        lat_d, lat_m, lat_s, ns, lon_d, lon_m, lon_s, ew = match.groups()
        latitude = int(lat_d) + float(lat_m) / 60 + float(lat_s or 0) / 3600
        longitude = int(lon_d) + float(lon_m) / 60 + float(lon_s or 0) / 3600
        if float(lat_m) >= 60 or float(lon_m) >= 60:
            continue
        yield match.span(), _signed(latitude, ns, "S"), _signed(longitude, ew, "W")
    for match in _DECIMAL_HEMISPHERES.finditer(text):
        lat, ns, lon, ew = match.groups()
        yield match.span(), _signed(float(lat), ns, "S"), _signed(float(lon), ew, "W")
    for match in _DECIMAL.finditer(text):
        lat, lon = match.groups()
        yield match.span(), float(lat), float(lon)


def _overlaps(span: tuple[int, int], taken: list[tuple[int, int]]) -> bool:
    return any(span[0] < end and start < span[1] for start, end in taken)


def extract_facts(text: str, *, region: str) -> list[FactDraft]:
    """The identifier facts in ``text``, in order of kind, each once."""
    normal = ascii_digits(text)
    facts: list[FactDraft] = []
    taken: list[tuple[int, int]] = []

    def add(key: str, schema: str, prop: str, value: str) -> None:
        fact = FactDraft(entity_key=f"{PREFIX}:{key}", schema=schema, prop=prop, value=value)
        if fact not in facts:
            facts.append(fact)

    for match in _IMO.finditer(normal):
        taken.append(match.span())
        add(f"vessel-imo:{match.group(1)}", "Vessel", "imoNumber", f"IMO{match.group(1)}")
    for match in _MMSI.finditer(normal):
        taken.append(match.span())
        add(f"vessel-mmsi:{match.group(1)}", "Vessel", "mmsi", match.group(1))
    for match in _PASSPORT.finditer(normal):
        taken.append(match.span())
        number = match.group(1).upper()
        add(f"passport:{number}", "Passport", "number", number)
    seen_places: set[tuple[float, float]] = set()
    for span, latitude, longitude in _coordinates(normal):
        if _overlaps(span, taken) or not (-90 <= latitude <= 90 and -180 <= longitude <= 180):
            continue
        taken.append(span)
        place = (round(latitude, 5), round(longitude, 5))
        if place in seen_places:
            continue
        seen_places.add(place)
        key = f"place:{place[0]:.5f},{place[1]:.5f}"
        add(key, "Address", "latitude", f"{place[0]:.5f}")
        add(key, "Address", "longitude", f"{place[1]:.5f}")
        add(key, "Address", "full", normal[span[0] : span[1]].strip())
    for match in _PHONE_KEYWORD.finditer(normal):
        span = match.span(1)
        if _overlaps(span, taken):
            continue
        taken.append(span)
        raw = match.group(1).strip()
        add(f"phone:{re.sub(r'[^0-9+]', '', raw)}", "LegalEntity", "phone", raw)
    for found in phonenumbers.PhoneNumberMatcher(normal, region.upper()):
        span = (found.start, found.end)
        if _overlaps(span, taken):
            continue
        taken.append(span)
        raw = found.raw_string.strip()
        add(f"phone:{re.sub(r'[^0-9+]', '', raw)}", "LegalEntity", "phone", raw)
    return facts
