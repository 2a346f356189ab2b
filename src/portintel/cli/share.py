"""CLI: ``portintel share preview``: what a partner would receive, and why not the rest."""

from __future__ import annotations

from typing import Annotated

import typer

from portintel.cli.context import console, context_of
from portintel.cli.help_format import command_group
from portintel.cli.reports import AsUser, acting_user

app = command_group("Share intelligence with partner nodes.")


@app.command("preview")
def preview_command(
    ctx: typer.Context,
    as_user: AsUser,
    partner: Annotated[str, typer.Option("--partner", help="The partner's name.")],
    report: Annotated[
        list[str] | None,
        typer.Option("--report", help="A report to share (repeat); default: the newest ones."),
    ] = None,
    limit: Annotated[
        int, typer.Option("--limit", help="Without --report: how many of the newest reports.")
    ] = 100,
) -> None:
    """Dry run: exactly what the partner would receive and, for everything withheld, why.

    Only reports you may read are considered, and the statements about the
    entities they name. Nothing is sent; the preview is audited.
    """
    from rich.markup import escape

    from portintel.services import sharing

    ws = context_of(ctx).workspace()
    result = sharing.preview_share(ws, acting_user(ws, as_user), partner, report or (), limit=limit)
    agreement = result.agreement_id or "none"
    console.print(f"[bold]{escape(result.partner)}[/] (agreement {agreement})", highlight=False)
    for title, items in (("Reports", result.reports), ("Statements", result.statements)):
        sent = sum(item.allowed for item in items)
        console.print(f"\n[bold]{title}[/]: {sent} of {len(items)} would go", highlight=False)
        for item in items:
            mark = "[green]SEND[/]" if item.allowed else "[red]WITHHOLD[/]"
            console.print(f"  {mark} {escape(item.id)}  {escape(item.label)}", highlight=False)
            if item.allowed and item.conditions:
                console.print(
                    f"      conditions travel with it: {escape(item.conditions)}", highlight=False
                )
            if not item.allowed:
                for reason in item.reasons:
                    console.print(f"      - {escape(reason.message)}", highlight=False)
            if not item.agrees:
                console.print("      [yellow]policy and view disagree[/]", highlight=False)
    console.print("\n[bold]Never sent[/] (stripped from everything):", highlight=False)
    for field, why in result.sanitised:
        console.print(f"  - {field}: {why}", highlight=False)
