"""No statistic or product holds anything outside its reader's (author's) scope: the oracle.

Every report of the seeded access world (agencies, statuses, restrictive
handling, releasability) records one incident whose route names the report;
for every person, the statistics by route must hold exactly the routes of
the reports the need-to-know oracle lets them read, with those incidents'
migrants, and nothing of any other report. A product written by each
analyst and supervisor, embedding a link chart, a map and statistics, may
cite only reports its author may read and hold no marker of anything else.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import insert

from portintel.adapters.database import tables
from portintel.domain.actors import Role
from portintel.domain.analysis.products import ItemKind, ItemSpec
from portintel.domain.analysis.statistics import Dimension, Period
from portintel.errors import NotFound
from portintel.services import analysis
from portintel.services.analysis import StatisticsQuery, smuggling_statistics
from portintel.services.events import transaction
from portintel.settings import Settings
from tests.conftest import BACKENDS
from tests.services.access_world import World, build_world, world_database

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
