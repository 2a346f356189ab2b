"""CLI: ``portintel alerts list|show|ack|assign|close`` (and ``watchlist add`` raising them)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from portintel.cli.app import app
from portintel.cli.context import built, console
from portintel.domain.actors import Role
from portintel.services.workspace import Workspace
from portintel.settings import Settings
from tests.services.staff import IMMIGRATION, MARITIME, make_user
from tests.web.maritime_sample import FISHER, write_sample

runner = CliRunner()


@pytest.fixture(autouse=True)
def wide_console(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(built(console), "width", 250)


def test_alerts_from_the_command_line(
    workspace: Workspace, settings: Settings, tmp_path: Path
) -> None:
    write_sample(workspace, tmp_path)
    make_user(workspace, "analyst", MARITIME, Role.ANALYST)
    make_user(workspace, "lea", MARITIME, Role.OFFICER)
    make_user(workspace, "otto", IMMIGRATION, Role.ANALYST)
    env = {"PORTINTEL_DATABASE_URL": settings.effective_database_url, "COLUMNS": "250"}

    def invoke(*args: str):  # type: ignore[no-untyped-def]
        return runner.invoke(app, ["--data-dir", str(settings.data_dir), *args], env=env)

    added = invoke(
        "watchlist", "add", "vessel", "--as", "analyst", "--name", "Sea Star",
        "--id", f"mmsi:{FISHER}", "--reason", "Carried migrants in 2025",
        "--handling", "tlp:AMBER+STRICT",
    )  # fmt: skip
    assert added.exit_code == 0, added.output
    assert "1 alert(s) raised" in added.output
    (alert,) = json.loads(invoke("alerts", "list", "--as", "analyst", "--json").stdout)
    assert alert["kind"] == "watchlist_hit" and alert["mmsi"] == FISHER
    table = invoke("alerts", "list", "--as", "analyst")
    assert "Vessel on the watchlist: Sea Star" in table.output and "Open" in table.output
    # restricted to the owner's agency: another agency's analyst sees nothing
    assert "no alerts" in invoke("alerts", "list", "--as", "otto").output
    hidden = invoke("alerts", "show", str(alert["id"]), "--as", "otto")
    assert hidden.exit_code == 1 and "not found" in str(hidden.exception)

    shown = invoke("alerts", "show", str(alert["id"]), "--as", "lea")
    assert "Carried migrants in 2025" in shown.output and "evidence: watchlist" in shown.output
    acked = invoke("alerts", "ack", str(alert["id"]), "--as", "lea")
    assert acked.exit_code == 0 and "Acknowledged" in acked.output
    refused = invoke("alerts", "assign", str(alert["id"]), "otto", "--as", "lea")
    assert refused.exit_code == 1 and "may not read" in str(refused.exception)
    assigned = invoke("alerts", "assign", str(alert["id"]), "analyst", "--as", "lea")
    assert assigned.exit_code == 0 and "assigned to Analyst" in assigned.output
    mine = json.loads(invoke("alerts", "list", "--as", "analyst", "--mine", "--json").stdout)
    assert [a["id"] for a in mine] == [alert["id"]]
    closed = invoke("alerts", "close", str(alert["id"]), "--as", "analyst", "--note", "Boarded.")
    assert closed.exit_code == 0 and "Closed" in closed.output
    assert (
        json.loads(invoke("alerts", "list", "--as", "analyst", "--status", "open", "--json").stdout)
        == []
    )
