"""What the indicators look at: one vessel's facts over a time window, each with an id.

The services gather these from the stores (the event store, the statements,
the reports, the incidents, the watchlists); the indicators are pure
functions of them. Every fact names what a reader would follow to check it
(:class:`Evidence`): an event, a statement, a report, an incident or a
watchlist entry. A reason is shown to a reader only if every piece of its
evidence is readable by them, so evidence carries the report it comes from
(``report_id``) for the store to check against the reader's scope.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

EVIDENCE_KINDS = ("event", "track", "statement", "report", "incident", "watchlist")
"""Events and tracks come from AIS (readable by every reader of the maritime picture); the
others from the relational store, each read under the reader's scope."""


@dataclass(frozen=True, slots=True, order=True)
class Evidence:
    """One thing a reason rests on, which a reader may follow.

    ``kind`` is one of :data:`EVIDENCE_KINDS`; ``id`` the event, statement,
    report, incident or watchlist-entry id; ``report_id`` the report the
    statement, incident or report itself comes from (None for AIS events and
    AIS statements), which decides who may read it.
    """

    kind: str
    id: str
    report_id: str | None = None
    label: str = ""
    area_id: str | None = None
    """The analyst area an area entry or exit names (read within its agency)."""


@dataclass(frozen=True, slots=True)
class Window:
    """A closed time span ``[start, end]``."""

    start: datetime
    end: datetime

    def holds(self, at: datetime) -> bool:
        return self.start <= at <= self.end

    def overlaps(self, start: datetime, end: datetime | None) -> bool:
        return start <= self.end and (end or start) >= self.start


@dataclass(frozen=True, slots=True)
class VesselEvent:
    """A behaviour event of the vessel (``details`` as the event store holds them)."""

    event_id: str
    type: str
    start: datetime
    end: datetime | None
    lat: float | None = None
    lon: float | None = None
    other_mmsi: int | None = None
    details: dict[str, Any] = field(default_factory=dict)
    area_id: str | None = None

    @property
    def hours(self) -> float:
        value = self.details.get("hours")
        if isinstance(value, int | float):
            return float(value)
        if self.end is None:
            return 0.0
        return (self.end - self.start).total_seconds() / 3600.0

    def evidence(self) -> Evidence:
        return Evidence("event", self.event_id, None, self.type, self.area_id)


@dataclass(frozen=True, slots=True)
class IdentityFact:
    """One identity value of the vessel (a statement), e.g. ``type = Fishing``."""

    statement_id: str
    prop: str
    value: str
    first_seen: datetime
    last_seen: datetime
    report_id: str | None = None

    def evidence(self) -> Evidence:
        return Evidence(
            "statement", self.statement_id, self.report_id, f"{self.prop}: {self.value}"
        )


@dataclass(frozen=True, slots=True)
class GradedReport:
    """A report about the vessel, graded in the node's reference scheme (Admiralty)."""

    report_id: str
    reported_at: datetime
    reliability: str
    credibility: str
    title: str = ""

    def evidence(self) -> Evidence:
        return Evidence("report", self.report_id, self.report_id, self.title)


@dataclass(frozen=True, slots=True)
class IncidentFact:
    """A recorded smuggling incident the vessel was part of."""

    incident_id: str
    occurred_at: datetime
    kind: str
    report_id: str | None = None

    def evidence(self) -> Evidence:
        return Evidence("incident", self.incident_id, self.report_id, self.kind)


@dataclass(frozen=True, slots=True)
class WatchedLink:
    """A path in the entity graph from the vessel to an entity on a watchlist.

    ``statements`` are the link statements walked (one per hop, each with the
    report it comes from); ``hops`` their number.
    """

    entity_id: str
    schema: str
    watch_entry_id: str
    statements: tuple[Evidence, ...]

    @property
    def hops(self) -> int:
        return len(self.statements)


@dataclass(frozen=True, slots=True)
class Transit:
    """A stretch of track at steady speed on a nearly straight line (see ``transits``)."""

    start: datetime
    end: datetime
    hours: float
    straightness: float
    knots: float


@dataclass(frozen=True, slots=True)
class Place:
    """A gazetteer entry the conditions can name by kind (``landing_site``, ``port``, ...)."""

    id: str
    name: str
    kind: str
    lat: float
    lon: float


@dataclass(frozen=True, slots=True)
class VesselFacts:
    """Everything the indicators may look at for one vessel, gathered by the services.

    ``events`` are the vessel's behaviour events (an encounter is the
    vessel's whether it is ``mmsi`` or ``other_mmsi``); ``track_start`` and
    ``track_end`` the first and last position heard in the window (None when
    none); ``transits`` the straight, steady stretches of its track in the window.
    """

    mmsi: int
    entity_id: str
    identity: tuple[IdentityFact, ...] = ()
    events: tuple[VesselEvent, ...] = ()
    reports: tuple[GradedReport, ...] = ()
    incidents: tuple[IncidentFact, ...] = ()
    links: tuple[WatchedLink, ...] = ()
    transits: tuple[Transit, ...] = ()
    track_start: datetime | None = None
    track_end: datetime | None = None
    places: tuple[Place, ...] = ()
