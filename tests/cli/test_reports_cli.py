"""CLI: report add, import, show, list, acting as a named user."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from portintel.cli.app import app
from portintel.cli.context import built, console
from portintel.domain.actors import Role
from portintel.services.workspace import Workspace
from portintel.settings import Settings
from tests.services.staff import IMMIGRATION, SECURITY, make_user

runner = CliRunner()


@pytest.fixture(autouse=True)
def wide_console(monkeypatch: pytest.MonkeyPatch) -> None:
    """Tables wrap to the terminal; tests read whole lines, so print wide."""
    monkeypatch.setattr(built(console), "width", 250)


@pytest.fixture
def cli(workspace: Workspace, settings: Settings):  # type: ignore[no-untyped-def]
    make_user(workspace, "officer", IMMIGRATION, Role.OFFICER)
    make_user(workspace, "analyst", SECURITY, Role.ANALYST)

    def invoke(*args: str, input: str | None = None):  # type: ignore[no-untyped-def]
        env = {"PORTINTEL_DATABASE_URL": settings.effective_database_url, "COLUMNS": "200"}
        return runner.invoke(
            app, ["--data-dir", str(settings.data_dir), *args], input=input, env=env
        )

    return invoke


def test_add_show_list(cli) -> None:  # type: ignore[no-untyped-def]
    result = cli(
        "report", "add", "--as", "officer", "--title", "Boarding [bold]x[/]",
        "--text", "Boarded SEA STAR, IMO 9074729, captain phone 012 345 678.",
        "--reliability", "B", "--credibility", "2", "--handling", "uk-3x5x2:P",
        "--fact", "vessel.name=SEA STAR", "--occurred-at", "2026-02-27T22:00Z",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "filed R-" in result.output and "entities: ent-" in result.output
    assert "9074729" not in result.output.split("entities:")[1]
    report_id = result.output.split("filed ")[1].split(" ")[0]
    shown = cli("report", "show", report_id, "--as", "officer")
    assert shown.exit_code == 0, shown.output
    assert "Boarding [bold]x[/]" in shown.output  # shown as text, not markup
    assert "B2" in shown.output and "uk-3x5x2:P" in shown.output
    listed = cli("report", "list", "--as", "officer", "--status", "draft")
    assert report_id in listed.output and "1 reports" in listed.output
    hidden = cli("report", "show", report_id, "--as", "analyst")
    assert hidden.exit_code == 1
    assert "not found" in str(hidden.exception)  # main() prints it; the runner keeps it


def test_add_prompts_for_what_is_missing(cli) -> None:  # type: ignore[no-untyped-def]
    result = cli(
        "report", "add", "--as", "officer",
        input="Night landing\nThirty people landed at Otres.\nC\n3\ntlp:AMBER\n",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "C3" in result.output and "tlp:AMBER" in result.output


def test_bad_grade_names_the_field(cli) -> None:  # type: ignore[no-untyped-def]
    result = cli(
        "report", "add", "--as", "officer", "--title", "t", "--text", "x",
        "--reliability", "Q", "--credibility", "2", "--handling", "uk-3x5x2:P",
    )  # fmt: skip
    assert result.exit_code == 1
    assert "'Q'" in str(result.exception)


def test_unknown_user(cli) -> None:  # type: ignore[no-untyped-def]
    result = cli("report", "list", "--as", "nobody")
    assert result.exit_code == 1
    assert "nobody" in str(result.exception)


def test_import_reports_rejections_with_lines(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "in.csv"
    path.write_text(
        "title,text,reliability,credibility,handling,vessel.mmsi\n"
        "Boat,Seen,B,2,tlp:GREEN,514123456\n"
        "Bad,Seen,B,2,tlp:PURPLE,\n",
        encoding="utf-8",
    )
    result = cli("report", "import", str(path), "--as", "officer")
    assert result.exit_code == 2, result.output
    assert "1 imported" in result.output and "1 rejected" in result.output
    assert "line 3:" in result.output and "PURPLE" in result.output
    again = cli("report", "import", str(path), "--as", "officer")
    assert "0 imported" in again.output and "1 already present" in again.output
