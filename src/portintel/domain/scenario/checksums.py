"""Check digits the scenario must get right (and, for its traps, wrong on purpose).

Local to the scenario until ``portintel.domain.identifiers`` is available to
every helper; the tests check both agree.
"""

from __future__ import annotations

MRZ_WEIGHTS = (7, 3, 1)


def mrz_value(char: str) -> int:
    """ICAO 9303 character value: digits as is, A-Z 10-35, filler '<' 0."""
    if char.isdigit():
        return int(char)
    if "A" <= char <= "Z":
        return ord(char) - ord("A") + 10
    if char == "<":
        return 0
    raise ValueError(f"{char!r} cannot appear in a machine-readable zone")


def mrz_check_digit(text: str) -> int:
    """ICAO 9303 check digit: weights 7, 3, 1 repeating, sum modulo 10."""
    return sum(mrz_value(c) * MRZ_WEIGHTS[i % 3] for i, c in enumerate(text)) % 10


def imo_check_digit(six: str) -> int:
    """IMO number check digit: first six digits weighted 7..2, sum modulo 10."""
    return sum(int(d) * w for d, w in zip(six, range(7, 1, -1), strict=True)) % 10
