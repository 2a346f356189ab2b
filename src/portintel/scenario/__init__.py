"""The deterministic training and demo scenario: a Gulf of Thailand and Andaman
Sea smuggling case, built from a seed, pure (no I/O).

``build_scenario(seed=7, reports=240)`` gives the whole case;
``iter_report_batches(seed, reports)`` yields the same reports lazily for the
scale path (a million statements with flat memory).
"""

from portintel.domain.reports import FactDraft
from portintel.scenario.generator import (
    build_scenario,
    compose_report,
    iter_report_batches,
    report_key,
    scenario_cast,
)
from portintel.scenario.model import (
    Cast,
    DataQualityTrap,
    DemoUser,
    Fact,
    Incident,
    Mention,
    Organization,
    Passport,
    Person,
    PersonName,
    Place,
    Relation,
    Report,
    Scenario,
    Source,
    Vessel,
)
from portintel.scenario.sources import AGENCIES, SOURCES, USERS, demo_password

__all__ = [
    "AGENCIES",
    "SOURCES",
    "USERS",
    "Cast",
    "DataQualityTrap",
    "DemoUser",
    "Fact",
    "FactDraft",
    "Incident",
    "Mention",
    "Organization",
    "Passport",
    "Person",
    "PersonName",
    "Place",
    "Relation",
    "Report",
    "Scenario",
    "Source",
    "Vessel",
    "build_scenario",
    "compose_report",
    "demo_password",
    "iter_report_batches",
    "report_key",
    "scenario_cast",
]
