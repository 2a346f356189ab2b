"""The demo resolved (issue #12): its truth kept beside the store, the automatic merges
applied when it is built, and collation measured against the truth on a fixed seed."""

from __future__ import annotations

from sqlalchemy import select

from portintel.adapters.database import tables
from portintel.domain.actors import SYSTEM, Actor
from portintel.domain.xref import Decision
from portintel.scenario import build_scenario
from portintel.services import admin
from portintel.services.collation import cross_reference_entities
from portintel.services.training.demo import build_demo
from portintel.services.training.demo_resolution import GOAL, evaluate_demo_resolution
from portintel.services.training.demo_truth import TRUTH_FILE, read_truth
from portintel.services.workspace import Workspace

SEED, REPORTS = 7, 80


def _analyst(ws: Workspace) -> Actor:
    with ws.engine.connect() as connection:
        user_id = connection.execute(
            select(tables.users.c.id).where(tables.users.c.username == "demo-analyst")
        ).scalar_one()
    return admin.get_actor(ws, user_id)


def test_the_demo_is_resolved_against_its_truth(workspace: Workspace) -> None:
    summary = build_demo(workspace, seed=SEED, reports=REPORTS)

    # the truth is a file beside the data, not statements a user could read
    truth = read_truth(workspace.settings.data_dir / TRUTH_FILE)
    assert (truth.seed, truth.reports, truth.conflicts) == (SEED, REPORTS, 0)
    with workspace.engine.connect() as connection:
        stored = dict(
            connection.execute(
                select(tables.statements.c.entity_id, tables.statements.c.schema)
                .where(tables.statements.c.schema.in_(("Person", "Vessel")))
                .distinct()
            ).all()
        )
    assert stored and set(stored) <= set(truth.cast_of)
    mentioned = {
        mention.cast_key
        for report in build_scenario(SEED, REPORTS).reports
        for mention in report.mentions
    }
    assert set(truth.of_schema("Person").values()) == mentioned

    # the automatic merges were applied at build: xref proposes none of them again
    assert summary.persons < summary.persons_written == len(truth.of_schema("Person"))
    assert cross_reference_entities(workspace, SYSTEM).count(Decision.MERGE) == 0

    report = evaluate_demo_resolution(workspace)
    persons = next(s for s in report.schemata if s.schema == "Person")
    vessels = next(s for s in report.schemata if s.schema == "Vessel")
    assert persons.entities == summary.persons_written and persons.after_merges == summary.persons
    assert persons.merges.precision == 1.0 and persons.merges.recall < GOAL
    assert persons.merges_and_review.precision >= GOAL
    assert persons.merges_and_review.recall >= GOAL
    assert vessels.merges_and_review.meets(GOAL)
    assert report.meets()
    assert persons.cast <= persons.after_review < persons.after_merges < persons.entities
    assert report.out_of_scope == 0


def test_an_analyst_is_measured_on_what_they_may_read(workspace: Workspace) -> None:
    build_demo(workspace, seed=SEED, reports=REPORTS)
    everything = evaluate_demo_resolution(workspace)
    analyst = evaluate_demo_resolution(workspace, _analyst(workspace))
    assert analyst.reader == "demo-analyst" and analyst.out_of_scope > 0
    read = sum(schema.entities for schema in analyst.schemata)
    assert read + analyst.out_of_scope == everything.truth_entities
