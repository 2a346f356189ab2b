"""What the training scenario is made of: frozen records, no behaviour.

The scenario is ground truth for a training case. Reports carry what an
officer, informant or partner *said* (a name in one romanisation, a phone
without its country code); the cast records who those people and vessels
*are*. Keeping both lets tests and benchmarks check that collation finds the
same person behind "Sok Dara", "Sokh Darah" and "សុខ ដារ៉ា".
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from portintel.domain.reports import FactDraft


@dataclass(frozen=True, slots=True)
class Place:
    """A real port or town, or a named point at sea, in WGS84."""

    name: str
    country: str
    latitude: float
    longitude: float
    at_sea: bool = False


@dataclass(frozen=True, slots=True)
class PersonName:
    """A name as its bearer writes it, and the romanisations reports use."""

    native: str
    native_lang: str
    romanisations: tuple[str, ...]

    @property
    def canonical(self) -> str:
        return self.romanisations[0]


@dataclass(frozen=True, slots=True)
class Passport:
    """A passport with its ICAO 9303 TD3 machine-readable zone."""

    number: str
    country: str
    issued: date
    expires: date
    mrz: tuple[str, str]


@dataclass(frozen=True, slots=True)
class Person:
    """A person of the case: facilitator, crew, or migrant."""

    key: str
    name: PersonName
    nationality: str
    gender: str
    birth_date: date
    role: str
    passport: Passport | None
    phones: tuple[str, ...]
    home: str


@dataclass(frozen=True, slots=True)
class Vessel:
    """A boat of the case; small wooden boats often have no IMO number or MMSI."""

    key: str
    name: str
    vessel_type: str
    flag: str
    imo: str | None
    mmsi: str | None
    call_sign: str | None
    registration: str | None
    home_port: str
    tonnage: int
    build_year: int
    previous_name: str | None = None


@dataclass(frozen=True, slots=True)
class Organization:
    key: str
    name: str
    country: str
    kind: str


@dataclass(frozen=True, slots=True)
class Relation:
    """An FtM relation between cast members: Membership, Ownership, Associate, Family."""

    key: str
    schema: str
    subject: str
    target: str
    role: str


Fact = FactDraft
"""One fact a report yields: the core's own :class:`FactDraft`.

``entity_key`` is report-local ("m1", "passport-m1") for what an author
wrote about someone, or the stable key of a cast entity ("vessel-03",
"org-02") for vessels and organisations identified by registry numbers.
A value of an entity-typed property names another fact's entity key.
"""


@dataclass(frozen=True, slots=True)
class Incident:
    """A smuggling event, with the Bali Process non-nominal figures."""

    key: str
    report_key: str
    kind: str
    occurred_at: datetime
    place: Place
    vessel_key: str | None
    migrants: int
    minors: int
    deaths: int
    missing: int
    nationalities: tuple[tuple[str, int], ...]
    route: str
    departure: str
    destination: str
    fee_usd: int | None
    facilitators: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Mention:
    """Ground truth: the report-local entity ``entity_key`` is cast member ``cast_key``."""

    entity_key: str
    cast_key: str


@dataclass(frozen=True, slots=True)
class DataQualityTrap:
    """A value planted wrong on purpose, and why it is wrong."""

    report_key: str
    entity_key: str
    prop: str
    value: str
    kind: str
    reason: str


@dataclass(frozen=True, slots=True)
class Report:
    """One intelligence report as its author would file it."""

    key: str
    kind: str
    title: str
    text: str
    author: str
    source_key: str
    occurred_at: datetime
    reported_at: datetime
    place: Place
    grading_scheme: str
    reliability: str
    credibility: str
    handling: str
    handling_conditions: str | None
    status: str
    category: str
    origin_node: str | None
    facts: tuple[Fact, ...]
    mentions: tuple[Mention, ...] = ()
    incident: Incident | None = None
    traps: tuple[DataQualityTrap, ...] = ()


@dataclass(frozen=True, slots=True)
class DemoUser:
    """One demo account per role. The password is for demos only, printed on purpose."""

    username: str
    display_name: str
    agency: str
    roles: tuple[str, ...]
    password: str


@dataclass(frozen=True, slots=True)
class Source:
    """A source of reports; an informant's identity is protected."""

    key: str
    kind: str
    reference: str
    grading_scheme: str
    reliability: str
    agency: str
    handler: str | None = None
    protected_identity: str | None = None
    notes: str | None = None


@dataclass(frozen=True, slots=True)
class Cast:
    persons: tuple[Person, ...]
    vessels: tuple[Vessel, ...]
    organizations: tuple[Organization, ...]
    relations: tuple[Relation, ...]


@dataclass(frozen=True, slots=True)
class Scenario:
    """The whole training case, identical for the same seed and size."""

    seed: int
    agencies: tuple[str, ...]
    users: tuple[DemoUser, ...]
    sources: tuple[Source, ...]
    cast: Cast
    reports: tuple[Report, ...]
    incidents: tuple[Incident, ...] = field(default=())

    @property
    def traps(self) -> tuple[DataQualityTrap, ...]:
        return tuple(trap for report in self.reports for trap in report.traps)

    @property
    def fact_count(self) -> int:
        return sum(len(report.facts) for report in self.reports)
