"""Maritime use cases: ingest AIS, listen to live feeds, vessel registry, the maritime picture.

The public face of the capability: other capabilities import from here, never
from its modules (an import-linter contract in ``pyproject.toml`` checks it).
"""

from portintel.services.maritime.areas import AreaView, create_area, list_areas
from portintel.services.maritime.behaviours import DetectionSummary, detect_behaviours
from portintel.services.maritime.ingest import IngestProgress, IngestSummary, ingest_paths
from portintel.services.maritime.listen import ListenSummary, listen, open_feed
from portintel.services.maritime.picture import (
    EVENT_TYPE_LABELS,
    LatestPositions,
    MapEvent,
    MapPort,
    Track,
    event_layer,
    latest_positions,
    may_see_picture,
    port_layer,
    require_picture,
    vessel_track,
)
from portintel.services.maritime.quarantine import (
    QuarantinedRow,
    QuarantineSummary,
    summarise_quarantine,
)
from portintel.services.maritime.registry import VesselView, list_vessels
from portintel.services.maritime.vessels import (
    IdentityEntry,
    VesselProfile,
    find_vessel,
    vessel_profile,
)

__all__ = [
    "EVENT_TYPE_LABELS",
    "AreaView",
    "DetectionSummary",
    "IdentityEntry",
    "IngestProgress",
    "IngestSummary",
    "LatestPositions",
    "ListenSummary",
    "MapEvent",
    "MapPort",
    "QuarantineSummary",
    "QuarantinedRow",
    "Track",
    "VesselProfile",
    "VesselView",
    "create_area",
    "detect_behaviours",
    "event_layer",
    "find_vessel",
    "ingest_paths",
    "latest_positions",
    "list_areas",
    "list_vessels",
    "listen",
    "may_see_picture",
    "open_feed",
    "port_layer",
    "require_picture",
    "summarise_quarantine",
    "vessel_profile",
    "vessel_track",
]
