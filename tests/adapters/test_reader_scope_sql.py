"""The reader's scope in SQL returns exactly what the domain rule functions allow.

Hypothesis draws whole worlds (agencies, users with any set of roles, reports
of every status, handling code and releasable-to list, statements with and
without a report and with their own handling, entities merged or not), writes
them to a real store (SQLite, and PostgreSQL when configured), and compares,
for every user of the world and the system, report by report and statement by
statement:

* the rendered predicates (:mod:`portintel.adapters.database.scope`) straight
  in SQL;
* the services built on them: ``list_reports`` (order and pages),
  ``count_reports``, ``get_report`` (NotFound exactly like an absent report,
  the entities it names), ``list_entities`` (pages, counts), ``get_entity``
  and ``search_entities``;

with the oracle: :func:`may_read_report` and :func:`may_read_statement` over
facts read from the drawn world itself, restrictive-ness taken from the
handling vocabulary (not from the stored flag), so the writers are checked too.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import delete, insert, select

from portintel.adapters.database import tables
from portintel.adapters.database.scope import (
    report_condition,
    statement_condition,
    statements_with_reports,
)
from portintel.adapters.vocabularies import load_handling
from portintel.domain.access import (
    ReportAccess,
    may_read_report,
    may_read_statement,
    reader_scope,
)
from portintel.domain.actors import SYSTEM, Actor, Role
from portintel.domain.reports import ReportStatus
from portintel.domain.statements import StatementRecord
from portintel.errors import NotFound, PortintelError
from portintel.services.admin.users import ensure_agencies
from portintel.services.collation import entities
from portintel.services.events import transaction
from portintel.services.intake import reports
from portintel.services.intake.statements import write_statements
from portintel.services.intake.views import is_restrictive
from portintel.services.workspace import Workspace, open_workspace
from portintel.settings import Settings
from tests.conftest import BACKENDS, TickingClock
from tests.services.access_world import world_database

AGENCIES = ("immigration", "maritime-police", "internal-security")
HANDLING = (
    "uk-3x5x2:P",
    "uk-3x5x2:C",
    "europol:H0",
    "europol:H1",
    "europol:H2",
    "europol:H3",
    "tlp:CLEAR",
    "tlp:GREEN",
    "tlp:AMBER",
    "tlp:AMBER+STRICT",
    "tlp:RED",
    "partner:SECRET",  # a code this node does not know: restrictive, failing closed
)
ENTITIES = ("vessel-a", "vessel-b", "person-c", "person-d")
ORIGINS_WITHOUT_REPORT = ("ais:receiver-1", "import:batch-1")
START = datetime(2026, 1, 1, tzinfo=UTC)


def oracle_restrictive(code: str | None) -> bool:
    if not code:
        return False
    try:
        return load_handling().is_restrictive(code)
    except PortintelError:
        return True


@dataclass(frozen=True)
class DrawnReport:
    id: str
    author: int
    status: ReportStatus
    handling: str
    releasable_to: frozenset[str]

    def access(self, users: tuple[Actor, ...]) -> ReportAccess:
        author = users[self.author]
        return ReportAccess(
            author.user_id,
            author.agency_id,
            self.status,
            oracle_restrictive(self.handling),
            self.releasable_to,
        )


@dataclass(frozen=True)
class DrawnStatement:
    entity_id: str
    canonical_id: str
    schema: str
    value: str
    origin: str
    handling: str | None


@dataclass(frozen=True)
class DrawnWorld:
    users: tuple[Actor, ...]
    reports: tuple[DrawnReport, ...]
    statements: tuple[DrawnStatement, ...]


@st.composite
def worlds(draw: st.DrawFn) -> DrawnWorld:
    users = tuple(
        Actor(
            f"U-{number}",
            f"user{number}",
            draw(st.sampled_from(AGENCIES)),
            draw(st.frozensets(st.sampled_from(list(Role)), max_size=3)),
        )
        for number in range(draw(st.integers(1, 5)))
    )
    drawn_reports = tuple(
        DrawnReport(
            id=f"R-20260101-{number:08x}",
            author=draw(st.integers(0, len(users) - 1)),
            status=draw(st.sampled_from(list(ReportStatus))),
            handling=draw(st.sampled_from(HANDLING)),
            releasable_to=draw(st.frozensets(st.sampled_from(AGENCIES), max_size=2)),
        )
        for number in range(draw(st.integers(0, 10)))
    )
    origins = tuple(r.id for r in drawn_reports) + ORIGINS_WITHOUT_REPORT
    statements = []
    for number in range(draw(st.integers(0, 16))):
        entity_id = draw(st.sampled_from(ENTITIES))
        merged = draw(st.booleans()) and draw(st.booleans())
        statements.append(
            DrawnStatement(
                entity_id=entity_id,
                canonical_id=draw(st.sampled_from(ENTITIES)) if merged else entity_id,
                schema="Vessel" if entity_id.startswith("vessel") else "Person",
                value=f"Name {number} {draw(st.sampled_from(('alpha', 'beta', '50%_off')))}",
                origin=draw(st.sampled_from(origins)),
                handling=draw(st.none() | st.sampled_from(HANDLING)),
            )
        )
    return DrawnWorld(users, drawn_reports, tuple(statements))


@pytest.fixture(scope="module", params=BACKENDS)
def store(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Workspace]:
    directory: Path = tmp_path_factory.mktemp("reader-scope")
    with world_database(request.param, directory) as url:
        ws = open_workspace(
            Settings(data_dir=directory / "data", database_url=url, secure_cookies=False)
        )
        ws.clock = TickingClock()
        ensure_agencies(ws)
        yield ws
        ws.close()


def _write(ws: Workspace, world: DrawnWorld) -> dict[str, StatementRecord]:
    """Replace the store's intelligence and users with the drawn world."""
    with transaction(ws) as connection:
        for table in (
            tables.statements,
            tables.report_releasable_to,
            tables.report_events,
            tables.attachments,
            tables.reports,
            tables.api_tokens,
            tables.web_sessions,
            tables.user_roles,
            tables.users,
        ):
            connection.execute(delete(table))
        for user in world.users:
            connection.execute(
                insert(tables.users).values(
                    id=user.user_id,
                    username=user.username,
                    display_name=user.username,
                    agency_id=user.agency_id,
                    password_hash="not-a-hash",
                    active=True,
                    failed_logins=0,
                    created_at=START,
                )
            )
            for role in user.roles:
                connection.execute(
                    insert(tables.user_roles).values(user_id=user.user_id, role=role.value)
                )
        for number, report in enumerate(world.reports):
            author = world.users[report.author]
            moment = START + timedelta(hours=number % 3)  # ties: the id breaks them
            connection.execute(
                insert(tables.reports).values(
                    id=report.id,
                    title=f"Report {number}",
                    author_id=author.user_id,
                    agency_id=author.agency_id,
                    reported_at=moment,
                    text="Seen at the pier.",
                    grading_scheme="admiralty",
                    reliability="B",
                    credibility="2",
                    reliability_overridden=False,
                    handling=report.handling,
                    restrictive=is_restrictive(report.handling),
                    status=report.status.value,
                    created_at=moment,
                    updated_at=moment,
                )
            )
            for agency in sorted(report.releasable_to):
                connection.execute(
                    insert(tables.report_releasable_to).values(
                        report_id=report.id, agency_id=agency
                    )
                )
        records = {}
        for statement in world.statements:
            record = StatementRecord(
                entity_id=statement.entity_id,
                canonical_id=statement.canonical_id,
                schema=statement.schema,
                prop="name",
                prop_type="name",
                value=statement.value,
                dataset="test",
                origin=statement.origin,
                first_seen=START,
                last_seen=START,
                handling=statement.handling,
            )
            records[record.id] = record
        write_statements(connection, records.values())
    return records


