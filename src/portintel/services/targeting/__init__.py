"""Targeting use cases: risk scores with their reasons, watchlists and their hits,
the pre-arrival list, alerts.

The public face of the capability: other capabilities import from here, never
from its modules (an import-linter contract in ``pyproject.toml`` checks it).
The jobs that keep scores and hits up to date are a plugin
(:mod:`portintel.services.targeting.jobs`).
"""

from portintel.services.targeting.alert_delivery import (
    alert_link,
    alert_payload,
    deliver_email,
    deliver_webhook,
)
from portintel.services.targeting.alert_raising import (
    raise_for_behaviours,
    raise_for_hits,
    raise_for_scores,
    raise_for_vessel,
)
from portintel.services.targeting.alerts import (
    KIND_LABELS as ALERT_KIND_LABELS,
)
from portintel.services.targeting.alerts import (
    STATUS_LABELS as ALERT_STATUS_LABELS,
)
from portintel.services.targeting.alerts import (
    AlertPreferences,
    AlertView,
    acknowledge_alert,
    alert_changes,
    assign_alert,
    close_alert,
    count_alerts,
    get_alert,
    get_alert_preferences,
    latest_alert_change,
    list_alerts,
    require_alert_reader,
    set_alert_preferences,
)
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
    "ALERT_KIND_LABELS",
    "ALERT_STATUS_LABELS",
    "HOURS",
    "MAX_HOURS",
    "AlertPreferences",
    "AlertView",
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
    "acknowledge_alert",
    "add_entry",
    "alert_changes",
    "alert_link",
    "alert_payload",
    "assign_alert",
    "close_alert",
    "count_alerts",
    "csv_rows",
    "deliver_email",
    "deliver_webhook",
    "find_port",
    "get_alert",
    "get_alert_preferences",
    "get_entry",
    "latest_alert_change",
    "list_alerts",
    "list_entries",
    "list_hits",
    "list_risk",
    "match_entities",
    "may_keep_watchlists",
    "parse_identifiers",
    "port_choices",
    "prearrival_list",
    "prearrival_pdf",
    "raise_for_behaviours",
    "raise_for_hits",
    "raise_for_scores",
    "raise_for_vessel",
    "registry_mmsis",
    "remove_entry",
    "require_alert_reader",
    "rescore_all",
    "score_vessels",
    "set_alert_preferences",
    "sweep_entries",
    "vessel_risk",
]
