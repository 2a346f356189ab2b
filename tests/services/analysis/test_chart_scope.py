"""No link chart holds what its reader may not see: checked against the need-to-know oracle.

For every person of the seeded access world and a spread of its entities, a
two-hop chart with every kind of link (phones and identifiers shared across
reports of several agencies and handling codes, reports mentioning the same
people) may only contain statements, reports and entities the oracle
(:mod:`portintel.domain.access` applied to raw rows) says that reader may
read, and no marker of anything else.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from portintel.domain.analysis import EdgeKind, NodeKind
from portintel.errors import NotFound
from portintel.services.analysis import ChartOptions, neighbourhood
from portintel.settings import Settings
from tests.conftest import BACKENDS
from tests.services.access_world import World, build_world, world_database

EVERY_KIND = ChartOptions(hops=2, kinds=frozenset(EdgeKind), max_nodes=2_000)


@pytest.fixture(scope="module", params=BACKENDS)
def world(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[World]:
    directory: Path = tmp_path_factory.mktemp("chart-world")
    with world_database(request.param, directory) as url:
        built = build_world(
            Settings(data_dir=directory / "data", database_url=url, secure_cookies=False),
            backend=request.param,
        )
        yield built
        built.ws.close()


def test_every_chart_holds_only_what_its_reader_may_read(world: World) -> None:
    statements = {row.id: row for row in world.statement_rows}
    entities = world.entity_ids[:: max(1, len(world.entity_ids) // 12)]
    charts = edges_checked = 0
    for person in world.people:
        reader = person.actor
        for entity in entities:
            visible = world.visible_statement_ids(reader, entity)
            if not visible:
                with pytest.raises(NotFound):
                    neighbourhood(world.ws, reader, entity, EVERY_KIND)
                continue
            chart = neighbourhood(world.ws, reader, entity, EVERY_KIND)
            charts += 1
            for node in chart.nodes:
                if node.kind is NodeKind.ENTITY:
                    assert world.visible_statement_ids(reader, node.id), (person.username, node)
                else:
                    assert any(
                        row.value == node.label and world.may_read_statement(reader, row)
                        for row in world.statement_rows
                    ), (person.username, node)
            for edge in chart.edges:
                edges_checked += 1
                for statement_id in edge.statements:
                    assert world.may_read_statement(reader, statements[statement_id]), (
                        person.username,
                        edge,
                    )
                for report_id in edge.reports:
                    assert world.may_read_report(reader, report_id), (person.username, edge)
            assert not world.leaked_markers(reader, repr(chart)), person.username
    assert charts > 10 and edges_checked > 10  # the property is not vacuous