class Oracle:
    """What the rule functions allow in the drawn world."""

    def __init__(self, world: DrawnWorld, records: dict[str, StatementRecord]) -> None:
        self.world = world
        self.records = records
        self.access = {report.id: report.access(world.users) for report in world.reports}

    def reports(self, reader: Actor) -> list[str]:
        """Readable report ids, newest first (as the report list orders them)."""
        moments = {r.id: number % 3 for number, r in enumerate(self.world.reports)}
        readable = [rid for rid, access in self.access.items() if may_read_report(reader, access)]
        return sorted(readable, key=lambda rid: (moments[rid], rid), reverse=True)

    def statements(self, reader: Actor) -> set[str]:
        return {
            record.id
            for record in self.records.values()
            if may_read_statement(
                reader,
                self.access.get(record.origin),
                statement_restrictive=oracle_restrictive(record.handling),
            )
        }

    def members(self, entity_id: str) -> set[str]:
        return {
            record.id
            for record in self.records.values()
            if entity_id in (record.resolved_canonical_id, record.entity_id)
        }


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(world=worlds())
def test_the_view_returns_what_the_rules_allow(store: Workspace, world: DrawnWorld) -> None:
    records = _write(store, world)
    oracle = Oracle(world, records)
    for reader in (*world.users, SYSTEM):
        scope = reader_scope(reader)
        readable_reports = oracle.reports(reader)
        readable_statements = oracle.statements(reader)
        with store.engine.connect() as connection:
            in_sql = set(
                connection.execute(
                    select(tables.reports.c.id).where(report_condition(scope.reports))
                ).scalars()
            )
            statements_in_sql = set(
                connection.execute(
                    select(tables.statements.c.id)
                    .select_from(statements_with_reports())
                    .where(statement_condition(scope.statements))
                ).scalars()
            )
        assert in_sql == set(readable_reports), reader
        assert statements_in_sql == readable_statements, reader

        listed = reports.list_reports(store, reader, reports.ReportFilters(limit=1_000))
        assert [summary.id for summary in listed] == readable_reports
        page = reports.list_reports(store, reader, reports.ReportFilters(limit=2, offset=1))
        assert [summary.id for summary in page] == readable_reports[1:3]
        assert reports.count_reports(store, reader) == len(readable_reports)
        for report in world.reports:
            if report.id not in readable_reports:
                with pytest.raises(NotFound):
                    reports.get_report(store, reader, report.id)
                continue
            view = reports.get_report(store, reader, report.id)
            assert set(view.entity_ids) == {
                records[sid].resolved_canonical_id
                for sid in readable_statements
                if records[sid].origin == report.id
            }

        visible_entities = sorted(
            {records[sid].resolved_canonical_id for sid in readable_statements}
        )
        summaries = entities.list_entities(store, reader, limit=1_000)
        assert [summary.id for summary in summaries] == visible_entities
        assert [s.id for s in entities.list_entities(store, reader, limit=1, offset=1)] == (
            visible_entities[1:2]
        )
        for summary in summaries:
            members = oracle.members(summary.id) & readable_statements
            assert summary.statement_count == len(members)
            assert summary.report_count == len(
                {records[sid].origin for sid in members} & set(oracle.access)
            )
        for entity_id in ENTITIES:
            members = oracle.members(entity_id) & readable_statements
            if not members:
                with pytest.raises(NotFound):
                    entities.get_entity(store, reader, entity_id)
                continue
            view_of_entity = entities.get_entity(store, reader, entity_id)
            assert {statement.id for statement in view_of_entity.statements} == members
        found = {s.id for s in entities.search_entities(store, reader, "50%_", limit=1_000)}
        assert found == {
            records[sid].resolved_canonical_id
            for sid in readable_statements
            if "50%_" in records[sid].value
        }
