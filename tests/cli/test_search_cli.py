"""CLI: ``portintel search`` finds names across spellings, pages, counts by type."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from portintel.cli.app import app
from portintel.cli.context import built, console
from portintel.domain.actors import Role
from portintel.domain.reports import FactDraft, ReportDraft
from portintel.services.intake.reports import create_report
from portintel.services.workspace import Workspace
from portintel.settings import Settings
from tests.services.staff import IMMIGRATION, SECURITY, make_user

runner = CliRunner()


@pytest.fixture(autouse=True)
def wide_console(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(built(console), "width", 250)


def test_search_finds_a_spelling_pages_and_counts(workspace: Workspace, settings: Settings) -> None:
    officer = make_user(workspace, "officer", IMMIGRATION, Role.OFFICER)
    make_user(workspace, "analyst", SECURITY, Role.ANALYST)
    create_report(
        workspace,
        officer,
        ReportDraft(
            title="Crew",
            text="Crew list.",
            reliability="B",
            credibility="2",
            handling="tlp:AMBER",
            facts=(
                FactDraft("a", "Person", "name", "Chhim Vibol"),
                FactDraft("b", "Person", "name", "CHIM VIBUL"),
                FactDraft("boat", "Vessel", "name", "VIBOL STAR"),
            ),
        ),
    )
    env = {"PORTINTEL_DATABASE_URL": settings.effective_database_url, "COLUMNS": "250"}

    def invoke(*args: str):  # type: ignore[no-untyped-def]
        return runner.invoke(app, ["--data-dir", str(settings.data_dir), *args], env=env)

    found = invoke("search", "Chim Vibul", "--as", "officer")
    assert found.exit_code == 0, found.output
    assert "Chhim Vibol" in found.output and "CHIM VIBUL" in found.output
    assert "1-2 of 2 entities" in found.output and "by type: Person 2" in found.output
    page = json.loads(invoke("search", "vibol", "--as", "officer", "--json", "--limit", "1").output)
    assert page["total"] == 3 and len(page["entities"]) == 1
    assert page["types"] == {"Person": 2, "Vessel": 1}
    typed = json.loads(
        invoke("search", "vibol", "--as", "officer", "--json", "--type", "Vessel").output
    )
    assert typed["total"] == 1 and typed["entities"][0]["caption"] == "VIBOL STAR"
    hidden = invoke("search", "Chim Vibul", "--as", "analyst")  # tlp:AMBER, not submitted
    assert "0 entities" in hidden.output and "by type" not in hidden.output
    bad = invoke("search", "x", "--as", "officer", "--type", "Spaceship")
    assert bad.exit_code != 0
    reports = invoke("search", "CREW", "--as", "officer", "--reports")
    assert reports.exit_code == 0, reports.output
    assert "1-1 of 1 reports" in reports.output and "by status: draft 1" in reports.output
    data = json.loads(
        invoke("search", "crew", "--as", "officer", "--json", "--where", "status=draft").output
    )
    assert data["total"] == 1 and data["total_exact"] and data["filters"] == {"status": "draft"}
    assert data["reports"][0]["title"] == "Crew" and data["facets"]["grading"] == {"B2": 1}
    none = invoke("search", "crew", "--as", "analyst", "--reports")  # a draft: not theirs
    assert "0 of 0 reports" in none.output and "by status" not in none.output
    wrong = invoke("search", "crew", "--as", "officer", "--where", "colour")
    assert wrong.exit_code != 0 and "FACET=VALUE" in str(wrong.exception)
