"""``portintel --help`` answers at once, and help reads right.

Quick help is held by what the process imports, not by a stopwatch (timings
never decide a test; benchmarks/cli_startup.py measures them): asking for help
must not load the stores, the track engine or the web framework. Help text is
read from every command of the tree, so a new command is checked without
being listed here.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import typer.main
from typer.testing import CliRunner

import portintel
from portintel.cli.app import app

# The libraries that make a start slow: none of them is needed to print help.
HEAVY = ("sqlalchemy", "polars", "followthemoney", "fastapi", "numpy", "pyarrow", "duckdb")
# Rich draws the commands' tables and progress bars; help is Typer's plain text.
HELP_NEEDS_NOT = (*HEAVY, "rich")

# Runs the real entry point, then reports which modules the process holds.
PROBE = """
import json, sys
sys.argv = ["portintel", *sys.argv[1:]]
from portintel.cli.app import main
try:
    main()
except SystemExit as exit:
    code = exit.code
else:
    code = 0
print(json.dumps({"exit": code, "modules": sorted(sys.modules)}))
"""


def _modules_after(*args: str) -> tuple[object, set[str]]:
    source = Path(portintel.__file__).resolve().parents[1]  # the code under test
    result = subprocess.run(
        [sys.executable, "-c", PROBE, *args],
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "PYTHONPATH": str(source), "COLUMNS": "100"},
        check=False,
    )
    report = json.loads(result.stdout.strip().splitlines()[-1])
    return report["exit"], set(report["modules"])


def _loaded(modules: set[str], name: str) -> bool:
    return name in modules or any(module.startswith(name + ".") for module in modules)


@pytest.mark.parametrize("args", [("--help",), ("ais", "--help"), ("report", "list", "--help")])
def test_help_imports_no_heavy_library(args: tuple[str, ...]) -> None:
    code, modules = _modules_after(*args)
    assert code == 0
    assert "portintel.cli.app" in modules  # the probe did run the CLI
    assert [name for name in HELP_NEEDS_NOT if _loaded(modules, name)] == []


def test_a_command_that_prints_a_table_does_load_rich(tmp_path: Path) -> None:
    """The console is built on first use: a command that prints still gets rich's console."""
    code, modules = _modules_after("--data-dir", str(tmp_path / "node"), "user", "list")
    assert code == 0
    assert _loaded(modules, "rich.console")
    assert _loaded(modules, "rich.table")


def test_the_probe_sees_heavy_libraries_when_a_command_needs_them(tmp_path: Path) -> None:
    """The same probe, on a command that reads the store, does see SQLAlchemy: it can fail."""
    code, modules = _modules_after("--data-dir", str(tmp_path / "node"), "user", "list")
    assert code == 0
    assert _loaded(modules, "sqlalchemy")


def _command_paths(command: Any, path: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    paths = [path]
    for name, sub in sorted(getattr(command, "commands", {}).items()):
        paths += _command_paths(sub, (*path, name))
    return paths


COMMANDS = _command_paths(typer.main.get_command(app))


@pytest.mark.parametrize("path", COMMANDS, ids=lambda path: " ".join(("portintel", *path)))
def test_help_prints_flags_without_a_type(path: tuple[str, ...]) -> None:
    result = CliRunner().invoke(app, [*path, "--help"], env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    assert "--help" in result.output
    assert "Show this message and exit." in result.output
    assert "<bool>" not in result.output


def test_options_that_take_a_value_keep_their_type() -> None:
    """Only flags lose their type: ``--limit`` still says it wants a number."""
    result = CliRunner().invoke(app, ["report", "list", "--help"], env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    assert "--limit" in result.output
    assert "<int>" in result.output or "INTEGER" in result.output


def test_every_command_group_is_checked() -> None:
    """The walk above reaches leaf commands of every group, not only the root."""
    assert ("report", "list") in COMMANDS
    assert ("ais", "ingest") in COMMANDS
    assert len(COMMANDS) > 20


def test_xref_imports_only_what_cross_referencing_needs(tmp_path: Path) -> None:
    """``portintel xref`` on a migrated node: no followthemoney (entity pages), no Polars
    (tracks), no alembic (the schema is at its head already); SQLAlchemy, which it does
    need, shows the probe can fail."""
    from portintel.domain.actors import SYSTEM
    from portintel.services import admin
    from portintel.services.workspace import open_workspace
    from portintel.settings import load_settings

    settings = load_settings(tmp_path / "node")
    ws = open_workspace(settings)  # created and migrated here, by this process
    admin.ensure_agencies(ws)
    admin.create_user(
        ws, SYSTEM, username="ana", display_name="Ana", agency=settings.agencies[0],
        roles=["analyst"], password="correct horse battery staple",
    )  # fmt: skip
    ws.close()
    code, modules = _modules_after(
        "--data-dir", str(tmp_path / "node"), "xref", "--as", "ana", "--format", "csv"
    )
    assert code == 0
    assert _loaded(modules, "sqlalchemy") and _loaded(modules, "portintel.domain.xref")
    unneeded = ("followthemoney", "polars", "pyarrow", "numpy", "alembic", "fastapi", "rigour")
    assert [name for name in unneeded if _loaded(modules, name)] == []
