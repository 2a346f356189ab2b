"""Targeting use cases: risk scores with their reasons, watchlists and their hits,
the pre-arrival list.

The public face of the capability: other capabilities import from here, never
from its modules (an import-linter contract in ``pyproject.toml`` checks it).
The jobs that keep scores and hits up to date are a plugin
(:mod:`portintel.services.targeting.jobs`).
"""

from portintel.services.targeting.prearrival import (
    HOURS,
    MAX_HOURS,
    PortChoice,
    PrearrivalLine,
    PrearrivalList,
    csv_rows,
    find_port,
    port_choices,
    prearrival_list,
    prearrival_pdf,
)
from portintel.services.targeting.scores import (
    EvidenceView,
    ReasonView,
    RiskLine,
    ScoringSummary,
    SubjectView,
    VesselRisk,
    list_risk,
    registry_mmsis,
    rescore_all,
    score_vessels,
    vessel_risk,
)
from portintel.services.targeting.watchlists import (
    WatchEntryView,
    WatchHitView,
    add_entry,
    get_entry,
    list_entries,
    list_hits,
    match_entities,
    may_keep_watchlists,
    parse_identifiers,
    remove_entry,
    sweep_entries,
)

__all__ = [
    "HOURS",
    "MAX_HOURS",
    "EvidenceView",
    "PortChoice",
    "PrearrivalLine",
    "PrearrivalList",
    "ReasonView",
    "RiskLine",
    "ScoringSummary",
    "SubjectView",
    "VesselRisk",
    "WatchEntryView",
    "WatchHitView",
    "add_entry",
    "csv_rows",
    "find_port",
    "get_entry",
    "list_entries",
    "list_hits",
    "list_risk",
    "match_entities",
    "may_keep_watchlists",
    "parse_identifiers",
    "port_choices",
    "prearrival_list",
    "prearrival_pdf",
    "registry_mmsis",
    "remove_entry",
    "rescore_all",
    "score_vessels",
    "sweep_entries",
    "vessel_risk",
]
