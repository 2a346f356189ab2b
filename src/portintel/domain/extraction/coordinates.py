"""Positions in the forms officers write them.

====================================  ====================================
form                                  example
====================================  ====================================
degrees, minutes (and seconds)        ``10°37'N 103°30'E``, ``10°37'12"N``
degrees and decimal minutes           ``10 37.5N 103 30.2E``, ``10-37.5N``
hemisphere first                      ``N 10°37.5' E 103°30.2'``
decimal degrees with hemispheres      ``10.628N 103.503E``, ``10.628° N``
signed decimal degrees (lat, lon)     ``10.6283, 103.5033``
====================================  ====================================

The value is ``"lat,lon"`` in decimal degrees to five places (about a metre).
A near miss is proposed flagged: minutes or seconds of 60 or more, a latitude
beyond 90 or a longitude beyond 180 (a typo the officer can fix).
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from portintel.domain.extraction.suggestion import Kind, Rule, Suggestion, found
from portintel.domain.extraction.text import NOT_AFTER_ALNUM, NOT_BEFORE_ALNUM, overlaps

SEXAGESIMAL = Rule("coordinates.sexagesimal", 1)
DECIMAL_HEMISPHERES = Rule("coordinates.decimal_hemispheres", 1)
DECIMAL_SIGNED = Rule("coordinates.decimal_signed", 1)

_DEGREE = r"(?:\s*[°º˚]\s*|\s*deg\s*|-|\s+)"
_MINUTE = r"(?:\s*['′’]|\s*min\.?)?"
_SECOND = r"(?:\s*(?:\"|″|''|sec\.?))?"


def _part(name: str, degrees: str) -> str:
    return (
        rf"(?P<{name}_d>{degrees}){_DEGREE}(?P<{name}_m>\d{{1,2}}(?:\.\d+)?){_MINUTE}"
        rf"(?:\s*(?P<{name}_s>\d{{1,2}}(?:\.\d+)?){_SECOND})?"
    )


_SEPARATOR = r"\s*[,;/]?\s*"
_SUFFIXED = re.compile(
    NOT_AFTER_ALNUM
    + _part("lat", r"\d{1,2}")
    + r"\s*(?P<ns>[NS])"
    + _SEPARATOR
    + _part("lon", r"\d{1,3}")
    + r"\s*(?P<ew>[EW])"
    + NOT_BEFORE_ALNUM,
    re.IGNORECASE,
)
_PREFIXED = re.compile(
    NOT_AFTER_ALNUM
    + r"(?P<ns>[NS])\s*"
    + _part("lat", r"\d{1,2}")
    + _SEPARATOR
    + r"(?P<ew>[EW])\s*"
    + _part("lon", r"\d{1,3}")
    + NOT_BEFORE_ALNUM,
    re.IGNORECASE,
)
_DECIMAL_HEMISPHERES = re.compile(
    NOT_AFTER_ALNUM
    + r"(?P<lat>\d{1,2}\.\d+)\s*°?\s*(?P<ns>[NS])"
    + _SEPARATOR
    + r"(?P<lon>\d{1,3}\.\d+)\s*°?\s*(?P<ew>[EW])"
    + NOT_BEFORE_ALNUM,
    re.IGNORECASE,
)
_DECIMAL_SIGNED = re.compile(
    r"(?<![\d.\-])(?P<lat>-?\d{1,2}\.\d{3,})\s*°?\s*[,;/]\s*(?P<lon>-?\d{1,3}\.\d{3,})°?(?![\d.])"
)


def _value(latitude: float, longitude: float) -> str:
    return f"{latitude:.5f},{longitude:.5f}"


def _range_reason(latitude: float, longitude: float) -> str | None:
    if abs(latitude) > 90:
        return f"latitude {latitude:g} is beyond 90 degrees"
    if abs(longitude) > 180:
        return f"longitude {longitude:g} is beyond 180 degrees"
    return None


def _sexagesimal(match: re.Match[str], name: str) -> tuple[float, str | None]:
    degrees = int(match.group(f"{name}_d"))
    minutes = float(match.group(f"{name}_m"))
    seconds = float(match.group(f"{name}_s") or 0)
    reason = None
    if minutes >= 60:
        reason = f"{minutes:g} minutes is not below 60"
    elif seconds >= 60:
        reason = f"{seconds:g} seconds is not below 60"
    return degrees + minutes / 60 + seconds / 3600, reason


def _signed(value: float, hemisphere: str, negative: str) -> float:
    return -value if hemisphere.upper() == negative else value


def find_coordinates(text: str, normal: str) -> Iterator[Suggestion]:
    """Every position in ``normal``, sexagesimal forms first, then decimal ones."""
    taken: list[tuple[int, int]] = []
    for pattern in (_SUFFIXED, _PREFIXED):
        for match in pattern.finditer(normal):
            if overlaps(match.span(), taken):
                continue
            taken.append(match.span())
            latitude, lat_reason = _sexagesimal(match, "lat")
            longitude, lon_reason = _sexagesimal(match, "lon")
            latitude = _signed(latitude, match.group("ns"), "S")
            longitude = _signed(longitude, match.group("ew"), "W")
            reason = lat_reason or lon_reason or _range_reason(latitude, longitude)
            yield found(
                SEXAGESIMAL,
                Kind.COORDINATES,
                text,
                match.span(),
                _value(latitude, longitude),
                confidence=0.95,
                reason=reason,
            )
    for match in _DECIMAL_HEMISPHERES.finditer(normal):
        if overlaps(match.span(), taken):
            continue
        taken.append(match.span())
        latitude = _signed(float(match.group("lat")), match.group("ns"), "S")
        longitude = _signed(float(match.group("lon")), match.group("ew"), "W")
        yield found(
            DECIMAL_HEMISPHERES,
            Kind.COORDINATES,
            text,
            match.span(),
            _value(latitude, longitude),
            confidence=0.95,
            reason=_range_reason(latitude, longitude),
        )
    for match in _DECIMAL_SIGNED.finditer(normal):
        if overlaps(match.span(), taken):
            continue
        taken.append(match.span())
        latitude, longitude = float(match.group("lat")), float(match.group("lon"))
        yield found(
            DECIMAL_SIGNED,
            Kind.COORDINATES,
            text,
            match.span(),
            _value(latitude, longitude),
            confidence=0.8,
            reason=_range_reason(latitude, longitude),
        )
