"""xref reads through the reader's scoped view: checked against the need-to-know oracle (#12).

For every person of the seeded access world (officers, analysts,
supervisors, source handlers of several agencies, an administrator), the
pairs ``cross_reference_entities`` proposes must be exactly the pairs the
pure domain proposes from the statements the oracle
(:mod:`portintel.domain.access` applied to raw rows) says that reader may
read: no entity, no value and so no score from outside the reader's scope.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from portintel.adapters.name_data import name_variants
from portintel.domain.access import may_work_with_intelligence
from portintel.domain.xref import SCHEMA_FAMILY, build_profile, cross_reference
from portintel.errors import PermissionDenied
from portintel.services.collation.xref import COMPARED_PROPS, cross_reference_entities, policy_of
from portintel.settings import Settings
from tests.conftest import BACKENDS
from tests.services.access_world import World, build_world, world_database


@pytest.fixture(scope="module", params=BACKENDS)
def world(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[World]:
    directory: Path = tmp_path_factory.mktemp("xref-world")
    with world_database(request.param, directory) as url:
        built = build_world(
            Settings(data_dir=directory / "data", database_url=url, secure_cookies=False),
            backend=request.param,
        )
        yield built
        built.ws.close()


def expected_pairs(world: World, reader) -> set[tuple[str, str, str, float]]:  # type: ignore[no-untyped-def]
    by_entity: dict[str, tuple[set[str], list[tuple[str, str, bool]]]] = {}
    for row in world.statement_rows:
        if row.schema not in SCHEMA_FAMILY or row.prop not in COMPARED_PROPS:
            continue
        if not world.may_read_statement(reader, row):
            continue
        schemata, values = by_entity.setdefault(row.canonical_id, (set(), []))
        schemata.add(row.schema)
        values.append((row.prop, row.value, row.invalid_reason is None))
    profiles = [
        build_profile(
            entity_id,
            sorted(schemata, key=lambda name: (name == "LegalEntity", name))[0],
            values,
            name_variants(),
        )
        for entity_id, (schemata, values) in sorted(by_entity.items())
    ]
    policy = policy_of(world.settings, min_score=0.3)
    return {
        (pair.left, pair.right, pair.decision.value, pair.score)
        for pair in cross_reference(profiles, policy)
    }


def test_every_reader_gets_exactly_the_pairs_of_what_they_may_read(world: World) -> None:
    compared = 0
    for person in world.people:
        reader = person.actor
        if not may_work_with_intelligence(reader):
            with pytest.raises(PermissionDenied):
                cross_reference_entities(world.ws, reader)
            continue
        policy = policy_of(world.settings, min_score=0.3)
        run = cross_reference_entities(world.ws, reader, policy=policy)
        got = {(p.left, p.right, p.decision.value, p.score) for p in run.pairs}
        assert got == expected_pairs(world, reader), person.username
        compared += len(got)
    assert compared > 0  # the world has pairs to propose: the check is not vacuous
