"""The languages the interface speaks and the time zones people read times in.

The list of languages is fixed here (each with its own name, as a person looking
for their language reads it); the web face offers one only while its message
catalog is complete, which a test checks for every language listed.
"""

from __future__ import annotations

from functools import lru_cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

LANGUAGES: dict[str, str] = {
    "en": "English",
    "km": "ភាសាខ្មែរ",
    "th": "ภาษาไทย",
    "id": "Bahasa Indonesia",
}
"""Locale code → the language's name in itself; English is the source language."""

DEFAULT_LANGUAGE = "en"

COMMON_TIME_ZONES: tuple[str, ...] = (
    "UTC",
    "Asia/Phnom_Penh",
    "Asia/Bangkok",
    "Asia/Ho_Chi_Minh",
    "Asia/Yangon",
    "Asia/Vientiane",
    "Asia/Jakarta",
    "Asia/Pontianak",
    "Asia/Makassar",
    "Asia/Jayapura",
    "Asia/Kuala_Lumpur",
    "Asia/Singapore",
    "Asia/Manila",
    "Asia/Dili",
    "Australia/Darwin",
    "Australia/Perth",
    "Europe/Brussels",
    "Europe/London",
)
"""The zones offered first on the account page (the unit works at UTC+7 or +8)."""


def is_language(code: str) -> bool:
    return code in LANGUAGES


@lru_cache(maxsize=1)
def _all_zones() -> frozenset[str]:
    return frozenset(available_timezones()) | {"UTC"}


def is_time_zone(name: str) -> bool:
    """Whether ``name`` is an IANA time zone this machine knows (``Asia/Phnom_Penh``)."""
    if name not in _all_zones():
        return False
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return False
    return True


def N_(message: str) -> str:
    """gettext's marker for a label defined outside the web face: ``python -m
    portintel.web.catalogs`` extracts it from ``domain`` and ``services`` (the pages translate
    it where they show it, ``_(label)``); it returns the English unchanged."""
    return message
