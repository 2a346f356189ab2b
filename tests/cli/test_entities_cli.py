"""CLI: entity show (text and JSON with provenance), list, search."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from portintel.cli.app import app
from portintel.cli.context import built, console
from portintel.domain.actors import Role
from portintel.domain.reports import FactDraft, ReportDraft
from portintel.services.intake.reports import create_report, get_report
from portintel.services.workspace import Workspace
from portintel.settings import Settings
from tests.services.staff import IMMIGRATION, SECURITY, make_user

runner = CliRunner()


@pytest.fixture(autouse=True)
def wide_console(monkeypatch: pytest.MonkeyPatch) -> None:
    """Tables wrap to the terminal; tests read whole lines, so print wide."""
    monkeypatch.setattr(built(console), "width", 250)


def test_entity_show_list_search(workspace: Workspace, settings: Settings) -> None:
    officer = make_user(workspace, "officer", IMMIGRATION, Role.OFFICER)
    make_user(workspace, "analyst", SECURITY, Role.ANALYST)
    report_id = create_report(
        workspace,
        officer,
        ReportDraft(
            title="Boarding",
            text="Boarded the boat.",
            reliability="B",
            credibility="2",
            handling="tlp:AMBER",
            facts=(
                FactDraft("boat", "Vessel", "name", "SEA STAR"),
                FactDraft("boat", "Vessel", "imoNumber", "9074729"),
                FactDraft("boat", "Vessel", "mmsi", "12345"),
            ),
        ),
    )
    (vessel_id,) = get_report(workspace, officer, report_id).entity_ids
    env = {"PORTINTEL_DATABASE_URL": settings.effective_database_url, "COLUMNS": "250"}

    def invoke(*args: str):  # type: ignore[no-untyped-def]
        return runner.invoke(app, ["--data-dir", str(settings.data_dir), *args], env=env)

    shown = invoke("entity", "show", vessel_id, "--as", "officer")
    assert shown.exit_code == 0, shown.output
    assert "SEA STAR" in shown.output and report_id in shown.output
    assert "invalid" in shown.output and "tlp:AMBER" in shown.output

    as_json = invoke("entity", "show", vessel_id, "--as", "officer", "--json")
    data = json.loads(as_json.output)
    assert data["schema"] == "Vessel" and data["reports"] == [report_id]
    imo = next(s for s in data["statements"] if s["prop"] == "imoNumber")
    assert imo["report_id"] == report_id
    assert imo["grading"]["label"] == "B2" and imo["handling"] == "tlp:AMBER"
    assert imo["first_seen"] and imo["last_seen"] and imo["invalid_reason"] is None
    mmsi = next(s for s in data["statements"] if s["prop"] == "mmsi")
    assert mmsi["value"] == "12345" and mmsi["invalid_reason"]

    assert vessel_id in invoke("entity", "list", "--as", "officer").output
    found = invoke("entity", "search", "sea star", "--as", "officer")
    assert vessel_id in found.output
    hidden = invoke("entity", "show", vessel_id, "--as", "analyst")
    assert hidden.exit_code == 1 and "not found" in str(hidden.exception)
    assert "0 entities" in invoke("entity", "search", "sea", "--as", "analyst").output
