"""Turn the facts of a report into followthemoney statements, losing nothing.

Every fact is checked against the followthemoney 4 model (the schema exists
and is concrete, the property exists on it) and its value cleaned with the
property's type, or with portintel's identifier checks where followthemoney is
too lenient or too strict (IMO and MMSI check digits, phones in the node's
region, passport numbers). A value that does not clean is kept raw with
``invalid_reason``: followthemoney would silently drop it, portintel may not.

Entity ids are opaque: :func:`new_entity_id` is random and never carries
a value (an id travels wherever its entity does, to readers who may not see
the values). A fact's ``entity_key`` is local to its report ("boat",
"captain"), except ``entity:<id>``, which names an existing entity; a value of
an entity-typed property names another key of the report or an existing
entity. Naming an existing entity is allowed only for one the writer may read:
any other is refused exactly as if it did not exist
(:func:`entity_not_found`), so writing cannot probe what exists.

Until collation judges sameness, a key that states a strong identifier (IMO,
MMSI, passport number, phone of a bare phone entity) joins an entity the
writer may read that states it already (``namesakes``, looked up by the
service inside the writer's scope); otherwise it gets a new id.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from portintel.domain.identifiers import (
    IdentifierCheck,
    check_imo,
    check_mmsi,
    check_passport,
    check_phone,
)
from portintel.domain.reports import VERBATIM_ID, FactDraft
from portintel.domain.statements import StatementRecord
from portintel.errors import InvalidInput, NotFound
from portintel.services.intake.views import is_restrictive

if TYPE_CHECKING:
    from followthemoney.schema import Schema

__all__ = [
    "ENTITY_ID_PREFIX",
    "STRONG_IDENTIFIERS",
    "Identifier",
    "entity_not_found",
    "entity_references",
    "entity_schema",
    "make_fact_statements",
    "new_entity_id",
    "resolve_entity_ids",
    "strong_identifiers",
]

ENTITY_ID_PREFIX = "ent-"
"""Prefix of every entity id portintel makes: says "an entity", and nothing about it."""


def entity_schema(name: str) -> Schema:
    """The concrete followthemoney schema called ``name``; InvalidInput otherwise."""
    # imported here: the model loads its YAML schemata at import (a second), and
    # writers that only need new_entity_id (the AIS vessel registry) never look at it
    from followthemoney import model

    schema = model.get(name)
    if schema is None:
        raise InvalidInput(
            f"unknown entity type {name!r}",
            field="schema",
            hint="use a followthemoney schema such as Person, Vessel, Organization, Passport",
        )
    if schema.abstract:
        raise InvalidInput(
            f"entity type {name!r} is abstract", field="schema", hint="name a concrete schema"
        )
    return schema


def _check_value(schema: Schema, prop: str, raw: str, region: str) -> IdentifierCheck | None:
    """portintel's own check for identifier properties, or None to use followthemoney's."""
    if prop == "imoNumber":
        return check_imo(raw)
    if prop == "mmsi":
        return check_mmsi(raw)
    if prop == "passportNumber" or (schema.is_a("Passport") and prop == "number"):
        return check_passport(raw)
    found = schema.get(prop)
    if found is not None and found.type.name == "phone":
        return check_phone(raw, region)
    return None


def _clean(schema: Schema, prop: str, raw: str, region: str) -> tuple[str, str | None]:
    """(value to store, invalid reason or None)."""
    check = _check_value(schema, prop, raw, region)
    if check is not None:
        if check.valid and check.value:
            return check.value, None
        return raw, check.reason or f"not a valid {check.kind}"
    prop_type = schema.properties[prop].type
    cleaned = prop_type.clean(raw)
    if cleaned is None:
        return raw, f"not a valid {prop_type.name}"
    return str(cleaned), None


STRONG_IDENTIFIERS: tuple[tuple[str, str], ...] = (
    ("Vessel", "imoNumber"),
    ("Vessel", "mmsi"),
    ("Passport", "number"),
    ("LegalEntity", "phone"),
)
"""(schema, property) pairs that name one thing wherever they occur, in precedence order.

