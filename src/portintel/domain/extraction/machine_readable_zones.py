"""ICAO 9303 machine-readable zones pasted into a report: TD3 (passport) and TD1 (ID card).

Officers copy the two (or three) lines from a scanned document. The zone is
found as two lines of 44 or three lines of 30 characters of ``A-Z``, ``0-9``
and ``<`` (at least one filler), separated by line breaks or spaces, and
parsed with portintel's own parser
(:func:`portintel.domain.identifiers.parse_mrz`; the ``mrz`` package is GPL
and not used). Every check digit is verified, the composite included: a
zone with a wrong one is proposed flagged, its reasons listing each failed
check ("MRZ birth date check digit is 3, expected 1").
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from portintel.domain.extraction.suggestion import Kind, Rule, Suggestion, found
from portintel.domain.identifiers import parse_mrz
from portintel.errors import InvalidInput

RULE = Rule("mrz.td3_td1", 1)
_EDGE_BEFORE = r"(?<![A-Z0-9<])"
_EDGE_AFTER = r"(?![A-Z0-9<])"
_TD3 = re.compile(_EDGE_BEFORE + r"([A-Z0-9<]{44})[ \t]*\r?\n?[ \t]*([A-Z0-9<]{44})" + _EDGE_AFTER)
_TD1 = re.compile(
    _EDGE_BEFORE
    + r"([A-Z0-9<]{30})[ \t]*\r?\n?[ \t]*([A-Z0-9<]{30})[ \t]*\r?\n?[ \t]*([A-Z0-9<]{30})"
    + _EDGE_AFTER
)


def _zones(normal: str) -> Iterator[tuple[tuple[int, int], tuple[str, ...]]]:
    taken: list[tuple[int, int]] = []
    for pattern in (_TD3, _TD1):
        for match in pattern.finditer(normal):
            span = match.span()
            if any(span[0] < end and start < span[1] for start, end in taken):
                continue
            lines = match.groups()
            if "<" not in "".join(lines):
                continue
            taken.append(span)
            yield span, lines


def find_machine_readable_zones(text: str, normal: str) -> Iterator[Suggestion]:
    """Each TD3 or TD1 zone with its fields; flagged with every failed check digit."""
    for span, lines in _zones(normal):
        try:
            zone = parse_mrz("\n".join(lines))
        except InvalidInput as exc:
            reason = f"MRZ unreadable: {exc}"
            value = " ".join(lines)
            yield found(RULE, Kind.MRZ, text, span, value, confidence=0.3, reason=reason)
            continue
        details = {
            "format": zone.format,
            "document_code": zone.document_code,
            "issuing_state": zone.issuing_state,
            "surname": zone.surname,
            "given_names": zone.given_names,
            "document_number": zone.document_number,
            "nationality": zone.nationality,
            "birth_date": zone.birth_date,
            "sex": zone.sex,
            "expiry_date": zone.expiry_date,
        }
        problems = "; ".join(zone.errors) or None
        yield found(
            RULE,
            Kind.MRZ,
            text,
            span,
            zone.document_number,
            confidence=0.99,
            reason=problems,
            details={name: value for name, value in details.items() if value},
        )
