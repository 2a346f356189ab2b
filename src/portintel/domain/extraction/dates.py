"""Dates in the region's forms and calendars, normalised to ISO 8601 (``2026-11-29``).

=========================================  =================================
form                                       example
=========================================  =================================
ISO                                        ``2026-11-29``
day/month/year (the region's order)        ``29/11/2026``, ``29.11.26``, ``29-11-2026``
day, month name, year                      ``29 Nov 2026``, ``29 November 2026``,
                                           ``29 Nopember 2026``, ``29 พ.ย. 2569``,
                                           ``២៩ វិច្ឆិកា ២០២៦``, ``၂၉ နိုဝင်ဘာ ၂၀၂၆``
month name, day, year                      ``November 29, 2026``
=========================================  =================================

Thai texts count years in the Buddhist Era: a year of 2400 or more is read
as BE and 543 is taken off (2569 BE is 2026 CE); ``details["calendar"]``
says so. Day and month are read day first, as the region writes them; when
both could be either (``05/11/2026``) the suggestion is less confident. A
date that does not exist (``31/02/2026``) is proposed flagged.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date

from portintel.domain.extraction.suggestion import Kind, Rule, Suggestion, found
from portintel.domain.extraction.text import NOT_AFTER_ALNUM, NOT_BEFORE_ALNUM, overlaps

ISO = Rule("date.iso", 1)
NUMERIC = Rule("date.day_month_year", 1)
NAMED = Rule("date.month_name", 1)

BUDDHIST_ERA_OFFSET = 543

_MONTH_NAMES: dict[int, tuple[str, ...]] = {
    1: ("january", "jan", "januari", "มกราคม", "ม.ค.", "មករា", "ဇန်နဝါရီ"),
    2: ("february", "feb", "februari", "pebruari", "กุมภาพันธ์", "ก.พ.", "កុម្ភៈ", "ဖေဖော်ဝါရီ"),
    3: ("march", "mar", "maret", "มีนาคม", "มี.ค.", "មីនា", "မတ်"),
    4: ("april", "apr", "เมษายน", "เม.ย.", "មេសា", "ဧပြီ"),
    5: ("may", "mei", "พฤษภาคม", "พ.ค.", "ឧសភា", "မေ"),
    6: ("june", "jun", "juni", "มิถุนายน", "มิ.ย.", "មិថុនា", "ဇွန်"),
    7: ("july", "jul", "juli", "กรกฎาคม", "ก.ค.", "កក្កដា", "ဇူလိုင်"),
    8: ("august", "aug", "agustus", "agt", "สิงหาคม", "ส.ค.", "សីហា", "ဩဂုတ်", "ဩဂုတ်"),
    9: ("september", "sep", "sept", "กันยายน", "ก.ย.", "កញ្ញា", "စက်တင်ဘာ"),
    10: ("october", "oct", "oktober", "okt", "ตุลาคม", "ต.ค.", "តុលា", "အောက်တိုဘာ"),
    11: ("november", "nov", "nopember", "พฤศจิกายน", "พ.ย.", "វិច្ឆិកា", "နိုဝင်ဘာ"),
    12: ("december", "dec", "desember", "des", "ธันวาคม", "ธ.ค.", "ធ្នូ", "ဒီဇင်ဘာ"),
}
MONTHS = {name.casefold(): month for month, names in _MONTH_NAMES.items() for name in names}
_MONTH = "|".join(re.escape(name) for name in sorted(MONTHS, key=len, reverse=True))
# an optional Thai "พ.ศ." (Buddhist Era) or "ค.ศ." (Common Era) before the year
_ERA = r"(?:(?P<era>พ\.ศ\.|ค\.ศ\.)\s*)?"

_ISO = re.compile(
    NOT_AFTER_ALNUM + r"(?P<y>\d{4})-(?P<m>\d{1,2})-(?P<d>\d{1,2})" + NOT_BEFORE_ALNUM
)
_NUMERIC = re.compile(
    r"(?<!\d)(?<!\d[/.\-])(?P<d>\d{1,2})(?P<sep>[/.\-])(?P<m>\d{1,2})(?P=sep)"
    r"(?P<y>\d{4}|\d{2})(?!\d|[/.\-]\d)"
)
_DAY_FIRST = re.compile(
    NOT_AFTER_ALNUM
    + r"(?P<d>\d{1,2})(?:st|nd|rd|th)?\s*(?:of\s+)?(?P<month>"
    + _MONTH
    + r")\.?,?\s*"
    + _ERA
    + r"(?P<y>\d{4})"
    + NOT_BEFORE_ALNUM,
    re.IGNORECASE,
)
_MONTH_FIRST = re.compile(
    NOT_AFTER_ALNUM
    + r"(?P<month>"
    + _MONTH
    + r")\.?\s+(?P<d>\d{1,2})(?:st|nd|rd|th)?,?\s+(?P<y>\d{4})"
    + NOT_BEFORE_ALNUM,
    re.IGNORECASE,
)


def _year(raw: str, era: str | None) -> tuple[int, str]:
    """(Common Era year, calendar) of a written year."""
    year = int(raw)
    if len(raw) == 2:
        return 2000 + year if year < 70 else 1900 + year, "gregorian"
    if era == "พ.ศ." or (era is None and year >= 2400):
        return year - BUDDHIST_ERA_OFFSET, "buddhist_era"
    return year, "gregorian"


def _date(year: int, month: int, day: int) -> tuple[str, str | None]:
    """(ISO value, reason when the date does not exist)."""
    value = f"{year:04d}-{month:02d}-{day:02d}"
    try:
        date(year, month, day)
    except ValueError as exc:
        return value, f"{value} is not a date: {exc}"
    return value, None


def find_dates(text: str, normal: str) -> Iterator[Suggestion]:
    """Dates in ``normal``, named months first, then ISO, then day/month/year."""
    taken: list[tuple[int, int]] = []
    for pattern in (_DAY_FIRST, _MONTH_FIRST):
        for match in pattern.finditer(normal):
            if overlaps(match.span(), taken):
                continue
            taken.append(match.span())
            year, calendar = _year(match.group("y"), match.groupdict().get("era"))
            month = MONTHS[match.group("month").casefold()]
            value, reason = _date(year, month, int(match.group("d")))
            yield found(
                NAMED,
                Kind.DATE,
                text,
                match.span(),
                value,
                confidence=0.9,
                reason=reason,
                details={"calendar": calendar},
            )
    for match in _ISO.finditer(normal):
        if overlaps(match.span(), taken):
            continue
        taken.append(match.span())
        year, calendar = _year(match.group("y"), None)
        value, reason = _date(year, int(match.group("m")), int(match.group("d")))
        yield found(
            ISO,
            Kind.DATE,
            text,
            match.span(),
            value,
            confidence=0.95,
            reason=reason,
            details={"calendar": calendar},
        )
    for match in _NUMERIC.finditer(normal):
        if overlaps(match.span(), taken):
            continue
        taken.append(match.span())
        day, month = int(match.group("d")), int(match.group("m"))
        year, calendar = _year(match.group("y"), None)
        value, reason = _date(year, month, day)
        ambiguous = day <= 12 and month <= 12 and day != month
        yield found(
            NUMERIC,
            Kind.DATE,
            text,
            match.span(),
            value,
            confidence=0.6 if ambiguous else 0.85,
            reason=reason,
            details={"calendar": calendar, "order": "day/month/year"},
        )