Facts that share one of these (cleaned, valid, not under restrictive handling)
may meet on one entity at intake, until collation judges sameness."""


@dataclass(frozen=True, slots=True)
class Identifier:
    """A strong identifier one entity of a report states: where to look for its namesakes."""

    schema: str
    prop: str
    value: str


def new_entity_id() -> str:
    """A fresh opaque entity id: random, so it says nothing about the entity's values."""
    return ENTITY_ID_PREFIX + secrets.token_hex(16)


def _schemata(facts: Sequence[FactDraft]) -> dict[str, Schema]:
    """entity_key -> the common schema of its facts; InvalidInput for what cannot be."""
    from followthemoney import model
    from followthemoney.exc import InvalidData

    schemata: dict[str, Schema] = {}
    for fact in facts:
        schema = entity_schema(fact.schema)
        if schema.get(fact.prop) is None:
            raise InvalidInput(
                f"{schema.name} has no property {fact.prop!r}",
                field="prop",
                hint=f"see the followthemoney schema of {schema.name}",
            )
        previous = schemata.get(fact.entity_key)
        if previous is None:
            schemata[fact.entity_key] = schema
        elif previous is not schema:
            try:
                schemata[fact.entity_key] = model.common_schema(previous, schema)
            except InvalidData as exc:
                raise InvalidInput(
                    f"entity {fact.entity_key!r} is both a {previous.name} and a {schema.name}",
                    field="schema",
                ) from exc
    return schemata


def _strong_pair(schema: Schema, prop: str) -> tuple[str, str] | None:
    """The entry of :data:`STRONG_IDENTIFIERS` that ``prop`` of ``schema`` is, if any.

    A phone number makes a bare phone entity (LegalEntity) one thing, not a
    person who also has it; a vessel's numbers name the vessel.
    """
    for name, wanted in STRONG_IDENTIFIERS:
        if prop == wanted and schema.name == name:
            return name, prop
    return None


def referenced_entity_id(key: str) -> str | None:
    """The existing entity an ``entity:<id>`` key names, or None for a report-local key."""
    if key.startswith(VERBATIM_ID):
        return key[len(VERBATIM_ID) :].strip()[:128] or None
    return None


def entity_references(facts: Sequence[FactDraft]) -> set[str]:
    """Ids of existing entities ``facts`` name: they must exist and be readable by the writer.

    An ``entity:<id>`` key, and a value of an entity-typed property (the
    ``owner`` of an Ownership) that names no key of the report.
    """
    from followthemoney import model

    keys = {fact.entity_key for fact in facts}
    named: set[str] = set()
    for fact in facts:
        found = referenced_entity_id(fact.entity_key)
        if found is not None:
            named.add(found)
        schema = model.get(fact.schema)
        prop = schema.get(fact.prop) if schema is not None else None
        value = fact.value.strip()
        if prop is not None and prop.type.name == "entity" and value and value not in keys:
            target = referenced_entity_id(value) if value.startswith(VERBATIM_ID) else value[:128]
            if target:
                named.add(target)
    return named


def strong_identifiers(facts: Sequence[FactDraft], *, region: str) -> dict[str, list[Identifier]]:
    """entity_key -> the strong identifiers its facts state, in precedence order.

    Only report-local keys take part (an ``entity:<id>`` key names its entity
    already), only valid values, and never a value under its own restrictive
    handling: meeting on it would tell readers of the entity what they may not
    read.
    """
    schemata = _schemata(facts)
    found: dict[str, set[Identifier]] = {}
    for fact in facts:
        if referenced_entity_id(fact.entity_key) is not None or is_restrictive(fact.handling):
            continue
        schema = schemata[fact.entity_key]
        pair = _strong_pair(schema, fact.prop)
        if pair is None:
            continue
        value, reason = _clean(schema, fact.prop, fact.value, region)
        if reason is None:
            found.setdefault(fact.entity_key, set()).add(Identifier(schema.name, fact.prop, value))
    order = {pair: rank for rank, pair in enumerate(STRONG_IDENTIFIERS)}
    return {
        key: sorted(ids, key=lambda i: (order[(i.schema, i.prop)], i.value))
        for key, ids in found.items()
    }


