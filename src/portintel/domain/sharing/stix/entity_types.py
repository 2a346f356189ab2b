"""Which STIX type each shared entity becomes, decided once per bundle.

Nodes (persons, organisations, vessels, anything else) have a type from
their FtM schema alone; a link (Ownership, Family, ...) becomes a STIX
``relationship`` only when both of its ends are shared in the same bundle,
since a relationship to an object the receiver never gets is a dangling
reference. Otherwise the link travels as an ``x-portintel-entity`` and
keeps its statements.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from followthemoney import model

from portintel.domain.handling import HandlingCode
from portintel.domain.sharing.stix.records import EntityRecord, Handling, ReportRecord
from portintel.domain.statements import StatementRecord

ORGANISATION_SCHEMATA = ("Organization", "Company", "PublicBody", "LegalEntity")


@dataclass(frozen=True, slots=True)
class Shared:
    """What one bundle shares: the STIX type of each entity, and the reports by id."""

    entity_types: Mapping[str, str]
    reports: Mapping[str, ReportRecord]

    @classmethod
    def of(cls, entities: Sequence[EntityRecord], reports: Iterable[ReportRecord]) -> Shared:
        """Types for nodes first; a link becomes a relationship only when both ends are shared."""
        types = {e.id: object_type(e.schema) for e in entities if object_type(e.schema)}
        for entity in entities:
            if entity.id in types:
                continue
            schema = model.get(entity.schema)
            assert schema is not None and schema.source_prop and schema.target_prop
            source = first_value(entity.statements, schema.source_prop.name)
            target = first_value(entity.statements, schema.target_prop.name)
            both = source in types and target in types and source != target
            types[entity.id] = "relationship" if both else "x-portintel-entity"
        return cls(types, {report.id: report for report in reports})


def object_type(schema_name: str) -> str:
    """The STIX type of an entity of this FtM schema; empty for a link (decided later)."""
    schema = model.get(schema_name)
    if schema is None:
        return "x-portintel-entity"
    if schema.edge and schema.source_prop and schema.target_prop:
        return ""
    if is_a(schema_name, "Vessel"):
        return "x-portintel-vessel"
    if any(is_a(schema_name, name) for name in ("Person", *ORGANISATION_SCHEMATA)):
        return "identity"
    return "x-portintel-entity"


def override_handling(text: str) -> Handling:
    """A statement's handling override (``europol:H2``) as a Handling."""
    vocabulary, _, code = text.partition(":")
    return Handling(HandlingCode(vocabulary.strip().lower(), code.strip().upper()))


def first_value(statements: Iterable[StatementRecord], prop: str) -> str | None:
    for statement in statements:
        if statement.prop == prop and statement.valid:
            return statement.value
    return None


def is_a(schema_name: str, ancestor: str) -> bool:
    schema = model.get(schema_name)
    parent = model.get(ancestor)
    return schema is not None and parent is not None and schema.is_a(parent)
