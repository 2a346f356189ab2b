"""A seeded world of people, sources, reports and entities for the access property tests.

Built once per test module and backend through the real services (users by
``admin.create_user`` with argon2, sources by ``sources.create_source``,
reports by ``reports.create_report`` and the lifecycle steps), so the rows
are exactly what production writes. The *oracle* never asks a service: it
reads the raw rows with SQLAlchemy Core and applies
:mod:`portintel.domain.access` to them.

Every report title, report text and fact value carries a unique marker
(``zq...``). A response body may only contain markers of things its reader
may see; :meth:`World.leaked_markers` finds the others.
"""

from __future__ import annotations

import functools
import random
import re
import uuid
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from types import SimpleNamespace
from typing import Any, TypeVar, cast
from urllib.parse import quote

import hypothesis
from sqlalchemy import select, text

from portintel.adapters.database import create_database_engine, tables
from portintel.adapters.vocabularies import load_handling
from portintel.domain.access import (
    ReportAccess,
    may_read_report,
    may_read_statement,
    may_see_protected_identity,
)
from portintel.domain.actors import SYSTEM, Actor, Role
from portintel.domain.identifiers.imo import imo_check_digit
from portintel.domain.reports import FactDraft, ReportDraft, ReportStatus
from portintel.domain.statements import StatementRecord
from portintel.errors import PortintelError
from portintel.services import admin
from portintel.services.admin import credentials
from portintel.services.events import transaction
from portintel.services.intake import reports, sources
from portintel.services.intake.statements import write_statements
from portintel.services.workspace import Workspace, open_workspace
from portintel.settings import Settings
from tests.conftest import POSTGRES_URL, TickingClock

PASSWORD = "correct horse battery staple"
SEED = 20261122
REPORT_COUNT = 99
IMMIGRATION, SECURITY, MARITIME = "immigration", "internal-security", "maritime-police"
TRAFFICKING = "anti-human-trafficking-and-juvenile-protection"
AGENCIES = (IMMIGRATION, SECURITY, MARITIME)
HANDLING = ("uk-3x5x2:P", "uk-3x5x2:C", "europol:H0", "europol:H1", "europol:H2", "europol:H3",
            "tlp:CLEAR", "tlp:GREEN", "tlp:AMBER", "tlp:AMBER+STRICT", "tlp:RED")  # fmt: skip
FACT_HANDLING = (
    "tlp:RED",
    "europol:H3",
    "tlp:AMBER+STRICT",
    "europol:H2",
    "tlp:GREEN",
    "europol:H0",
)
STATUSES = tuple(ReportStatus)
MARKER = re.compile(r"zq[0-9a-z]+")
MISSING_REPORT = "R-20000101-00000000"
MISSING_ENTITY = "vessel-nobody-knows"

_ROLE_SETS: tuple[tuple[str, tuple[Role, ...]], ...] = (
    ("officer", (Role.OFFICER,)),
    ("analyst", (Role.ANALYST,)),
    ("supervisor", (Role.SUPERVISOR,)),
    ("handler", (Role.SOURCE_HANDLER,)),
    ("admin", (Role.ADMINISTRATOR,)),
)
_MIXED: tuple[tuple[str, str, tuple[Role, ...]], ...] = (
    ("offana", MARITIME, (Role.OFFICER, Role.ANALYST)),
    ("anahand", SECURITY, (Role.ANALYST, Role.SOURCE_HANDLER)),
    ("supadmin", IMMIGRATION, (Role.SUPERVISOR, Role.ADMINISTRATOR)),
    ("offhand", IMMIGRATION, (Role.OFFICER, Role.SOURCE_HANDLER)),
    ("traffic", TRAFFICKING, (Role.ANALYST,)),
    ("trafoff", TRAFFICKING, (Role.OFFICER,)),
)
DISABLED = "gone"
CASES: Counter[tuple[str, str]] = Counter()
"""(backend, read path) -> examples run; the modules assert their totals."""


@dataclass(frozen=True, slots=True)
class Person:
    username: str
    actor: Actor
    active: bool


