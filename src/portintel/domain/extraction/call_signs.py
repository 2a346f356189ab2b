"""Radio call signs after their keyword.

Keywords: "call sign", "callsign", "C/S", Thai "สัญญาณเรียกขาน", Bahasa "tanda panggilan".

A ship's call sign is three to seven letters and digits whose first
characters are an ITU prefix block of its flag state (Radio Regulations,
Appendix 42). The table below holds the blocks of the region and of the
open registries its boats fly; a prefix outside it is proposed with lower
confidence and no country (the table is partial, the prefix may be right).
A near miss is a value of the wrong shape after the keyword (digits only,
too short or too long): proposed flagged.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from portintel.domain.extraction.suggestion import Kind, Rule, Suggestion, found
from portintel.domain.extraction.text import NOT_AFTER_ALNUM, NOT_BEFORE_ALNUM

RULE = Rule("call_sign.keyword", 1)

# ITU-R Appendix 42 blocks (first three characters, inclusive) -> ISO 3166-1 alpha-2.
_BLOCKS = """
XUA-XUZ KH  HSA-HSZ TH  E2A-E2Z TH  3WA-3WZ VN  XVA-XVZ VN  XWA-XWZ LA
9MA-9MZ MY  9WA-9WZ MY  7AA-7IZ ID  8AA-8IZ ID  JZA-JZZ ID  PKA-POZ ID
YBA-YHZ ID  XYA-XZZ MM  4DA-4IZ PH  DUA-DZZ PH  S2A-S3Z BD  4PA-4SZ LK
9VA-9VZ SG  S6A-S6Z SG  V8A-V8Z BN  4WA-4WZ TL  BAA-BZZ CN  3HA-3UZ CN
XSA-XSZ CN  VTA-VWZ IN  ATA-AWZ IN  8TA-8YZ IN  JAA-JSZ JP  HLA-HLZ KR
HOA-HPZ PA  H3A-H3Z PA  H8A-H9Z PA  3EA-3FZ PA  A8A-A8Z LR  D5A-D5Z LR
ELA-ELZ LR  5LA-5MZ LR  6ZA-6ZZ LR  V7A-V7Z MH  V3A-V3Z BZ  HQA-HRZ HN
9LA-9LZ SL  5VA-5VZ TG  JTA-JVZ MN  T2A-T2Z TV  D6A-D6Z KM  3XA-3XZ GN
VHA-VNZ AU  AXA-AXZ AU  ZLA-ZMZ NZ  P2A-P2Z PG  YJA-YJZ VU  3DA-3DM SZ
"""
_TABLE = tuple(
    (block[:3], block[4:7], country)
    for block, country in zip(_BLOCKS.split()[0::2], _BLOCKS.split()[1::2], strict=True)
)

_KEYWORD = re.compile(
    r"(?i:" + NOT_AFTER_ALNUM + r"(?:call[\s\-]?sign|c/s)|สัญญาณเรียกขาน|tanda\s+panggilan)"
    r"[\s:#.\-]*(?:is\s+)?([A-Z0-9](?:-?[A-Z0-9]){0,7})" + NOT_BEFORE_ALNUM
)
_SHAPE = re.compile(r"^(?=.*[A-Z])[A-Z0-9]{3,7}$")


def call_sign_country(call_sign: str) -> str | None:
    """The flag state whose ITU block holds the call sign's prefix, if the table knows it."""
    head = call_sign[:3]
    for first, last, country in _TABLE:
        if first <= head <= last:
            return country
    return None


def find_call_signs(text: str, normal: str) -> Iterator[Suggestion]:
    """Call signs after their keyword, with the flag state of their prefix."""
    for match in _KEYWORD.finditer(normal):
        value = match.group(1).replace("-", "")
        span = match.span(1)
        if not _SHAPE.match(value):
            reason = (
                f"call sign {match.group(1)!r} should be 3 to 7 letters and digits, not digits only"
            )
            yield found(RULE, Kind.CALL_SIGN, text, span, value, confidence=0.4, reason=reason)
            continue
        country = call_sign_country(value)
        yield found(
            RULE,
            Kind.CALL_SIGN,
            text,
            span,
            value,
            confidence=0.9 if country else 0.7,
            details={"country": country} if country else None,
        )
