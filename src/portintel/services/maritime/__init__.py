"""Maritime use cases: ingest AIS, listen to live feeds, vessel registry, the maritime picture.

The public face of the capability: other capabilities import from here, never
from its modules (an import-linter contract in ``pyproject.toml`` checks it).
"""

from portintel.services.maritime.areas import (
    AreaImport,
    AreaView,
    create_area,
    export_areas,
    import_areas,
    list_areas,
)
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
from portintel.services.maritime.port_edits import (
    GazetteerEntry,
    PortEdit,
    PortHistory,
    add_port,
    correct_port,
    export_ports,
    list_port_entries,
    may_edit_ports,
    port_history,
    require_port_editor,
)
from portintel.services.maritime.quarantine import (
    QuarantinedRow,
    QuarantineSummary,
    summarise_quarantine,
)
from portintel.services.maritime.registry import VesselView, list_vessels
from portintel.services.maritime.vessels import (
    Fact,
    IdentityEntry,
    LinkedReport,
    VesselProfile,
    event_facts,
    event_place,
    find_vessel,
    vessel_profile,
)

__all__ = [
    "EVENT_TYPE_LABELS",
    "AreaImport",
    "AreaView",
    "DetectionSummary",
    "Fact",
    "GazetteerEntry",
    "IdentityEntry",
    "IngestProgress",
    "IngestSummary",
    "LatestPositions",
    "LinkedReport",
    "ListenSummary",
    "MapEvent",
    "MapPort",
    "PortEdit",
    "PortHistory",
    "QuarantineSummary",
    "QuarantinedRow",
    "Track",
    "VesselProfile",
    "VesselView",
    "add_port",
    "correct_port",
    "create_area",
    "detect_behaviours",
    "event_facts",
    "event_layer",
    "event_place",
    "export_areas",
    "export_ports",
    "find_vessel",
    "import_areas",
    "ingest_paths",
    "latest_positions",
    "list_areas",
    "list_port_entries",
    "list_vessels",
    "listen",
    "may_edit_ports",
    "may_see_picture",
    "open_feed",
    "port_history",
    "port_layer",
    "require_picture",
    "require_port_editor",
    "summarise_quarantine",
    "vessel_profile",
    "vessel_track",
]
