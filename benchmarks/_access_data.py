"""The data of the access benchmark: the scenario at scale, bulk-written in the services' shapes.

Reports come from the scenario generator (``portintel.scenario``): its
people, vessels, phones, organisations, sources, gradings and handling. On
top of the scenario this module spreads the authors over a staffed unit
(officers, source handlers, analysts and supervisors in every agency, some
agencies far bigger than others), gives a share of reports the strictest
codes (TLP RED and AMBER+STRICT, Europol H3) beside the scenario's 3x5x2 C
and Europol H2, names other agencies in ``releasable_to``, gives a few
statements their own handling, and adds statements that come from no report
(AIS registry identities, a partner feed with restrictive ones).

Rows skip the per-report services but are the rows they write: report
columns as ``services.intake.filing`` fills them, statements from the
core's ``make_fact_statements`` and ``statement_row``, AIS identities from
``services.maritime.registry.vessel_statements``. Entity ids are opaque
(``ent-<hex>``) but drawn from a generator seeded by the report, so a store
is the same every build. Registry vessels and organisations seen before are
named by their id (``entity:<id>``), as the demo names them; a strong
identifier met before (an IMO number, an MMSI, a phone) joins the entity
that stated it first, as the filing service's namesakes do. The builder
does not ask whether the author may read that entity (the service does):
in a bulk build that would be a query per report, and it only decides
which entity a fact lands on, not who may read it.
Lifecycle events and audit entries are not written (no measured read uses
them).

The store's shape is read from the database (:func:`detect_shape`), and
each table has one small row function that fills both shapes: before and
after ``restrictive`` columns, ``user_roles`` and ``report_releasable_to``
(:meth:`StoreShape.fit` keeps the columns the store has). Building and
caching are in ``_access_store``.
"""

from __future__ import annotations

import hashlib
import random
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Any

import polars as pl
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, inspect

from portintel.adapters.database import tables
from portintel.adapters.database.engine import MIGRATIONS_DIR
from portintel.adapters.vocabularies import load_handling
from portintel.domain.handling import HandlingCode
from portintel.domain.reports import VERBATIM_ID, FactDraft
from portintel.domain.statements import StatementRecord
from portintel.scenario import SOURCES, Report, Source, scenario_cast
from portintel.scenario.generator import PERIOD_START
from portintel.services.admin.users import agency_id_for
from portintel.services.intake.fact_statements import (
    ENTITY_ID_PREFIX,
    Identifier,
    make_fact_statements,
    resolve_entity_ids,
    strong_identifiers,
)
from portintel.services.intake.statements import statement_row
from portintel.services.maritime.registry import vessel_statements
from portintel.settings import Settings

BUILD_VERSION = 4
"""Part of the cache key: bump it when the rows this module makes change."""
EXTERNAL_SHARE = 0.08
"""Share of statements that come from no report (AIS identities, a partner feed)."""

AGENCY_WEIGHTS = {
    "Maritime Police": 45,
    "Immigration": 30,
    "Internal Security": 17,
    "Anti-Human Trafficking and Juvenile Protection": 8,
}
"""Share of the reports each agency files: the officer reader's agency is the smallest."""

STAFF = {"officer": 10, "source_handler": 2, "analyst": 3, "supervisor": 1}
"""Users of each role in every agency (plus one administrator)."""

AUTHOR_ROLE = {"demo-officer": "officer", "demo-handler": "source_handler"}
"""The scenario author's role becomes the role of the filing user (analysts otherwise)."""

STRICT_HANDLING = (
    (0.04, "tlp:RED", None),
    (0.03, "tlp:AMBER+STRICT", None),
    (0.02, "europol:H3", "Only for the investigation the provider names."),
)
"""Shares of reports given these codes on top of the scenario's own (3x5x2 C, Europol H2)."""

