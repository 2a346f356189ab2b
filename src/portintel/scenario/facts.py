"""Turning cast members into the facts a report states about them.

A report never copies the cast: it states what its author saw or heard,
in one of the name's romanisations, sometimes with the birth year only,
sometimes in native script. Each person mentioned gets a report-local key
(``m1``, ``m2``); vessels and organisations keep their registry keys.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field

from portintel.scenario.model import Fact, Mention, Person, Relation, Vessel
from portintel.scenario.names import family_name_first


@dataclass
class FactSheet:
    """Facts and ground-truth mentions being collected for one report."""

    facts: list[Fact] = field(default_factory=list)
    mentions: list[Mention] = field(default_factory=list)
    by_cast_key: dict[str, str] = field(default_factory=dict)

    def add(
        self, entity_key: str, schema: str, prop: str, value: str, lang: str | None = None
    ) -> None:
        self.facts.append(Fact(entity_key, schema, prop, value, lang))


def spoken_name(person: Person, rng: random.Random, style: str) -> tuple[str, str | None]:
    """The name as a report of ``style`` writes it, and its language tag if native."""
    name = person.name
    if style == "document":
        return name.canonical.upper(), None
    if style == "native" and rng.random() < 0.5:
        return name.native, name.native_lang
    spelling = rng.choice(name.romanisations)
    if style == "western" and person.nationality in {"KH", "VN"} and rng.random() < 0.5:
        spelling = family_name_first(spelling)
    return spelling, None


def mention_person(
    sheet: FactSheet,
    person: Person,
    rng: random.Random,
    *,
    style: str = "spoken",
    details: bool = True,
    name_override: str | None = None,
) -> tuple[str, str]:
    """State facts about ``person``; returns the report-local key and the name used."""
    if person.key in sheet.by_cast_key:
        key = sheet.by_cast_key[person.key]
        return key, next(f.value for f in sheet.facts if f.entity_key == key and f.prop == "name")
    key = f"m{len(sheet.mentions) + 1}"
    sheet.by_cast_key[person.key] = key
    sheet.mentions.append(Mention(key, person.key))
    name, lang = spoken_name(person, rng, style)
    if name_override is not None:
        name, lang = name_override, None
    sheet.add(key, "Person", "name", name, lang)
    if style == "native" and lang is None and rng.random() < 0.5:
        sheet.add(key, "Person", "alias", person.name.native, person.name.native_lang)
    sheet.add(key, "Person", "nationality", person.nationality.lower())
    if not details:
        return key, name
    sheet.add(key, "Person", "gender", person.gender)
    if style == "document" or rng.random() < 0.4:
        sheet.add(key, "Person", "birthDate", person.birth_date.isoformat())
    elif rng.random() < 0.5:
        sheet.add(key, "Person", "birthDate", str(person.birth_date.year))
    for phone in person.phones:
        if style == "document" or rng.random() < 0.6:
            sheet.add(key, "Person", "phone", phone)
    if person.role not in {"migrant", "crew"}:
        sheet.add(key, "Person", "position", person.role.replace("_", " "))
    if person.passport is not None and (style == "document" or rng.random() < 0.25):
        document = person.passport
        sheet.add(key, "Person", "passportNumber", document.number)
        passport_key = f"passport-{key}"
        sheet.add(passport_key, "Passport", "number", document.number)
        sheet.add(passport_key, "Passport", "holder", key)
        sheet.add(passport_key, "Passport", "country", document.country.lower())
        sheet.add(passport_key, "Passport", "startDate", document.issued.isoformat())
        sheet.add(passport_key, "Passport", "endDate", document.expires.isoformat())
    return key, name


def mention_vessel(
    sheet: FactSheet,
    vessel: Vessel,
    rng: random.Random,
    *,
    full: bool = False,
    imo_override: str | None = None,
) -> str:
    """State what a report knows of ``vessel`` (all of it on a boarding)."""
    key = vessel.key
    if any(f.entity_key == key for f in sheet.facts):
        return key
    sheet.add(key, "Vessel", "name", vessel.name)
    sheet.add(key, "Vessel", "type", vessel.vessel_type)
    sheet.add(key, "Vessel", "flag", vessel.flag.lower())
    imo = imo_override or vessel.imo
    if imo and (full or rng.random() < 0.7):
        sheet.add(key, "Vessel", "imoNumber", imo)
    if vessel.mmsi and (full or rng.random() < 0.7):
        sheet.add(key, "Vessel", "mmsi", vessel.mmsi)
    if vessel.call_sign and (full or rng.random() < 0.5):
        sheet.add(key, "Vessel", "callSign", vessel.call_sign)
    if vessel.registration and (full or rng.random() < 0.6):
        sheet.add(key, "Vessel", "registrationNumber", vessel.registration)
    if full:
        sheet.add(key, "Vessel", "registrationPort", vessel.home_port)
        sheet.add(key, "Vessel", "tonnage", str(vessel.tonnage))
        sheet.add(key, "Vessel", "buildDate", str(vessel.build_year))
        if vessel.previous_name:
            sheet.add(key, "Vessel", "previousName", vessel.previous_name)
    return key


def state_relation(sheet: FactSheet, relation: Relation, subject: str, target: str) -> None:
    """An FtM relation between two entities already on the sheet."""
    key = f"{relation.schema.lower()}-{subject}-{target}"
    props = {
        "Membership": ("member", "organization", "role"),
        "Ownership": ("owner", "asset", "role"),
        "Associate": ("person", "associate", "relationship"),
        "Family": ("person", "relative", "relationship"),
    }[relation.schema]
    sheet.add(key, relation.schema, props[0], subject)
    sheet.add(key, relation.schema, props[1], target)
    sheet.add(key, relation.schema, props[2], relation.role)
