"""CLI: ``portintel partner add|list|show|recipient|token|tokens|revoke-token``,
``portintel agreement``.

A partner's TAXII token (``partner token``) is printed once, alone on stdout.

A partner's credential is read from standard input (``--credential-stdin``),
never from an argument (which the shell history and ``ps`` would keep), and
is shown only as "set" or "not set".
"""

from __future__ import annotations

import sys
from datetime import UTC, datetime
from typing import Annotated

import typer

from portintel.cli.context import console, context_of, error_console
from portintel.cli.help_format import command_group
from portintel.cli.users import cli_actor
from portintel.domain.secret import Secret
from portintel.errors import InvalidInput

app = command_group("Partner nodes this node shares with (administrators).")
agreements_app = command_group("Agreements: what each partner may receive, and how.")


def _show_partner(partner: object) -> None:
    from portintel.domain.sharing import Partner

    assert isinstance(partner, Partner)
    lines = (
        ("name", partner.name),
        ("kind", partner.kind.value),
        ("country", partner.country),
        ("TAXII URL", partner.taxii_url or "-"),
        ("fingerprint", partner.fingerprint or "-"),
        ("credential", "set" if partner.credential_set else "not set"),
        ("registered", partner.created_at.isoformat(timespec="seconds")),
    )
    for label, value in lines:
        console.print(f"{label:<12} {value}", highlight=False, markup=False)


@app.command("add")
def add_command(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(help="The partner node's name, e.g. TH-PIU-RNG.")],
    kind: Annotated[str, typer.Option("--kind", help="PIU, CAU, BLO or international.")],
    country: Annotated[str, typer.Option("--country", help="ISO 3166-1 alpha-2 country.")],
    taxii_url: Annotated[
        str | None, typer.Option("--taxii-url", help="Base URL of the partner's TAXII 2.1 server.")
    ] = None,
    public_key: Annotated[
        str | None,
        typer.Option("--public-key", help="The partner's key as `portintel node show` prints it."),
    ] = None,
    fingerprint: Annotated[
        str | None,
        typer.Option("--fingerprint", help="The fingerprint the partner gave by another channel."),
    ] = None,
    credential_stdin: Annotated[
        bool,
        typer.Option("--credential-stdin", help="Read the TAXII credential from standard input."),
    ] = False,
) -> None:
    """Register a partner node (audited; the credential is stored sealed, never shown)."""
    from portintel.services import sharing

    credential = None
    if credential_stdin:
        line = sys.stdin.readline().rstrip("\r\n")
        if not line:
            raise InvalidInput(
                "--credential-stdin was given but standard input is empty", field="credential"
            )
        credential = Secret(line)
    partner = sharing.add_partner(
        context_of(ctx).workspace(),
        cli_actor(),
        name=name,
        kind=kind,
        country=country,
        taxii_url=taxii_url,
        public_key=public_key,
        expected_fingerprint=fingerprint,
        credential=credential,
    )
    _show_partner(partner)


@app.command("rekey")
def rekey_command(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(help="The partner node's name.")],
    public_key: Annotated[
        str, typer.Option("--public-key", help="The partner's new key (`portintel node show`).")
    ],
    fingerprint: Annotated[
        str | None,
        typer.Option("--fingerprint", help="The fingerprint the partner gave by another channel."),
    ] = None,
) -> None:
    """Register a partner's new key after it rotated; the old key is kept, so what the
    partner signed before still verifies (audited)."""
    from portintel.services import sharing

    partner = sharing.replace_partner_key(
        context_of(ctx).workspace(), cli_actor(), name, public_key, expected_fingerprint=fingerprint
    )
    _show_partner(partner)


@app.command("list")
def list_command(ctx: typer.Context) -> None:
    """List registered partners (credentials shown as set / not set)."""
    from rich.table import Table

    from portintel.services import sharing

    table = Table("name", "kind", "country", "TAXII URL", "fingerprint", "credential")
    for partner in sharing.list_partners(context_of(ctx).workspace(), cli_actor()):
        table.add_row(
            partner.name,
            partner.kind.value,
            partner.country,
            partner.taxii_url or "-",
            (partner.fingerprint or "-")[:23],
            "set" if partner.credential_set else "not set",
        )
    console.print(table)


