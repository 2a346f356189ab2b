"""Risk scores: the sum of the indicators that fired, each a reason with its evidence.

A vessel is scored over its recent window (the set's ``vessel_window_days``
back from now) and each of its voyages, from one port visit to the next
(:func:`voyages`). A reason's weight is the indicator's weight times the
match's scale (1 except for graded intelligence); a score is always the sum
of the reasons listed with it (:func:`score_of`), never a number kept apart.

Each reason has a **cause key**: a hash of the set's version, the indicator,
the subject (vessel and voyage) and the evidence. The same cause gives the
same key on every recomputation, so an alert raised for it is never raised
twice; new evidence (a second encounter) is a new cause.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from portintel.domain.targeting.facts import Evidence, VesselEvent, VesselFacts, Window
from portintel.domain.targeting.indicators import IndicatorSet

VESSEL_SUBJECT = ""
"""The ``voyage_id`` of a vessel's own (recent window) score."""


@dataclass(frozen=True, slots=True)
class Voyage:
    """From the end of one port visit to the start of the next (or still at sea: no end)."""

    id: str
    departure_event_id: str
    arrival_event_id: str | None
    departed_at: datetime
    arrived_at: datetime | None
    from_port: str
    to_port: str | None

    def window(self, now: datetime, lead: timedelta) -> Window:
        """The voyage with ``lead`` before it (what happened in port before it left)."""
        return Window(self.departed_at - lead, self.arrived_at or now)


@dataclass(frozen=True, slots=True)
class Reason:
    """One fired indicator for one subject, with what it rests on."""

    indicator_id: str
    description: str
    weight: float
    evidence: tuple[Evidence, ...]
    observed_at: datetime | None
    cause_key: str


def _port_name(event: VesselEvent) -> str:
    for key in ("port_name", "port"):
        value = event.details.get(key)
        if isinstance(value, str) and value:
            return value
    return ""


def voyage_id(mmsi: int, departure_event_id: str) -> str:
    return hashlib.sha256(f"voyage|{mmsi}|{departure_event_id}".encode()).hexdigest()[:24]


def voyages(mmsi: int, events: Iterable[VesselEvent]) -> list[Voyage]:
    """The vessel's voyages: each closed port visit starts one, the next visit ends it."""
    visits = sorted((e for e in events if e.type == "port_visit"), key=lambda e: e.start)
    found: list[Voyage] = []
    for index, visit in enumerate(visits):
        if visit.end is None:
            continue  # still in port: no voyage from it yet
        arrival = visits[index + 1] if index + 1 < len(visits) else None
        found.append(
            Voyage(
                id=voyage_id(mmsi, visit.event_id),
                departure_event_id=visit.event_id,
                arrival_event_id=arrival.event_id if arrival else None,
                departed_at=visit.end,
                arrived_at=arrival.start if arrival else None,
                from_port=_port_name(visit),
                to_port=_port_name(arrival) if arrival else None,
            )
        )
    return found


def cause_key(
    version: str, indicator_id: str, mmsi: int, voyage: str, evidence: Sequence[Evidence]
) -> str:
    """A stable id of why this reason fired (what alerts de-duplicate on)."""
    parts = [version, indicator_id, str(mmsi), voyage]
    parts.extend(f"{e.kind}:{e.id}" for e in sorted(set(evidence)))
    return hashlib.sha256("|".join(parts).encode()).hexdigest()[:32]


def evaluate(
    indicators: IndicatorSet, facts: VesselFacts, window: Window, *, voyage: str = VESSEL_SUBJECT
) -> list[Reason]:
    """Every indicator of ``indicators`` that fires for ``facts`` in ``window``."""
    reasons: list[Reason] = []
    for indicator in indicators.indicators:
        found = indicator.condition.match(facts, window)
        if found is None:
            continue
        weight = round(indicator.weight * found.scale, 3)
        if weight <= 0:
            continue
        reasons.append(
            Reason(
                indicator_id=indicator.id,
                description=indicator.description,
                weight=weight,
                evidence=found.evidence,
                observed_at=found.at,
                cause_key=cause_key(
                    indicators.version, indicator.id, facts.mmsi, voyage, found.evidence
                ),
            )
        )
    return reasons


def score_of(weights: Iterable[float]) -> float:
    """A score is the sum of its reasons' weights (rounded as they are stored)."""
    return round(sum(weights), 3)


@dataclass(frozen=True, slots=True)
class SubjectScore:
    """The reasons of one subject (the vessel's window, or one voyage)."""

    voyage: Voyage | None
    window: Window
    reasons: tuple[Reason, ...]

    @property
    def score(self) -> float:
        return score_of(r.weight for r in self.reasons)


VOYAGE_LEAD = timedelta(days=3)
"""How long before a departure still belongs to the voyage (an identity change in port)."""


def score_vessel(indicators: IndicatorSet, facts: VesselFacts, now: datetime) -> list[SubjectScore]:
    """The vessel's own score and one per voyage that overlaps its window."""
    window = Window(now - timedelta(days=indicators.vessel_window_days), now)
    scores = [SubjectScore(None, window, tuple(evaluate(indicators, facts, window)))]
    for voyage in voyages(facts.mmsi, facts.events):
        span = voyage.window(now, VOYAGE_LEAD)
        if not window.overlaps(span.start, span.end):
            continue
        reasons = evaluate(indicators, facts, span, voyage=voyage.id)
        scores.append(SubjectScore(voyage, span, tuple(reasons)))
    return scores
