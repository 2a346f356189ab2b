"""CLI: share send, approve, list, show --save, ack, feedback and verify."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from portintel.cli.app import app
from portintel.cli.context import built, console
from portintel.domain.actors import Role
from portintel.domain.reports import ReportDraft
from portintel.services.intake import reports
from portintel.services.workspace import Workspace
from portintel.settings import Settings
from tests.services.staff import IMMIGRATION, make_user

runner = CliRunner()


@pytest.fixture(autouse=True)
def wide_console(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(built(console), "width", 250)


@pytest.fixture
def cli(workspace: Workspace, settings: Settings):  # type: ignore[no-untyped-def]
    def invoke(*args: str):  # type: ignore[no-untyped-def]
        env = {"PORTINTEL_DATABASE_URL": settings.effective_database_url, "COLUMNS": "200"}
        return runner.invoke(app, ["--data-dir", str(settings.data_dir), *args], env=env)

    return invoke


def test_a_dissemination_from_request_to_feedback(  # type: ignore[no-untyped-def]
    cli, workspace: Workspace, tmp_path: Path
) -> None:
    officer = make_user(workspace, "officer", IMMIGRATION, Role.OFFICER)
    make_user(workspace, "ana", IMMIGRATION, Role.ANALYST)
    sue = make_user(workspace, "sue", IMMIGRATION, Role.SUPERVISOR)
    report_id = reports.create_report(
        workspace,
        officer,
        ReportDraft(
            title="Boat at the pier",
            text="Seen.",
            credibility="2",
            reliability="B",
            handling="europol:H0",
            extract=False,
        ),
        submit=True,
    )
    reports.evaluate_report(workspace, sue, report_id)
    assert cli("node", "init").exit_code == 0
    cli("partner", "add", "KH-CAU", "--kind", "CAU", "--country", "KH")
    cli(
        "agreement", "add", "KH-CAU", "--handling", "europol:H0", "--tlp", "GREEN",
        "--category", "reports",
    )  # fmt: skip

    sent = cli("share", "send", "--as", "ana", "--partner", "KH-CAU", "--report", report_id)
    assert sent.exit_code == 0, sent.output
    dissemination = re.search(r"D-[0-9a-f]+", sent.stdout).group(0)  # type: ignore[union-attr]
    assert "pending" in cli("share", "list", "--as", "sue", "--pending").stdout
    own = cli("share", "approve", dissemination, "--as", "ana")
    assert own.exit_code == 1 and "supervisor" in str(own.exception)
    approved = cli("share", "approve", dissemination, "--as", "sue")
    assert approved.exit_code == 0, approved.output
    package = re.search(r"P-[0-9a-f]+", approved.stdout).group(0)  # type: ignore[union-attr]
    assert reports.get_report(workspace, sue, report_id).status == "disseminated"

    assert cli("share", "ack", package, "--as", "ana").exit_code == 0
    fed = cli("share", "feedback", package, "used in operation TIDE", "--as", "ana")
    assert fed.exit_code == 0, fed.output
    saved = tmp_path / "package.json"
    shown = cli("share", "show", dissemination, "--as", "sue", "--save", str(saved))
    assert shown.exit_code == 0, shown.output
    for expected in ("approved by sue", "requested by ana", "acknowledged", "operation TIDE"):
        assert expected in shown.stdout
    assert report_id in shown.stdout

    verified = cli("share", "verify", str(saved))
    assert verified.exit_code == 0, verified.output
    assert "Valid signature by this node" in verified.stdout
    document = json.loads(saved.read_text())
    document["bundle"]["objects"][-1]["description"] = "altered"
    tampered = tmp_path / "tampered.json"
    tampered.write_text(json.dumps(document))
    refused = cli("share", "verify", str(tampered))
    assert refused.exit_code == 1 and "altered or damaged" in str(refused.exception)
    binary = tmp_path / "binary.json"
    binary.write_bytes(b"\xff\xfe")
    assert "not UTF-8" in str(cli("share", "verify", str(binary)).exception)

    # the same dissemination exported for a MISP partner, and as the signed package
    event_file = tmp_path / "event.json"
    exported = cli(
        "share", "export", dissemination, "--as", "sue", "--format", "misp",
        "--output", str(event_file),
    )  # fmt: skip
    assert exported.exit_code == 0, exported.output
    event = json.loads(event_file.read_text())["Event"]
    assert [o["name"] for o in event["Object"]] == ["report"]
    assert {"tlp:green", 'portintel-handling:europol="H0"'} == {t["name"] for t in event["Tag"]}
    assert event["distribution"] == "1"  # TLP:GREEN: this community only
    again = cli("share", "export", package, "--as", "sue")
    assert again.exit_code == 0 and json.loads(again.stdout)["package"] == package
    as_ftm = cli("share", "export", package, "--as", "sue", "--format", "ftm")
    assert as_ftm.exit_code == 0, as_ftm.output
    assert json.loads(as_ftm.stdout)["format"] == "portintel-ftm-package/1"
    wrong = cli("share", "export", dissemination, "--as", "sue", "--format", "csv")
    assert wrong.exit_code == 1 and "--format 'csv' is unknown" in str(wrong.exception)
