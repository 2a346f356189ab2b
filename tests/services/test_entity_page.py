"""An entity's page: counted and paged in SQL, whatever the entity's size, within scope.

The page (``entity_page``) and the pages of one property
(``entity_statements``) must say exactly what the full read (``get_entity``,
every readable statement) implies: per property the statement and distinct
value counts, the most stated values, the newest statements; the reports
counted and the first named; and never a statement the reader may not read.
"""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime, timedelta

import pytest

from portintel.domain.actors import Actor, Role
from portintel.domain.reports import FactDraft, ReportDraft
from portintel.errors import InvalidInput, NotFound
from portintel.services.collation import (
    EntityPage,
    EntityView,
    entity_page,
    entity_statements,
    get_entity,
    list_entities,
)
from portintel.services.intake.reports import create_report, evaluate_report, get_report
from portintel.services.workspace import Workspace
from tests.services.staff import IMMIGRATION, MARITIME, SECURITY, make_user

IMO = "IMO 9074729"


def _draft(index: int, *facts: FactDraft, handling: str = "tlp:GREEN") -> ReportDraft:
    return ReportDraft(
        title=f"sighting {index}",
        text="Observation at the pier.",
        reliability="B",
        credibility="2",
        handling=handling,
        facts=facts,
        occurred_at=datetime(2026, 2, 1, tzinfo=UTC) + timedelta(days=index),
    )


def _expected(full: EntityView, per_property: int, values: int, reports: int) -> dict[str, object]:
    """What a page must show, derived in Python from the full read."""
    by_prop: dict[str, list[object]] = {}
    for statement in full.statements:
        by_prop.setdefault(statement.prop, []).append(statement)
    properties = []
    shown = []
    for prop in sorted(by_prop):
        statements = by_prop[prop]
        counts = Counter(s.value for s in statements)  # type: ignore[attr-defined]
        top = sorted(counts.items(), key=lambda item: (-item[1], item[0]))[:values]
        newest = sorted(
            statements,
            key=lambda s: (s.first_seen, s.id),  # type: ignore[attr-defined]
            reverse=True,
        )[:per_property]
        properties.append((prop, len(statements), len(counts), tuple(top), len(newest)))
        shown.extend(s.id for s in newest)  # type: ignore[attr-defined]
    return {
        "caption": full.caption,
        "statement_count": len(full.statements),
        "report_count": len(full.report_ids),
        "report_ids": full.report_ids[:reports],
        "properties": properties,
        "statements": shown,
    }


def _actual(page: EntityPage) -> dict[str, object]:
    return {
        "caption": page.caption,
        "statement_count": page.statement_count,
        "report_count": page.report_count,
        "report_ids": page.report_ids,
        "properties": [
            (
                p.prop,
                p.statement_count,
                p.value_count,
                tuple((v.value, v.statements) for v in p.top_values),
                p.shown,
            )
            for p in page.properties
        ],
        "statements": [s.id for s in page.statements],
    }


def _big_vessel(ws: Workspace) -> tuple[str, dict[str, Actor], list[str]]:
    """A vessel stated by 24 reports, some only submitted, some restricted, some values too.

    One author files them all (a strong identifier joins the entity the author
    stated it on first); the readers differ by agency and role."""
    officer = make_user(ws, "officer", IMMIGRATION, Role.OFFICER)
    other = make_user(ws, "other", IMMIGRATION, Role.ANALYST)
    supervisor = make_user(ws, "sup", MARITIME, Role.SUPERVISOR)
    analyst = make_user(ws, "analyst", SECURITY, Role.ANALYST)
    report_ids = []
    for index in range(24):
        facts = [
            FactDraft("boat", "Vessel", "imoNumber", IMO),
            FactDraft("boat", "Vessel", "name", f"SEA DRAGON {index % 4 if index % 5 else 0}"),
        ]
        if index % 2:
            facts.append(FactDraft("boat", "Vessel", "flag", "kh" if index % 4 == 1 else "pa"))
        if index % 7 == 3:
            facts.append(FactDraft("boat", "Vessel", "callSign", f"XU{index}", handling="tlp:RED"))
        handling = "tlp:AMBER+STRICT" if index % 6 == 5 else "tlp:GREEN"
        report_id = create_report(
            ws, officer, _draft(index, *facts, handling=handling), submit=True
        )
        if index % 4 != 2:  # a quarter stays submitted: analysts of other agencies do not read it
            evaluate_report(ws, supervisor, report_id)
        report_ids.append(report_id)
    (vessel_id,) = set(get_report(ws, supervisor, report_ids[0]).entity_ids)
    people = {"officer": officer, "other": other, "supervisor": supervisor, "analyst": analyst}
    return vessel_id, people, report_ids


