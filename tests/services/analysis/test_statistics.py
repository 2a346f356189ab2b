"""Smuggling statistics from the store: counted within the reader's scope, exported, audited."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime

import openpyxl
import pytest
from sqlalchemy import insert, select

from portintel.adapters.database import tables
from portintel.domain.actors import Actor, Role
from portintel.domain.analysis.statistics import Dimension, Period
from portintel.domain.reports import ReportDraft
from portintel.domain.statements import StatementRecord
from portintel.errors import InvalidInput
from portintel.services.analysis import StatisticsQuery, export_statistics, smuggling_statistics
from portintel.services.events import transaction
from portintel.services.intake import reports
from portintel.services.intake.statements import write_statements
from portintel.services.workspace import Workspace
from tests.services.staff import IMMIGRATION, MARITIME, make_user

MARCH = datetime(2026, 3, 4, tzinfo=UTC)
APRIL = datetime(2026, 4, 9, tzinfo=UTC)


def _report(ws: Workspace, author: Actor, title: str, handling: str = "tlp:GREEN") -> str:
    draft = ReportDraft(
        title=title, text="Boat landed at night.", credibility="2", reliability="B",
        handling=handling, extract=False,
    )  # fmt: skip
    return reports.create_report(ws, author, draft, submit=True)


def _incident(ws: Workspace, number: int, report_id: str, when: datetime, **values: object) -> None:
    row: dict[str, object] = {
        "id": f"inc-{number}", "report_id": report_id, "occurred_at": when,
        "kind": "intercepted", "migrants": 30, "minors": 5, "deaths": 0, "missing": 0,
        "nationalities": {"MM": 20, "BD": 10}, "route": "Kawthaung - Ranong",
        "departure": "Kawthaung", "destination": "Ranong", "fee_usd": 400,
        "created_at": when,
    }  # fmt: skip
    row.update(values)
    with transaction(ws) as connection:
        connection.execute(insert(tables.incidents).values(**row))


@pytest.fixture
def people(workspace: Workspace) -> dict[str, Actor]:
    return {
        "officer": make_user(workspace, "officer", IMMIGRATION, Role.OFFICER),
        "analyst": make_user(workspace, "analyst", IMMIGRATION, Role.ANALYST),
        "outsider": make_user(workspace, "outsider", MARITIME, Role.ANALYST),
    }


@pytest.fixture
def incidents(workspace: Workspace, people: dict[str, Actor]) -> None:
    officer = people["officer"]
    open_report = _report(workspace, officer, "Landing at Ranong")
    red_report = _report(workspace, officer, "Informant on the Trat boat", handling="tlp:RED")
    _incident(workspace, 1, open_report, MARCH, vessel_entity_id="v-1")
    _incident(workspace, 2, open_report, APRIL, migrants=12, minors=2, fee_usd=600)
    _incident(workspace, 3, red_report, APRIL, route="Koh Kong - Trat", migrants=50)
    with transaction(workspace) as connection:
        write_statements(
            connection,
            [
                StatementRecord(
                    entity_id="v-1", schema="Vessel", prop="type", prop_type="string",
                    value="wooden fishing boat", dataset="registry", origin="registry:test",
                    first_seen=MARCH, last_seen=MARCH,
                )
            ],
        )  # fmt: skip


@pytest.mark.usefixtures("incidents")
def test_the_reader_counts_only_incidents_of_reports_they_may_read(
    workspace: Workspace, people: dict[str, Actor]
) -> None:
    query = StatisticsQuery(period=Period.MONTH, dimension=Dimension.ROUTE)
    analyst = smuggling_statistics(workspace, people["analyst"], query)
    assert analyst.incidents_counted == 3  # the author's agency reads both reports
    assert {row.group for row in analyst.rows} == {"Kawthaung - Ranong", "Koh Kong - Trat"}
    # another agency's analyst reads submitted reports of their own agency only
    assert smuggling_statistics(workspace, people["outsider"], query).incidents_counted == 0

    supervisor = make_user(workspace, "supervisor", MARITIME, Role.SUPERVISOR)
    for report_id in _report_ids(workspace):
        reports.evaluate_report(workspace, supervisor, report_id)
    outsider = smuggling_statistics(workspace, people["outsider"], query)
    # evaluated: every agency's analysts read the GREEN report, the RED one stays closed
    assert outsider.incidents_counted == 2
    assert {row.group for row in outsider.rows} == {"Kawthaung - Ranong"}
    assert outsider.total.migrants == 42


def _report_ids(ws: Workspace) -> list[str]:
    with ws.engine.connect() as connection:
        return list(connection.execute(select(tables.reports.c.id)).scalars())


@pytest.mark.usefixtures("incidents")
def test_by_month_with_means_of_transport(workspace: Workspace, people: dict[str, Actor]) -> None:
    table = smuggling_statistics(
        workspace, people["analyst"], StatisticsQuery(Period.MONTH, Dimension.VESSEL_TYPE)
    )
    rows = {(row.period, row.group): row for row in table.rows}
    assert rows[("2026-03", "Wooden fishing boat")].migrants == 30
    assert rows[("2026-04", "Not recorded")].incidents >= 1


@pytest.mark.usefixtures("incidents")
def test_a_period_filter_and_its_check(workspace: Workspace, people: dict[str, Actor]) -> None:
    april = StatisticsQuery(Period.YEAR, Dimension.NONE, since=APRIL)
    table = smuggling_statistics(workspace, people["analyst"], april)
    assert all(row.period == "2026" for row in table.rows)
    assert table.total.migrants == sum(r.migrants or 0 for r in table.rows)
    with pytest.raises(InvalidInput):
        smuggling_statistics(
            workspace, people["analyst"], StatisticsQuery(since=APRIL, until=MARCH)
        )


@pytest.mark.usefixtures("incidents")
def test_csv_and_excel_exports_are_labelled_suppressed_and_audited(
    workspace: Workspace, people: dict[str, Actor]
) -> None:
    query = StatisticsQuery(Period.MONTH, Dimension.ROUTE, suppress_below=3)
    exported = export_statistics(workspace, people["analyst"], query, "csv")
    lines = list(csv.reader(io.StringIO(exported.content.decode("utf-8-sig"))))
    assert lines[0][:3] == ["Period", "Route", "Incidents"]
    assert lines[1][:3] == ["2026-03", "Kawthaung - Ranong", "<3"]  # one boat: withheld
    assert lines[1][3] == "30"

    workbook = exported_xlsx = export_statistics(workspace, people["analyst"], query, "xlsx")
    sheet = openpyxl.load_workbook(io.BytesIO(workbook.content)).active
    values = list(sheet.iter_rows(values_only=True))
    assert "counts under 3 withheld" in values[0][0]
    assert values[2][3] == 30  # a number, not text
    assert exported_xlsx.filename.endswith(".xlsx")

    with workspace.engine.connect() as connection:
        actions = connection.execute(
            select(tables.audit_log.c.action).where(
                tables.audit_log.c.action == "statistics.exported"
            )
        ).all()
    assert len(actions) == 2
    with pytest.raises(InvalidInput):
        export_statistics(workspace, people["analyst"], query, "pdf")


def test_a_formula_typed_as_a_route_is_exported_as_text(
    workspace: Workspace, people: dict[str, Actor]
) -> None:
    report = _report(workspace, people["officer"], "Odd route")
    _incident(workspace, 9, report, MARCH, route='=HYPERLINK("http://x")')
    exported = export_statistics(
        workspace, people["analyst"], StatisticsQuery(Period.YEAR, Dimension.ROUTE), "csv"
    )
    assert "'=HYPERLINK" in exported.content.decode("utf-8-sig")
