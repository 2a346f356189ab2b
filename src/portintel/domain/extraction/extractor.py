"""Run every rule over a report's text and settle where their matches overlap.

Rules run in a fixed order, most specific first: machine-readable zones,
IMO numbers, MMSIs, passport numbers, call signs, coordinates, dates, phones,
vessel names, person names (known names before honorific rules), places. A
match that overlaps text an earlier rule took is not proposed (the digits of
an MMSI are not also a phone; "Koh Rong" inside "MV KOH RONG STAR" is the
vessel's name, not the island). What no rule matches stays as text.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from portintel.domain.extraction.call_signs import find_call_signs
from portintel.domain.extraction.coordinates import find_coordinates
from portintel.domain.extraction.dates import find_dates
from portintel.domain.extraction.imo_numbers import find_imo_numbers
from portintel.domain.extraction.machine_readable_zones import find_machine_readable_zones
from portintel.domain.extraction.mmsi_numbers import find_mmsis
from portintel.domain.extraction.passports import find_passport_numbers
from portintel.domain.extraction.person_names import (
    NameIndex,
    find_honorific_names,
    find_known_names,
    index_names,
)
from portintel.domain.extraction.phones import find_phones
from portintel.domain.extraction.places import PlaceIndex, find_places, index_places
from portintel.domain.extraction.suggestion import Suggestion
from portintel.domain.extraction.text import overlaps, with_ascii_digits
from portintel.domain.extraction.vessel_names import find_vessel_names

NEIGHBOURS: dict[str, tuple[str, ...]] = {
    "KH": ("TH", "VN", "LA", "MY", "ID", "MM", "BD", "LK", "PH"),
    "TH": ("KH", "MM", "LA", "MY", "VN", "ID", "BD", "LK", "PH"),
    "ID": ("MY", "PH", "TL", "TH", "VN", "KH", "MM", "BD", "LK"),
    "MY": ("TH", "ID", "SG", "BN", "PH", "VN", "KH", "MM", "BD", "LK"),
    "VN": ("KH", "LA", "TH", "MY", "ID", "PH", "MM", "BD", "LK"),
    "MM": ("TH", "BD", "LA", "MY", "ID", "KH", "VN", "LK", "PH"),
}
DEFAULT_REGIONS = ("KH", "TH", "VN", "LA", "MY", "ID", "MM", "BD", "LK", "PH")


def phone_regions(country: str) -> tuple[str, ...]:
    """The node's country, then its neighbours: the order national numbers are tried in."""
    home = country.strip().upper()
    others = NEIGHBOURS.get(home, DEFAULT_REGIONS)
    return (home, *(region for region in others if region != home))


@dataclass(frozen=True, slots=True)
class ExtractionContext:
    """What a node brings to extraction: its country, gazetteer and known names.

    ``known_names`` is the compiled dictionary (:func:`index_names`) or the
    names themselves; compile once and reuse it for many reports.
    """

    country: str = "KH"
    regions: tuple[str, ...] = ()
    places: PlaceIndex = field(default_factory=lambda: index_places(()))
    known_names: NameIndex | Sequence[str] = ()

    @property
    def phone_regions(self) -> tuple[str, ...]:
        return self.regions or phone_regions(self.country)


def _claim(candidates: Iterable[Suggestion], taken: list[tuple[int, int]]) -> list[Suggestion]:
    kept = []
    for suggestion in candidates:
        span = (suggestion.start, suggestion.end)
        if overlaps(span, taken):
            continue
        taken.append(span)
        kept.append(suggestion)
    return kept


def extract(text: str, context: ExtractionContext | None = None) -> tuple[Suggestion, ...]:
    """Every suggestion in ``text``, in text order; near misses included, flagged."""
    context = context or ExtractionContext()
    normal = with_ascii_digits(text)
    taken: list[tuple[int, int]] = []
    suggestions: list[Suggestion] = []
    for rule in (
        find_machine_readable_zones,
        find_imo_numbers,
        find_mmsis,
        find_passport_numbers,
        find_call_signs,
        find_coordinates,
        find_dates,
    ):
        suggestions += _claim(rule(text, normal), taken)
    suggestions += list(find_phones(text, normal, regions=context.phone_regions, taken=taken))
    suggestions += _claim(find_vessel_names(text, normal), taken)
    names = context.known_names
    if not isinstance(names, NameIndex):
        names = index_names(names)
    suggestions += _claim(find_known_names(text, normal, names), taken)
    suggestions += _claim(find_honorific_names(text, normal), taken)
    suggestions += _claim(find_places(text, normal, context.places), taken)
    return tuple(sorted(suggestions, key=lambda s: (s.start, s.end, s.kind.value)))


def unmatched_text(text: str, suggestions: Sequence[Suggestion]) -> str:
    """The text no suggestion covers, runs joined by a space (what stays as free text)."""
    pieces = []
    position = 0
    for suggestion in sorted(suggestions, key=lambda s: s.start):
        if suggestion.start > position:
            pieces.append(text[position : suggestion.start])
        position = max(position, suggestion.end)
    pieces.append(text[position:])
    return " ".join(" ".join(piece.split()) for piece in pieces if piece.strip())
