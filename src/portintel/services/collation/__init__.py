"""Collation: entities assembled from statements; room for cross-referencing and judgements.

The public face of the capability: other capabilities import from here, never
from its modules (an import-linter contract in ``pyproject.toml`` checks it).
"""

from portintel.services.collation.entities import (
    EntityPage,
    EntitySummary,
    EntityView,
    PropertyView,
    StatementPage,
    StatementView,
    ValueCount,
    entity_page,
    entity_statements,
    get_entity,
    list_entities,
    search_entities,
)

__all__ = [
    "EntityPage",
    "EntitySummary",
    "EntityView",
    "PropertyView",
    "StatementPage",
    "StatementView",
    "ValueCount",
    "entity_page",
    "entity_statements",
    "get_entity",
    "list_entities",
    "search_entities",
]
