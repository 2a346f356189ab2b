"""The console is never anonymous (#9): ``--as USER`` audits the operating-system user too.

An operator at the node's console may act as a named user (their rights
apply); every audit entry so caused names both that user (the actor) and
the operating-system user (``os_user`` in the detail).
"""

from __future__ import annotations

import json

import pytest
from sqlalchemy import select
from typer.testing import CliRunner, Result

from portintel.adapters.database.tables import audit_log
from portintel.cli import context
from portintel.cli.app import app
from portintel.domain.actors import Role
from portintel.services.workspace import Workspace
from portintel.settings import Settings
from tests.services.staff import IMMIGRATION, make_user


@pytest.fixture
def operator(monkeypatch: pytest.MonkeyPatch) -> str:
    """Pretend the console is run by this operating-system user."""
    monkeypatch.setattr(context.getpass, "getuser", lambda: "harbour-admin")
    return "harbour-admin"


def _run(settings: Settings, *args: str) -> Result:
    env = {"PORTINTEL_DATABASE_URL": settings.effective_database_url, "COLUMNS": "200"}
    return CliRunner().invoke(app, ["--data-dir", str(settings.data_dir), *args], env=env)


def _entries_after(ws: Workspace, seq: int) -> list[tuple[str, str, dict[str, object]]]:
    with ws.engine.connect() as connection:
        rows = connection.execute(
            select(audit_log.c.actor, audit_log.c.action, audit_log.c.detail)
            .where(audit_log.c.seq > seq)
            .order_by(audit_log.c.seq)
        ).all()
    return [(row.actor, row.action, json.loads(row.detail)) for row in rows]


def _last_seq(ws: Workspace) -> int:
    with ws.engine.connect() as connection:
        return max(connection.execute(select(audit_log.c.seq)).scalars(), default=0)


def test_acting_as_a_user_records_the_operating_system_user(
    workspace: Workspace, settings: Settings, operator: str
) -> None:
    make_user(workspace, "officer", IMMIGRATION, Role.OFFICER)
    before = _last_seq(workspace)
    filed = _run(
        settings,
        "report", "add", "--as", "officer", "--title", "Boarding",
        "--text", "Boarded SEA STAR, IMO 9074729.",
        "--reliability", "B", "--credibility", "2", "--handling", "uk-3x5x2:P",
    )  # fmt: skip
    assert filed.exit_code == 0, filed.output
    report_id = filed.output.split("filed ")[1].split(" ")[0]
    shown = _run(settings, "report", "show", report_id, "--as", "officer")
    assert shown.exit_code == 0, shown.output

    entries = _entries_after(workspace, before)
    actions = {action for _, action, _ in entries}
    assert {"report.create", "report.read"} <= actions
    for actor, action, detail in entries:
        assert actor == "officer", action
        assert detail.get("os_user") == operator, action


def test_a_token_made_at_the_console_names_the_operator(
    workspace: Workspace, settings: Settings, operator: str
) -> None:
    make_user(workspace, "officer", IMMIGRATION, Role.OFFICER)
    before = _last_seq(workspace)
    issued = _run(settings, "user", "token", "officer", "--name", "importer")
    assert issued.exit_code == 0, issued.output
    [(actor, action, detail)] = _entries_after(workspace, before)
    assert (actor, action) == (f"cli:{operator}", "token.create")
    assert detail["user"] == "officer"