@dataclass
class World:
    """The built world and its oracle (computed from raw rows and the domain rules)."""

    ws: Workspace
    settings: Settings
    people: tuple[Person, ...]
    backend: str = "sqlite"
    tokens: dict[str, str] = field(default_factory=dict)
    report_rows: dict[str, Any] = field(default_factory=dict)
    statement_rows: list[Any] = field(default_factory=list)
    source_rows: list[Any] = field(default_factory=list)
    attachment_rows: list[Any] = field(default_factory=list)
    releasable_to: dict[str, frozenset[str]] = field(default_factory=dict)
    entity_ids: tuple[str, ...] = ()
    _report_access: dict[str, ReportAccess] = field(default_factory=dict)
    _marker_owners: dict[str, list[tuple[str, str]]] = field(default_factory=dict)

    @property
    def report_ids(self) -> tuple[str, ...]:
        return tuple(sorted(self.report_rows))

    def person(self, username: str) -> Person:
        return next(p for p in self.people if p.username == username)

    def load(self) -> None:
        """Read the oracle's facts straight from the tables, bypassing every service."""
        handling = load_handling()

        def restrictive(code: str | None) -> bool:
            if not code:
                return False
            try:
                return handling.is_restrictive(code)
            except PortintelError:
                return True

        self._restrictive = restrictive
        with self.ws.engine.connect() as connection:
            # plain namespaces: the oracle reads their attributes millions of times
            rows = [_plain(row) for row in connection.execute(select(tables.reports))]
            self.statement_rows = [
                _plain(row) for row in connection.execute(select(tables.statements))
            ]
            self.source_rows = [_plain(row) for row in connection.execute(select(tables.sources))]
            self.attachment_rows = [
                _plain(row) for row in connection.execute(select(tables.attachments))
            ]
            released: dict[str, set[str]] = {}
            for report_id, agency_id in connection.execute(
                select(
                    tables.report_releasable_to.c.report_id, tables.report_releasable_to.c.agency_id
                )
            ):
                released.setdefault(report_id, set()).add(agency_id)
        self.report_rows = {row.id: row for row in rows}
        self.releasable_to = {key: frozenset(value) for key, value in released.items()}
        for row in rows:
            self._report_access[row.id] = ReportAccess(
                author_id=row.author_id,
                agency_id=row.agency_id,
                status=ReportStatus(row.status),
                restrictive=restrictive(row.handling),
                releasable_to=frozenset(released.get(row.id, ())),
            )
        self.entity_ids = tuple(sorted({row.canonical_id for row in self.statement_rows}))
        owners: dict[str, list[tuple[str, str]]] = {}
        for row in rows:
            for marker in MARKER.findall(f"{row.title} {row.text}"):
                owners.setdefault(marker, []).append(("report", row.id))
        for attachment in self.attachment_rows:
            for marker in MARKER.findall(attachment.filename):
                owners.setdefault(marker, []).append(("report", attachment.report_id))
        for statement in self.statement_rows:
            for marker in MARKER.findall(f"{statement.value} {statement.original_value or ''}"):
                owners.setdefault(marker, []).append(("statement", statement.id))
        self._marker_owners = owners
        self._statements_by_id = {row.id: row for row in self.statement_rows}
        by_entity: dict[str, list[Any]] = {}
        for statement in self.statement_rows:
            for key in {statement.canonical_id, statement.entity_id}:
                by_entity.setdefault(key, []).append(statement)
        self._by_entity = by_entity
        self._visible: dict[Actor, frozenset[str]] = {}

    # -- the oracle ------------------------------------------------------------

    def may_read_report(self, actor: Actor, report_id: str) -> bool:
        access = self._report_access.get(report_id)
        return access is not None and may_read_report(actor, access)

    def may_read_statement(self, actor: Actor, row: Any) -> bool:
        visible = self._visible.get(actor)
        if visible is None:
            visible = self._visible[actor] = frozenset(
                statement.id
                for statement in self.statement_rows
                if may_read_statement(
                    actor,
                    self._report_access.get(statement.origin),
                    statement_restrictive=self._restrictive(statement.handling),
                )
            )
        return row.id in visible

    def readable_reports(self, actor: Actor) -> set[str]:
        return {rid for rid in self.report_rows if self.may_read_report(actor, rid)}

    def entity_statements(self, entity_id: str) -> list[Any]:
        return [
            row for row in self.statement_rows if entity_id in (row.canonical_id, row.entity_id)
        ]

    def visible_statement_ids(self, actor: Actor, entity_id: str) -> set[str]:
        return {
            row.id
            for row in self.entity_statements(entity_id)
            if self.may_read_statement(actor, row)
        }

    def marker_visible(self, actor: Actor, marker: str) -> bool:
        for kind, owner in self._marker_owners.get(marker, ()):
            if kind == "report" and self.may_read_report(actor, owner):
                return True
            if kind == "statement" and self.may_read_statement(
                actor, self._statements_by_id[owner]
            ):
                return True
        return False

    def leaked_markers(self, actor: Actor, body: str) -> set[str]:
        """Markers in ``body`` of reports or statements ``actor`` may not see (empty: no leak)."""
        return {
            marker
            for marker in set(MARKER.findall(body))
            if marker in self._marker_owners and not self.marker_visible(actor, marker)
        }

    def may_see_entity_id(self, actor: Actor, entity_id: str) -> bool:
        """An id made from an identifier (``vessel-imo-9074729``) states that identifier:
        only a reader who may see a statement of it may be shown the id."""
        for prefix, prop, spelled in _IDENTIFIER_IDS:
            if entity_id.startswith(prefix):
                wanted = entity_id.removeprefix(prefix)
                return any(
                    row.prop == prop
                    and spelled(row.value) == wanted
                    and self.may_read_statement(actor, row)
                    for row in self.entity_statements(entity_id)
                )
        return True

    def identity_markers(self) -> set[str]:
        return {row.protected_identity for row in self.source_rows if row.protected_identity}

    @staticmethod
    def may_see_identity(actor: Actor) -> bool:
        return may_see_protected_identity(actor)


