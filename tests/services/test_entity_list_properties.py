"""The entity list, with merges, against an oracle: exact pages, totals and type counts.

Random *same* judgements over the seeded access world
(:mod:`tests.services.access_world`), then a random reader lists entities
through the services. The oracle is the world's raw rows and
:mod:`portintel.domain.access`: the judgements' connected components give the
clusters; a cluster is listed once, under its smallest member the reader may
read, when the reader may read one of its statements (of the type, with a
valid value of the property, if asked). Pages must be exactly the size asked
(merged entities once made them shorter), walk the whole list without gap or
repeat, and the total and counts by type must count only what the reader may
see. Every judgement is undone after each example.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from portintel.domain.actors import SYSTEM, Actor
from portintel.domain.resolution import Verdict, in_force
from portintel.errors import Conflict
from portintel.services.collation import browse_entities, list_entities, list_plans
from portintel.services.collation.judgements import judge, undo
from portintel.services.collation.resolver import load_judgements
from portintel.settings import Settings
from tests.conftest import BACKENDS
from tests.services.access_world import World, build_world, world_database


@pytest.fixture(scope="module", params=BACKENDS)
def world(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[World]:
    directory: Path = tmp_path_factory.mktemp("entity-list-world")
    with world_database(request.param, directory) as url:
        built = build_world(
            Settings(data_dir=directory / "data", database_url=url, secure_cookies=False),
            backend=request.param,
        )
        yield built
        built.ws.close()


def _clusters(ids: list[str], pairs: list[tuple[str, str]]) -> dict[str, frozenset[str]]:
    parent = {entity: entity for entity in ids}

    def root(entity: str) -> str:
        while parent[entity] != entity:
            entity = parent[entity]
        return entity

    for left, right in pairs:
        a, b = root(left), root(right)
        if a != b:
            parent[max(a, b)] = min(a, b)
    groups: dict[str, set[str]] = {}
    for entity in ids:
        groups.setdefault(root(entity), set()).add(entity)
    return {entity: frozenset(groups[root(entity)]) for entity in ids}


def _expected(
    world: World,
    reader: Actor,
    clusters: dict[str, frozenset[str]],
    schema: str | None,
    prop: str | None,
) -> dict[str, dict[str, Any]]:
    """Shown id -> what the oracle says of each listed canonical entity."""
    readable: dict[frozenset[str], list[Any]] = {}
    for row in world.statement_rows:
        if world.may_read_statement(reader, row):
            readable.setdefault(clusters[row.canonical_id], []).append(row)
    listed = {}
    for cluster, rows in readable.items():
        if schema is not None and not any(row.schema == schema for row in rows):
            continue
        if prop is not None and not any(
            row.prop == prop and row.invalid_reason is None for row in rows
        ):
            continue
        shown = min(row.canonical_id for row in rows)
        listed[shown] = {
            "statements": len(rows),
            "reports": len({row.origin for row in rows if row.origin in world.report_rows}),
            "schemata": {row.schema for row in rows},
        }
    return listed


def _undo_everything(world: World) -> None:
    while True:
        with world.ws.engine.connect() as connection:
            current = in_force(load_judgements(connection))
        if not current:
            return
        for judgement in current:
            undo(world.ws, SYSTEM, judgement.left, judgement.right)


@settings(max_examples=30, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_pages_are_exact_and_count_each_merged_entity_once(
    world: World, data: st.DataObject
) -> None:
    narrow_reports, max_counted = list_plans.NARROW_REPORTS, list_plans.MAX_COUNTED
    ids = list(world.entity_ids)
    by_schema: dict[str, list[str]] = {}
    for row in world.statement_rows:
        if row.canonical_id not in by_schema.setdefault(row.schema, []):
            by_schema[row.schema].append(row.canonical_id)
    family = data.draw(st.sampled_from(sorted(k for k, v in by_schema.items() if len(v) > 1)))
    pool = by_schema[family]
    pairs = data.draw(
        st.lists(st.tuples(st.sampled_from(pool), st.sampled_from(pool)), min_size=1, max_size=6)
    )
    pairs = [(a, b) for a, b in pairs if a != b]
    made = []
    try:
        for left, right in pairs:
            with contextlib.suppress(Conflict):
                judge(world.ws, SYSTEM, left, right, Verdict.SAME)
                made.append((left, right))
        clusters = _clusters(ids, made)
        reader = data.draw(st.sampled_from(world.people)).actor
        schema = data.draw(st.sampled_from((None, None, family, "Vessel", "Person")))
        prop = data.draw(st.sampled_from((None, None, "name", "phone")))
        size = data.draw(st.sampled_from((1, 3, 7)))
        sort = data.draw(st.sampled_from(("name", "reports", "statements", "latest")))
        # a wide reader's plan (the walk over the bounds, counts capped) for any reader
        wide = data.draw(st.booleans())
        cap = data.draw(st.sampled_from((2, 5, 1_000))) if wide else list_plans.MAX_COUNTED
        list_plans.NARROW_REPORTS = -1 if wide else narrow_reports
        list_plans.MAX_COUNTED = cap
        capped = wide and prop is None and sort != "name"
        expected = _expected(world, reader, clusters, schema, prop)

        # the list by id (the API's default): exact pages, each canonical entity once
        if prop is None:
            walked: list[str] = []
            for offset in range(0, len(expected) + size, size):
                page = list_entities(world.ws, reader, schema=schema, limit=size, offset=offset)
                assert len(page) == min(size, max(len(expected) - offset, 0))
                walked.extend(summary.id for summary in page)
                for summary in page:
                    assert summary.statement_count == expected[summary.id]["statements"]
            assert walked == sorted(expected)

        # the page's list: sorted, filtered, with the total and the counts by type
        walked = []
        offset = 0
        while True:
            page = browse_entities(
                world.ws, reader, schema=schema, prop=prop, sort=sort, limit=size, offset=offset
            )
            if capped:
                assert page.total == min(len(expected), cap)
                assert page.total_exact == (len(expected) <= cap)
            else:
                assert (page.total, page.total_exact) == (len(expected), True)
            assert len(page.entities) == min(size, max(len(expected) - offset, 0))
            for item in page.entities:
                oracle = expected[item.id]
                assert (item.statement_count, item.report_count) == (
                    oracle["statements"],
                    oracle["reports"],
                )
                assert item.members == len(
                    clusters[item.id] & _readable_members(world, reader, clusters[item.id])
                )
                assert not world.leaked_markers(reader, item.caption)
            walked.extend(item.id for item in page.entities)
            if page.next_offset is None:
                break
            offset = page.next_offset
        assert sorted(walked) == sorted(expected) and len(walked) == len(set(walked))
        if sort in ("reports", "statements"):
            keys = [(-expected[i][sort], i) for i in walked]
            assert keys == sorted(keys)
        counts = {t.schema: (t.count, t.exact) for t in page.types}
        every = _expected(world, reader, clusters, None, prop)
        by_type = {
            name: sum(1 for e in every.values() if name in e["schemata"])
            for name in {n for e in every.values() for n in e["schemata"]}
        }
        if capped:
            assert counts == {name: (min(n, cap), n <= cap) for name, n in by_type.items()}
        else:
            assert counts == {name: (n, True) for name, n in by_type.items()}
    finally:
        list_plans.NARROW_REPORTS, list_plans.MAX_COUNTED = narrow_reports, max_counted
        _undo_everything(world)


def _readable_members(world: World, reader: Actor, cluster: frozenset[str]) -> set[str]:
    return {
        row.canonical_id
        for row in world.statement_rows
        if row.canonical_id in cluster and world.may_read_statement(reader, row)
    }
