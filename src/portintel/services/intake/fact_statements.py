"""Turn the facts of a report into followthemoney statements, losing nothing.

Every fact is checked against the followthemoney 4 model (the schema exists
and is concrete, the property exists on it) and its value cleaned with the
property's type, or with portintel's identifier checks where followthemoney is
too lenient or too strict (IMO and MMSI check digits, phones in the node's
region, passport numbers). A value that does not clean is kept raw with
``invalid_reason``: followthemoney would silently drop it, portintel may not.

Entity ids are deterministic. A vessel with a valid IMO or MMSI number, a
passport with a valid number, or a bare phone-number entity gets an id from
that identifier, so reports about the same boat meet on one entity; other
entities get an id from the report and the fact's ``entity_key``, unless
the key names an existing entity. An identifier with its own restrictive
handling never becomes the id: ids travel wherever the entity does, to
readers who may not see that value.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Collection, Iterable, Sequence
from datetime import datetime

from followthemoney import model
from followthemoney.exc import InvalidData
from followthemoney.schema import Schema

from portintel.domain.identifiers import (
    IdentifierCheck,
    check_imo,
    check_mmsi,
    check_passport,
    check_phone,
)
from portintel.domain.reports import VERBATIM_ID, FactDraft
from portintel.domain.statements import SEPARATOR, StatementRecord
from portintel.errors import InvalidInput
from portintel.services.intake.views import is_restrictive

__all__ = ["entity_schema", "make_fact_statements", "resolve_entity_ids"]


def entity_schema(name: str) -> Schema:
    """The concrete followthemoney schema called ``name``; InvalidInput otherwise."""
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


_SLUG = re.compile(r"[^a-z0-9]+")


def _stable_id(schema: Schema, prop: str, value: str) -> str | None:
    """An id from a strong identifier, so every report about it meets on one entity."""
    if schema.is_a("Vessel") and prop == "imoNumber":
        return "vessel-imo-" + value.upper().removeprefix("IMO").strip()
    if schema.is_a("Vessel") and prop == "mmsi":
        return "vessel-mmsi-" + value
    if schema.name == "Passport" and prop == "number":
        return "passport-" + _SLUG.sub("", value.lower())
    if schema.name == "LegalEntity" and prop == "phone":
        return "phone-" + value.lstrip("+")
    return None


_PRECEDENCE = ("imoNumber", "mmsi", "number", "phone")


def _keyed_id(origin: str, schema: Schema, entity_key: str) -> str:
    digest = hashlib.sha1(
        SEPARATOR.join((origin, entity_key)).encode("utf-8"), usedforsecurity=False
    ).hexdigest()
    return f"{schema.name.lower()}-{digest[:20]}"


def resolve_entity_ids(
    facts: Sequence[FactDraft],
    *,
    origin: str,
    region: str,
    existing_entity_ids: Collection[str] = (),
) -> dict[str, tuple[str, Schema]]:
    """entity_key -> (entity id, common schema) for every key in ``facts``."""
    schemata: dict[str, Schema] = {}
    strong: dict[str, dict[str, str]] = {}
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
        value, reason = _clean(schema, fact.prop, fact.value, region)
        # an id is shown to everyone who may see any value of the entity: an
        # identifier under its own restrictive handling must not become the id
        if reason is None and not is_restrictive(fact.handling):
            stable = _stable_id(schema, fact.prop, value)
            if stable is not None:
                strong.setdefault(fact.entity_key, {}).setdefault(fact.prop, stable)
    resolved: dict[str, tuple[str, Schema]] = {}
    for key, schema in schemata.items():
        identifiers = strong.get(key, {})
        stable = next((identifiers[p] for p in _PRECEDENCE if p in identifiers), None)
        if key in existing_entity_ids:
            entity_id = key
        elif stable is not None:
            entity_id = stable
        elif key.startswith(VERBATIM_ID) and key[len(VERBATIM_ID) :].strip():
            entity_id = key[len(VERBATIM_ID) :].strip()[:128]
        else:
            entity_id = _keyed_id(origin, schema, key)
        resolved[key] = (entity_id, schema)
    return resolved


def make_fact_statements(
    facts: Iterable[FactDraft],
    *,
    origin: str,
    dataset: str,
    seen_at: datetime,
    region: str,
    grading_scheme: str | None = None,
    existing_entity_ids: Collection[str] = (),
) -> list[StatementRecord]:
    """The statements ``facts`` yield for report ``origin``; invalid values kept with a reason.

    ``grading_scheme`` is recorded on statements that override their report's
    reliability or credibility (an override is meaningless without it).
    Raises InvalidInput (naming the field) for an unknown schema or property:
    such a fact has nowhere to go, so the report must be corrected.
    """
    fact_list = list(facts)
    ids = resolve_entity_ids(
        fact_list, origin=origin, region=region, existing_entity_ids=existing_entity_ids
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
            value, reason = (target[0] if target else raw.removeprefix(VERBATIM_ID)), None
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