@app.command("show")
def show_command(
    ctx: typer.Context, name: Annotated[str, typer.Argument(help="The partner's name.")]
) -> None:
    """Show one partner (audited)."""
    from portintel.services import sharing

    _show_partner(sharing.get_partner(context_of(ctx).workspace(), cli_actor(), name))


@app.command("recipient")
def recipient_command(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(help="The partner's name.")],
    username: Annotated[
        str | None,
        typer.Argument(help="The analyst or supervisor who receives what the partner pushes."),
    ] = None,
    nobody: Annotated[
        bool, typer.Option("--nobody", help="Designate nobody: the partner's pushes are refused.")
    ] = False,
) -> None:
    """Show or choose who receives what the partner pushes into its inbox collection here:
    received reports are filed under that person and their agency (audited)."""
    from portintel.services import sharing

    ws, actor = context_of(ctx).workspace(), cli_actor()
    if username is not None and nobody:
        raise InvalidInput("name a recipient or give --nobody, not both", field="recipient")
    if username is not None or nobody:
        chosen = sharing.set_push_recipient(ws, actor, name, None if nobody else username)
    else:
        chosen = sharing.push_recipient(ws, actor, name)
    if chosen is None:
        console.print(
            f"Nobody receives what {name.upper()} pushes: its pushes are refused until an "
            f"administrator runs `portintel partner recipient {name.upper()} USERNAME`.",
            highlight=False,
            markup=False,
        )
        return
    console.print(
        f"{chosen.partner}: pushed intelligence is filed under {chosen.display_name} "
        f"({chosen.username}), chosen by {chosen.set_by} on {chosen.set_at:%Y-%m-%d}.",
        highlight=False,
        markup=False,
    )


@app.command("token")
def token_command(
    ctx: typer.Context, name: Annotated[str, typer.Argument(help="The partner's name.")]
) -> None:
    """Issue a token for the partner to pull its TAXII collections; printed once, alone on
    stdout (give it to the partner by a safe channel). Only its hash is stored."""
    from portintel.services import sharing

    issued = sharing.issue_partner_token(context_of(ctx).workspace(), cli_actor(), name)
    error_console.print(
        f"TAXII token {issued.id} for {issued.partner}. It is shown once: store it now. "
        f"The partner sends it as 'Authorization: Bearer <token>', or as the password of "
        f"HTTP Basic with user name {issued.partner}."
    )
    typer.echo(issued.secret.reveal())


@app.command("tokens")
def tokens_command(
    ctx: typer.Context,
    name: Annotated[str | None, typer.Argument(help="Whose tokens (default: all).")] = None,
) -> None:
    """List the TAXII tokens issued to partners (never their text)."""
    from rich.table import Table

    from portintel.services import sharing

    table = Table("id", "partner", "created", "by", "last used", "revoked")
    for view in sharing.list_partner_tokens(context_of(ctx).workspace(), cli_actor(), name):
        table.add_row(
            view.id,
            view.partner,
            f"{view.created_at:%Y-%m-%d %H:%M}",
            view.created_by,
            f"{view.last_used_at:%Y-%m-%d %H:%M}" if view.last_used_at else "",
            f"{view.revoked_at:%Y-%m-%d %H:%M}" if view.revoked_at else "",
        )
    console.print(table)


@app.command("revoke-token")
def revoke_token_command(
    ctx: typer.Context, token_id: Annotated[str, typer.Argument(help="Token id (PT-...).")]
) -> None:
    """Revoke a partner's TAXII token at once."""
    from portintel.services import sharing

    sharing.revoke_partner_token(context_of(ctx).workspace(), cli_actor(), token_id)
    console.print(f"Partner token {token_id} revoked.")


