"""CLI: share import (a package file from a partner), share inbox and partner rekey."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from portintel.cli.app import app
from portintel.cli.context import built, console
from portintel.domain.actors import SYSTEM, Role
from portintel.domain.reports import FactDraft
from portintel.services import sharing
from portintel.services.workspace import Workspace
from tests.services.sharing.two_nodes import (
    A_NODE,
    disseminate,
    file_evaluated,
    link,
    node_b,
    staff,
)
from tests.services.staff import IMMIGRATION, make_user

__all__ = ["node_b"]
runner = CliRunner()


@pytest.fixture(autouse=True)
def wide_console(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(built(console), "width", 250)


def test_import_a_package_then_read_the_inbox(
    workspace: Workspace, node_b: Workspace, tmp_path: Path
) -> None:
    link(workspace, node_b)
    people = staff(workspace, "a")
    report = file_evaluated(
        workspace, people, "Boat loading at night", "uk-3x5x2:P",
        facts=(FactDraft("boat", "Vessel", "name", "Sea Star"),),
    )  # fmt: skip
    document, _ = disseminate(workspace, people, [report])
    data = json.loads(document)
    vessel = next(o for o in data["bundle"]["objects"] if o["type"] == "x-portintel-vessel")
    vessel["name"] = "Sea Queen"  # altered on the way
    package = tmp_path / "from-shv.json"
    package.write_text(json.dumps(data), encoding="utf-8")
    make_user(node_b, "bea", IMMIGRATION, Role.ANALYST)
    make_user(node_b, "sue", IMMIGRATION, Role.SUPERVISOR)
    make_user(node_b, "otto", IMMIGRATION, Role.OFFICER)
    env = {
        "PORTINTEL_DATABASE_URL": node_b.settings.effective_database_url,
        "PORTINTEL_NODE_CODE": node_b.settings.node_code,
        "COLUMNS": "250",
    }

    def cli(*args: str):  # type: ignore[no-untyped-def]
        return runner.invoke(app, ["--data-dir", str(node_b.settings.data_dir), *args], env=env)

    refused = cli("share", "import", str(package), "--partner", A_NODE, "--as", "otto")
    assert refused.exit_code == 1 and "analyst or a supervisor" in str(refused.exception)
    done = cli("share", "import", str(package), "--partner", A_NODE, "--as", "bea")
    assert done.exit_code == 0, done.output
    assert "package signature does not hold" in done.stdout
    assert "1 quarantined" in done.stdout and "imported report RX-" in done.stdout
    assert "QUARANTINED" in done.stdout and "altered or damaged" in done.stdout
    again = cli("share", "import", str(package), "--partner", A_NODE, "--as", "bea")
    assert "0 imported" in again.stdout and "0 quarantined" in again.stdout

    inbox = cli("share", "inbox", "--as", "sue")
    assert inbox.exit_code == 0, inbox.output
    assert "Boat loading at night" in inbox.stdout and "altered or damaged" in inbox.stdout
    analyst_view = cli("share", "inbox", "--as", "bea")
    assert "Quarantined: 1" in analyst_view.stdout and "altered" not in analyst_view.stdout

    key = sharing.rotate_node_key(workspace, SYSTEM).current
    assert key is not None
    rekeyed = cli("partner", "rekey", A_NODE, "--public-key", key.public_key,
                  "--fingerprint", key.fingerprint)  # fmt: skip
    assert rekeyed.exit_code == 0, rekeyed.output
    assert key.fingerprint in rekeyed.stdout


def test_share_permit_records_the_providers_permission_and_preview_shows_the_release(
    workspace: Workspace, node_b: Workspace
) -> None:
    link(workspace, node_b)
    people = staff(workspace, "a")
    h2 = file_evaluated(workspace, people, "Departure planned for Friday", "europol:H2")
    document, _ = disseminate(workspace, people, [h2])
    receiver = staff(node_b, "b")
    receipt = sharing.import_package(node_b, receiver.analyst, A_NODE, document)
    local = next(item.report_id for item in receipt.items if item.report_id)
    assert local is not None
    from portintel.services.intake import reports

    reports.evaluate_report(node_b, receiver.supervisor, local)
    sharing.add_partner(node_b, SYSTEM, name="TH-PIU-RNG", kind="PIU", country="TH")
    sharing.add_agreement(
        node_b, SYSTEM, "TH-PIU-RNG", handling_codes=["europol:H2"],
        tlp_levels=["AMBER+STRICT"], categories=["reports"],
    )  # fmt: skip
    env = {
        "PORTINTEL_DATABASE_URL": node_b.settings.effective_database_url,
        "PORTINTEL_NODE_CODE": node_b.settings.node_code,
        "COLUMNS": "250",
    }

    def cli(*args: str):  # type: ignore[no-untyped-def]
        return runner.invoke(app, ["--data-dir", str(node_b.settings.data_dir), *args], env=env)

    preview = ["share", "preview", "--partner", "TH-PIU-RNG", "--report", local, "--as", "bana"]
    before = cli(*preview)
    assert before.exit_code == 0, before.output
    assert f"needs the permission of {A_NODE}, the provider" in before.stdout
    day = node_b.clock().date().isoformat()
    permit = ["share", "permit", "--partner", "TH-PIU-RNG", "--report", local]
    refused = cli(*permit, "--reference", "letter 5", "--date", day, "--as", "bana")
    assert refused.exit_code == 1 and "supervisor" in str(refused.exception)
    done = cli(*permit, "--reference", "letter 5", "--date", day, "--as", "bsup")
    assert done.exit_code == 0, done.output
    assert f"may go to TH-PIU-RNG: permitted by {A_NODE}, letter 5" in done.stdout
    after = cli(*preview)
    assert "SEND" in after.stdout and "released with the permission of" in after.stdout
    listed = cli("share", "permissions", "--as", "bana")
    assert listed.exit_code == 0 and "letter 5" in listed.stdout
    # withdrawn by a supervisor, with a reason: the dry run withholds it again
    (permission_id,) = [
        line.split()[0] for line in listed.stdout.splitlines() if line.startswith("PP-")
    ]
    withdraw = ["share", "withdraw", permission_id]
    denied = cli(*withdraw, "--reason", "taken back", "--as", "bana")
    assert denied.exit_code == 1 and "supervisor" in str(denied.exception)
    gone = cli(*withdraw, "--reason", "KH message 9 takes it back", "--as", "bsup")
    assert gone.exit_code == 0, gone.output
    assert f"no longer goes to TH-PIU-RNG ({A_NODE}, letter 5)" in gone.stdout
    withheld = cli(*preview)
    assert f"needs the permission of {A_NODE}, the provider" in withheld.stdout
    assert (
        "No provider's permission is recorded."
        in cli("share", "permissions", "--as", "bana").stdout
    )
