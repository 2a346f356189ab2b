"""CLI: ``portintel watchlist add|list|remove|hits`` and ``portintel targeting scores|rescore``."""

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
from tests.services.staff import MARITIME, make_user
from tests.web.maritime_sample import FISHER, TANKER, write_events, write_sample

runner = CliRunner()


@pytest.fixture(autouse=True)
def wide_console(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(built(console), "width", 250)


def test_watchlist_and_scores_from_the_command_line(
    workspace: Workspace, settings: Settings, tmp_path: Path
) -> None:
    write_sample(workspace, tmp_path)
    write_events(workspace)
    make_user(workspace, "analyst", MARITIME, Role.ANALYST)
    make_user(workspace, "boss", MARITIME, Role.SUPERVISOR)
    # the sample was heard in March: this node scores over ten years, not the last thirty days
    (settings.data_dir / "indicators.yaml").write_text(
        'version: "2026.1-test"\nbased_on: "2026.1"\nvessel_window_days: 3650\nindicators: []\n',
        encoding="utf-8",
    )
    env = {"PORTINTEL_DATABASE_URL": settings.effective_database_url, "COLUMNS": "250"}

    def invoke(*args: str):  # type: ignore[no-untyped-def]
        return runner.invoke(app, ["--data-dir", str(settings.data_dir), *args], env=env)

    bad = invoke(
        "watchlist", "add", "vessel", "--as", "analyst", "--id", "imo:9074720",
        "--reason", "x", "--handling", "tlp:GREEN",
    )  # fmt: skip
    assert bad.exit_code == 1 and "IMO check digit" in str(bad.exception)
    assert getattr(bad.exception, "field", None) == "identifiers.imo"
    added = invoke(
        "watchlist", "add", "vessel", "--as", "analyst", "--name", "Ocean Star",
        "--id", "imo:9074729", "--reason", "Carried migrants in 2025", "--handling", "tlp:AMBER",
    )  # fmt: skip
    assert added.exit_code == 0, added.output
    assert "hit(s)" in added.output and "(Vessel)" in added.output
    listed = invoke("watchlist", "list", "--as", "analyst", "--json")
    (entry,) = json.loads(listed.stdout)
    assert entry["identifiers"] == ["imo:IMO9074729"] and entry["hits"] >= 1
    hits = invoke("watchlist", "hits", entry["id"], "--as", "analyst")
    assert "identifier: imo IMO9074729" in hits.output

    refused = invoke("targeting", "rescore", "--as", "analyst")
    assert refused.exit_code == 1 and "administrators and supervisors" in str(refused.exception)
    rescored = invoke("targeting", "rescore", "--as", "boss")
    assert rescored.exit_code == 0 and "scored 3 vessels" in rescored.output
    ranked = json.loads(invoke("targeting", "scores", "--as", "analyst", "--format", "json").stdout)
    assert ranked[0]["mmsi"] == FISHER and ranked[-1]["mmsi"] == TANKER
    one = json.loads(
        invoke(
            "targeting", "scores", "--as", "analyst", "--vessel", str(FISHER), "--format", "json"
        ).stdout
    )
    vessel = one["subjects"][0]
    assert vessel["voyage_id"] is None
    assert vessel["score"] == sum(r["weight"] for r in vessel["reasons"])
    assert "encounter_at_sea" in {r["indicator"] for r in vessel["reasons"]}
    shown = invoke("targeting", "scores", "--as", "analyst", "--vessel", str(FISHER))
    assert "Met another vessel at sea" in shown.output

    removed = invoke("watchlist", "remove", entry["id"], "--as", "analyst")
    assert removed.exit_code == 0
    assert json.loads(invoke("watchlist", "list", "--as", "analyst", "--json").stdout) == []


def test_the_pre_arrival_list_from_the_command_line(
    workspace: Workspace, settings: Settings, tmp_path: Path
) -> None:
    from tests.services.targeting.prearrival_sample import BY_COURSE, BY_ETA, write_arrivals

    write_arrivals(workspace, tmp_path)
    make_user(workspace, "analyst", MARITIME, Role.ANALYST)
    env = {"PORTINTEL_DATABASE_URL": settings.effective_database_url, "COLUMNS": "250"}

    def invoke(*args: str):  # type: ignore[no-untyped-def]
        return runner.invoke(app, ["--data-dir", str(settings.data_dir), *args], env=env)

    table = invoke("targeting", "list", "--as", "analyst", "--port", "Kompong Som")
    assert table.exit_code == 0, table.output
    assert "Sihanoukville Autonomous Port (KHKOS)" in table.output
    assert "EASTERN GRACE" in table.output and "projected from course 090" in table.output
    document = json.loads(
        invoke("targeting", "list", "--as", "analyst", "--port", "KHKOS", "--format", "json").stdout
    )
    assert [v["mmsi"] for v in document["vessels"]] == [BY_COURSE, BY_ETA]
    assert document["vessels"][1]["how"].startswith("ETA 02 Jan 03:00 UTC from AIS")
    rows = invoke(
        "targeting",
        "list",
        "--as",
        "analyst",
        "--port",
        "KHKOS",
        "--hours",
        "24",
        "--format",
        "csv",
    ).stdout.splitlines()
    assert rows[0] == "rank,mmsi,name,score,expected_at,how,reasons" and len(rows) == 2
    unknown = invoke("targeting", "list", "--as", "analyst", "--port", "Atlantis")
    assert unknown.exit_code != 0 and "no port called 'Atlantis'" in str(unknown.exception)
