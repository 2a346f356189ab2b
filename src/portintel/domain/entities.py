"""An entity's schema and caption, from the statements that describe it.

Pure followthemoney model work, shared by every capability that shows an
entity: a report's page lists its entities, collation assembles them.
"""

from __future__ import annotations

from collections.abc import Iterable

from followthemoney import model
from followthemoney.exc import InvalidData
from followthemoney.schema import Schema


def _common_schema(names: Iterable[str]) -> Schema | None:
    schema: Schema | None = None
    for name in names:
        found = model.get(name)
        if found is None:
            continue
        if schema is None:
            schema = found
        elif schema is not found:
            try:
                schema = model.common_schema(schema, found)
            except InvalidData:  # unrelated types: keep the first one
                continue
    return schema


def entity_caption(
    entity_id: str, schemata: Iterable[str], values: Iterable[tuple[str, str]]
) -> tuple[str, str]:
    """The schema and caption of an entity from its valid (prop, value) pairs.

    The caption is the first value of the schema's caption properties, in
    followthemoney's order (a vessel's name before its IMO number); the id
    when none is known.
    """
    schema_names = list(schemata)
    schema = _common_schema(schema_names)
    pairs = list(values)
    caption = entity_id
    if schema is not None:
        for prop in schema.caption:
            found = [value for name, value in pairs if name == prop]
            if found:
                caption = found[0]
                break
    return (schema.name if schema else schema_names[0]), caption


def caption_properties(schemata: Iterable[str]) -> tuple[str, ...]:
    """The properties :func:`entity_caption` takes the caption of an entity of these types
    from, in its order (none when the types have no common one)."""
    schema = _common_schema(list(schemata))
    return tuple(schema.caption) if schema is not None else ()


def entity_type_names() -> list[str]:
    """The names of every entity type (FtM schema), sorted: what ``schema`` may name."""
    return sorted(model.schemata)
