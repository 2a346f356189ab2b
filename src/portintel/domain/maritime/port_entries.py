"""An analyst's entry for the ports gazetteer: checked field by field before it is stored.

The rules are those of ``behaviour.ports.parse_ports`` (the gazetteer file),
said per form field so a page can put the message beside the input: a name,
a country (ISO 3166-1 alpha-2), a kind, a position in range, and where the
analyst has it from. An entry the analyst makes is the unit's own data, so
its licence defaults to saying so.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from followthemoney.types import registry

from portintel.domain.maritime.behaviour.ports import KINDS
from portintel.errors import InvalidInput

KIND_LABELS = dict(
    zip(KINDS, ("Port", "Anchorage", "Fishing harbour", "Landing site"), strict=True)
)
"""What the pages show for each kind of entry."""

UNIT_LICENCE = "Unit's own data, entered in portintel"
NOT_COUNTRIES = frozenset({"zz", "eu", "un"})
"""Codes followthemoney names that are no country a port can lie in."""
MAX_NAME = 200
MAX_SOURCE = 2_000


@dataclass(frozen=True, slots=True)
class PortEntry:
    """The values of one gazetteer entry as an analyst gives them, cleaned."""

    name: str
    country: str
    kind: str
    lat: float
    lon: float
    source: str
    licence: str
    note: str | None = None


def country_choices() -> dict[str, str]:
    """ISO 3166-1 alpha-2 codes (lower case) and their names, by name."""
    names: dict[str, str] = registry.country.names
    pairs = (
        (code, label)
        for code, label in names.items()
        if len(code) == 2 and code not in NOT_COUNTRIES
    )
    return dict(sorted(pairs, key=lambda pair: pair[1]))


def _number(text: str, field: str, low: float, high: float, what: str) -> float:
    try:
        value = float(text.strip().replace(",", "."))
    except (AttributeError, ValueError) as exc:
        raise InvalidInput(f"{what} must be a number, got {text!r}", field=field) from exc
    if not math.isfinite(value) or not low <= value <= high:
        raise InvalidInput(f"{what} must be between {low:g} and {high:g}, got {text}", field=field)
    return round(value, 6)


def clean_port_entry(
    *,
    name: str,
    country: str,
    kind: str,
    lat: str,
    lon: str,
    source: str,
    licence: str = "",
    note: str = "",
) -> PortEntry:
    """The cleaned entry, or ``InvalidInput`` naming the first field that is wrong."""
    cleaned_name = " ".join(name.split())
    if not cleaned_name:
        raise InvalidInput("an entry needs a name", field="name")
    if len(cleaned_name) > MAX_NAME:
        raise InvalidInput(f"a name has at most {MAX_NAME} characters", field="name")
    code = country.strip().lower()
    if code not in country_choices():
        raise InvalidInput(
            f"country {country!r} is not a country",
            field="country",
            hint="choose one from the list",
        )
    if kind not in KINDS:
        raise InvalidInput(
            f"kind must be one of {', '.join(KIND_LABELS.values())}, got {kind!r}", field="kind"
        )
    latitude = _number(lat, "lat", -90, 90, "latitude")
    longitude = _number(lon, "lon", -180, 180, "longitude")
    cleaned_source = " ".join(source.split())
    if not cleaned_source:
        raise InvalidInput(
            "say where the entry comes from (a chart, a patrol's observation, a port authority)",
            field="source",
        )
    if len(cleaned_source) > MAX_SOURCE:
        raise InvalidInput(f"the source has at most {MAX_SOURCE} characters", field="source")
    cleaned_licence = " ".join(licence.split())[:200] or UNIT_LICENCE
    return PortEntry(
        name=cleaned_name,
        country=code.upper(),
        kind=kind,
        lat=latitude,
        lon=longitude,
        source=cleaned_source,
        licence=cleaned_licence,
        note=note.strip()[:MAX_SOURCE] or None,
    )
