"""CLI: ``portintel entity import``, ``portintel xref`` and ``xref evaluate-names`` (#12)."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from portintel.cli.app import app
from portintel.cli.context import built, console
from portintel.domain.actors import Role
from portintel.services.workspace import Workspace
from portintel.settings import Settings
from tests.services.staff import SECURITY, make_user

runner = CliRunner()


@pytest.fixture(autouse=True)
def wide_console(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(built(console), "width", 250)


def test_import_then_xref_as_csv_and_jsonl(
    workspace: Workspace, settings: Settings, tmp_path: Path
) -> None:
    make_user(workspace, "analyst", SECURITY, Role.ANALYST)
    path = tmp_path / "crew.jsonl"
    entities = [
        {"id": "kh-1", "schema": "Person", "properties": {"name": ["សុខ ចាន់ធី"]}},
        {"id": "th-1", "schema": "Person", "properties": {"name": ["SOKH CHANTHY"]}},
        {"id": "v-1", "schema": "Vessel", "properties": {"name": ["KM Bintang"]}},
    ]
    path.write_text(
        "\n".join(json.dumps(e, ensure_ascii=False) for e in entities) + "\n{broken\n",
        encoding="utf-8",
    )
    env = {"PORTINTEL_DATABASE_URL": settings.effective_database_url, "COLUMNS": "250"}

    def invoke(*args: str):  # type: ignore[no-untyped-def]
        return runner.invoke(app, ["--data-dir", str(settings.data_dir), *args], env=env)

    imported = invoke("entity", "import", str(path), "--as", "analyst", "--dataset", "crew")
    assert imported.exit_code == 0, imported.output
    assert "3 entities" in imported.output and "line 4" in imported.output

    as_csv = invoke("xref", "--as", "analyst", "--format", "csv")
    assert as_csv.exit_code == 0, as_csv.output
    rows = list(csv.DictReader(io.StringIO(as_csv.stdout)))
    assert [(r["left"], r["right"], r["decision"]) for r in rows] == [("kh-1", "th-1", "review")]
    assert "name" in rows[0]["explanation"]

    as_jsonl = invoke("xref", "--as", "analyst", "--format", "jsonl")
    (pair,) = [json.loads(line) for line in as_jsonl.stdout.splitlines() if line.strip()]
    assert pair["decision"] == "review" and 0.5 <= pair["score"] <= 1.0
    assert pair["explanation"][0]["feature"] == "name"

    table = invoke("xref", "--as", "analyst")
    assert table.exit_code == 0 and "kh-1" in table.output and "review" in table.output


def test_xref_needs_a_user(settings: Settings) -> None:
    result = runner.invoke(
        app,
        ["--data-dir", str(settings.data_dir), "xref"],
        env={"PORTINTEL_DATABASE_URL": settings.effective_database_url, "PORTINTEL_USER": ""},
    )
    assert result.exit_code != 0
    assert "--as" in result.output


def test_evaluate_names_reports_recall_and_precision(tmp_path: Path) -> None:
    result = runner.invoke(app, ["xref", "evaluate-names"])
    assert result.exit_code == 0, result.output
    recall = float(result.output.split("review-queue recall: ")[1].split()[0])
    precision = float(result.output.split("automatic-merge precision: ")[1].split()[0])
    assert recall >= 0.95 and precision >= 0.99

    own = tmp_path / "pairs.csv"
    own.write_text(
        "id,left,right,same,kind,left_birth_date,right_birth_date,left_nationality,"
        "right_nationality,left_passport,right_passport,source\n"
        "a,Hun Sen,Hun Manet,1,test,,,,,,,test\n",
        encoding="utf-8",
    )
    mine = runner.invoke(app, ["xref", "evaluate-names", "--file", str(own), "--show-misses"])
    assert "review-queue recall: 0.000" in mine.output and "miss a" in mine.output


def test_refresh_then_the_queue_of_a_reader(
    workspace: Workspace, settings: Settings, tmp_path: Path
) -> None:
    make_user(workspace, "analyst", SECURITY, Role.ANALYST)
    path = tmp_path / "people.jsonl"
    path.write_text(
        json.dumps({"id": "a", "schema": "Person", "properties": {"name": ["Chhim Vibol"]}})
        + "\n"
        + json.dumps({"id": "b", "schema": "Person", "properties": {"name": ["Chim Vibul"]}})
        + "\n",
        encoding="utf-8",
    )
    env = {"PORTINTEL_DATABASE_URL": settings.effective_database_url, "COLUMNS": "250"}

    def invoke(*args: str):  # type: ignore[no-untyped-def]
        return runner.invoke(app, ["--data-dir", str(settings.data_dir), *args], env=env)

    assert invoke("entity", "import", str(path), "--as", "analyst").exit_code == 0
    empty = invoke("xref", "queue", "--as", "analyst")
    assert empty.exit_code == 0 and "review" not in empty.output
    refreshed = invoke("xref", "refresh")
    assert refreshed.exit_code == 0 and "1 pairs kept" in refreshed.output
    queue = invoke("xref", "queue", "--as", "analyst")
    assert queue.exit_code == 0 and "review" in queue.output and "Chhim Vibol" in queue.output