@pytest.mark.parametrize(("per_property", "values", "reports"), [(3, 2, 4), (100, 100, 100)])
def test_the_page_says_what_the_full_read_implies_for_every_reader(
    workspace: Workspace, per_property: int, values: int, reports: int
) -> None:
    vessel_id, people, report_ids = _big_vessel(workspace)
    assert get_entity(workspace, people["supervisor"], vessel_id).report_ids == tuple(
        sorted(report_ids)
    )
    sizes = set()
    for actor in people.values():
        full = get_entity(workspace, actor, vessel_id)
        page = entity_page(
            workspace,
            actor,
            vessel_id,
            per_property=per_property,
            values_per_property=values,
            reports=reports,
        )
        assert _actual(page) == _expected(full, per_property, values, reports), actor.username
        assert page.schema == full.schema == "Vessel"
        assert page.complete == (per_property == 100)
        sizes.add(page.statement_count)
    assert len(sizes) >= 2  # the readers see different parts of the vessel


def test_a_property_is_paged_newest_first_to_its_end(workspace: Workspace) -> None:
    vessel_id, people, _ = _big_vessel(workspace)
    for actor in people.values():
        full = get_entity(workspace, actor, vessel_id)
        for prop in ("name", "flag", "callSign"):
            expected = sorted(
                (s for s in full.statements if s.prop == prop),
                key=lambda s: (s.first_seen, s.id),
                reverse=True,
            )
            seen = []
            offset = 0
            while True:
                page = entity_statements(workspace, actor, vessel_id, prop, limit=5, offset=offset)
                assert page.total == len(expected)
                seen.extend(page.statements)
                if len(page.statements) < 5:
                    break
                offset += 5
            assert [s.id for s in seen] == [s.id for s in expected]
            assert seen == expected  # provenance as the full read gives it


def test_an_unreadable_entity_has_no_page(workspace: Workspace) -> None:
    officer = make_user(workspace, "officer", IMMIGRATION, Role.OFFICER)
    analyst = make_user(workspace, "analyst", SECURITY, Role.ANALYST)
    create_report(workspace, officer, _draft(1, FactDraft("p", "Person", "name", "Sok")))
    (summary,) = list_entities(workspace, officer)
    assert entity_page(workspace, officer, summary.id).caption == "Sok"
    for read in (
        lambda: entity_page(workspace, analyst, summary.id),
        lambda: entity_statements(workspace, analyst, summary.id, "name"),
        lambda: entity_page(workspace, analyst, "ent-does-not-exist"),
        lambda: entity_statements(workspace, officer, "ent-does-not-exist", "name"),
    ):
        with pytest.raises(NotFound):
            read()
    empty = entity_statements(workspace, officer, summary.id, "birthDate")
    assert (empty.total, empty.statements) == (0, ())
    with pytest.raises(InvalidInput):
        entity_page(workspace, officer, summary.id, per_property=-1)
    with pytest.raises(InvalidInput):
        entity_statements(workspace, officer, summary.id, "name", offset=-1)


@pytest.mark.parametrize("roles", [{Role.SUPERVISOR}, {Role.OFFICER}])
def test_sqlite_reads_the_page_s_statements_from_indexes_alone(
    workspace: Workspace, roles: set[Role]
) -> None:
    """The plan of the page's query: the entity's statements from the covering index
    (migration 0013), the merged ones from their partial index, never by entity id
    through ``ix_statements_entity_prop`` (every row of a big entity fetched to find
    none merged) nor from the table by canonical id."""
    if workspace.engine.dialect.name != "sqlite":
        pytest.skip("the plan checked is SQLite's")
    from portintel.domain.access import reader_scope
    from portintel.services.collation import entities

    actor = Actor("U-plan", "plan", SECURITY, frozenset(roles))
    shape, values = entities._bound(reader_scope(actor))
    page = {**values, "entity_id": "ent-x", "members": ["ent-x"], "per_property": 20}
    page |= {"values_per_property": 10, "reports": 100}
    query = entities._digest_query("sqlite", shape).params(page)
    with workspace.engine.connect() as connection:
        sql = str(query.compile(dialect=connection.dialect, compile_kwargs={"literal_binds": True}))
        plan = [row[3] for row in connection.exec_driver_sql(f"EXPLAIN QUERY PLAN {sql}")]
    reads = [step for step in plan if " statements " in f"{step} "]
    assert reads, plan
    for step in reads:
        assert "ix_statements_entity_prop" not in step, plan
        assert (
            "COVERING INDEX ix_statements_entity_page" in step
            or "COVERING INDEX ix_statements_canonical_scope" in step
            or "INDEX ix_statements_merged" in step
        ), plan
    assert any("COVERING INDEX ix_statements_entity_page" in step for step in reads), plan
