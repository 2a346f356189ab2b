"""Collation: entities assembled from statements; room for cross-referencing and judgements.

The public face of the capability: other capabilities import from here, never
from its modules (an import-linter contract in ``pyproject.toml`` checks it).
"""

from portintel.services.collation.entities import (
    EntitySummary,
    EntityView,
    StatementView,
    get_entity,
    list_entities,
    search_entities,
)

__all__ = [
    "EntitySummary",
    "EntityView",
    "StatementView",
    "get_entity",
    "list_entities",
    "search_entities",
]
