"""A partner's view in SQL is exactly what the pure sharing policy allows, on both stores.

Hypothesis draws whole worlds (reports of every status, handling code, TLP
and origin; statements with and without a report, with their own handling,
from this node or another, internal notes, entities marked as victims or
minors) and agreements (any handling codes, TLP levels, categories,
personal data or not, expired or not), writes the world to a real store
(SQLite, and PostgreSQL when configured) and compares, item by item, the
partner's scoped view rendered as SQL with the oracle:
:func:`decide_report` and :func:`decide_statement` over the drawn facts,
restrictive-ness taken from the handling vocabulary (not from the stored
flag). Incidents, with a report or without, are checked against
:func:`decide_incident` the same way. The dry run (``preview_share``) is
checked against both.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from sqlalchemy import delete, insert, select

from portintel.adapters.database import tables
from portintel.adapters.database.partner_scope import (
    partner_countable_condition,
    partner_incident_condition,
    partner_report_condition,
    partner_statement_condition,
)
from portintel.adapters.database.scope import statements_with_reports
from portintel.adapters.vocabularies import load_handling
from portintel.domain.actors import SYSTEM
from portintel.domain.report_fields import ReportStatus
from portintel.domain.sharing import (
    PROTECTED_PERSON_TOPICS,
    Agreement,
    Category,
    Delivery,
    IncidentFacts,
    Permission,
    ReportFacts,
    StatementFacts,
    countable,
    decide_incident,
    decide_report,
    decide_statement,
    partner_scope,
)
from portintel.errors import PortintelError
from portintel.services import sharing
from portintel.services.admin.users import ensure_agencies
from portintel.services.events import transaction
from portintel.services.workspace import Workspace, open_workspace
from portintel.settings import Settings
from tests.conftest import BACKENDS, TickingClock
from tests.services.access_world import world_database

VOCABULARIES = load_handling()
HANDLING = (
    *(
        f"{vocabulary}:{definition.code}"
        for vocabulary in VOCABULARIES.ids
        for definition in VOCABULARIES.codes(vocabulary)
    ),
    "partner:SECRET",  # a code this node does not know: fails closed
)
TLP = ("CLEAR", "GREEN", "AMBER", "AMBER+STRICT", "RED")
ENTITIES = ("vessel-a", "person-b", "person-c")
NODE = "kh-piu-shv"
START = datetime(2026, 1, 1, tzinfo=UTC)
NOW = datetime(2026, 6, 1, tzinfo=UTC)
PARTNER_IDS = ("partner-drawn", "partner-other")
"""The partner whose view is drawn (the agreements' ``partner_id``), and another one."""


def oracle_restrictive(code: str | None) -> bool:
    if not code:
        return False
    try:
        return VOCABULARIES.is_restrictive(code)
    except PortintelError:
        return True


@dataclass(frozen=True)
class DrawnReport:
    id: str
    status: ReportStatus
    handling: str
    tlp: str | None
    origin_node: str | None
    permitted: frozenset[str] = frozenset()
    """The partners (ids) a provider's permission is recorded for."""

    def facts(self) -> ReportFacts:
        return ReportFacts(
            self.id,
            self.status,
            self.handling,
            self.tlp,
            received=self.origin_node is not None,
            provider=self.origin_node,
            permissions=tuple(
                Permission(partner, self.origin_node or "?", "ref", START.date())
                for partner in sorted(self.permitted)
            ),
        )


@dataclass(frozen=True)
class DrawnStatement:
    id: str
    canonical_id: str
    prop: str
    value: str
    origin: str
    handling: str | None
    dataset: str


@dataclass(frozen=True)
class World:
    reports: tuple[DrawnReport, ...]
    statements: tuple[DrawnStatement, ...]
    incidents: tuple[tuple[str, str | None], ...] = ()
    """(incident id, its report id or None)."""

    def incident_facts(self, incident: tuple[str, str | None]) -> IncidentFacts:
        reports = {report.id: report for report in self.reports}
        report = reports.get(incident[1]) if incident[1] else None
        return IncidentFacts(incident[0], report.facts() if report else None)

    def protected(self) -> set[str]:
        return {
            s.canonical_id
            for s in self.statements
            if s.prop == "topics" and s.value in PROTECTED_PERSON_TOPICS
        }

    def statement_facts(self, statement: DrawnStatement) -> StatementFacts:
        reports = {report.id: report for report in self.reports}
        report = reports.get(statement.origin)
        return StatementFacts(
            report=report.facts() if report else None,
            prop=statement.prop,
            handling=statement.handling,
            received=statement.dataset != NODE,
            protected_person=statement.canonical_id in self.protected(),
        )


@st.composite
def worlds(draw: st.DrawFn) -> World:
    reports = tuple(
        DrawnReport(
            id=f"R-20260101-{number:08x}",
            status=draw(st.sampled_from((*ReportStatus, ReportStatus.EVALUATED))),
            handling=draw(st.sampled_from(HANDLING)),
            tlp=draw(st.none() | st.sampled_from(TLP)),
            origin_node=draw(st.none() | st.just("TH-PIU-RNG")),
            permitted=draw(st.frozensets(st.sampled_from(PARTNER_IDS))),
        )
        for number in range(draw(st.integers(0, 8)))
    )
    origins = (*(r.id for r in reports), "ais:receiver-1", "import:batch-1", "R-20000101-missing")
    statements = []
    for number in range(draw(st.integers(0, 14))):
        prop = draw(st.sampled_from(("name", "name", "notes", "topics")))
        value = (
            draw(st.sampled_from((*sorted(PROTECTED_PERSON_TOPICS), "crime.traffick")))
            if prop == "topics"
            else f"value {number}"
        )
        statements.append(
            DrawnStatement(
                id=f"s{number:04d}",
                canonical_id=draw(st.sampled_from(ENTITIES)),
                prop=prop,
                value=value,
                origin=draw(st.sampled_from(origins)),
                handling=draw(st.none() | st.sampled_from(HANDLING)),
                dataset=draw(st.sampled_from((NODE, "th-piu-rng"))),
            )
        )
    incidents = tuple(
        (f"inc-{number}", draw(st.none() | st.sampled_from([r.id for r in reports])))
        for number in range(draw(st.integers(0, 4) if reports else st.just(0)))
    )
    return World(reports, tuple(statements), incidents)


@st.composite
def agreements(draw: st.DrawFn) -> Agreement:
    """Agreements that let a good part of a world go, so both answers are exercised."""
    both = frozenset({Category.REPORTS, Category.ENTITIES})
    return Agreement(
        id="agreement-drawn",
        partner_id="partner-drawn",
        handling_codes=draw(st.frozensets(st.sampled_from(HANDLING), min_size=3)),
        tlp_levels=draw(st.frozensets(st.sampled_from(TLP), min_size=2)),
        categories=draw(st.just(both) | st.frozensets(st.sampled_from(list(Category)))),
        personal_data=draw(st.booleans()),
        delivery=Delivery.PULL,
        expires_at=draw(
            st.sampled_from((None, None, NOW - timedelta(days=1), NOW + timedelta(days=1)))
        ),
        created_at=START,
    )


@pytest.fixture(scope="module", params=BACKENDS)
def store(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Workspace]:
    directory: Path = tmp_path_factory.mktemp("partner-view")
    with world_database(request.param, directory) as url:
        ws = open_workspace(
            Settings(
                data_dir=directory / "data", database_url=url, secure_cookies=False, node_id=NODE
            )
        )
        ws.clock = TickingClock(NOW)
        ensure_agencies(ws)
        with transaction(ws) as connection:
            agency = connection.execute(select(tables.agencies.c.id).limit(1)).scalar_one()
            connection.execute(
                insert(tables.users).values(
                    id="U-1",
                    username="author",
                    display_name="Author",
                    agency_id=agency,
                    password_hash="not-a-hash",
                    active=True,
                    failed_logins=0,
                    created_at=START,
                )
            )
            # fixed ids: the drawn agreements and permissions name them
            for partner_id, name in zip(PARTNER_IDS, ("TH-PIU-RNG", "ID-PIU-BLW"), strict=True):
                connection.execute(
                    insert(tables.partners).values(
                        id=partner_id, name=name, kind="PIU", country=name[:2],
                        created_at=START, created_by="test",
                    )
                )  # fmt: skip
        ws.agency = agency  # type: ignore[attr-defined]
        yield ws
        ws.close()


def _write(ws: Workspace, world: World, terms: Agreement) -> None:
    agency = ws.agency  # type: ignore[attr-defined]
    with transaction(ws) as connection:
        for table in (
            tables.provider_permissions,
            tables.incidents,
            tables.statements,
            tables.report_releasable_to,
            tables.reports,
            tables.partner_agreements,
        ):
            connection.execute(delete(table))
        for number, report in enumerate(world.reports):
            moment = START + timedelta(hours=number)
            connection.execute(
                insert(tables.reports).values(
                    id=report.id,
                    title=f"Report {number}",
                    author_id="U-1",
                    agency_id=agency,
                    reported_at=moment,
                    text="Seen at the pier.",
                    grading_scheme="admiralty",
                    reliability="B",
                    credibility="2",
                    reliability_overridden=False,
                    handling=report.handling,
                    restrictive=oracle_restrictive(report.handling),
                    tlp=report.tlp,
                    status=report.status.value,
                    origin_node=report.origin_node,
                    created_at=moment,
                    updated_at=moment,
                )
            )
            for number, partner_id in enumerate(sorted(report.permitted)):
                connection.execute(
                    insert(tables.provider_permissions).values(
                        id=f"PP-{report.id}-{number}", report_id=report.id,
                        partner_id=partner_id, provider=report.origin_node or "?",
                        reference="ref", granted_on=START.date(), recorded_by="U-1",
                        recorded_at=START,
                    )
                )  # fmt: skip
        for statement in world.statements:
            connection.execute(
                insert(tables.statements).values(
                    id=statement.id,
                    entity_id=statement.canonical_id,
                    canonical_id=statement.canonical_id,
                    schema="Vessel" if statement.canonical_id.startswith("vessel") else "Person",
                    prop=statement.prop,
                    prop_type="string",
                    value=statement.value,
                    dataset=statement.dataset,
                    origin=statement.origin,
                    external=False,
                    first_seen=START,
                    last_seen=START,
                    handling=statement.handling,
                    restrictive=oracle_restrictive(statement.handling),
                )
            )
        for incident_id, report_id in world.incidents:
            connection.execute(
                insert(tables.incidents).values(
                    id=incident_id, report_id=report_id, occurred_at=START, kind="intercepted",
                    migrants=9, nationalities=["mm"], created_at=START,
                )
            )  # fmt: skip
        partner_id = PARTNER_IDS[0]
        connection.execute(
            insert(tables.partner_agreements).values(
                id=terms.id,
                partner_id=partner_id,
                handling_codes=sorted(terms.handling_codes),
                tlp_levels=sorted(terms.tlp_levels),
                categories=sorted(kind.value for kind in terms.categories),
                personal_data=terms.personal_data,
                delivery=terms.delivery.value,
                expires_at=terms.expires_at,
                created_at=START,
                created_by="test",
            )
        )


GENEROUS = Agreement(
    id="agreement-drawn",
    partner_id="partner-drawn",
    handling_codes=frozenset({"europol:H0", "europol:H2", "uk-3x5x2:C"}),
    tlp_levels=frozenset({"GREEN", "AMBER+STRICT"}),
    categories=frozenset({Category.REPORTS, Category.ENTITIES}),
    personal_data=False,
    delivery=Delivery.PUSH,
    expires_at=None,
    created_at=START,
)
RECEIVED = World(
    reports=(
        DrawnReport("R-20260101-00000001", ReportStatus.EVALUATED, "europol:H2", None, "TH-X"),
        DrawnReport("R-20260101-00000002", ReportStatus.EVALUATED, "europol:H0", None, "TH-X"),
        DrawnReport("R-20260101-00000003", ReportStatus.EVALUATED, "europol:H2", None, None),
    ),
    statements=(
        # from no report: another node's under H2 stays, this node's goes
        DrawnStatement("s1", "vessel-a", "name", "A", "ais:receiver-1", "europol:H2", "th"),
        DrawnStatement("s2", "vessel-a", "name", "B", "ais:receiver-1", "europol:H2", NODE),
        # a received H0 report: a restrictive statement of its own stays
        DrawnStatement("s3", "vessel-a", "name", "C", "R-20260101-00000002", "uk-3x5x2:C", NODE),
        DrawnStatement("s4", "vessel-a", "name", "D", "R-20260101-00000003", "uk-3x5x2:C", NODE),
        # internal notes, and a minor's data without the agreement's permission
        DrawnStatement("s5", "vessel-a", "notes", "E", "R-20260101-00000003", None, NODE),
        DrawnStatement("s6", "person-b", "name", "F", "R-20260101-00000003", None, NODE),
        DrawnStatement(
            "s7", "person-b", "topics", "role.minor", "ais:receiver-1", "europol:H0", NODE
        ),
    ),
)


PERMITTED = World(
    reports=(
        # received under H2 and C: released to this partner only by its own permission
        DrawnReport(
            "R-20260101-00000011",
            ReportStatus.EVALUATED,
            "europol:H2",
            None,
            "TH-X",
            frozenset({"partner-drawn"}),
        ),
        DrawnReport(
            "R-20260101-00000012",
            ReportStatus.EVALUATED,
            "uk-3x5x2:C",
            None,
            "TH-X",
            frozenset({"partner-other"}),
        ),
    ),
    statements=(
        DrawnStatement("s11", "vessel-a", "name", "A", "R-20260101-00000011", "uk-3x5x2:C", NODE),
        DrawnStatement("s12", "vessel-a", "name", "B", "R-20260101-00000012", None, NODE),
    ),
    incidents=(("inc-11", "R-20260101-00000011"), ("inc-12", "R-20260101-00000012")),
)


@example(world=RECEIVED, terms=GENEROUS)
@example(world=RECEIVED, terms=replace(GENEROUS, personal_data=True))
@example(world=PERMITTED, terms=replace(GENEROUS, categories=frozenset(Category)))
@settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(world=worlds(), terms=agreements())
def test_the_partner_view_is_what_the_policy_allows(
    store: Workspace, world: World, terms: Agreement
) -> None:
    _write(store, world, terms)
    scope = partner_scope(terms, VOCABULARIES, NOW, dataset=NODE)
    with store.engine.connect() as connection:
        reports_in_sql = set(
            connection.execute(
                select(tables.reports.c.id).where(partner_report_condition(scope))
            ).scalars()
        )
        statements_in_sql = set(
            connection.execute(
                select(tables.statements.c.id)
                .select_from(statements_with_reports())
                .where(partner_statement_condition(scope))
            ).scalars()
        )
        incidents_in_sql = set(
            connection.execute(
                select(tables.incidents.c.id)
                .select_from(
                    tables.incidents.outerjoin(
                        tables.reports, tables.reports.c.id == tables.incidents.c.report_id
                    )
                )
                .where(partner_incident_condition(scope))
            ).scalars()
        )
        countable_in_sql = set(
            connection.execute(
                select(tables.incidents.c.id)
                .select_from(
                    tables.incidents.outerjoin(
                        tables.reports, tables.reports.c.id == tables.incidents.c.report_id
                    )
                )
                .where(partner_countable_condition(scope))
            ).scalars()
        )
    allowed_reports = {
        report.id
        for report in world.reports
        if decide_report(report.facts(), terms, VOCABULARIES, NOW).allowed
    }
    allowed_statements = {
        statement.id
        for statement in world.statements
        if decide_statement(world.statement_facts(statement), terms, VOCABULARIES, NOW).allowed
    }
    allowed_incidents = {
        incident[0]
        for incident in world.incidents
        if decide_incident(world.incident_facts(incident), terms, VOCABULARIES, NOW).allowed
    }
    assert reports_in_sql == allowed_reports
    assert statements_in_sql == allowed_statements
    assert incidents_in_sql == allowed_incidents
    in_force_statistics = terms.in_force(NOW) and Category.STATISTICS in terms.categories
    assert countable_in_sql == {
        incident[0]
        for incident in world.incidents
        if in_force_statistics and countable(world.incident_facts(incident), terms, VOCABULARIES)
    }

    # the dry run: what it says goes is the view, and its reasons are the policy's
    if world.reports:
        preview = sharing.preview_share(store, SYSTEM, "TH-PIU-RNG", [r.id for r in world.reports])
        assert {item.id for item in preview.reports if item.allowed} == allowed_reports
        named = {s.canonical_id for s in world.statements if s.origin in preview_ids(preview)}
        expected = {s.id for s in world.statements if s.canonical_id in named}
        assert {item.id for item in preview.statements} == expected
        assert {item.id for item in preview.statements if item.allowed} == (
            allowed_statements & expected
        )
        expected_incidents = {i for i, report_id in world.incidents if report_id is not None}
        assert {item.id for item in preview.incidents} == expected_incidents
        assert {item.id for item in preview.incidents if item.allowed} == (
            allowed_incidents & expected_incidents
        )
        assert all(item.agrees for item in preview.items)
        assert all(item.reasons for item in preview.items if not item.allowed)


def preview_ids(preview: sharing.SharePreview) -> set[str]:
    return {item.id for item in preview.reports}
