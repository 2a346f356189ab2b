"""``portintel demo --no-serve`` builds the demo workspace and prints its accounts."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import func, select
from typer.testing import CliRunner

from portintel.adapters.database import tables
from portintel.cli.app import app
from portintel.errors import Conflict
from portintel.services.training.demo import demo_accounts
from portintel.services.workspace import open_workspace
from portintel.settings import load_settings


@pytest.fixture
def data_dir(tmp_path: Path, database_url: str, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("PORTINTEL_DATABASE_URL", database_url)
    monkeypatch.setenv("COLUMNS", "200")
    return tmp_path / "demo"


def _reports_in(data_dir: Path) -> int:
    ws = open_workspace(load_settings(data_dir))
    try:
        with ws.engine.connect() as connection:
            return connection.execute(select(func.count()).select_from(tables.reports)).scalar_one()
    finally:
        ws.close()


def test_demo_no_serve_builds_and_prints_accounts(data_dir: Path) -> None:
    result = CliRunner().invoke(
        app, ["--data-dir", str(data_dir), "demo", "--no-serve", "--reports", "30"]
    )
    assert result.exit_code == 0, result.output
    assert "30 reports (30 new)" in result.output
    for word in ("entities", "statements", "incidents", "DEMO ONLY"):
        assert word in result.output
    for account in demo_accounts():
        assert account.username in result.output
        assert account.password in result.output
    assert "serve" in result.output and "Serving" not in result.output
    assert _reports_in(data_dir) == 30


def _alerts_in(data_dir: Path) -> list[tuple[str, str]]:
    ws = open_workspace(load_settings(data_dir))
    try:
        with ws.engine.connect() as connection:
            rows = connection.execute(
                select(tables.alerts.c.kind, tables.alerts.c.title).order_by(tables.alerts.c.id)
            ).all()
        return [(row.kind, row.title) for row in rows]
    finally:
        ws.close()


def test_demo_twice_says_already_built(data_dir: Path) -> None:
    arguments = ["--data-dir", str(data_dir), "demo", "--no-serve", "--reports", "30"]
    first = CliRunner().invoke(app, arguments)
    assert "alert(s) raised for it: see /alerts" in first.output
    alerts = _alerts_in(data_dir)
    # the smuggling boat is watched: its hit and what it did on its run are alerts
    assert alerts[0][0] == "watchlist_hit"
    assert {kind for kind, _ in alerts} == {"watchlist_hit", "behaviour"}
    again = CliRunner().invoke(app, arguments)
    assert again.exit_code == 0, again.output
    assert "already built" in again.output
    assert _reports_in(data_dir) == 30
    assert _alerts_in(data_dir) == alerts  # watched once, each alert raised once


def test_demo_with_another_size_is_refused(data_dir: Path) -> None:
    CliRunner().invoke(app, ["--data-dir", str(data_dir), "demo", "--no-serve", "--reports", "30"])
    result = CliRunner().invoke(
        app, ["--data-dir", str(data_dir), "demo", "--no-serve", "--reports", "40"]
    )
    assert isinstance(result.exception, Conflict)
    assert "--data-dir" in (result.exception.hint or "")
