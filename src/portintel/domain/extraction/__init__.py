"""Extraction: identifiers, positions, dates, names and places proposed from report text.

Pure functions over a report's text (no I/O: the gazetteer and the names the
node knows are passed in). One module per kind, each with versioned rules;
:func:`extract` runs them all and returns :class:`Suggestion` objects that
an officer or analyst accepts, edits or rejects. Near misses (a wrong check
digit, 75 minutes of arc, 31 February) are proposed flagged with their
reason, never accepted silently nor dropped.
"""

from portintel.domain.extraction.call_signs import call_sign_country
from portintel.domain.extraction.extractor import (
    DEFAULT_REGIONS,
    ExtractionContext,
    extract,
    phone_regions,
    unmatched_text,
)
from portintel.domain.extraction.facts import KEY_PREFIX, stated_pairs, suggestion_facts
from portintel.domain.extraction.person_names import NameIndex, index_names
from portintel.domain.extraction.places import (
    Place,
    PlaceIndex,
    PlaceTable,
    index_places,
    parse_places,
    port_names,
)
from portintel.domain.extraction.suggestion import (
    EXTRACTION_RULES_VERSION,
    Kind,
    Rule,
    Suggestion,
    suggestion_id,
)
from portintel.domain.extraction.text import with_ascii_digits

__all__ = [
    "DEFAULT_REGIONS",
    "EXTRACTION_RULES_VERSION",
    "KEY_PREFIX",
    "ExtractionContext",
    "Kind",
    "NameIndex",
    "Place",
    "PlaceIndex",
    "PlaceTable",
    "Rule",
    "Suggestion",
    "call_sign_country",
    "extract",
    "index_names",
    "index_places",
    "parse_places",
    "phone_regions",
    "port_names",
    "stated_pairs",
    "suggestion_facts",
    "suggestion_id",
    "unmatched_text",
    "with_ascii_digits",
]
