"""Human labels of entity types and properties, and how FtM link entities read as roles.

Pages show "Vessel", "IMO number", "Owner", never ``Vessel``, ``imoNumber``,
``owner``: the labels are followthemoney's own (its model is the data), and
the web face translates them through its catalog (:func:`every_label` lists
them for extraction). A link entity (an Ownership, a Membership, a Family
tie) is how FtM states a relationship: :func:`link_ends` says which of its
properties are its ends, so a profile can name the entity at the other end
with its role.
"""

from __future__ import annotations

from functools import lru_cache

from followthemoney import model

NOT_A_RELATIONSHIP = frozenset({"proof", "riskSource"})
"""Entity-typed properties that are provenance or annotation, not a relationship."""

ROLE_PROPS = ("role", "relationship", "summary", "description")
"""Properties of a link entity that say, in words, what the tie is."""


def schema_label(schema: str) -> str:
    """The label of an entity type (``Vessel``, ``Legal entity``); the name if unknown."""
    found = model.get(schema)
    return found.label if found is not None else schema


def schema_plural(schema: str) -> str:
    found = model.get(schema)
    return found.plural if found is not None else schema


def property_label(schema: str, prop: str) -> str:
    """The label of ``prop`` on ``schema`` (``IMO number``); the name if unknown."""
    found = model.get(schema)
    if found is not None:
        prop_model = found.get(prop)
        if prop_model is not None:
            return str(prop_model.label)
    for other in model.schemata.values():  # a property of a schema merged in
        prop_model = other.properties.get(prop)
        if prop_model is not None and prop_model.name == prop:
            return str(prop_model.label)
    return prop


def reverse_label(schema: str, prop: str) -> str:
    """How ``prop`` of ``schema`` reads from the entity it points at (``Passport.holder``
    reads ``Identification`` from the person); the schema's label when FtM has none."""
    found = model.get(schema)
    prop_model = found.get(prop) if found is not None else None
    if prop_model is not None and prop_model.reverse is not None:
        return str(prop_model.reverse.label)
    return schema_label(schema)


@lru_cache(maxsize=1)
def entity_properties() -> tuple[str, ...]:
    """Every property name that holds an entity id (``owner``, ``holder``, ``member``...),
    provenance (``proof``) aside."""
    names = {
        prop.name
        for schema in model.schemata.values()
        for prop in schema.properties.values()
        if prop.type.name == "entity" and prop.name not in NOT_A_RELATIONSHIP
    }
    return tuple(sorted(names))


def is_link(schema: str) -> bool:
    """Whether entities of ``schema`` state a tie between two others (Ownership, Family)."""
    found = model.get(schema)
    return bool(found is not None and found.edge)


def link_ends(schema: str) -> tuple[str, ...]:
    """The properties of a link schema that name its ends (Ownership: owner, asset)."""
    found = model.get(schema)
    if found is None:
        return ()
    ends = [found.edge_source, found.edge_target]
    return tuple(end for end in ends if end)


@lru_cache(maxsize=1)
def every_label() -> tuple[str, ...]:
    """Every type label, plural and property label of the model, for the message catalog."""
    labels: set[str] = set()
    for schema in model.schemata.values():
        labels.update((schema.label, schema.plural))
        labels.update(str(prop.label) for prop in schema.properties.values())
        labels.update(
            str(prop.reverse.label)
            for prop in schema.properties.values()
            if prop.reverse is not None
        )
    return tuple(sorted(label for label in labels if label))
