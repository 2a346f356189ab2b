"""Collation: entities assembled from statements, cross-referencing and judgements.

The public face of the capability: other capabilities import from here, never
from its modules (an import-linter contract in ``pyproject.toml`` checks it).

Every name is imported on first use (PEP 562): ``portintel xref`` needs the
cross-referencing modules only, not the entity pages behind followthemoney
(a second of start-up, more on a loaded machine).
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from portintel.services.collation.canonical import readable_ids
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
    from portintel.services.collation.resolver import stored_mapping
    from portintel.services.collation.xref import (
        XrefRun,
        cross_reference_entities,
        evaluate_name_pairs,
        load_profiles,
    )
    from portintel.services.collation.xref_queue import refresh_candidates, review_queue

_MODULE_OF = {
    "readable_ids": "canonical",
    **dict.fromkeys(
        (
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
        ),
        "entities",
    ),
    **dict.fromkeys(("EntityImport", "import_entities"), "entity_import"),
    **dict.fromkeys(("EntityListItem", "EntityListPage", "browse_entities"), "entity_list"),
    **dict.fromkeys(
        (
            "EntityProfile",
            "PropertySupport",
            "ValueSupport",
            "entity_names",
            "entity_profile",
            "grading_meaning",
        ),
        "profile",
    ),
    "Relationship": "relationships",
    "stored_mapping": "resolver",
    **dict.fromkeys(
        ("XrefRun", "cross_reference_entities", "evaluate_name_pairs", "load_profiles"), "xref"
    ),
    "refresh_candidates": "xref_queue",
    "review_queue": "xref_queue",
}


def __getattr__(name: str) -> Any:
    module = _MODULE_OF.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f"{__name__}.{module}"), name)
    globals()[name] = value
    return value


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
    "readable_ids",
    "refresh_candidates",
    "review_queue",
    "search_entities",
    "stored_mapping",
]
