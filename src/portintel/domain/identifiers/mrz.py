"""Machine-readable zones of travel documents (ICAO Doc 9303, parts 3 to 5).

The check digit (part 3, 4.9): characters take values (0-9 as themselves, A-Z
as 10-35, the filler ``<`` as 0), are weighted 7, 3, 1 repeating, summed, and
the last digit of the sum is the check digit. It catches every single wrong
digit (7, 3 and 1 share no factor with 10) but not a letter swapped for one
ten values away (``A`` for ``0``, ``K`` for ``A``), and catches a swap of two
adjacent digits unless they differ by exactly 5 (the weight differences 4, 2
and 6 are even).

A parsed MRZ keeps every field and every check with its outcome: a failed
check digit is information for the analyst (a forged or mistyped document),
not a reason to drop the document.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from portintel.errors import InvalidInput

WEIGHTS = (7, 3, 1)
_ALLOWED = re.compile(r"^[A-Z0-9<]+$")


def character_value(char: str) -> int:
    """The value of one MRZ character for the check digit."""
    if char == "<":
        return 0
    if "0" <= char <= "9":
        return ord(char) - ord("0")
    if "A" <= char <= "Z":
        return ord(char) - ord("A") + 10
    raise ValueError(f"{char!r} is not an MRZ character (A-Z, 0-9 or <)")


def mrz_check_digit(text: str) -> int:
    """The ICAO 9303 check digit (weights 7-3-1) of an MRZ field."""
    return sum(character_value(char) * WEIGHTS[i % 3] for i, char in enumerate(text)) % 10


@dataclass(frozen=True, slots=True)
class MrzCheck:
    """One check digit of the zone: which field, what it says, what it should say."""

    field: str
    found: str
    expected: int

    @property
    def valid(self) -> bool:
        return self.found == str(self.expected)

    @property
    def reason(self) -> str | None:
        if self.valid:
            return None
        return f"MRZ {self.field} check digit is {self.found}, expected {self.expected}"


@dataclass(frozen=True, slots=True)
class Mrz:
    """The fields of a TD3 (passport) or TD1 (ID card) zone, fillers removed.

    Dates stay as printed (YYMMDD): the century is ambiguous and a guess is
    not the document's data.
    """

    format: str
    document_code: str
    issuing_state: str
    surname: str
    given_names: str
    document_number: str
    nationality: str
    birth_date: str
    sex: str
    expiry_date: str
    optional_data: str
    checks: tuple[MrzCheck, ...]
    lines: tuple[str, ...]

    @property
    def valid(self) -> bool:
        """True when every check digit, the composite included, is right."""
        return all(check.valid for check in self.checks)

    @property
    def errors(self) -> tuple[str, ...]:
        """A sentence per failed check digit."""
        return tuple(check.reason for check in self.checks if check.reason is not None)


def _clean(value: str) -> str:
    return value.replace("<", " ").strip()


def _names(field: str) -> tuple[str, str]:
    surname, _, given = field.partition("<<")
    return _clean(surname), " ".join(_clean(given).split())


def _check(field: str, data: str, found: str) -> MrzCheck:
    return MrzCheck(field=field, found=found, expected=mrz_check_digit(data))


def _lines(text: str) -> list[str]:
    lines = [line.strip().upper().replace(" ", "") for line in text.strip().splitlines()]
    lines = [line for line in lines if line]
    if len(lines) == 1 and len(lines[0]) in (88, 90):
        single = lines[0]
        width = 44 if len(single) == 88 else 30
        lines = [single[i : i + width] for i in range(0, len(single), width)]
    return lines


def parse_mrz(text: str) -> Mrz:
    """Parse a TD3 (2 x 44) or TD1 (3 x 30) zone; InvalidInput(field="mrz") if neither."""
    lines = _lines(text)
    shape = " x ".join(str(len(line)) for line in lines) or "nothing"
    for number, line in enumerate(lines, start=1):
        if not _ALLOWED.match(line):
            bad = sorted({char for char in line if not _ALLOWED.match(char)})
            raise InvalidInput(
                f"MRZ line {number} contains {''.join(bad)!r}; only A-Z, 0-9 and < are allowed",
                field="mrz",
            )
    if len(lines) == 2 and all(len(line) == 44 for line in lines):
        return _parse_td3(lines)
    if len(lines) == 3 and all(len(line) == 30 for line in lines):
        return _parse_td1(lines)
    raise InvalidInput(
        f"MRZ has lines of {shape} characters",
        field="mrz",
        hint="a passport (TD3) has 2 lines of 44 characters, an ID card (TD1) 3 lines of 30",
    )


def _parse_td3(lines: list[str]) -> Mrz:
    first, second = lines
    surname, given = _names(first[5:44])
    optional = second[28:42]
    optional_check = second[42]
    checks = [
        _check("document number", second[0:9], second[9]),
        _check("birth date", second[13:19], second[19]),
        _check("expiry date", second[21:27], second[27]),
    ]
    # Part 4: when the personal number is not used, its check digit may be < or 0.
    if not (optional_check == "<" and optional == "<" * 14):
        checks.append(_check("personal number", optional, optional_check))
    composite = second[0:10] + second[13:20] + second[21:43]
    checks.append(_check("composite", composite, second[43]))
    return Mrz(
        format="TD3",
        document_code=_clean(first[0:2]),
        issuing_state=_clean(first[2:5]),
        surname=surname,
        given_names=given,
        document_number=_clean(second[0:9]),
        nationality=_clean(second[10:13]),
        birth_date=second[13:19],
        sex=_clean(second[20]),
        expiry_date=second[21:27],
        optional_data=_clean(optional),
        checks=tuple(checks),
        lines=tuple(lines),
    )


def _parse_td1(lines: list[str]) -> Mrz:
    first, second, third = lines
    number, number_check, optional = first[5:14], first[14], first[15:30]
    if number_check == "<" and optional[0] != "<":
        # Part 5: a number longer than 9 characters continues in the optional
        # data; its check digit follows the last character of the number.
        overflow, _, rest = optional.partition("<")
        number, number_check, optional = number + overflow[:-1], overflow[-1], rest
    surname, given = _names(third)
    checks = (
        _check("document number", number, number_check),
        _check("birth date", second[0:6], second[6]),
        _check("expiry date", second[8:14], second[14]),
        _check("composite", first[5:30] + second[0:7] + second[8:15] + second[18:29], second[29]),
    )
    return Mrz(
        format="TD1",
        document_code=_clean(first[0:2]),
        issuing_state=_clean(first[2:5]),
        surname=surname,
        given_names=given,
        document_number=_clean(number),
        nationality=_clean(second[15:18]),
        birth_date=second[0:6],
        sex=_clean(second[7]),
        expiry_date=second[8:14],
        optional_data=" ".join(_clean(optional + second[18:29]).split()),
        checks=checks,
        lines=tuple(lines),
    )
