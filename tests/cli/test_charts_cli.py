"""CLI: ``portintel chart list|show|export``, in the acting user's scope (#16)."""

from __future__ import annotations

import json
from pathlib import Path

import networkx as nx
import pytest
from sqlalchemy import select
from typer.testing import CliRunner

from portintel.adapters.database import tables
from portintel.cli.app import app
from portintel.cli.context import built, console
from portintel.domain.actors import Role
from portintel.services.analysis import ChartDraft, ChartOptions, save_chart
from portintel.services.events import transaction
from portintel.services.intake.statements import write_statements
from portintel.services.workspace import Workspace
from portintel.settings import Settings
from tests.services.analysis.test_charts import NETWORK
from tests.services.staff import IMMIGRATION, MARITIME, make_user

runner = CliRunner()


@pytest.fixture(autouse=True)
def wide_console(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(built(console), "width", 250)


def test_list_show_and_export_saved_and_entity_charts(
    workspace: Workspace, settings: Settings, tmp_path: Path
) -> None:
    with transaction(workspace) as connection:
        write_statements(connection, NETWORK)
    bea = make_user(workspace, "bea", IMMIGRATION, Role.SUPERVISOR)
    make_user(workspace, "ana", IMMIGRATION, Role.ANALYST)
    make_user(workspace, "cho", MARITIME, Role.ANALYST)
    saved = save_chart(
        workspace,
        bea,
        ChartDraft(
            name="Sok network",
            root="p-sok",
            options=ChartOptions(hops=2),
            notes="Dara owns the boat.",
            handling="tlp:RED",
            shared_with=["ana"],
        ),
    )
    env = {"PORTINTEL_DATABASE_URL": settings.effective_database_url, "COLUMNS": "250"}

    def invoke(*args: str):  # type: ignore[no-untyped-def]
        return runner.invoke(app, ["--data-dir", str(settings.data_dir), *args], env=env)

    listed = invoke("chart", "list", "--as", "ana")
    assert listed.exit_code == 0, listed.output
    assert "Sok network" in listed.output and saved.id in listed.output
    (document,) = json.loads(invoke("chart", "list", "--as", "ana", "--format", "json").stdout)
    assert document["id"] == saved.id and document["handling"] == "tlp:RED"
    assert document["options"]["hops"] == 2 and document["shared_with"] == ["ana"]
    assert (
        json.loads(
            invoke("chart", "list", "--as", "ana", "--whose", "mine", "--format", "json").stdout
        )
        == []
    )
    # not shared with cho: absent from the list, and not found when named
    assert "Sok network" not in invoke("chart", "list", "--as", "cho").output
    hidden = invoke("chart", "show", saved.id, "--as", "cho")
    assert hidden.exit_code == 1

    shown = invoke("chart", "show", saved.id, "--as", "ana")
    assert shown.exit_code == 0, shown.output
    for text in ("Sok network", "Entity: p-sok", "Hops: 2", "(tlp:RED)", "Dara owns the boat."):
        assert text in shown.output, shown.output

    # a saved chart to GraphML on a file: it loads in networkx, with the saved handling
    out = tmp_path / "sok.graphml"
    wrote = invoke(
        "chart", "export", saved.id, "--as", "ana", "--format", "graphml", "-o", str(out)
    )
    assert wrote.exit_code == 0, wrote.output
    assert "handling tlp:RED" in wrote.output
    graph = nx.read_graphml(out)
    assert graph.graph["handling"] == "tlp:RED"
    assert {"p-sok", "p-dara", "v-boat"} <= set(graph.nodes)
    assert "p-hidden" not in graph.nodes and "zq-secret" not in out.read_text("utf-8")

    # an entity's chart as JSON on stdout, one hop: the boat is two steps away
    one = invoke(
        "chart", "export", "--entity", "p-sok", "--as", "ana", "--format", "json", "--hops", "1"
    )
    assert one.exit_code == 0, one.output
    chart = json.loads(one.stdout)
    ids = {n["id"] for n in chart["nodes"]}
    assert chart["root"] == "p-sok" and "p-dara" in ids and "v-boat" not in ids
    assert all(e["source"] in ids and e["target"] in ids for e in chart["edges"])
    for fmt in ("gexf", "anx", "ftm"):
        answer = invoke("chart", "export", "--entity", "p-sok", "--as", "ana", "--format", fmt)
        assert answer.exit_code == 0 and "zq-secret" not in answer.stdout, fmt

    # each export is audited, under the acting user
    with workspace.engine.connect() as connection:
        a = tables.audit_log.c
        exports = (
            connection.execute(select(a.object_type).where(a.action == "chart.exported"))
            .scalars()
            .all()
        )
    assert sorted(exports) == ["chart", "entity", "entity", "entity", "entity"]

    refused = [
        invoke("chart", "export", "--as", "ana"),
        invoke("chart", "export", saved.id, "--entity", "p-sok", "--as", "ana"),
        invoke("chart", "export", "--entity", "p-sok", "--as", "ana", "--kind", "gossip"),
        invoke("chart", "list"),
    ]
    assert all(r.exit_code == 2 for r in refused), [r.output for r in refused]
    assert "one of them" in refused[0].output and "gossip" in refused[2].output
