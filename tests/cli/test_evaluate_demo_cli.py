"""``portintel xref evaluate-demo`` prints collation's precision and recall on the demo."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from portintel.cli.app import app

REPORTS = "60"


@pytest.fixture(scope="module")
def demo_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    data_dir = tmp_path_factory.mktemp("demo")
    result = CliRunner().invoke(
        app,
        ["--data-dir", str(data_dir), "demo", "--no-serve", "--ais-vessels", "0",
         "--reports", REPORTS],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "after the automatic merges" in result.output
    return data_dir


def test_prints_precision_and_recall_of_merges_and_review(demo_dir: Path) -> None:
    result = CliRunner().invoke(
        app, ["--data-dir", str(demo_dir), "xref", "evaluate-demo"], env={"COLUMNS": "200"}
    )
    assert result.exit_code == 0, result.output
    assert "read as system" in result.output
    for words in ("Person:", "Vessel:", "merges + review", "precision", "recall", ": met"):
        assert words in result.output


def test_json_holds_the_goal_on_a_fixed_seed(demo_dir: Path) -> None:
    result = CliRunner().invoke(
        app, ["--data-dir", str(demo_dir), "xref", "evaluate-demo", "--json"]
    )
    assert result.exit_code == 0, result.output
    figures = json.loads(result.output)
    assert figures["seed"] == 7 and figures["reports"] == int(REPORTS)
    persons = figures["schemata"]["Person"]
    assert persons["merges"]["precision"] == 1.0
    assert persons["merges_and_review"]["precision"] >= 0.95
    assert persons["merges_and_review"]["recall"] >= 0.95
    assert persons["after_merges"] < persons["entities"] and figures["meets_goal"]


def test_an_analyst_reads_less(demo_dir: Path) -> None:
    result = CliRunner().invoke(
        app,
        ["--data-dir", str(demo_dir), "xref", "evaluate-demo", "--json", "--as", "demo-analyst"],
    )
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["out_of_scope"] > 0


def test_refuses_a_data_directory_without_a_demo(tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["--data-dir", str(tmp_path), "xref", "evaluate-demo"])
    assert result.exit_code != 0
    assert "holds no demo" in result.output + str(result.exception)