_IDENTIFIER_IDS: tuple[tuple[str, str, Callable[[str], str]], ...] = (
    ("vessel-imo-", "imoNumber", lambda value: value.upper().removeprefix("IMO").strip()),
    ("vessel-mmsi-", "mmsi", lambda value: value),
    ("phone-", "phone", lambda value: value.lstrip("+")),
    ("passport-", "number", lambda value: re.sub(r"[^a-z0-9]+", "", value.lower())),
)
"""Entity ids made from identifiers: prefix, property, and the value as the id spells it."""


def _plain(row: Any) -> SimpleNamespace:
    return SimpleNamespace(**row._mapping)


def _valid_imo(six: str) -> str:
    return f"IMO{six}{imo_check_digit(six)}"


_IMOS = tuple(_valid_imo(six) for six in ("907472", "912345", "934567", "955555"))
_PHONES = ("+85512345678", "+85516888777", "+85517222333")


def _facts(rng: random.Random, number: int) -> tuple[FactDraft, ...]:
    facts: list[FactDraft] = []

    def own_handling() -> str | None:
        return rng.choice(FACT_HANDLING) if rng.random() < 0.3 else None

    shared = rng.randrange(6)
    facts.append(
        FactDraft(
            f"entity:vessel-shared-{shared}",
            "Vessel",
            "name",
            f"zqv{number:03d}a",
            handling=own_handling(),
        )
    )
    if rng.random() < 0.6:
        imo_handling = own_handling()
        # a restricted IMO of its own: nothing else may name the vessel by that number
        imo = _valid_imo(f"{800_000 + number}") if imo_handling else rng.choice(_IMOS)
        facts.append(FactDraft("boat", "Vessel", "imoNumber", imo, handling=imo_handling))
        facts.append(
            FactDraft("boat", "Vessel", "name", f"zqv{number:03d}b", handling=own_handling())
        )
    person = rng.randrange(5)
    facts.append(FactDraft(f"entity:person-shared-{person}", "Person", "name", f"zqp{number:03d}a"))
    if rng.random() < 0.5:
        facts.append(
            FactDraft(
                f"entity:person-shared-{person}",
                "Person",
                "phone",
                rng.choice(_PHONES),
                handling=own_handling(),
            )
        )
    facts.append(
        FactDraft("captain", "Person", "name", f"zqc{number:03d}a", handling=own_handling())
    )
    return tuple(facts)