def resolve_entity_ids(
    facts: Sequence[FactDraft],
    *,
    region: str,
    readable: Collection[str] = (),
    namesakes: Mapping[Identifier, str] | None = None,
    new_id: Callable[[], str] = new_entity_id,
) -> dict[str, tuple[str, Schema]]:
    """entity_key -> (entity id, common schema) for every key in ``facts``.

    ``readable`` holds the existing entities the writer may read among those
    the facts name (:func:`entity_references`); naming any other is refused
    with NotFound, exactly as if it did not exist. ``namesakes`` maps a strong
    identifier to the entity the writer may read that states it already: a key
    with one joins that entity. Every other key gets a fresh opaque id
    (``new_id``); keys of one report that share a strong identifier share it.
    """
    schemata = _schemata(facts)
    for entity_id in sorted(entity_references(facts)):
        if entity_id not in readable:
            raise entity_not_found(entity_id)
    found = namesakes or {}
    identifiers = strong_identifiers(facts, region=region)
    by_identifier: dict[Identifier, str] = {}
    resolved: dict[str, tuple[str, Schema]] = {}
    for key, schema in schemata.items():
        named = referenced_entity_id(key)
        if named is not None:
            resolved[key] = (named, schema)
            continue
        own = identifiers.get(key, [])
        entity_id = (
            next((found[i] for i in own if i in found), None)
            or next((by_identifier[i] for i in own if i in by_identifier), None)
            or new_id()
        )
        for identifier in own:
            by_identifier.setdefault(identifier, entity_id)
        resolved[key] = (entity_id, schema)
    return resolved


def entity_not_found(entity_id: str) -> NotFound:
    """The one refusal for an entity that is missing or that the writer may not read."""
    return NotFound(f"entity {entity_id} not found", hint="check the id, or search")


def make_fact_statements(
    facts: Iterable[FactDraft],
    *,
    origin: str,
    dataset: str,
    seen_at: datetime,
    region: str,
    grading_scheme: str | None = None,
    readable: Collection[str] = (),
    namesakes: Mapping[Identifier, str] | None = None,
    new_id: Callable[[], str] = new_entity_id,
) -> list[StatementRecord]:
    """The statements ``facts`` yield for report ``origin``; invalid values kept with a reason.

    ``grading_scheme`` is recorded on statements that override their report's
    reliability or credibility (an override is meaningless without it).
    Raises InvalidInput (naming the field) for an unknown schema or property:
    such a fact has nowhere to go, so the report must be corrected; NotFound
    for a named entity not in ``readable`` (see :func:`resolve_entity_ids`).
    """
    fact_list = list(facts)
    ids = resolve_entity_ids(
        fact_list, region=region, readable=readable, namesakes=namesakes, new_id=new_id
    )
    records: list[StatementRecord] = []
    for fact in fact_list:
        entity_id, schema = ids[fact.entity_key]
        prop = schema.properties[fact.prop]
        raw = fact.value.strip()
        if not raw:
            continue  # an empty cell states nothing
        if prop.type.name == "entity":
            target = ids.get(raw)
            value = target[0] if target else (referenced_entity_id(raw) or raw[:128])
            reason = None
        else:
            value, reason = _clean(schema, fact.prop, raw, region)
        overridden = fact.reliability is not None or fact.credibility is not None
        records.append(
            StatementRecord(
                entity_id=entity_id,
                schema=schema.name,
                prop=prop.name,
                prop_type=prop.type.name,
                value=value,
                dataset=dataset,
                origin=origin,
                first_seen=seen_at,
                last_seen=seen_at,
                original_value=raw if raw != value or reason else None,
                lang=fact.lang,
                grading_scheme=grading_scheme if overridden else None,
                reliability=fact.reliability,
                credibility=fact.credibility,
                handling=fact.handling,
                invalid_reason=reason,
            )
        )
    return records
