"""Maritime use cases: ingest AIS files and archives, listen to live feeds, vessel registry.

The public face of the capability: other capabilities import from here, never
from its modules (an import-linter contract in ``pyproject.toml`` checks it).
"""

from portintel.services.maritime.ingest import IngestProgress, IngestSummary, ingest_paths
from portintel.services.maritime.listen import ListenSummary, listen, open_feed
from portintel.services.maritime.quarantine import (
    QuarantinedRow,
    QuarantineSummary,
    summarise_quarantine,
)
from portintel.services.maritime.registry import VesselView, list_vessels

__all__ = [
    "IngestProgress",
    "IngestSummary",
    "ListenSummary",
    "QuarantineSummary",
    "QuarantinedRow",
    "VesselView",
    "ingest_paths",
    "list_vessels",
    "listen",
    "open_feed",
    "summarise_quarantine",
]
