"""The demo loader: the scenario goes in through the ordinary services, on both
backends, once (building again duplicates nothing)."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from portintel.adapters.database import tables
from portintel.domain.actors import SYSTEM, Role
from portintel.errors import Conflict, InvalidInput, NotFound
from portintel.scenario import build_scenario
from portintel.services import admin, audit
from portintel.services.collation.entities import get_entity
from portintel.services.training.demo import build_demo
from portintel.services.workspace import Workspace

REPORTS = 24


def _count(ws: Workspace, table) -> int:
    with ws.engine.connect() as connection:
        return connection.execute(select(func.count()).select_from(table)).scalar_one()


def test_builds_the_scenario_through_the_services(workspace: Workspace) -> None:
    seen: list[tuple[int, int]] = []
    summary = build_demo(
        workspace, seed=7, reports=REPORTS, progress=lambda d, t: seen.append((d, t))
    )
    scenario = build_scenario(seed=7, reports=REPORTS)

    assert summary.reports == REPORTS == summary.reports_added
    assert summary.statements == _count(workspace, tables.statements) > REPORTS * 5
    assert summary.incidents == len(scenario.incidents) == _count(workspace, tables.incidents)
    assert seen[-1] == (REPORTS, REPORTS) and len(seen) == REPORTS
    with workspace.engine.connect() as connection:
        statuses = dict(
            connection.execute(select(tables.reports.c.id, tables.reports.c.status)).all()
        )
    assert statuses == {report.key: report.status for report in scenario.reports}
    # every account works with its printed demo password
    for account in summary.accounts:
        actor = admin.authenticate_password(workspace, account.username, account.password)
        assert {role.value for role in actor.roles} == set(account.roles)
    assert audit.verify(workspace).ok


def test_building_twice_duplicates_nothing(workspace: Workspace) -> None:
    first = build_demo(workspace, seed=7, reports=REPORTS)
    counts = {
        t.name: _count(workspace, t)
        for t in (tables.users, tables.sources, tables.reports, tables.statements, tables.incidents)
    }
    second = build_demo(workspace, seed=7, reports=REPORTS)
    assert second.reports_added == 0
    assert (second.statements, second.entities, second.incidents) == (
        first.statements,
        first.entities,
        first.incidents,
    )
    assert counts == {
        t.name: _count(workspace, t)
        for t in (tables.users, tables.sources, tables.reports, tables.statements, tables.incidents)
    }


def test_a_demo_vessel_has_statements_with_report_grading_and_handling(
    workspace: Workspace,
) -> None:
    build_demo(workspace, seed=7, reports=REPORTS)
    statements = tables.statements.c
    with workspace.engine.connect() as connection:
        vessel_ids = (
            connection.execute(
                select(statements.entity_id)
                .where(statements.schema == "Vessel", statements.origin.like("R-D7-%"))
                .group_by(statements.entity_id)
                .order_by(func.count(statements.origin.distinct()).desc(), statements.entity_id)
                .limit(20)
            )
            .scalars()
            .all()
        )
        analyst_id = connection.execute(
            select(tables.users.c.id).where(tables.users.c.username == "demo-analyst")
        ).scalar_one()
    analyst = admin.get_actor(workspace, analyst_id)
    # entity ids are opaque, so the most reported vessel is found by what the analyst reads
    seen = []
    for vessel_id in vessel_ids:
        try:
            seen.append(get_entity(workspace, analyst, vessel_id))
        except NotFound:  # only in reports the analyst may not read
            continue
    vessel = max(seen, key=lambda entity: (len(entity.report_ids), entity.id))
    assert vessel.schema == "Vessel"
    assert len(vessel.report_ids) >= 2, "a vessel seen by several reports is one entity"
    assert {"name", "flag", "type"} <= {s.prop for s in vessel.statements}
    for statement in vessel.statements:
        assert statement.report_id and statement.report_id.startswith("R-D7-")
        assert statement.grading is not None and statement.grading.label
        assert statement.handling


def test_the_bad_imo_trap_is_kept_with_its_reason(workspace: Workspace) -> None:
    build_demo(workspace, seed=7, reports=REPORTS)
    trap = next(t for t in build_scenario(seed=7, reports=REPORTS).traps if t.prop == "imoNumber")
    statements = tables.statements.c
    with workspace.engine.connect() as connection:
        row = connection.execute(
            select(statements.value, statements.invalid_reason).where(
                statements.origin == trap.report_key, statements.prop == "imoNumber"
            )
        ).one()
    assert row.value == trap.value
    assert row.invalid_reason


def test_informant_identity_is_stored_for_handlers_only(workspace: Workspace) -> None:
    build_demo(workspace, seed=7, reports=REPORTS)
    with workspace.engine.connect() as connection:
        identities = connection.execute(
            select(tables.sources.c.kind, tables.sources.c.protected_identity)
        ).all()
    assert all(bool(identity) == (kind == "informant") for kind, identity in identities)


def test_a_workspace_with_real_users_is_refused(workspace: Workspace) -> None:
    admin.ensure_agencies(workspace)
    admin.create_user(
        workspace,
        SYSTEM,
        username="vanna",
        display_name="Vanna",
        agency="Immigration",
        roles=[Role.ANALYST],
        password="a real passphrase here",
    )
    with pytest.raises(Conflict, match="real users") as caught:
        build_demo(workspace, seed=7, reports=REPORTS)
    assert "fresh" in (caught.value.hint or "")
    assert _count(workspace, tables.reports) == 0


def test_another_size_or_seed_in_the_same_directory_is_refused(workspace: Workspace) -> None:
    build_demo(workspace, seed=7, reports=REPORTS)
    with pytest.raises(Conflict, match="another number of reports"):
        build_demo(workspace, seed=7, reports=REPORTS + 10)
    with pytest.raises(Conflict, match="another seed"):
        build_demo(workspace, seed=8, reports=REPORTS)
    assert _count(workspace, tables.reports) == REPORTS


def test_zero_reports_is_refused(workspace: Workspace) -> None:
    with pytest.raises(InvalidInput, match="at least one report"):
        build_demo(workspace, seed=7, reports=0)


class Interrupted(Exception):
    pass


def test_an_interrupted_build_resumes_where_it_stopped(workspace: Workspace) -> None:
    def stop_at_ten(done: int, total: int) -> None:
        if done == 10:
            raise Interrupted

    with pytest.raises(Interrupted):
        build_demo(workspace, seed=7, reports=REPORTS, progress=stop_at_ten)
    assert _count(workspace, tables.reports) == 10
    resumed = build_demo(workspace, seed=7, reports=REPORTS)
    assert resumed.reports == REPORTS and resumed.reports_added == REPORTS - 10
    scenario = build_scenario(seed=7, reports=REPORTS)
    assert resumed.incidents == len(scenario.incidents)


def test_a_report_left_half_way_through_its_lifecycle_is_walked_on(workspace: Workspace) -> None:
    build_demo(workspace, seed=7, reports=REPORTS)
    report = next(
        r for r in build_scenario(seed=7, reports=REPORTS).reports if r.status == "disseminated"
    )
    with workspace.engine.begin() as connection:
        connection.execute(
            tables.reports.update()
            .where(tables.reports.c.id == report.key)
            .values(status="submitted")
        )
    build_demo(workspace, seed=7, reports=REPORTS)
    with workspace.engine.connect() as connection:
        status = connection.execute(
            select(tables.reports.c.status).where(tables.reports.c.id == report.key)
        ).scalar_one()
    assert status == "disseminated"
