"""CLI: node init/show/rotate-key, partner add/list/show, agreement add/list/show, share preview."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from portintel.cli.app import app
from portintel.cli.context import built, console
from portintel.domain.actors import SYSTEM, Role
from portintel.domain.reports import ReportDraft
from portintel.services.intake import reports
from portintel.services.workspace import Workspace
from portintel.settings import Settings
from tests.services.staff import IMMIGRATION, make_user

runner = CliRunner()
CREDENTIAL = "taxii-secret-zq5521"


@pytest.fixture(autouse=True)
def wide_console(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(built(console), "width", 250)


@pytest.fixture
def cli(workspace: Workspace, settings: Settings):  # type: ignore[no-untyped-def]
    def invoke(*args: str, input: str | None = None):  # type: ignore[no-untyped-def]
        env = {"PORTINTEL_DATABASE_URL": settings.effective_database_url, "COLUMNS": "200"}
        return runner.invoke(
            app, ["--data-dir", str(settings.data_dir), *args], input=input, env=env
        )

    return invoke


def test_node_keys_are_made_shown_and_rotated_never_exported(cli, settings: Settings) -> None:  # type: ignore[no-untyped-def]
    created = cli("node", "init")
    assert created.exit_code == 0, created.output
    private = (settings.data_dir / "node-keys" / "private.pem").read_text()
    body = "".join(private.splitlines()[1:-1])
    assert "KH-PIU-SHV" in created.stdout and "SHA256:" in created.stdout
    shown = cli("node", "show")
    assert shown.exit_code == 0, shown.output
    assert "PIU" in shown.stdout and "ed25519:" not in shown.stdout
    with_key = cli("node", "show", "--public-key")
    assert "ed25519:" in with_key.stdout
    again = cli("node", "init")
    assert again.exit_code == 1 and "has a key already" in str(again.exception)
    rotated = cli("node", "rotate-key")
    assert rotated.exit_code == 0, rotated.output
    assert "retired key" in rotated.stdout
    for result in (created, shown, with_key, again, rotated):
        assert body not in result.output and "PRIVATE KEY" not in result.output


def test_partners_and_agreements(cli) -> None:  # type: ignore[no-untyped-def]
    added = cli(
        "partner", "add", "TH-PIU-RNG", "--kind", "PIU", "--country", "TH",
        "--taxii-url", "https://taxii.rng.example/api/", "--credential-stdin",
        input=CREDENTIAL + "\n",
    )  # fmt: skip
    assert added.exit_code == 0, added.output
    assert "credential   set" in added.stdout
    listed = cli("partner", "list")
    assert "TH-PIU-RNG" in listed.stdout and "not set" not in listed.stdout
    shown = cli("partner", "show", "th-piu-rng")
    assert "https://taxii.rng.example/api/" in shown.stdout
    for result in (added, listed, shown):
        assert CREDENTIAL not in result.output
    bad = cli("partner", "add", "TH-PIU-RNG", "--kind", "PIU", "--country", "TH")
    assert bad.exit_code == 1 and "registered already" in str(bad.exception)
    agreement = cli(
        "agreement", "add", "TH-PIU-RNG", "--handling", "europol:H0", "--handling", "P",
        "--tlp", "GREEN", "--category", "reports", "--expires", "2027-12-31",
    )  # fmt: skip
    assert agreement.exit_code == 0, agreement.output
    assert "europol:H0, uk-3x5x2:P" in agreement.stdout and "never go" in agreement.stdout
    agreement_id = agreement.stdout.split()[1]
    assert agreement_id in cli("agreement", "list", "--partner", "TH-PIU-RNG").stdout
    assert "2027-12-31" in cli("agreement", "show", agreement_id).stdout
    wrong = cli(
        "agreement", "add", "TH-PIU-RNG", "--handling", "H7", "--tlp", "GREEN",
        "--category", "reports",
    )  # fmt: skip
    assert wrong.exit_code == 1 and "not a handling code" in str(wrong.exception)


def test_share_preview_explains_what_is_withheld(cli, workspace: Workspace) -> None:  # type: ignore[no-untyped-def]
    officer = make_user(workspace, "officer", IMMIGRATION, Role.OFFICER)
    make_user(workspace, "sue", IMMIGRATION, Role.SUPERVISOR)
    report_id = reports.create_report(
        workspace,
        officer,
        ReportDraft(
            title="Boat at the pier",
            text="Seen.",
            credibility="2",
            reliability="B",
            handling="europol:H2",
            extract=False,
        ),
        submit=True,
    )
    cli("partner", "add", "KH-CAU", "--kind", "CAU", "--country", "KH")
    cli(
        "agreement", "add", "KH-CAU", "--handling", "europol:H0", "--tlp", "GREEN",
        "--category", "reports",
    )  # fmt: skip
    result = cli("share", "preview", "--as", "sue", "--partner", "KH-CAU", "--report", report_id)
    assert result.exit_code == 0, result.output
    assert "0 of 1 would go" in result.stdout
    assert "WITHHOLD" in result.stdout
    assert "handling code europol:H2 is not in the agreement" in result.stdout
    assert "only evaluated intelligence leaves the node" in result.stdout
    assert "source identities (informants) never leave the node" in result.stdout
    missing = cli("share", "preview", "--as", "sue", "--partner", "KH-CAU", "--report", "R-none")
    assert missing.exit_code == 1 and "no report" in str(missing.exception)


def test_help_lists_the_sharing_commands(tmp_path: Path) -> None:
    result = runner.invoke(app, ["--help"])
    for group in ("node", "partner", "agreement", "share"):
        assert group in result.stdout


def test_partner_tokens_are_printed_once_listed_and_revoked(cli, workspace: Workspace) -> None:  # type: ignore[no-untyped-def]
    from portintel.domain.secret import Secret
    from portintel.errors import AuthenticationFailed
    from portintel.services import sharing

    assert cli("partner", "add", "TH-PIU-RNG", "--kind", "PIU", "--country", "TH").exit_code == 0
    issued = runner.invoke(
        app,
        ["--data-dir", str(workspace.settings.data_dir), "partner", "token", "TH-PIU-RNG"],
        env={"PORTINTEL_DATABASE_URL": workspace.settings.effective_database_url},
    )
    assert issued.exit_code == 0, issued.output
    token = issued.stdout.strip()
    assert len(token) >= 40 and "\n" not in token  # alone on stdout, for scripts
    assert "shown once" in issued.stderr
    reader = sharing.authenticate_partner(workspace, Secret(token))
    assert reader.partner_name == "TH-PIU-RNG"
    listed = cli("partner", "tokens", "TH-PIU-RNG")
    assert listed.exit_code == 0 and token not in listed.output
    token_id = sharing.list_partner_tokens(workspace, SYSTEM, "TH-PIU-RNG")[0].id
    assert token_id in listed.stdout
    revoked = cli("partner", "revoke-token", token_id)
    assert revoked.exit_code == 0, revoked.output
    with pytest.raises(AuthenticationFailed):
        sharing.authenticate_partner(workspace, Secret(token))


def test_partner_recipient_shows_chooses_and_clears_who_receives_pushes(  # type: ignore[no-untyped-def]
    cli, workspace: Workspace
) -> None:
    assert cli("partner", "add", "KH-CAU", "--kind", "CAU", "--country", "KH").exit_code == 0
    make_user(workspace, "ana", IMMIGRATION, Role.ANALYST)
    make_user(workspace, "otto", IMMIGRATION, Role.OFFICER)
    unset = cli("partner", "recipient", "KH-CAU")
    assert unset.exit_code == 0 and "Nobody receives" in unset.stdout
    chosen = cli("partner", "recipient", "kh-cau", "ana")
    assert chosen.exit_code == 0, chosen.output
    assert "filed under Ana (ana)" in chosen.stdout
    assert "Ana (ana)" in cli("partner", "recipient", "KH-CAU").stdout
    officer = cli("partner", "recipient", "KH-CAU", "otto")
    assert officer.exit_code != 0 and "analyst or supervisor" in str(officer.exception)
    cleared = cli("partner", "recipient", "KH-CAU", "--nobody")
    assert cleared.exit_code == 0 and "Nobody receives" in cleared.stdout
