"""Places named in a report, from the node's regional gazetteer.

The gazetteer is data passed in (the service reads it): the ports of
``vocabularies/ports.csv`` and the provinces, islands, districts and landing
sites of ``vocabularies/places.csv``, each with its native-script and
romanised names (sources in ``places-SOURCES.md``). Parsing the file's text
is pure and refuses each bad row with its line and reason while the good
rows load.

A Latin name is matched in any case between non-letters ("koh rong",
"KOH RONG"); a name in Khmer, Thai or Burmese script anywhere (those scripts
do not put spaces between words). The longest name wins where names overlap
("Koh Rong Sanloem" over "Koh Rong"); a name two entries share goes to the
first entry in the gazetteer.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from portintel.domain.extraction.suggestion import Kind, Rule, Suggestion, found
from portintel.domain.extraction.text import NOT_AFTER_ALNUM, NOT_BEFORE_ALNUM

RULE = Rule("place.gazetteer", 1)
PLACE_COLUMNS = ("id", "name", "aliases", "country", "kind", "lat", "lon", "source", "licence")
PLACE_KINDS = (
    "port",
    "anchorage",
    "fishing_harbour",
    "landing_site",
    "province",
    "island",
    "district",
    "town",
)


@dataclass(frozen=True, slots=True)
class Place:
    """One gazetteer entry: its names (``name`` first) and where it is."""

    id: str
    name: str
    country: str
    kind: str
    lat: float
    lon: float
    aliases: tuple[str, ...] = ()

    @property
    def names(self) -> tuple[str, ...]:
        return (self.name, *self.aliases)


@dataclass(frozen=True, slots=True)
class PlaceTable:
    """The entries of a places file, and each refused row as ``source line N: reason``."""

    places: tuple[Place, ...]
    refused: tuple[str, ...] = ()


def parse_places(text: str, *, source: str) -> PlaceTable:
    """Read a places CSV (columns :data:`PLACE_COLUMNS`; aliases separated by ``|``)."""
    reader = csv.DictReader(io.StringIO(text))
    missing = [column for column in PLACE_COLUMNS if column not in (reader.fieldnames or ())]
    if missing:
        return PlaceTable((), (f"{source}: missing columns {', '.join(missing)}",))
    places: list[Place] = []
    refused: list[str] = []
    for row in reader:
        line = reader.line_num
        try:
            place = Place(
                id=(row["id"] or "").strip(),
                name=" ".join((row["name"] or "").split()),
                country=(row["country"] or "").strip().upper(),
                kind=(row["kind"] or "").strip(),
                lat=float(row["lat"] or "nan"),
                lon=float(row["lon"] or "nan"),
                aliases=tuple(
                    " ".join(alias.split())
                    for alias in (row["aliases"] or "").split("|")
                    if alias.strip()
                ),
            )
        except ValueError as exc:
            refused.append(f"{source} line {line}: {exc}")
            continue
        reason = _row_problem(place)
        if reason:
            refused.append(f"{source} line {line}: {reason}")
            continue
        places.append(place)
    return PlaceTable(tuple(places), tuple(refused))


def _row_problem(place: Place) -> str | None:
    if not place.id or not place.name:
        return "an entry needs an id and a name"
    if place.kind not in PLACE_KINDS:
        return f"kind {place.kind!r} is not one of {', '.join(PLACE_KINDS)}"
    if len(place.country) != 2:
        return f"country {place.country!r} is not an ISO 3166-1 alpha-2 code"
    if not (-90 <= place.lat <= 90 and -180 <= place.lon <= 180):
        return f"position {place.lat}, {place.lon} is off the globe"
    return None


def _is_latin(name: str) -> bool:
    return all(ord(char) < 0x0250 for char in name)


def _pattern(name: str) -> str:
    words = r"\s+".join(re.escape(word) for word in name.split())
    if _is_latin(name):
        return NOT_AFTER_ALNUM + words + NOT_BEFORE_ALNUM
    return words


@dataclass(frozen=True, slots=True)
class PlaceIndex:
    """The gazetteer compiled for matching: one pattern, and each name's entry."""

    pattern: re.Pattern[str] | None
    by_name: dict[str, Place]


def _key(name: str) -> str:
    return " ".join(name.split()).casefold()


def index_places(places: Iterable[Place]) -> PlaceIndex:
    """Compile the gazetteer once; reuse the index for every report."""
    by_name: dict[str, Place] = {}
    for place in places:
        for name in place.names:
            if len(name) >= 3:
                by_name.setdefault(_key(name), place)
    if not by_name:
        return PlaceIndex(None, {})
    names = sorted(by_name, key=len, reverse=True)
    pattern = re.compile("|".join(_pattern(name) for name in names), re.IGNORECASE)
    return PlaceIndex(pattern, by_name)


def find_places(text: str, normal: str, index: PlaceIndex) -> Iterator[Suggestion]:
    """Gazetteer names in ``normal``; the value is the entry's main name."""
    if index.pattern is None:
        return
    for match in index.pattern.finditer(normal):
        place = index.by_name.get(_key(match.group(0)))
        if place is None:  # pragma: no cover - every alternative is a key
            continue
        yield found(
            RULE,
            Kind.PLACE,
            text,
            match.span(),
            place.name,
            confidence=0.8 if _is_latin(match.group(0)) else 0.85,
            details={
                "place_id": place.id,
                "country": place.country,
                "place_kind": place.kind,
                "lat": f"{place.lat:.5f}",
                "lon": f"{place.lon:.5f}",
            },
        )


def port_names(name: str) -> tuple[str, ...]:
    """Names a port of ``ports.csv`` is written by: "Koh Kong (Khemarak Phoumin)" gives
    itself, "Koh Kong" and "Khemarak Phoumin"; "Tawau, Sabah" gives itself and "Tawau"."""
    names = [" ".join(name.split())]
    head, _, inside = name.partition("(")
    if inside:
        names.append(" ".join(head.split()))
        names.extend(" ".join(part.split()) for part in inside.rstrip(")").split(","))
    first = name.split(",")[0].split("(")[0]
    names.append(" ".join(first.split()))
    return tuple(dict.fromkeys(part for part in names if len(part) >= 3))