def _parse_expiry(text: str | None) -> datetime | None:
    if text is None:
        return None
    try:
        value = datetime.fromisoformat(text)
    except ValueError as exc:
        raise InvalidInput(
            f"--expires {text!r} is not a date or time",
            field="expires",
            hint="use ISO 8601, e.g. 2027-12-31",
        ) from exc
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value


def _show_agreement(agreement: object, partner: str | None = None) -> None:
    from portintel.domain.sharing import Agreement

    assert isinstance(agreement, Agreement)
    lines = (
        ("agreement", agreement.id),
        ("partner", partner or agreement.partner_id),
        ("handling", ", ".join(sorted(agreement.handling_codes))),
        ("TLP", ", ".join(sorted(agreement.tlp_levels))),
        ("categories", ", ".join(sorted(c.value for c in agreement.categories))),
        ("victims and minors", "may go" if agreement.personal_data else "never go"),
        ("delivery", agreement.delivery.value),
        ("expires", agreement.expires_at.isoformat() if agreement.expires_at else "never"),
    )
    for label, value in lines:
        console.print(f"{label:<19} {value}", highlight=False, markup=False)


@agreements_app.command("add")
def agreement_add_command(
    ctx: typer.Context,
    partner: Annotated[str, typer.Argument(help="The partner's name.")],
    handling: Annotated[
        list[str], typer.Option("--handling", help="A handling code it may receive (repeat).")
    ],
    tlp: Annotated[list[str], typer.Option("--tlp", help="A TLP level it may receive (repeat).")],
    category: Annotated[
        list[str],
        typer.Option("--category", help="reports, entities, incidents or statistics (repeat)."),
    ],
    personal_data: Annotated[
        bool,
        typer.Option(
            "--personal-data/--no-personal-data",
            help="Whether personal data of victims or minors may go.",
        ),
    ] = False,
    delivery: Annotated[str, typer.Option("--delivery", help="pull or push.")] = "pull",
    expires: Annotated[
        str | None, typer.Option("--expires", help="Expiry (ISO 8601, UTC); none: no end.")
    ] = None,
) -> None:
    """Record what a partner may receive; it supersedes the partner's previous agreement."""
    from portintel.services import sharing

    agreement = sharing.add_agreement(
        context_of(ctx).workspace(),
        cli_actor(),
        partner,
        handling_codes=handling,
        tlp_levels=tlp,
        categories=category,
        personal_data=personal_data,
        delivery=delivery,
        expires_at=_parse_expiry(expires),
    )
    _show_agreement(agreement, partner.upper())


@agreements_app.command("list")
def agreement_list_command(
    ctx: typer.Context,
    partner: Annotated[
        str | None, typer.Option("--partner", help="Only this partner's agreements.")
    ] = None,
) -> None:
    """List agreements, newest first."""
    from rich.table import Table

    from portintel.services import sharing

    ws = context_of(ctx).workspace()
    actor = cli_actor()
    names = {p.id: p.name for p in sharing.list_partners(ws, actor)}
    table = Table("agreement", "partner", "handling", "TLP", "categories", "delivery", "expires")
    for agreement in sharing.list_agreements(ws, actor, partner):
        table.add_row(
            agreement.id,
            names.get(agreement.partner_id, agreement.partner_id),
            ", ".join(sorted(agreement.handling_codes)),
            ", ".join(sorted(agreement.tlp_levels)),
            ", ".join(sorted(c.value for c in agreement.categories)),
            agreement.delivery.value,
            agreement.expires_at.isoformat() if agreement.expires_at else "never",
        )
    console.print(table)


@agreements_app.command("show")
def agreement_show_command(
    ctx: typer.Context, agreement_id: Annotated[str, typer.Argument(help="The agreement's id.")]
) -> None:
    """Show one agreement."""
    from portintel.services import sharing

    _show_agreement(sharing.get_agreement(context_of(ctx).workspace(), cli_actor(), agreement_id))