FACT_HANDLING = ("tlp:RED", "europol:H2", "tlp:AMBER+STRICT")
FACT_HANDLING_SHARE = 0.03
FACT_OPEN_HANDLING_SHARE = 0.01
SUPERVISOR_READER = ("Internal Security", "supervisor", 1)
OFFICER_READER = ("Anti-Human Trafficking and Juvenile Protection", "officer", 1)
AIS_SOURCES = ("ais:receiver-sihanoukville", "ais:receiver-koh-kong")
PARTNER_ORIGIN = "partner:piu-ranong"
VESSELS_PER_CHUNK = 100
SHIP_MIDS = (514, 515, 567, 525, 574, 533, 477, 412, 636, 352, 353, 671)
SHIP_TYPES = (30, 30, 30, 70, 70, 60, 80, 52)


# --- the store's shape ------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class StoreShape:
    """Which columns and tables the migrated store has (the schema changes under #8)."""

    columns: dict[str, frozenset[str]]

    def has(self, table: str, column: str | None = None) -> bool:
        found = self.columns.get(table)
        return found is not None and (column is None or column in found)

    def fit(self, table: str, row: dict[str, Any]) -> dict[str, Any]:
        """The row with only the columns ``table`` has."""
        present = self.columns[table]
        return {name: value for name, value in row.items() if name in present}


def detect_shape(engine: Engine) -> StoreShape:
    inspector = inspect(engine)
    return StoreShape(
        {
            name: frozenset(column["name"] for column in inspector.get_columns(name))
            for name in inspector.get_table_names()
        }
    )


def schema_key() -> str:
    """A fingerprint of the declared schema and the last migration (which may add what the
    metadata does not declare, such as the search index): a cached store is rebuilt when
    either changes."""
    parts = sorted(
        f"{table.name}.{column.name}:{column.type}"
        for table in tables.metadata.sorted_tables
        for column in table.columns
    )
    parts.extend(ScriptDirectory(str(MIGRATIONS_DIR)).get_heads())
    return hashlib.sha1("\n".join(parts).encode(), usedforsecurity=False).hexdigest()[:10]


# --- people -------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Staff:
    user_id: str
    username: str
    agency_id: str
    role: str


def staff_of(agencies: tuple[str, ...]) -> list[Staff]:
    people = []
    for agency in agencies:
        agency_id = agency_id_for(agency)
        for role, count in STAFF.items():
            for number in range(1, count + 1):
                username = f"{agency_id[:24]}-{role.replace('_', '-')}-{number:02d}"
                people.append(Staff(_user_id(username), username, agency_id, role))
    admin = f"{agency_id_for(agencies[0])[:24]}-administrator-01"
    people.append(Staff(_user_id(admin), admin, agency_id_for(agencies[0]), "administrator"))
    return people


def _user_id(username: str) -> str:
    return "U-" + hashlib.sha1(username.encode(), usedforsecurity=False).hexdigest()[:12]


def reader_id(agency: str, role: str, number: int) -> str:
    return _user_id(f"{agency_id_for(agency)[:24]}-{role.replace('_', '-')}-{number:02d}")


def agency_row(name: str, now: datetime) -> dict[str, Any]:
    return {"id": agency_id_for(name), "name": name, "created_at": now}


def user_row(person: Staff, password_hash: str, now: datetime) -> dict[str, Any]:
    return {
        "id": person.user_id,
        "username": person.username,
        "display_name": person.username.replace("-", " ").title(),
        "agency_id": person.agency_id,
        "password_hash": password_hash,
        "active": True,
        "totp_secret": None,
        "failed_logins": 0,
        "locked_until": None,
        "created_at": now,
    }


def user_role_rows(person: Staff) -> list[dict[str, Any]]:
    return [{"user_id": person.user_id, "role": person.role}]


def source_id_of(key: str) -> str:
    return "S-" + hashlib.sha1(key.encode(), usedforsecurity=False).hexdigest()[:10]


def source_row(source: Source, handler: Staff, now: datetime) -> dict[str, Any]:
    return {
        "id": source_id_of(source.key),
        "kind": source.kind,
        "reference": source.reference,
        "protected_identity": source.protected_identity,
        "handler_id": handler.user_id,
        "agency_id": handler.agency_id,
        "grading_scheme": source.grading_scheme,
        "reliability": source.reliability,
        "notes": source.notes,
        "active": True,
        "created_at": now,
        "created_by": handler.user_id,
    }


# --- reports ------------------------------------------------------------------------------

