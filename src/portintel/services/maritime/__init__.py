"""Maritime use cases: ingest AIS, listen to live feeds, vessel registry, the maritime picture.

The public face of the capability: other capabilities import from here, never
from its modules (an import-linter contract in ``pyproject.toml`` checks it).

The picture, areas, port edits and vessel profiles are imported on first use
of one of their names (PEP 562): ``portintel ais ingest`` and ``listen``
import the ingest path only, not the map layers and behaviours behind them
(seconds of start-up).
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from portintel.services.maritime.ingest import IngestProgress, IngestSummary, ingest_paths
from portintel.services.maritime.listen import (
    ListenSummary,
    listen,
    open_feed,
    receive_buffer_note,
)
from portintel.services.maritime.quarantine import (
    QuarantinedRow,
    QuarantineSummary,
    summarise_quarantine,
)
from portintel.services.maritime.registry import VesselView, list_vessels

if TYPE_CHECKING:
    from portintel.services.maritime.areas import (
        AreaImport,
        AreaView,
        create_area,
        export_areas,
        import_areas,
        list_areas,
    )
    from portintel.services.maritime.behaviours import (
        DetectionSummary,
        Encounter,
        detect_behaviours,
        encounters_of,
    )
    from portintel.services.maritime.node_files import export_node_files
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

_MODULE_OF = {
    **dict.fromkeys(
        ("DetectionSummary", "Encounter", "detect_behaviours", "encounters_of"), "behaviours"
    ),
    "export_node_files": "node_files",
    **dict.fromkeys(
        ("AreaImport", "AreaView", "create_area", "export_areas", "import_areas", "list_areas"),
        "areas",
    ),
    **dict.fromkeys(
        (
            "EVENT_TYPE_LABELS",
            "LatestPositions",
            "MapEvent",
            "MapPort",
            "Track",
            "event_layer",
            "latest_positions",
            "may_see_picture",
            "port_layer",
            "receive_buffer_note",
            "require_picture",
            "vessel_track",
        ),
        "picture",
    ),
    **dict.fromkeys(
        (
            "GazetteerEntry",
            "PortEdit",
            "PortHistory",
            "add_port",
            "correct_port",
            "export_ports",
            "list_port_entries",
            "may_edit_ports",
            "port_history",
            "require_port_editor",
        ),
        "port_edits",
    ),
    **dict.fromkeys(
        (
            "Fact",
            "IdentityEntry",
            "LinkedReport",
            "VesselProfile",
            "event_facts",
            "event_place",
            "find_vessel",
            "vessel_profile",
        ),
        "vessels",
    ),
}


def __getattr__(name: str) -> Any:
    module = _MODULE_OF.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f"{__name__}.{module}"), name)
    globals()[name] = value
    return value


__all__ = [
    "EVENT_TYPE_LABELS",
    "AreaImport",
    "AreaView",
    "DetectionSummary",
    "Encounter",
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
    "encounters_of",
    "event_facts",
    "event_layer",
    "event_place",
    "export_areas",
    "export_node_files",
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
    "receive_buffer_note",
    "require_picture",
    "require_port_editor",
    "summarise_quarantine",
    "vessel_profile",
    "vessel_track",
]
