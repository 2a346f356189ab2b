"""Sharing with partner nodes: partners, agreements and the policy, as pure data and rules."""

from portintel.domain.sharing.partners import Agreement, Category, Delivery, NodeKind, Partner
from portintel.domain.sharing.policy import (
    NEVER_SHARED_PROPERTIES,
    PROTECTED_PERSON_TOPICS,
    SANITISED_FIELDS,
    Decision,
    IncidentFacts,
    PartnerScope,
    Reason,
    ReportFacts,
    StatementFacts,
    countable,
    decide_incident,
    decide_report,
    decide_statement,
    decide_statistics,
    partner_scope,
)

__all__ = [
    "NEVER_SHARED_PROPERTIES",
    "PROTECTED_PERSON_TOPICS",
    "SANITISED_FIELDS",
    "Agreement",
    "Category",
    "Decision",
    "Delivery",
    "IncidentFacts",
    "NodeKind",
    "Partner",
    "PartnerScope",
    "Reason",
    "ReportFacts",
    "StatementFacts",
    "countable",
    "decide_incident",
    "decide_report",
    "decide_statement",
    "decide_statistics",
    "partner_scope",
]