_LIFECYCLE_DELAY = {
    "draft": timedelta(0),
    "submitted": timedelta(0),
    "evaluated": timedelta(days=1),
    "disseminated": timedelta(days=2),
    "archived": timedelta(days=30),
}
"""When a report reached its status after filing (as the demo walks it)."""


@dataclass(frozen=True, slots=True)
class Filing:
    """What the builder decided for one report beyond the scenario's own fields."""

    author: Staff
    code: HandlingCode
    releasable_to: tuple[str, ...]


def report_row(report: Report, filing: Filing) -> dict[str, Any]:
    source = _SOURCES[report.source_key]
    overridden = (
        source.grading_scheme != report.grading_scheme or source.reliability != report.reliability
    )
    restrictive = filing.code.restrictive
    return {
        "id": report.key,
        "title": report.title.strip(),
        "author_id": filing.author.user_id,
        "agency_id": filing.author.agency_id,
        "source_id": source_id_of(report.source_key),
        "occurred_at": report.occurred_at,
        "reported_at": report.reported_at,
        "place": report.place.name,
        "latitude": report.place.latitude,
        "longitude": report.place.longitude,
        "text": report.text,
        "grading_scheme": report.grading_scheme,
        "reliability": report.reliability,
        "credibility": report.credibility,
        "reliability_overridden": overridden,
        "handling": str(filing.code),
        "handling_conditions": filing.code.conditions,
        "restrictive": restrictive,
        "tlp": load_handling().default_tlp(filing.code),
        "category": report.category,
        "status": report.status,
        "origin_node": report.origin_node,
        "created_at": report.reported_at,
        "updated_at": report.reported_at + _LIFECYCLE_DELAY[report.status],
    }


def releasable_rows(report_id: str, agencies: tuple[str, ...]) -> list[dict[str, Any]]:
    return [{"report_id": report_id, "agency_id": agency} for agency in sorted(set(agencies))]


def statement_db_row(record: StatementRecord) -> dict[str, Any]:
    return statement_row(record)  # ``restrictive`` follows the statement's own code


class EntityIds:
    """Opaque entity ids drawn from a generator seeded by the report: the same every build.

    ``for_report`` gives a fresh ``new_id`` for one report; called twice for
    one report, the two give the same ids in the same order.
    """

    def __init__(self, seed: int) -> None:
        self.seed = seed

    def for_report(self, report_key: str) -> Callable[[], str]:
        rng = random.Random(f"{self.seed}:{report_key}")
        return lambda: ENTITY_ID_PREFIX + rng.randbytes(16).hex()

    def of_mmsi(self, mmsi: int) -> str:
        """The registry entity of a ship heard by AIS (minted once per MMSI, as the registry)."""
        digest = hashlib.sha1(f"{self.seed}:ais:{mmsi}".encode(), usedforsecurity=False)
        return ENTITY_ID_PREFIX + digest.hexdigest()[:32]


_SOURCES = {source.key: source for source in SOURCES}


@dataclass(frozen=True, slots=True)
class Made:
    """One report as the builder files it: the decisions, the facts, the statements."""

    filing: Filing
    facts: tuple[FactDraft, ...]
    statements: tuple[StatementRecord, ...]


