"""Statements built once per scope shape never carry one reader's scope to another.

The entity reads (``entity_page``, ``entity_statements``, ``get_entity``, the
entity list and search summaries) build their statements once per backend and
*shape* of the reader's scope, and bind each reader's own ids at execution
(:func:`portintel.adapters.database.scope.parameterised`). Two analysts of
different agencies have the same shape and must each see, from a statement
built for the other, exactly what a statement built for them alone shows.
"""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import StatementError

from portintel.adapters.database.scope import (
    parameterised,
    statement_condition,
    statements_with_reports,
)
from portintel.domain.access import reader_scope
from portintel.domain.actors import Actor, Role
from portintel.domain.reports import FactDraft, ReportDraft
from portintel.services.collation import (
    entity_page,
    entity_statements,
    get_entity,
    list_entities,
    search_entities,
)
from portintel.services.collation.entities import built_statement_reuses, forget_built_statements
from portintel.services.intake.reports import create_report, evaluate_report, get_report
from portintel.services.workspace import Workspace
from tests.services.staff import IMMIGRATION, MARITIME, make_user

IMO = "IMO 9074729"


def _file(ws: Workspace, author: Actor, supervisor: Actor, name: str, handling: str) -> str:
    draft = ReportDraft(
        title=f"sighting of {name}",
        text="Observation at the pier.",
        reliability="B",
        credibility="2",
        handling=handling,
        facts=(
            FactDraft("boat", "Vessel", "imoNumber", IMO),
            FactDraft("boat", "Vessel", "name", name),
        ),
        occurred_at=datetime(2026, 2, 1, tzinfo=UTC),
    )
    report_id = create_report(ws, author, draft, submit=True)
    evaluate_report(ws, supervisor, report_id)
    return report_id


def _everything(ws: Workspace, actor: Actor, vessel_id: str) -> tuple[object, ...]:
    """What every entity read shows ``actor`` of the vessel."""
    page = entity_page(ws, actor, vessel_id)
    names = entity_statements(ws, actor, vessel_id, "name")
    full = get_entity(ws, actor, vessel_id)
    listed = list_entities(ws, actor, schema="Vessel")
    found = search_entities(ws, actor, "SEA")
    return (
        page.statement_count,
        page.report_ids,
        tuple(page.values("name")),
        tuple(s.id for s in page.statements),
        names.total,
        tuple(s.value for s in names.statements),
        tuple(s.id for s in full.statements),
        tuple((s.id, s.statement_count, s.report_count) for s in listed),
        tuple((s.id, s.statement_count, s.report_count) for s in found),
    )


def test_a_statement_built_for_one_reader_shows_another_only_their_own_scope(
    workspace: Workspace,
) -> None:
    officer = make_user(workspace, "officer", IMMIGRATION, Role.OFFICER)
    supervisor = make_user(workspace, "sup", MARITIME, Role.SUPERVISOR)
    ours = make_user(workspace, "analyst-imm", IMMIGRATION, Role.ANALYST)
    theirs = make_user(workspace, "analyst-mar", MARITIME, Role.ANALYST)
    open_report = _file(workspace, officer, supervisor, "SEA DRAGON", "tlp:GREEN")
    _file(workspace, officer, supervisor, "SEA SECRET", "tlp:AMBER+STRICT")
    (vessel_id,) = get_report(workspace, supervisor, open_report).entity_ids
    # the same shape: one built statement serves both, with different values
    our_shape, our_values = parameterised(reader_scope(ours).statements)
    their_shape, their_values = parameterised(reader_scope(theirs).statements)
    assert our_shape == their_shape
    assert our_values != their_values

    fresh: dict[str, tuple[object, ...]] = {}
    for actor in (ours, theirs):
        forget_built_statements()  # built for this reader alone
        fresh[actor.user_id] = _everything(workspace, actor, vessel_id)
    # the restricted report is our agency's: what we see differs, so a leak would show
    assert "SEA SECRET" in fresh[ours.user_id][2]
    assert "SEA SECRET" not in fresh[theirs.user_id][2]
    assert fresh[ours.user_id][0] > fresh[theirs.user_id][0]

    forget_built_statements()
    for actor in (ours, theirs, ours, theirs):  # each reuses what the other built
        assert _everything(workspace, actor, vessel_id) == fresh[actor.user_id], actor.username
    assert built_statement_reuses() > 0


def test_a_statement_built_from_a_shape_runs_only_with_a_readers_values(
    workspace: Workspace,
) -> None:
    officer = make_user(workspace, "officer", IMMIGRATION, Role.OFFICER)
    supervisor = make_user(workspace, "sup", MARITIME, Role.SUPERVISOR)
    analyst = make_user(workspace, "analyst-mar", MARITIME, Role.ANALYST)
    _file(workspace, officer, supervisor, "SEA DRAGON", "tlp:GREEN")
    _file(workspace, officer, supervisor, "SEA SECRET", "tlp:AMBER+STRICT")
    for actor in (officer, supervisor, analyst):
        predicate = reader_scope(actor).statements
        shape, values = parameterised(predicate)

        def count(condition: object) -> object:
            return (
                select(func.count()).select_from(statements_with_reports()).where(condition)  # type: ignore[arg-type]
            )

        with workspace.engine.connect() as connection:
            expected = connection.execute(count(statement_condition(predicate))).scalar_one()
            bound = count(statement_condition(shape))
            assert connection.execute(bound, values).scalar_one() == expected
            if values:  # never run with no reader's values: a missing one is an error
                with pytest.raises(StatementError, match="scope_0"):
                    connection.execute(bound)
