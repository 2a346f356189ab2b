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
from portintel.services.collation.entity_import import EntityImport, import_entities
from portintel.services.collation.entity_list import (
    EntityListItem,
    EntityListPage,
    browse_entities,
)
from portintel.services.collation.profile import (
    EntityProfile,
    PropertySupport,
    ValueSupport,
    entity_names,
    entity_profile,
    grading_meaning,
)
from portintel.services.collation.relationships import Relationship
from portintel.services.collation.xref import (
    XrefRun,
    cross_reference_entities,
    evaluate_name_pairs,
    load_profiles,
)

__all__ = [
    "EntityImport",
    "EntityListItem",
    "EntityListPage",
    "EntityPage",
    "EntityProfile",
    "EntitySummary",
    "EntityView",
    "PropertySupport",
    "PropertyView",
    "Relationship",
    "StatementPage",
    "StatementView",
    "ValueCount",
    "ValueSupport",
    "XrefRun",
    "browse_entities",
    "cross_reference_entities",
    "entity_names",
    "entity_page",
    "entity_profile",
    "entity_statements",
    "evaluate_name_pairs",
    "get_entity",
    "grading_meaning",
    "import_entities",
    "list_entities",
    "load_profiles",
    "search_entities",
]
