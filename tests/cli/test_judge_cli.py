"""CLI: ``portintel judge`` and ``portintel entity history`` (#12)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from portintel.cli.app import app
from portintel.cli.context import built, console
from portintel.domain.actors import Role
from portintel.errors import InvalidInput, NotFound
from portintel.services.workspace import Workspace
from portintel.settings import Settings
from tests.services.staff import SECURITY, make_user

runner = CliRunner()


@pytest.fixture(autouse=True)
def wide_console(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(built(console), "width", 250)


def test_judge_same_history_and_undo(
    workspace: Workspace, settings: Settings, tmp_path: Path
) -> None:
    make_user(workspace, "analyst", SECURITY, Role.ANALYST)
    path = tmp_path / "crew.jsonl"
    entities = [
        {"id": "kh-1", "schema": "Person", "properties": {"name": ["សុខ ចាន់ធី"]}},
        {"id": "th-1", "schema": "Person", "properties": {"name": ["SOKH CHANTHY"]}},
    ]
    path.write_text("\n".join(json.dumps(e, ensure_ascii=False) for e in entities) + "\n")
    env = {"PORTINTEL_DATABASE_URL": settings.effective_database_url, "COLUMNS": "250"}

    def invoke(*args: str):  # type: ignore[no-untyped-def]
        return runner.invoke(app, ["--data-dir", str(settings.data_dir), *args], env=env)

    assert invoke("entity", "import", str(path), "--as", "analyst").exit_code == 0
    merged = invoke("judge", "th-1", "kh-1", "same", "--as", "analyst", "--reason", "one face")
    assert merged.exit_code == 0, merged.output
    assert "merge" in merged.output and "kh-1: kh-1 th-1" in merged.output
    history = invoke("entity", "history", "th-1", "--as", "analyst")
    assert history.exit_code == 0, history.output
    assert "kh-1: kh-1 th-1" in history.output
    assert "one face" in history.output and "in force" in history.output
    undone = invoke("judge", "kh-1", "th-1", "--undo", "--as", "analyst")
    assert undone.exit_code == 0, undone.output
    assert "split" in undone.output
    history = invoke("entity", "history", "kh-1", "--as", "analyst")
    assert "kh-1: kh-1\n" in history.output and "undone" in history.output
    wrong = invoke("judge", "kh-1", "th-1", "maybe", "--as", "analyst")
    # errors reach the guarded entry point (portintel.cli.app.main), which prints them
    assert isinstance(wrong.exception, InvalidInput) and wrong.exception.field == "verdict"
    missing = invoke("judge", "kh-1", "nobody", "same", "--as", "analyst")
    assert isinstance(missing.exception, NotFound) and "nobody" in str(missing.exception)
