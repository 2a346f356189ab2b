"""The resolver through the services: judgements merge and split, statements never move."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from sqlalchemy import select

from portintel.adapters.database import tables
from portintel.domain.actors import SYSTEM, Actor, Role
from portintel.domain.resolution import Verdict
from portintel.domain.statements import StatementRecord
from portintel.errors import Conflict, NotFound, PermissionDenied
from portintel.services.collation.canonical import canonical_entity
from portintel.services.collation.judgements import entity_judgements, judge, undo
from portintel.services.collation.xref_queue import refresh_candidates, review_queue
from portintel.services.events import transaction
from portintel.services.intake import write_statements
from portintel.services.workspace import Workspace
from tests.services.staff import IMMIGRATION, MARITIME, make_user

SEEN = datetime(2026, 2, 1, tzinfo=UTC)


def _write(ws: Workspace, *facts: tuple[str, str, str, str], handling: str | None = None) -> None:
    records = [
        StatementRecord(
            entity_id=entity,
            schema=schema,
            prop=prop,
            prop_type="identifier" if prop in ("imoNumber", "passportNumber") else "name",
            value=value,
            dataset="registry",
            origin="registry:test",
            first_seen=SEEN,
            last_seen=SEEN,
            handling=handling,
        )
        for entity, schema, prop, value in facts
    ]
    with transaction(ws) as connection:
        write_statements(connection, records)


def _statements(ws: Workspace) -> list[tuple[Any, ...]]:
    with ws.engine.connect() as connection:
        return [
            tuple(row)
            for row in connection.execute(
                select(tables.statements).order_by(tables.statements.c.id)
            )
        ]


def _audit_actions(ws: Workspace) -> list[str]:
    with ws.engine.connect() as connection:
        return list(
            connection.execute(
                select(tables.audit_log.c.action).order_by(tables.audit_log.c.seq)
            ).scalars()
        )


@pytest.fixture
def analyst(workspace: Workspace) -> Actor:
    return make_user(workspace, "analyst", IMMIGRATION, Role.ANALYST)


def _three_persons(ws: Workspace) -> None:
    _write(
        ws,
        ("ent-a", "Person", "name", "Sok Chanthy"),
        ("ent-b", "Person", "name", "SOKH CHANTHY"),
        ("ent-c", "Person", "name", "សុខ ចាន់ធី"),
    )


def test_a_merge_and_its_split_leave_every_statement_as_before(
    workspace: Workspace, analyst: Actor
) -> None:
    _three_persons(workspace)
    before = _statements(workspace)
    merged = judge(workspace, analyst, "ent-b", "ent-a", Verdict.SAME, reason="same face")
    assert merged.change == "merge"
    assert merged.left.member_ids == ("ent-a", "ent-b") and merged.left.canonical_id == "ent-a"
    judge(workspace, analyst, "ent-c", "ent-b", Verdict.SAME)
    assert canonical_entity(workspace, analyst, "ent-c").member_ids == ("ent-a", "ent-b", "ent-c")
    assert _statements(workspace) == before
    split = judge(workspace, analyst, "ent-a", "ent-c", Verdict.DIFFERENT)
    assert split.change == "split"
    assert canonical_entity(workspace, analyst, "ent-c").member_ids == ("ent-c",)
    assert canonical_entity(workspace, analyst, "ent-b").member_ids == ("ent-a", "ent-b")
    # undoing a=b leaves b=c unblocked: a≠c no longer separates b's cluster from c
    undone = undo(workspace, analyst, "ent-a", "ent-b")
    assert undone.change == "split"
    assert canonical_entity(workspace, analyst, "ent-c").member_ids == ("ent-b", "ent-c")
    history = entity_judgements(workspace, analyst, "ent-b")
    assert [(v.judgement.verdict, v.in_force, v.blocked) for v in history] == [
        (Verdict.SAME, False, False),
        (Verdict.SAME, True, False),
        (Verdict.DIFFERENT, True, False),
    ]
    assert history[0].judgement.judged_by == analyst.user_id
    assert history[0].judgement.reason == "same face"
    assert history[0].judgement.retracted_by == analyst.user_id
    undo(workspace, analyst, "ent-b", "ent-c")
    for entity in ("ent-a", "ent-b", "ent-c"):
        assert canonical_entity(workspace, analyst, entity).member_ids == (entity,)
    assert _statements(workspace) == before
    actions = _audit_actions(workspace)
    assert actions.count("entity.merge") == 2 and actions.count("entity.split") == 3


def test_a_different_judgement_blocks_a_transitive_same(
    workspace: Workspace, analyst: Actor
) -> None:
    _three_persons(workspace)
    judge(workspace, analyst, "ent-a", "ent-c", Verdict.DIFFERENT)
    judge(workspace, analyst, "ent-a", "ent-b", Verdict.SAME)
    with pytest.raises(Conflict):
        judge(workspace, analyst, "ent-b", "ent-c", Verdict.SAME)
    assert canonical_entity(workspace, analyst, "ent-c").member_ids == ("ent-c",)
    # the pair itself may be judged again: the latest judgement of a pair is in force
    judge(workspace, analyst, "ent-a", "ent-c", Verdict.SAME)
    assert canonical_entity(workspace, analyst, "ent-c").member_ids == ("ent-a", "ent-b", "ent-c")


def test_entities_outside_the_scope_cannot_be_judged_or_seen_in_a_cluster(
    workspace: Workspace, analyst: Actor
) -> None:
    _three_persons(workspace)
    _write(workspace, ("ent-hidden", "Person", "name", "Sok Chanthy"), handling="tlp:RED")
    with pytest.raises(NotFound):
        judge(workspace, analyst, "ent-a", "ent-hidden", Verdict.SAME)
    judge(workspace, SYSTEM, "ent-a", "ent-hidden", Verdict.SAME)
    assert canonical_entity(workspace, SYSTEM, "ent-a").member_ids == ("ent-a", "ent-hidden")
    assert canonical_entity(workspace, analyst, "ent-a").member_ids == ("ent-a",)
    with pytest.raises(NotFound):
        canonical_entity(workspace, analyst, "ent-hidden")
    assert entity_judgements(workspace, analyst, "ent-a") == []


def test_only_intelligence_roles_judge(workspace: Workspace) -> None:
    _three_persons(workspace)
    admin = make_user(workspace, "admin", MARITIME, Role.ADMINISTRATOR)
    with pytest.raises(PermissionDenied):
        judge(workspace, admin, "ent-a", "ent-b", Verdict.SAME)


def test_rule_merges_become_system_judgements_and_a_split_is_not_merged_again(
    workspace: Workspace, analyst: Actor
) -> None:
    _write(
        workspace,
        ("ent-v1", "Vessel", "imoNumber", "IMO9074729"),
        ("ent-v1", "Vessel", "name", "SEA DRAGON"),
        ("ent-v2", "Vessel", "imoNumber", "IMO9074729"),
        ("ent-v2", "Vessel", "name", "SEA DRAGON 7"),
        ("ent-p1", "Person", "name", "Wahyudi Saputra"),
        ("ent-p2", "Person", "name", "Wahyudi Saputra"),
    )
    refresh_candidates(workspace)
    assert canonical_entity(workspace, analyst, "ent-v2").member_ids == ("ent-v1", "ent-v2")
    # names alone never merge
    assert canonical_entity(workspace, analyst, "ent-p2").member_ids == ("ent-p2",)
    (view,) = entity_judgements(workspace, analyst, "ent-v1")
    assert view.judgement.judged_by == "system" and view.judgement.rule == "vessel-imo@1"
    assert view.judgement.reason and "9074729" in view.judgement.reason
    undo(workspace, analyst, "ent-v1", "ent-v2")
    refresh_candidates(workspace)
    assert canonical_entity(workspace, analyst, "ent-v2").member_ids == ("ent-v2",)


def test_the_review_queue_leaves_judged_pairs_out(workspace: Workspace, analyst: Actor) -> None:
    _three_persons(workspace)
    _write(workspace, ("ent-d", "Person", "name", "Sok Chanthy"))
    refresh_candidates(workspace)
    queued = {(p.left, p.right) for p in review_queue(workspace, analyst)}
    assert ("ent-a", "ent-d") in queued and ("ent-a", "ent-b") in queued
    judge(workspace, analyst, "ent-a", "ent-d", Verdict.UNSURE)
    judge(workspace, analyst, "ent-a", "ent-b", Verdict.SAME)
    queued = {(p.left, p.right) for p in review_queue(workspace, analyst)}
    assert ("ent-a", "ent-d") not in queued and ("ent-a", "ent-b") not in queued
    assert ("ent-b", "ent-d") in queued  # not judged: the analyst still decides it