def _make_people(ws: Workspace) -> list[Person]:
    specs: list[tuple[str, str, tuple[Role, ...]]] = []
    for agency in AGENCIES:
        for name, roles in _ROLE_SETS:
            specs.append((f"{name}-{agency[:3]}", agency, roles))
    specs.extend(_MIXED)
    specs.append((DISABLED, MARITIME, (Role.OFFICER, Role.ANALYST)))
    people = []
    for username, agency, roles in specs:
        view = admin.create_user(
            ws,
            SYSTEM,
            username=username,
            display_name=username.title(),
            agency=agency,
            roles=roles,
            password=PASSWORD,
        )
        people.append(Person(username, admin.get_actor(ws, view.id), True))
    return people


def build_world(settings: Settings, backend: str = "sqlite", *, tokens: bool = False) -> World:
    """File the seeded reports through the services; deterministic for one seed.

    ``tokens`` issues every user an API token (before the disabled user is disabled).
    """
    ws = open_workspace(settings)
    ws.clock = TickingClock()
    admin.ensure_agencies(ws)
    rng = random.Random(SEED)
    people = _make_people(ws)
    by_name = {p.username: p for p in people}
    writers = [p for p in people if p.actor.roles - {Role.ADMINISTRATOR}]
    supervisor = by_name["supervisor-mar"].actor
    source_ids: list[str] = []
    for agency in AGENCIES:
        handler = by_name[f"handler-{agency[:3]}"].actor
        source_ids.append(
            sources.create_source(
                ws,
                handler,
                kind="informant",
                reference=f"SPARROW-{agency[:3].upper()}",
                reliability=rng.choice("ABC"),
                protected_identity=f"zqidentity{agency[:3]}",
            )
        )
        source_ids.append(
            sources.create_source(
                ws,
                handler,
                kind="open_source",
                reference=f"PRESS-{agency[:3].upper()}",
                reliability="C",
            )
        )
    _write_shared_entities(ws)
    for number in range(REPORT_COUNT):
        author = rng.choice(writers).actor
        handling = HANDLING[number % len(HANDLING)]
        status = STATUSES[(number // len(HANDLING)) % len(STATUSES)]
        others = [a for a in (*AGENCIES, TRAFFICKING) if a != author.agency_id]
        releasable = tuple(rng.sample(others, rng.choice((0, 0, 1, 2))))
        source_id = rng.choice(source_ids) if rng.random() < 0.4 else None
        draft = ReportDraft(
            title=f"Sighting {number} zqt{number:03d}",
            text=f"Observed at the pier: zqx{number:03d}. Nothing else to add.",
            reliability=None if source_id and rng.random() < 0.5 else rng.choice("ABCDEF"),
            credibility=rng.choice("123456"),
            handling=handling,
            handling_conditions="only the named agencies" if handling == "uk-3x5x2:C" else None,
            releasable_to=releasable,
            source_id=source_id,
            occurred_at=datetime(2026, 1, 1, tzinfo=UTC) + timedelta(hours=7 * number),
            facts=_facts(rng, number),
        )
        withdrawn = status is ReportStatus.ARCHIVED and rng.random() < 0.3
        report_id = reports.create_report(
            ws, author, draft, submit=status is not ReportStatus.DRAFT and not withdrawn
        )
        if number % 5 == 0:  # a file whose name and content carry the report's marker
            name = f"zqf{number:03d}"
            reports.add_attachment(
                ws, author, report_id, f"{name}.txt", "text/plain", f"{name} seen".encode()
            )
        if withdrawn:
            reports.archive_report(ws, author, report_id)  # the author withdraws the draft
            continue
        if status in (ReportStatus.DRAFT, ReportStatus.SUBMITTED):
            continue
        change: dict[str, Any] = {}
        if rng.random() < 0.15:  # the supervisor tightens or relaxes the handling
            change = {"handling": rng.choice(("tlp:RED", "tlp:GREEN", "europol:H3"))}
        reports.evaluate_report(ws, supervisor, report_id, **change)
        if status is ReportStatus.DISSEMINATED:
            reports.mark_disseminated(ws, supervisor, report_id)
        elif status is ReportStatus.ARCHIVED:
            reports.archive_report(ws, supervisor, report_id, note="case closed")
    _write_feed_statements(ws)
    issued = {
        p.username: credentials.create_token(ws, p.actor, p.username, "leaktest")
        for p in people
        if tokens
    }
    admin.deactivate_user(ws, SYSTEM, DISABLED)
    people = [Person(p.username, p.actor, p.username != DISABLED) for p in people]
    world = World(ws=ws, settings=settings, people=tuple(people), backend=backend, tokens=issued)
    world.load()
    return world


def _write_shared_entities(ws: Workspace) -> None:
    """The entities reports name by id (``entity:vessel-shared-3``), from a feed every
    writer may read: a report may only name an entity its author may read."""
    seen = datetime(2025, 12, 1, tzinfo=UTC)
    records = [
        StatementRecord(
            entity_id=f"{kind}-shared-{n}",
            schema=schema,
            prop="name",
            prop_type="name",
            value=f"zqseed{kind[0]}{n}",
            dataset="registry",
            origin="registry:seed",
            first_seen=seen,
            last_seen=seen,
        )
        for kind, schema, count in (("vessel", "Vessel", 6), ("person", "Person", 5))
        for n in range(count)
    ]
    with transaction(ws) as connection:
        write_statements(connection, records)


def _write_feed_statements(ws: Workspace) -> None:
    """Values that come from no report (an AIS receiver), some with restrictive handling."""
    seen = datetime(2026, 2, 1, tzinfo=UTC)
    records = [
        StatementRecord(
            entity_id=f"vessel-shared-{n}",
            schema="Vessel",
            prop="callSign",
            prop_type="string",
            value=f"zqais{n}{'r' if n % 2 else 'o'}",
            dataset="ais",
            origin="ais:receiver-1",
            first_seen=seen,
            last_seen=seen,
            handling="tlp:RED" if n % 2 else None,
        )
        for n in range(6)
    ]
    records.append(
        StatementRecord(
            entity_id="vessel-feed-only",
            schema="Vessel",
            prop="name",
            prop_type="name",
            value="zqaisonly",
            dataset="ais",
            origin="ais:receiver-1",
            first_seen=seen,
            last_seen=seen,
            handling="tlp:AMBER+STRICT",
        )
    )
    with transaction(ws) as connection:
        write_statements(connection, records)


@contextmanager
def world_database(backend: str, directory: Path) -> Iterator[str]:
    """A database URL for one module's world: a SQLite file or a fresh PostgreSQL schema."""
    if backend == "sqlite":
        yield f"sqlite:///{directory / 'world.sqlite'}"
        return
    assert POSTGRES_URL is not None
    schema = f"w_{uuid.uuid4().hex[:12]}"
    engine = create_database_engine(POSTGRES_URL)
    with engine.begin() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    separator = "&" if "?" in POSTGRES_URL else "?"
    try:
        yield f"{POSTGRES_URL}{separator}options={quote(f'-csearch_path={schema}')}"
    finally:
        with engine.begin() as connection:
            connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        engine.dispose()


PLANNED: Counter[str] = Counter()
"""Cases the properties of each test module are sure to run (module name -> sum)."""

TestFunction = TypeVar("TestFunction", bound=Callable[..., None])


def cases(examples: int, *, at_least: int | None = None) -> Callable[[TestFunction], TestFunction]:
    """One property's Hypothesis settings, above its ``@given``: ``examples`` cases, no deadline.

    The test then checks that it ran ``at_least`` of them (all, unless said),
    counted by the property's calls to ``CASES``: a property whose strategies
    run dry tests less than it claims. A property over a small space (a few
    readers and a few sources) gives a lower ``at_least``, what Hypothesis runs
    before it has seen the whole space. Each test checks its own share, so a
    module's properties run alone, in any order or one by one; ``PLANNED``
    sums the shares for the module's floor.
    """
    floor = examples if at_least is None else at_least

    def decorate(test: TestFunction) -> TestFunction:
        configured = hypothesis.settings(
            max_examples=examples,
            deadline=None,
            suppress_health_check=[hypothesis.HealthCheck.too_slow],
            print_blob=True,
        )(test)
        PLANNED[test.__module__] += floor

        @functools.wraps(configured)
        def run(*args: Any, **kwargs: Any) -> None:
            before = CASES.total()
            configured(*args, **kwargs)
            ran = CASES.total() - before
            assert ran >= floor, f"{test.__name__} ran {ran} cases, fewer than {floor}"

        return cast(TestFunction, run)

    return decorate
