"""STIX 2.1 (and FtM JSON) conversion of what a node shares: pure functions over records.

The sharing service selects and sanitises through the partner's scoped view,
then calls :func:`build_bundle`; the sync reads what arrives with
:class:`BundleReader` (or :func:`read_ftm_document`). Nothing here does I/O:
the vocabularies (extension definitions, TLP 2.0 markings, grading and
handling) are loaded by ``portintel.adapters.vocabularies`` and passed in.
See docs/stix.md for the mapping and the validation profile.
"""

from portintel.domain.sharing.stix.bundle import build_bundle, bundle_text
from portintel.domain.sharing.stix.ftm import ftm_document, read_ftm_document
from portintel.domain.sharing.stix.identifiers import stix_id
from portintel.domain.sharing.stix.parse import BundleReader
from portintel.domain.sharing.stix.records import (
    EntityRecord,
    Handling,
    IncidentRecord,
    ReceivedBundle,
    ReceivedGrading,
    ReceivedIncident,
    ReceivedReport,
    ReceivedStatement,
    ReportRecord,
    Selection,
    StatisticsRecord,
    StatisticsRow,
)
from portintel.domain.sharing.stix.vocabulary import StixVocabulary

__all__ = [
    "BundleReader",
    "EntityRecord",
    "Handling",
    "IncidentRecord",
    "ReceivedBundle",
    "ReceivedGrading",
    "ReceivedIncident",
    "ReceivedReport",
    "ReceivedStatement",
    "ReportRecord",
    "Selection",
    "StatisticsRecord",
    "StatisticsRow",
    "StixVocabulary",
    "build_bundle",
    "bundle_text",
    "ftm_document",
    "read_ftm_document",
    "stix_id",
]
