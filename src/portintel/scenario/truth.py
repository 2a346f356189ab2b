"""Who is who behind a report's facts: the scenario's truth for collation.

A report states facts about report-local persons (``m1``, ``m2``) and about
vessels and organisations under their registry keys (``vessel-003``,
``org-02``). The cast knows who each one is: a person's mention names its
cast member (:class:`~portintel.scenario.model.Mention`); a vessel's or an
organisation's key is its cast key. Phones are values of persons in the
scenario (no report states a phone as an entity of its own), so the truth
about phones is the truth about their holders. Pure: no I/O.
"""

from __future__ import annotations

from dataclasses import dataclass

from portintel.scenario.model import Report

REGISTRY_PREFIXES = ("vessel-", "org-")
"""Fact keys that are cast keys themselves."""

COLLATED_SCHEMATA = frozenset({"Person", "Vessel", "Organization"})
"""The schemata whose entities stand for cast members (documents and relations do not)."""


@dataclass(frozen=True, slots=True)
class StatedEntity:
    """One entity a report states facts about, the cast member it is, and what it states."""

    key: str
    cast_key: str
    schema: str
    values: tuple[tuple[str, str], ...]
    """``(prop, value)`` of its facts."""


def stated_entities(report: Report) -> tuple[StatedEntity, ...]:
    """The cast members ``report`` states facts about, with the values it states
    (persons, vessels and organisations have no entity-typed property in the
    scenario's facts: relations are entities of their own)."""
    cast_of = {mention.entity_key: mention.cast_key for mention in report.mentions}
    found: dict[str, tuple[str, str, list[tuple[str, str]]]] = {}
    for fact in report.facts:
        if fact.schema not in COLLATED_SCHEMATA:
            continue
        cast_key = cast_of.get(fact.entity_key)
        if cast_key is None and fact.entity_key.startswith(REGISTRY_PREFIXES):
            cast_key = fact.entity_key
        if cast_key is None:
            continue
        value = fact.value.strip()
        if not value:
            continue
        entry = found.setdefault(fact.entity_key, (cast_key, fact.schema, []))
        entry[2].append((fact.prop, value))
    return tuple(
        StatedEntity(key, cast_key, schema, tuple(values))
        for key, (cast_key, schema, values) in found.items()
    )