class ReportMaker:
    """Turns scenario reports into report rows and statements, deterministically.

    Facts are given explicitly, as an importer gives them (no extraction from
    the text): what each report holds is chosen here, to size the store.
    """

    def __init__(self, seed: int, settings: Settings, staff: list[Staff]) -> None:
        self.seed = seed
        self.settings = settings
        self.agencies = tuple(agency_id_for(name) for name in settings.agencies)
        weights = {agency_id_for(name): w for name, w in AGENCY_WEIGHTS.items()}
        self.agency_weights = [weights.get(agency, 10) for agency in self.agencies]
        self.by_role: dict[tuple[str, str], list[Staff]] = {}
        for person in staff:
            self.by_role.setdefault((person.agency_id, person.role), []).append(person)
        self.known: dict[str, str] = {}  # registry entity key -> the id it got first
        self.namesakes: dict[Identifier, str] = {}  # strong identifier -> first entity stating it
        self.ids = EntityIds(seed)
        self._codes: dict[tuple[str, str | None], HandlingCode] = {}

    def make(self, report: Report, budget: int) -> Made:
        """Report ``report`` with at most about ``budget`` facts (whole entities)."""
        index = int(report.key.rsplit("-", 1)[1]) - 1
        rng = random.Random(self.seed * 1_000_033 + index)
        filing = self.filing(report, rng)
        facts = self.facts(report, budget, rng)
        return Made(filing, tuple(facts), tuple(self.statements(report, facts)))

    def code(self, handling: str, conditions: str | None) -> HandlingCode:
        key = (handling, conditions)
        if key not in self._codes:
            self._codes[key] = load_handling().parse(handling, conditions)
        return self._codes[key]

    def filing(self, report: Report, rng: random.Random) -> Filing:
        agency = rng.choices(self.agencies, self.agency_weights)[0]
        role = AUTHOR_ROLE.get(report.author, "analyst")
        author = rng.choice(self.by_role[(agency, role)])
        handling, conditions = report.handling, report.handling_conditions
        roll, floor = rng.random(), 0.0
        for share, strict, strict_conditions in STRICT_HANDLING:
            if floor <= roll < floor + share:
                handling, conditions = strict, strict_conditions
            floor += share
        code = self.code(handling, conditions)
        releasable: tuple[str, ...] = ()
        if code.restrictive:
            others = [a for a in self.agencies if a != agency]
            releasable = tuple(rng.sample(others, rng.choice((0, 0, 1, 1, 2))))
        return Filing(author, code, releasable)

    def facts(self, report: Report, budget: int, rng: random.Random) -> list[FactDraft]:
        """Whole entities of the report, in a shuffled order, until ``budget`` facts."""
        groups: dict[str, list[FactDraft]] = {}
        for fact in report.facts:
            groups.setdefault(fact.entity_key, []).append(fact)
        order = list(groups)
        rng.shuffle(order)
        kept: list[str] = []
        count = 0
        for key in order:
            if kept and count + len(groups[key]) > budget:
                continue
            kept.append(key)
            count += len(groups[key])
        chosen = set(kept)
        facts = []
        conditions = report.handling_conditions
        for key in kept:
            for fact in groups[key]:
                if fact.value in groups and fact.value not in chosen:
                    continue  # a relation to an entity this report no longer names
                roll = rng.random()
                if roll < FACT_HANDLING_SHARE:
                    own = rng.choice(FACT_HANDLING + (("uk-3x5x2:C",) if conditions else ()))
                    fact = replace(fact, handling=own)
                elif roll < FACT_HANDLING_SHARE + FACT_OPEN_HANDLING_SHARE:
                    fact = replace(fact, handling="tlp:GREEN")
                facts.append(self._registry_ids(fact))
        return facts

    def _registry_ids(self, fact: FactDraft) -> FactDraft:
        """Registry vessels and organisations seen before are named by their id (as the demo)."""
        key, value = self.known.get(fact.entity_key), self.known.get(fact.value)
        if key is None and value is None:
            return fact
        return replace(
            fact,
            entity_key=fact.entity_key if key is None else VERBATIM_ID + key,
            value=fact.value if value is None else VERBATIM_ID + value,
        )

    def statements(self, report: Report, facts: list[FactDraft]) -> list[StatementRecord]:
        region = self.settings.country
        readable = set(self.known.values())
        identifiers = strong_identifiers(facts, region=region)
        namesakes = {
            identifier: self.namesakes[identifier]
            for found in identifiers.values()
            for identifier in found
            if identifier in self.namesakes
        }
        records = make_fact_statements(
            facts,
            origin=report.key,
            dataset=self.settings.node_id,
            seen_at=report.occurred_at,
            region=region,
            grading_scheme=report.grading_scheme,
            readable=readable,
            namesakes=namesakes,
            new_id=self.ids.for_report(report.key),
        )
        resolved = resolve_entity_ids(
            facts,
            region=region,
            readable=readable,
            namesakes=namesakes,
            new_id=self.ids.for_report(report.key),  # the same ids again
        )
        for key, (entity_id, _schema) in resolved.items():
            if key.startswith(("vessel-", "org-")) and key not in self.known:
                self.known[key] = entity_id
            for identifier in identifiers.get(key, ()):
                self.namesakes.setdefault(identifier, entity_id)
        return records


