"""No merge lets a reader see a statement outside their scope; a split restores everything.

Random judgements over the seeded access world (:mod:`tests.services.access_world`:
reports of three agencies with every handling code, statements from no
report, restrictive feed values), then random readers read entities through
the services. The oracle is the world's: raw rows and
:mod:`portintel.domain.access`. A merged entity must show exactly the
statements the reader could read of its members one by one (never one more),
name only members the reader may read, and undoing every judgement must
leave the statements table as it was, row for row.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from portintel.adapters.database import tables
from portintel.domain.actors import SYSTEM
from portintel.domain.resolution import Verdict, in_force
from portintel.errors import Conflict, NotFound
from portintel.services.collation import entities
from portintel.services.collation.canonical import canonical_entity
from portintel.services.collation.judgements import judge, undo
from portintel.services.collation.resolver import load_judgements
from portintel.services.workspace import Workspace
from portintel.settings import Settings
from tests.conftest import BACKENDS
from tests.services.access_world import World, build_world, world_database


@pytest.fixture(scope="module", params=BACKENDS)
def world(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[World]:
    directory: Path = tmp_path_factory.mktemp("resolver-world")
    with world_database(request.param, directory) as url:
        built = build_world(
            Settings(data_dir=directory / "data", database_url=url, secure_cookies=False),
            backend=request.param,
        )
        yield built
        built.ws.close()


def _statements(ws: Workspace) -> list[tuple[Any, ...]]:
    with ws.engine.connect() as connection:
        query = select(tables.statements).order_by(tables.statements.c.id)
        return [tuple(row) for row in connection.execute(query)]


def _undo_everything(ws: Workspace) -> None:
    while True:
        with ws.engine.connect() as connection:
            current = in_force(load_judgements(connection))
        if not current:
            return
        for judgement in current:
            undo(ws, SYSTEM, judgement.left, judgement.right)


@settings(max_examples=40, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_no_merge_shows_a_statement_outside_the_reader_s_scope(
    world: World, data: st.DataObject
) -> None:
    ws = world.ws
    ids = list(world.entity_ids)
    before = _statements(ws)
    pairs = data.draw(
        st.lists(
            st.tuples(st.sampled_from(ids), st.sampled_from(ids), st.sampled_from(list(Verdict))),
            min_size=1,
            max_size=8,
        ).map(lambda drawn: [(a, b, v) for a, b, v in drawn if a != b])
    )
    for left, right, verdict in pairs:
        # Conflict: a different judgement blocks the transitive merge, nothing changed
        with contextlib.suppress(Conflict):
            judge(ws, SYSTEM, left, right, verdict)
    reader = data.draw(st.sampled_from(world.people)).actor
    wanted = {e for a, b, _ in pairs for e in (a, b)} | set(
        data.draw(st.lists(st.sampled_from(ids), max_size=3))
    )
    try:
        listed = entities.list_entities(ws, reader, limit=100_000)
        assert len({summary.id for summary in listed}) == len(listed)  # each entity once
        by_id = {summary.id: summary for summary in listed}
        for entity_id in sorted(wanted):
            members = canonical_entity(ws, SYSTEM, entity_id).member_ids
            readable = [m for m in members if world.visible_statement_ids(reader, m)]
            expected = {s for m in readable for s in world.visible_statement_ids(reader, m)}
            if entity_id not in readable:
                with pytest.raises(NotFound):
                    entities.get_entity(ws, reader, entity_id)
                with pytest.raises(NotFound):
                    entities.entity_page(ws, reader, entity_id)
                continue
            seen = entities.get_entity(ws, reader, entity_id)
            got = {statement.id for statement in seen.statements}
            outside = {
                row.id
                for row in world.statement_rows
                if row.id in got and not world.may_read_statement(reader, row)
            }
            assert not outside, f"{reader.username} sees {outside} through {entity_id}"
            assert got == expected
            assert seen.id == min(readable)  # the canonical id is a member they may read
            shown = canonical_entity(ws, reader, entity_id)
            assert shown.member_ids == tuple(sorted(readable))
            page = entities.entity_page(ws, reader, entity_id, per_property=1000)
            assert page.id == seen.id and page.statement_count == len(expected)
            assert {s.id for s in page.statements} <= expected
            assert by_id[seen.id].statement_count == len(expected)
            assert not set(readable[1:]) & set(by_id)  # merged members are not listed apart
    finally:
        _undo_everything(ws)
    assert _statements(ws) == before
    with ws.engine.connect() as connection:
        assert connection.execute(select(tables.entity_resolution)).first() is None
