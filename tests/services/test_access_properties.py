"""Need-to-know, end to end through the services: random readers against a seeded world.

Each property draws a reader and a target from :mod:`tests.services.access_world`
and compares what the service returns with the oracle (raw rows plus
:mod:`portintel.domain.access`): nothing the reader may not see comes back,
and nothing they may see is missing, for reads, lists, counts, searches,
exports and sources. Together with ``tests/web/test_access_properties.py``
these run well over 10,000 cases per backend: each property checks that it ran
the cases it declares (see ``cases``), and the last test that the module's
declared share is there, so any test runs alone or in any order.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import true

from portintel.adapters.database.search import keys_admit
from portintel.domain.access import may_keep_source_register, may_work_with_intelligence
from portintel.domain.actors import SYSTEM, Role
from portintel.domain.fulltext import admits, query_terms, text_words
from portintel.domain.reports import FactDraft, ReportDraft, ReportStatus
from portintel.errors import NotFound, PermissionDenied
from portintel.services.collation import entities, search
from portintel.services.intake import reports, sources
from portintel.services.intake.entity_scope import readable_entity_ids
from portintel.services.workspace import Workspace
from portintel.settings import Settings
from tests.conftest import BACKENDS
from tests.services.access_world import (
    CASES,
    MARKER,
    MISSING_ENTITY,
    MISSING_REPORT,
    PLANNED,
    World,
    build_world,
    cases,
    world_database,
)
from tests.services.staff import IMMIGRATION, MARITIME, SECURITY, make_user

MODULE_FLOOR = 6_500
"""Examples this module must run per backend (the web module runs the rest of 10,000+)."""


@pytest.fixture(scope="module", params=BACKENDS)
def world(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[World]:
    directory: Path = tmp_path_factory.mktemp("access-world")
    with world_database(request.param, directory) as url:
        built = build_world(
            Settings(data_dir=directory / "data", database_url=url, secure_cookies=False),
            backend=request.param,
        )
        yield built
        built.ws.close()


def _count(world: World, path: str) -> None:
    CASES[(world.backend, f"services.{path}")] += 1


def _text_of(value: Any) -> str:
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return repr(dataclasses.asdict(value))
    return repr(value)


@cases(2000)
@given(data=st.data())
def test_get_report_returns_only_readable_reports(world: World, data: st.DataObject) -> None:
    reader = data.draw(st.sampled_from(world.people)).actor
    report_id = data.draw(st.sampled_from((*world.report_ids, MISSING_REPORT)))
    _count(world, "get_report")
    if not world.may_read_report(reader, report_id):
        with pytest.raises(NotFound):
            reports.get_report(world.ws, reader, report_id)
        return
    view = reports.get_report(world.ws, reader, report_id)
    row = world.report_rows[report_id]
    assert (view.id, view.text, view.title) == (row.id, row.text, row.title)
    expected_entities = {
        s.canonical_id
        for s in world.statement_rows
        if s.origin == report_id and world.may_read_statement(reader, s)
    }
    assert set(view.entity_ids) == expected_entities
    assert all(world.may_see_entity_id(reader, e) for e in view.entity_ids), view.entity_ids
    shown = _text_of(view)
    assert not world.leaked_markers(reader, shown)
    assert not any(identity in shown for identity in world.identity_markers())


def _matches(row: Any, filters: reports.ReportFilters) -> bool:
    if filters.status and row.status not in {s.value for s in filters.status}:
        return False
    for name, column in (
        ("agency_id", "agency_id"),
        ("author_id", "author_id"),
        ("handling", "handling"),
        ("reliability", "reliability"),
        ("credibility", "credibility"),
    ):
        wanted = getattr(filters, name)
        if wanted and getattr(row, column) != wanted:
            return False
    if filters.text:
        needle = filters.text.lower()
        if not (
            needle in row.title.lower() or needle in row.text.lower() or row.id == filters.text
        ):
            return False
    return True


@st.composite
def report_filters(draw: st.DrawFn, world: World) -> reports.ReportFilters:
    rows = list(world.report_rows.values())
    some = draw(st.sampled_from(rows))
    return reports.ReportFilters(
        status=tuple(draw(st.sets(st.sampled_from(tuple(ReportStatus)), max_size=2))),
        agency_id=draw(st.none() | st.just(some.agency_id)),
        author_id=draw(st.none() | st.just(some.author_id)),
        handling=draw(st.none() | st.just(some.handling)),
        reliability=draw(st.none() | st.just(some.reliability)),
        credibility=draw(st.none() | st.just(some.credibility)),
        text=draw(
            st.none()
            | st.sampled_from(("zq", "SIGHTING", "pier", some.id))
            | st.sampled_from(MARKER.findall(f"{some.title} {some.text}"))
        ),
        limit=draw(st.sampled_from((1_000, 5, 1))),
        offset=draw(st.sampled_from((0, 0, 3))),
    )


@cases(1500)
@given(data=st.data())
def test_list_and_count_reports_match_the_oracle(world: World, data: st.DataObject) -> None:
    reader = data.draw(st.sampled_from(world.people)).actor
    filters = data.draw(report_filters(world))
    _count(world, "list_reports+count_reports")
    expected = sorted(
        (
            row
            for row in world.report_rows.values()
            if _matches(row, filters) and world.may_read_report(reader, row.id)
        ),
        key=lambda row: (row.reported_at, row.id),
        reverse=True,
    )
    found = reports.list_reports(world.ws, reader, filters)
    page = expected[filters.offset : filters.offset + filters.limit]
    assert [s.id for s in found] == [row.id for row in page]
    assert reports.count_reports(world.ws, reader, filters) == len(expected)
    assert not world.leaked_markers(reader, _text_of(found))


@cases(2000)
@given(data=st.data())
def test_get_entity_returns_exactly_the_visible_statements(
    world: World, data: st.DataObject
) -> None:
    reader = data.draw(st.sampled_from(world.people)).actor
    entity_id = data.draw(st.sampled_from((*world.entity_ids, MISSING_ENTITY)))
    purpose = data.draw(st.sampled_from(("read", "export")))
    _count(world, f"get_entity[{purpose}]")
    visible = world.visible_statement_ids(reader, entity_id)
    if not visible:
        with pytest.raises(NotFound):
            entities.get_entity(world.ws, reader, entity_id, purpose=purpose)
        return
    view = entities.get_entity(world.ws, reader, entity_id, purpose=purpose)
    assert {s.id for s in view.statements} == visible
    assert world.may_see_entity_id(reader, entity_id)
    assert len(view.statements) == len(visible)
    readable = world.readable_reports(reader)
    assert set(view.report_ids) <= readable
    assert not world.leaked_markers(reader, _text_of(view))


def _summary_matches(world: World, reader: Any, summary: entities.EntitySummary) -> None:
    visible = world.visible_statement_ids(reader, summary.id)
    assert summary.statement_count == len(visible)
    report_ids = {s.origin for s in world.entity_statements(summary.id) if s.id in visible} & set(
        world.report_rows
    )
    assert summary.report_count == len(report_ids)
    assert not world.leaked_markers(reader, summary.caption)
    assert world.may_see_entity_id(reader, summary.id), summary.id


@cases(900)
@given(data=st.data())
def test_search_entities_finds_only_visible_values(world: World, data: st.DataObject) -> None:
    reader = data.draw(st.sampled_from(world.people)).actor
    statement = data.draw(st.sampled_from(world.statement_rows))
    query = data.draw(
        st.sampled_from((statement.value, statement.value.upper(), statement.canonical_id, "zq"))
    )
    _count(world, "search_entities")
    expected = {
        row.canonical_id
        for row in world.statement_rows
        if (
            query.lower() in row.value.lower()
            or row.canonical_id == query
            or keys_admit(query, row.prop_type, row.value)  # across scripts and spellings
        )
        and world.may_read_statement(reader, row)
    }
    found = entities.search_entities(world.ws, reader, query, limit=1_000)
    assert {s.id for s in found} == expected
    for summary in found:
        _summary_matches(world, reader, summary)


@cases(300)
@given(data=st.data())
def test_search_pages_totals_and_facets_count_only_visible_entities(
    world: World, data: st.DataObject
) -> None:
    reader = data.draw(st.sampled_from(world.people)).actor
    statement = data.draw(st.sampled_from(world.statement_rows))
    query = data.draw(st.sampled_from((statement.value, statement.value[:4], "zqseed", "zq")))
    schema = data.draw(st.sampled_from((None, None, "Vessel", "Person")))
    offset = data.draw(st.sampled_from((0, 0, 3)))
    _count(world, "search")
    matching = [
        row
        for row in world.statement_rows
        if (
            query.lower() in row.value.lower()
            or row.canonical_id == query
            or keys_admit(query, row.prop_type, row.value)
        )
        and world.may_read_statement(reader, row)
    ]
    by_type: dict[str, set[str]] = {}
    for row in matching:
        by_type.setdefault(row.schema, set()).add(row.canonical_id)
    expected = sorted(
        {row.canonical_id for row in matching if schema is None or row.schema == schema}
    )
    found = search.search(world.ws, reader, query, schema=schema, limit=5, offset=offset)
    assert found.total == len(expected)
    assert [hit.id for hit in found.entities] == expected[offset : offset + 5]
    assert {f.value: f.count for f in found.types} == {k: len(v) for k, v in by_type.items()}
    assert found.total_exact and found.types_exact
    for summary in found.entities:
        _summary_matches(world, reader, summary)
    # counted to a bound, what is found and counted is still only what the reader may see
    bound, search.MAX_ENTITIES = search.MAX_ENTITIES, 2
    try:
        capped = search.search(world.ws, reader, query, schema=schema, limit=5)
    finally:
        search.MAX_ENTITIES = bound
    assert capped.total == min(len(expected), 2)
    assert capped.total_exact == (len(expected) <= 2)
    assert {hit.id for hit in capped.entities} <= set(expected)
    for facet in capped.types:
        assert facet.count <= len(by_type.get(facet.value, ()))


def _facet_values(row: Any) -> dict[str, str]:
    """A report's value of each search facet, from its raw row (the oracle's)."""
    reported = row.reported_at
    if reported.tzinfo is not None:
        reported = reported.astimezone(UTC)
    return {
        "type": row.category or "",
        "status": str(row.status),
        "agency": row.agency_id,
        "grading": f"{row.reliability}{row.credibility}",
        "handling": row.handling,
        "month": reported.strftime("%Y-%m"),
    }


@cases(300)
@given(data=st.data())
def test_report_search_results_and_facets_equal_filtering_the_scoped_view(
    world: World, data: st.DataObject
) -> None:
    reader = data.draw(st.sampled_from(world.people)).actor
    report = data.draw(st.sampled_from(list(world.report_rows.values())))
    query = data.draw(
        st.sampled_from(
            (
                report.title,
                report.title.upper(),
                report.title[:3],
                report.id,
                report.text.split(":")[1],  # a marker: one report's word
                "zq",
                "the PIER",
                "nothing zqt",
                "zzz",
            )
        )
    )
    facet = data.draw(st.sampled_from((None, *search.REPORT_FACETS)))
    filters = {facet: _facet_values(report)[facet]} if facet else {}
    offset = data.draw(st.sampled_from((0, 0, 3)))
    _count(world, "search_reports")
    terms = query_terms(query)
    expected = sorted(
        (
            row
            for rid, row in world.report_rows.items()
            if (admits(terms, text_words(row.title, row.text)) if terms else False)
            or rid == query.strip()
        ),
        key=lambda row: (-row.reported_at.timestamp(), row.id),
    )
    expected = [
        row
        for row in expected
        if world.may_read_report(reader, row.id)
        and all(_facet_values(row)[name] == value for name, value in filters.items())
    ]
    found = search.search_reports(world.ws, reader, query, limit=5, offset=offset, filters=filters)
    assert found.total_exact
    assert found.total == len(expected)
    assert [hit.id for hit in found.reports] == [row.id for row in expected[offset : offset + 5]]
    assert found.filters == filters
    for name in search.REPORT_FACETS:
        counted: dict[str, int] = {}
        for row in expected:
            value = _facet_values(row)[name]
            counted[value] = counted.get(value, 0) + 1
        assert {f.value: f.count for f in found.facets[name]} == counted, name
    for hit in found.reports:
        assert not world.leaked_markers(reader, hit.title)


@cases(400, at_least=200)
@given(data=st.data())
def test_list_entities_lists_only_visible_entities(world: World, data: st.DataObject) -> None:
    reader = data.draw(st.sampled_from(world.people)).actor
    schema = data.draw(st.sampled_from((None, "Vessel", "Person", "LegalEntity")))
    offset = data.draw(st.sampled_from((0, 0, 7)))
    _count(world, "list_entities")
    expected = sorted(
        {
            row.canonical_id
            for row in world.statement_rows
            if (schema is None or row.schema == schema) and world.may_read_statement(reader, row)
        }
    )
    found = entities.list_entities(world.ws, reader, schema=schema, limit=1_000, offset=offset)
    assert [s.id for s in found] == expected[offset:]
    for summary in found:
        _summary_matches(world, reader, summary)


@cases(300, at_least=100)
@given(data=st.data())
def test_sources_show_identities_to_source_handlers_only(world: World, data: st.DataObject) -> None:
    person = data.draw(st.sampled_from(world.people))
    reader = person.actor
    row = data.draw(st.sampled_from(world.source_rows))
    _count(world, "sources")
    if may_work_with_intelligence(reader):
        cited = {choice.id: choice for choice in sources.sources_to_cite(world.ws, reader)}
        assert cited[row.id].reference == row.reference
        assert not any(identity in repr(cited) for identity in world.identity_markers())
    else:
        with pytest.raises(PermissionDenied):
            sources.sources_to_cite(world.ws, reader)
    if not may_keep_source_register(reader):
        with pytest.raises(PermissionDenied):
            sources.list_sources(world.ws, reader)
        with pytest.raises(NotFound):
            sources.get_source(world.ws, reader, row.id)
        return
    one = sources.get_source(world.ws, reader, row.id)
    listed = {view.id: view for view in sources.list_sources(world.ws, reader)}
    assert one.protected_identity == row.protected_identity
    assert listed[row.id].protected_identity == row.protected_identity


def test_a_restricted_identifier_does_not_name_its_entity(workspace: Workspace) -> None:
    """Regression: an IMO number under its own tlp:RED gave the vessel the id
    ``vessel-imo-<number>``, shown on the report and entity to readers who may
    not see that number (fixed in services/fact_statements.py)."""
    author = make_user(workspace, "officer", IMMIGRATION, Role.OFFICER)
    reader = make_user(workspace, "analyst", SECURITY, Role.ANALYST)
    supervisor = make_user(workspace, "supervisor", MARITIME, Role.SUPERVISOR)
    report_id = reports.create_report(
        workspace,
        author,
        ReportDraft(
            title="Boarding",
            text="Boarded the boat.",
            reliability="B",
            credibility="2",
            handling="tlp:GREEN",
            facts=(
                FactDraft("boat", "Vessel", "name", "SEA STAR"),
                FactDraft("boat", "Vessel", "imoNumber", "IMO 9074729", handling="tlp:RED"),
            ),
        ),
        submit=True,
    )
    reports.evaluate_report(workspace, supervisor, report_id)
    (entity_id,) = reports.get_report(workspace, reader, report_id).entity_ids
    assert "9074729" not in entity_id
    assert entities.get_entity(workspace, reader, entity_id).values("imoNumber") == []
    assert entities.get_entity(workspace, author, entity_id).values("imoNumber") == ["IMO9074729"]


def test_the_writers_scope_in_sql_equals_the_rules(world: World) -> None:
    """``readable_entity_ids`` (rule 5 rendered as SQL) finds, for every person and
    the system, exactly the entities the rule functions let them read, with the
    earliest first seen of what they may read."""
    for actor in (*(person.actor for person in world.people), SYSTEM):
        expected: dict[str, datetime] = {}
        for row in world.statement_rows:
            if world.may_read_statement(actor, row):
                seen = row.first_seen
                expected[row.entity_id] = min(expected.get(row.entity_id, seen), seen)
        with world.ws.engine.connect() as connection:
            found = readable_entity_ids(connection, actor, true())
        assert found == expected, actor.username
        assert found or not may_work_with_intelligence(actor)


def test_the_world_mixes_what_each_reader_may_see(world: World) -> None:
    """Guards the properties against a vacuous world: every status and handling code
    occurs, and shared entities mix statements a reader may and may not see."""
    rows = list(world.report_rows.values())
    assert {row.status for row in rows} == {s.value for s in ReportStatus}
    assert len({row.handling for row in rows}) == 11
    assert any(world.releasable_to.get(row.id) for row in rows if row.handling == "uk-3x5x2:C")
    mixed = 0
    for person in world.people:
        for entity_id in world.entity_ids:
            visible = world.visible_statement_ids(person.actor, entity_id)
            if visible and len(visible) < len(world.entity_statements(entity_id)):
                mixed += 1
    assert mixed >= 50
    overrides = [s for s in world.statement_rows if s.handling and s.origin in world.report_rows]
    assert overrides, "some facts carry their own handling"
    assert any(s.origin not in world.report_rows for s in world.statement_rows)


def test_the_properties_plan_enough_cases() -> None:
    """This module's share of the 10,000+ cases; each property checks it ran its own."""
    assert PLANNED[__name__] >= MODULE_FLOOR, PLANNED
