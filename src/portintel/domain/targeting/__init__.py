"""Targeting: indicators as data, risk scores with their reasons, watchlists.

Pure functions and data. Indicators (:mod:`.indicators`) are read from YAML
into conditions (:mod:`.conditions`), evaluated over one vessel's facts
(:mod:`.facts`) by :mod:`.scoring`; :mod:`.watchlist` matches entities
against watchlist entries.
"""

from portintel.domain.targeting.conditions import CONDITION_KINDS, Condition, Match
from portintel.domain.targeting.facts import (
    EVIDENCE_KINDS,
    Evidence,
    GradedReport,
    IdentityFact,
    IncidentFact,
    Place,
    Transit,
    VesselEvent,
    VesselFacts,
    WatchedLink,
    Window,
)
from portintel.domain.targeting.indicators import Indicator, IndicatorSet, parse_indicator_set
from portintel.domain.targeting.scoring import (
    VESSEL_SUBJECT,
    Reason,
    SubjectScore,
    Voyage,
    cause_key,
    evaluate,
    score_of,
    score_vessel,
    voyages,
)
from portintel.domain.targeting.transits import transits
from portintel.domain.targeting.watchlist import (
    KINDS,
    Candidate,
    WatchEntry,
    WatchMatch,
    clean_identifier,
    match_entry,
)

__all__ = [
    "CONDITION_KINDS",
    "EVIDENCE_KINDS",
    "KINDS",
    "VESSEL_SUBJECT",
    "Candidate",
    "Condition",
    "Evidence",
    "GradedReport",
    "IdentityFact",
    "IncidentFact",
    "Indicator",
    "IndicatorSet",
    "Match",
    "Place",
    "Reason",
    "SubjectScore",
    "Transit",
    "VesselEvent",
    "VesselFacts",
    "Voyage",
    "WatchEntry",
    "WatchMatch",
    "WatchedLink",
    "Window",
    "cause_key",
    "clean_identifier",
    "evaluate",
    "match_entry",
    "parse_indicator_set",
    "score_of",
    "score_vessel",
    "transits",
    "voyages",
]
