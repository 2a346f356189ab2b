"""No statistic or product holds anything outside its reader's (author's) scope: the oracle.

Every report of the seeded access world (agencies, statuses, restrictive
handling, releasability) records one incident whose route names the report;
for every person, the statistics by route must hold exactly the routes of
the reports the need-to-know oracle lets them read, with those incidents'
migrants, and nothing of any other report. A product written by each
analyst and supervisor, embedding a link chart, a map and statistics, may
cite only reports its author may read and hold no marker of anything else;
so may one embedding timelines of entities, and saved charts (and their
timelines) saved by the writer who reads the most and shared with the unit:
each is expanded again in the embedding author's scope.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import insert

from portintel.adapters.database import tables
from portintel.domain.actors import Role
from portintel.domain.analysis import NodeKind
from portintel.domain.analysis.products import ItemKind, ItemSpec
from portintel.domain.analysis.statistics import Dimension, Period
from portintel.errors import InvalidInput, NotFound
from portintel.services import analysis
from portintel.services.analysis import StatisticsQuery, smuggling_statistics
from portintel.services.events import transaction
from portintel.settings import Settings
from tests.conftest import BACKENDS
from tests.services.access_world import Person, World, build_world, world_database

START = datetime(2026, 1, 1, tzinfo=UTC)


def route_of(report_id: str) -> str:
    return f"route of {report_id}"


def migrants_of(number: int) -> int:
    return 10 + number


@pytest.fixture(scope="module", params=BACKENDS)
def world(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[World]:
    directory: Path = tmp_path_factory.mktemp("statistics-world")
    with world_database(request.param, directory) as url:
        built = build_world(
            Settings(data_dir=directory / "data", database_url=url, secure_cookies=False),
            backend=request.param,
        )
        with transaction(built.ws) as connection:
            connection.execute(
                insert(tables.incidents),
                [
                    {
                        "id": f"incident-{number}",
                        "report_id": report_id,
                        "occurred_at": START + timedelta(days=9 * number),
                        "kind": "intercepted",
                        "migrants": migrants_of(number),
                        "minors": 1,
                        "deaths": 0,
                        "missing": 0,
                        "nationalities": {"MM": migrants_of(number)},
                        "route": route_of(report_id),
                        "latitude": 9.0 + number / 100,
                        "longitude": 98.0 + number / 100,
                        "created_at": START,
                    }
                    for number, report_id in enumerate(built.report_ids)
                ],
            )
        yield built
        built.ws.close()


@pytest.mark.parametrize("period", [Period.MONTH, Period.YEAR])
def test_every_table_counts_only_what_its_reader_may_read(world: World, period: Period) -> None:
    migrants = {report_id: migrants_of(n) for n, report_id in enumerate(world.report_ids)}
    readers_with_some = 0
    for person in world.people:
        reader = person.actor
        readable = {r for r in world.report_ids if world.may_read_report(reader, r)}
        table = smuggling_statistics(world.ws, reader, StatisticsQuery(period, Dimension.ROUTE))
        assert {row.group for row in table.rows} == {route_of(r) for r in readable}, person
        assert table.incidents_counted == len(readable)
        assert table.total.migrants == sum(migrants[r] for r in readable)
        assert not world.leaked_markers(reader, repr(table)), person.username
        readers_with_some += bool(readable) and len(readable) < len(world.report_ids)
    assert readers_with_some >= 3  # the property is not vacuous: scopes differ


REPORT_ID = re.compile(r"R-\d{8}-[0-9a-f]{8}")


def test_no_product_holds_what_its_author_may_not_read(world: World) -> None:
    writers = [
        p for p in world.people
        if p.active and p.actor.roles & {Role.ANALYST, Role.SUPERVISOR}
    ]  # fmt: skip
    entities = world.entity_ids[:: max(1, len(world.entity_ids) // 4)][:4]
    charts_drawn = 0
    for person in writers:
        author = person.actor
        product = analysis.create_product(
            world.ws, author, "network_profile", f"Profile by {person.username}", "tlp:GREEN"
        )
        for entity in entities:
            spec = ItemSpec(ItemKind.CHART, "", entity, 2)
            if world.visible_statement_ids(author, entity):
                analysis.add_item(world.ws, author, product, spec)
            else:  # an entity the author may not read is refused, as one that does not exist
                with pytest.raises(NotFound):
                    analysis.add_item(world.ws, author, product, spec)
        analysis.add_item(world.ws, author, product, ItemSpec(ItemKind.MAP, "All"))
        analysis.add_item(world.ws, author, product, ItemSpec(ItemKind.STATISTICS, "By route"))
        view = analysis.get_product(world.ws, author, product)
        cited = set(REPORT_ID.findall(view.body))
        assert all(world.may_read_report(author, r) for r in cited), person.username
        readable = {r for r in world.report_ids if world.may_read_report(author, r)}
        routes = {r for r in world.report_ids if route_of(r) in view.body}
        assert routes == readable, person.username  # the statistics table, in scope
        assert not world.leaked_markers(author, view.body), person.username
        charts_drawn += view.body.count("<line ")
    assert charts_drawn > 0 and len(writers) >= 2  # not vacuous


def _save_for_unit(world: World, owner: Person, root: str) -> str:
    """A chart of ``root`` saved by ``owner``, shared with the unit, at its handling floor."""
    actor = owner.actor
    options = analysis.ChartOptions(hops=2)
    floor = analysis.handling_floor(
        world.ws, actor, analysis.neighbourhood(world.ws, actor, root, options)
    )
    draft = analysis.ChartDraft(
        name=f"Network of {root}", root=root, options=options, handling=floor or "tlp:GREEN",
        shared_with_unit=True,
    )  # fmt: skip
    try:
        return analysis.save_chart(world.ws, actor, draft).id
    except InvalidInput:  # 3x5x2 C: its conditions are written down
        conditioned = replace(draft, handling_conditions="Within the unit only")
        return analysis.save_chart(world.ws, actor, conditioned).id


def test_no_timeline_or_saved_chart_in_a_product_holds_what_its_author_may_not_read(
    world: World,
) -> None:
    writers = [
        p for p in world.people
        if p.active and p.actor.roles & {Role.ANALYST, Role.SUPERVISOR}
    ]  # fmt: skip
    owner = max(writers, key=lambda p: len(world.readable_reports(p.actor)))

    def sees(person: Person, entity: str) -> bool:
        return bool(world.visible_statement_ids(person.actor, entity))

    # roots where the scopes differ: one that many writers may not see at all, and one
    # whose chart (as the owner sees it) has entities that writers who see the root do not
    options = analysis.ChartOptions(hops=2)
    seen = [e for e in world.entity_ids if sees(owner, e)]
    unseen_by = {e: sum(not sees(p, e) for p in writers) for e in seen}
    partly: dict[str, int] = {}
    for entity in seen:
        chart = analysis.neighbourhood(world.ws, owner.actor, entity, options)
        nodes = [n.id for n in chart.nodes if n.kind is NodeKind.ENTITY]
        partly[entity] = sum(
            sees(p, entity) and not all(sees(p, n) for n in nodes) for p in writers
        )
    roots = [max(partly, key=lambda e: (partly[e], e))]
    roots.append(max((e for e in seen if e not in roots), key=lambda e: (unseen_by[e], e)))
    assert partly[roots[0]] > 0  # not vacuous: some writers see part of the owner's chart
    charts = {root: _save_for_unit(world, owner, root) for root in roots}
    entities = world.entity_ids[:: max(1, len(world.entity_ids) // 3)][:3]
    drawn = refused = lanes = 0
    for person in writers:
        author = person.actor
        product = analysis.create_product(
            world.ws, author, "target_profile", f"Timelines by {person.username}", "tlp:GREEN"
        )
        specs = [ItemSpec(ItemKind.TIMELINE, "", entity) for entity in entities]
        specs += [ItemSpec(kind, "", chart_id=chart_id) for chart_id in charts.values()
                  for kind in (ItemKind.SAVED_CHART, ItemKind.TIMELINE)]  # fmt: skip
        for spec in specs:
            root = spec.entity_id or next(r for r, c in charts.items() if c == spec.chart_id)
            if sees(person, root):
                analysis.add_item(world.ws, author, product, spec)
                drawn += 1
            else:  # what the author may not read is refused, as what does not exist
                with pytest.raises(NotFound):
                    analysis.add_item(world.ws, author, product, spec)
                refused += 1
        view = analysis.get_product(world.ws, author, product)
        cited = set(REPORT_ID.findall(view.body))
        assert all(world.may_read_report(author, r) for r in cited), person.username
        assert not world.leaked_markers(author, view.body), person.username
        assert "item-not-drawn" not in view.body
        lanes += view.body.count("<td>1</td>")
    assert drawn > 0 and refused > 0 and lanes > 0  # not vacuous: scopes differ