# --- statements from no report ----------------------------------------------------------


def _imo(rng: random.Random) -> str:
    digits = [rng.randrange(1, 10)] + [rng.randrange(10) for _ in range(5)]
    check = sum(d * (7 - i) for i, d in enumerate(digits)) % 10
    return "".join(map(str, digits)) + str(check)


def _heard(
    rng: random.Random, mmsis: list[int], settings: Settings, ids: EntityIds
) -> list[StatementRecord]:
    """Registry statements of one receiver hearing the vessels ``mmsis`` (as the AIS path)."""
    heard = [PERIOD_START + timedelta(minutes=rng.randrange(180 * 24 * 60)) for _ in mmsis]
    statics = pl.DataFrame(
        {
            "mmsi": mmsis,
            "ts": heard,
            "name": [f"{rng.choice(_VESSEL_WORDS)} {rng.randrange(1, 99)}" for _ in mmsis],
            "callsign": [f"{rng.choice('9XHE')}{rng.randrange(10_000, 99_999)}" for _ in mmsis],
            "imo": [_imo(rng) if rng.random() < 0.6 else None for _ in mmsis],
            "ship_type": [rng.choice(SHIP_TYPES) for _ in mmsis],
        },
        schema_overrides={"ts": pl.Datetime("us", "UTC")},
    )
    positions = statics.select("mmsi", (pl.col("ts") + pl.duration(hours=6)).alias("ts"))
    source = rng.choice(AIS_SOURCES).removeprefix("ais:")
    entity_ids = {mmsi: ids.of_mmsi(mmsi) for mmsi in mmsis}  # the registry mints one per MMSI
    return vessel_statements(
        positions, statics, dataset=settings.node_id, source=source, entity_ids=entity_ids
    )


def _random_mmsis(rng: random.Random, count: int) -> list[int]:
    return [rng.choice(SHIP_MIDS) * 1_000_000 + rng.randrange(1_000_000) for _ in range(count)]


def external_statements(seed: int, count: int, settings: Settings) -> list[StatementRecord]:
    """AIS identities of many vessels heard by two receivers, and a partner feed (no report).

    The case's own vessels are heard first, then many others. A twentieth of
    the statements (at least one) come from a partner feed instead, each
    under its own handling, TLP RED (read by supervisors only) or TLP AMBER.
    """
    if count <= 0:
        return []
    rng = random.Random(seed * 7_919)
    partner_count = max(1, count // 20)
    cast = scenario_cast(seed, 10)
    ids = EntityIds(seed)
    ais: dict[str, StatementRecord] = {}
    _merge(ais, _heard(rng, [int(v.mmsi) for v in cast.vessels if v.mmsi], settings, ids))
    while len(ais) < count - partner_count:
        _merge(ais, _heard(rng, _random_mmsis(rng, VESSELS_PER_CHUNK), settings, ids))
    partner: dict[str, StatementRecord] = {}
    while len(partner) < partner_count:
        heard = _heard(rng, _random_mmsis(rng, VESSELS_PER_CHUNK), settings, ids)
        _merge(
            partner,
            [
                replace(r, origin=PARTNER_ORIGIN, handling="tlp:AMBER" if i % 4 == 3 else "tlp:RED")
                for i, r in enumerate(heard)
            ],
        )
    return list(ais.values())[: count - partner_count] + list(partner.values())[:partner_count]


def _merge(found: dict[str, StatementRecord], records: list[StatementRecord]) -> None:
    """Add ``records``; a statement heard again widens its first and last seen (the upsert)."""
    for record in records:
        seen = found.get(record.id)
        if seen is not None:
            record = replace(
                seen,
                first_seen=min(seen.first_seen, record.first_seen),
                last_seen=max(seen.last_seen, record.last_seen),
            )
        found[record.id] = record


_VESSEL_WORDS = ("SEA STAR", "OCEAN PEARL", "JAYA", "SRI MUDA", "HAI PHONG", "GOLDEN WAVE")
