"""What cross-referencing knows of one entity: its values by property, prepared once.

A :class:`Profile` is built from the statements a reader may see (valid
values, and the raw text of values that did not clean, kept apart: a birth
date followthemoney cannot parse still says something when it is identical).
Names of every kind (name, alias, previous name, first + last name) are
romanised and keyed once here, not once per pair.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import lru_cache

from portintel.domain.names import NameVariants, PreparedName, prepare_name

NAME_PROPS = ("name", "alias", "weakAlias", "previousName")
IDENTIFIER_PROPS = ("passportNumber", "idNumber", "taxNumber", "registrationNumber")
VESSEL_PREFIXES = re.compile(
    r"^(?:m\s*/\s*v|m\.?\s*v\.?|mv|km|kmn|kln|fb|f/b|mt|m/t|ss|mfv)\.?\s+", re.IGNORECASE
)
_NOT_ALNUM = re.compile(r"[^0-9A-Za-z]+")


class Family:
    """Which entities may be compared: persons with persons, vessels with vessels, ..."""

    PERSON = "person"
    VESSEL = "vessel"
    PARTY = "party"  # organisations, companies and bare legal entities (phones)


SCHEMA_FAMILY: Mapping[str, str] = {
    "Person": Family.PERSON,
    "Vessel": Family.VESSEL,
    "Organization": Family.PARTY,
    "Company": Family.PARTY,
    "PublicBody": Family.PARTY,
    "LegalEntity": Family.PARTY,
}
"""Schemata cross-referenced, by family; entities of other schemata are left alone."""


@lru_cache(maxsize=65536)
def identifier_text(value: str) -> str:
    """An identifier compared as upper-case letters and digits only (IMO 9074729 = IMO9074729)."""
    return _NOT_ALNUM.sub("", value).upper()


@dataclass(frozen=True, slots=True)
class Profile:
    """One entity as cross-referencing sees it."""

    id: str
    schema: str
    values: Mapping[str, tuple[str, ...]]
    """Valid (cleaned) values by property."""
    raw: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    """Values that did not clean, as written, by property."""
    names: tuple[PreparedName, ...] = ()

    @property
    def family(self) -> str | None:
        return SCHEMA_FAMILY.get(self.schema)

    def get(self, prop: str) -> tuple[str, ...]:
        return self.values.get(prop, ())

    def any_text(self, prop: str) -> tuple[str, ...]:
        """Valid and raw values of ``prop`` together."""
        return self.values.get(prop, ()) + self.raw.get(prop, ())


def _name_texts(schema: str, values: Mapping[str, tuple[str, ...]]) -> list[str]:
    texts = [value for prop in NAME_PROPS for value in values.get(prop, ())]
    if schema == "Person" and not values.get("name"):
        first = " ".join(values.get("firstName", ()))
        last = " ".join(values.get("lastName", ()))
        joined = f"{first} {last}".strip()
        if joined:
            texts.append(joined)
    if schema == "Vessel":
        texts = [VESSEL_PREFIXES.sub("", text) for text in texts]
    return list(dict.fromkeys(text for text in texts if text.strip()))


def build_profile(
    entity_id: str,
    schema: str,
    statements: Iterable[tuple[str, str, bool]],
    variants: NameVariants,
) -> Profile:
    """A profile from ``(prop, value, valid)`` triples of one entity."""
    valid: dict[str, list[str]] = {}
    raw: dict[str, list[str]] = {}
    for prop, value, is_valid in statements:
        target = valid if is_valid else raw
        found = target.setdefault(prop, [])
        if value not in found:
            found.append(value)
    values = {prop: tuple(found) for prop, found in valid.items()}
    names = tuple(prepare_name(text, variants) for text in _name_texts(schema, values))
    return Profile(
        id=entity_id,
        schema=schema,
        values=values,
        raw={prop: tuple(found) for prop, found in raw.items()},
        names=tuple(name for name in names if name.forms),
    )
