"""What the converter reads and what the parser returns: plain frozen records.

The converter does not read storage: the sharing service fetches the
selection through the partner's scoped view, sanitises it (no source
identities, officers, internal notes) and hands it over in these shapes.
The parser returns the same shapes, seen from the receiver: provenance names
the sending node, grading keeps the sender's scheme beside the mapped value.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from portintel.domain.grading import Grading
from portintel.domain.handling import HandlingCode
from portintel.domain.statements import StatementRecord


@dataclass(frozen=True, slots=True)
class Handling:
    """A handling code and the TLP it is exchanged under (the code's default if None)."""

    code: HandlingCode
    tlp: str | None = None


@dataclass(frozen=True, slots=True)
class ReportRecord:
    """An intelligence report as it leaves the node (already sanitised)."""

    id: str
    title: str
    text: str
    grading: Grading
    handling: Handling
    reported_at: datetime
    modified: datetime
    occurred_at: datetime | None = None
    place: str | None = None
    latitude: float | None = None
    longitude: float | None = None
    category: str | None = None
    origin_node: str | None = None
    revoked: bool = False


@dataclass(frozen=True, slots=True)
class EntityRecord:
    """An entity (its id and schema) with the statements that may be shared."""

    id: str
    schema: str
    statements: tuple[StatementRecord, ...]
    modified: datetime
    revoked: bool = False


@dataclass(frozen=True, slots=True)
class IncidentRecord:
    """A detected or intercepted smuggling event."""

    id: str
    kind: str
    occurred_at: datetime
    migrants: int
    grading: Grading
    handling: Handling
    modified: datetime
    report_id: str | None = None
    minors: int = 0
    deaths: int = 0
    missing: int = 0
    nationalities: tuple[str, ...] = ()
    place: str | None = None
    latitude: float | None = None
    longitude: float | None = None
    vessel_entity_id: str | None = None
    route: str | None = None
    departure: str | None = None
    destination: str | None = None
    fee_usd: int | None = None
    revoked: bool = False


@dataclass(frozen=True, slots=True)
class StatisticsRow:
    """Non-nominal counts of one month and kind of incident (no person, vessel or place)."""

    month: str  # YYYY-MM
    kind: str
    incidents: int | None
    """None: withheld as a small count (see ``StatisticsRecord.withheld_below``)."""
    migrants: int | None
    minors: int | None
    deaths: int | None
    missing: int | None


@dataclass(frozen=True, slots=True)
class StatisticsRecord:
    """Non-nominal statistics over incidents (Bali Process categories: flows by period
    and kind), marked with the strictest TLP of the incidents counted."""

    id: str
    rows: tuple[StatisticsRow, ...]
    handling: Handling
    modified: datetime
    withheld_below: int | None = None
    """Counts from 1 to this less one are withheld (None in the rows); None: none withheld."""
    incidents: int | None = None
    """How many incidents are counted (before withholding; shown only when not small)."""


@dataclass(frozen=True, slots=True)
class Selection:
    """What one bundle carries, from one node."""

    node: str
    reports: tuple[ReportRecord, ...] = ()
    entities: tuple[EntityRecord, ...] = ()
    incidents: tuple[IncidentRecord, ...] = ()
    statistics: tuple[StatisticsRecord, ...] = ()


@dataclass(frozen=True, slots=True)
class ReceivedGrading:
    """A grade as the sender gave it, and the same grade read in the receiver's scheme."""

    original: Grading
    mapped: Grading
    confidence: int | None


@dataclass(frozen=True, slots=True)
class ReceivedReport:
    stix_id: str
    sender_id: str
    title: str
    text: str
    grading: ReceivedGrading
    handling: Handling
    reported_at: datetime
    modified: datetime
    occurred_at: datetime | None
    place: str | None
    latitude: float | None
    longitude: float | None
    category: str | None
    origin_node: str
    revoked: bool
    object_refs: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class ReceivedStatement:
    """One fact with its provenance: dataset is the sending node, origin its report."""

    entity_id: str
    schema: str
    prop: str
    value: str
    dataset: str
    origin: str
    first_seen: datetime
    last_seen: datetime
    lang: str | None
    grading: ReceivedGrading | None
    handling: Handling | None


@dataclass(frozen=True, slots=True)
class ReceivedIncident:
    stix_id: str
    sender_id: str
    kind: str
    occurred_at: datetime
    migrants: int
    minors: int
    deaths: int
    missing: int
    nationalities: tuple[str, ...]
    place: str | None
    latitude: float | None
    longitude: float | None
    vessel_ref: str | None
    route: str | None
    departure: str | None
    destination: str | None
    fee_usd: int | None
    grading: ReceivedGrading
    handling: Handling
    modified: datetime
    revoked: bool


@dataclass(frozen=True, slots=True)
class ReceivedBundle:
    """A parsed bundle: the sending node and what it sent."""

    sender: str
    reports: tuple[ReceivedReport, ...] = ()
    statements: tuple[ReceivedStatement, ...] = ()
    incidents: tuple[ReceivedIncident, ...] = ()
    revoked_entities: tuple[str, ...] = field(default=())
