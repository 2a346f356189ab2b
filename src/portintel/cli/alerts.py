"""CLI: ``portintel alerts list|show|ack|assign|close``.

Alerts are raised by the targeting jobs (a watchlist hit, a risk score
crossing ``alert_score_threshold``, a watched vessel's listed behaviour),
once per cause. Each command acts as a user (``--as USER`` or
``PORTINTEL_USER``) and shows only the alerts that user may read.
"""

from __future__ import annotations

import json
import sys
from typing import TYPE_CHECKING, Annotated

import typer

from portintel.cli.context import console, context_of
from portintel.cli.help_format import FlagHelpGroup
from portintel.cli.reports import AsUser, acting_user

if TYPE_CHECKING:
    from portintel.services.targeting import AlertView

app = typer.Typer(
    cls=FlagHelpGroup,
    help="Alerts: watchlist hits, risk scores over the threshold, watched vessels' behaviour.",
    no_args_is_help=True,
    rich_markup_mode=None,
)

AlertId = Annotated[int, typer.Argument(help="The alert's number, as `alerts list` shows it.")]


def _need_user(as_user: str) -> None:
    if not as_user:
        raise typer.BadParameter("name the user to act as: --as USER or PORTINTEL_USER")


def _alert_json(alert: AlertView) -> dict[str, object]:
    return {
        "id": alert.id,
        "kind": alert.kind,
        "title": alert.title,
        "reason": alert.reason,
        "status": alert.status,
        "mmsi": alert.mmsi,
        "entity_id": alert.entity_id,
        "score": alert.score,
        "reasons": [
            {"indicator_id": r.indicator_id, "description": r.description, "weight": r.weight}
            for r in alert.reasons
        ],
        "evidence": [{"kind": e.kind, "id": e.id, "label": e.label} for e in alert.evidence],
        "raised_at": alert.raised_at.isoformat(),
        "assigned_to": alert.assigned_to,
        "closed_at": alert.closed_at.isoformat() if alert.closed_at else None,
        "close_note": alert.close_note,
    }


@app.command("list")
def list_command(
    ctx: typer.Context,
    as_user: AsUser = "",
    status: Annotated[
        str | None, typer.Option(help="open, acknowledged or closed (default: all).")
    ] = None,
    mine: Annotated[bool, typer.Option("--mine", help="Only those assigned to you.")] = False,
    limit: Annotated[int, typer.Option(min=1, max=1000, help="At most this many.")] = 50,
    as_json: Annotated[bool, typer.Option("--json", help="JSON for scripts.")] = False,
) -> None:
    """The alerts you may read, newest first."""
    _need_user(as_user)
    from portintel.services.targeting import list_alerts

    ws = context_of(ctx).workspace()
    alerts = list_alerts(ws, acting_user(ws, as_user), status=status, mine=mine, limit=limit)
    if as_json:
        sys.stdout.write(json.dumps([_alert_json(a) for a in alerts], indent=2) + "\n")
        return
    if not alerts:
        console.print("no alerts")
        return
    from rich.table import Table

    table = Table("No.", "Raised (UTC)", "Alert", "Kind", "Status", "Assigned to")
    for a in alerts:
        table.add_row(
            str(a.id),
            f"{a.raised_at:%Y-%m-%d %H:%M}",
            a.title,
            a.kind_label,
            a.status_label,
            a.assigned_name or "",
        )
    console.print(table)


@app.command("show")
def show_command(ctx: typer.Context, alert_id: AlertId, as_user: AsUser = "") -> None:
    """One alert with its reasons and evidence."""
    _need_user(as_user)
    from portintel.services.targeting import get_alert

    ws = context_of(ctx).workspace()
    a = get_alert(ws, acting_user(ws, as_user), alert_id)
    console.print(f"#{a.id} {a.title}", highlight=False)
    console.print(f"{a.kind_label} · {a.status_label} · raised {a.raised_at:%Y-%m-%d %H:%M} UTC")
    console.print(a.reason, highlight=False)
    for reason in a.reasons:
        console.print(f"  {reason.weight:>5g}  {reason.description}", highlight=False)
    for item in a.evidence:
        console.print(f"  evidence: {item.kind} {item.label} [{item.id}]", highlight=False)
    if a.close_note:
        console.print(f"closed: {a.close_note}", highlight=False)


@app.command("ack")
def ack_command(ctx: typer.Context, alert_id: AlertId, as_user: AsUser = "") -> None:
    """Acknowledge an alert: someone is looking at it."""
    _need_user(as_user)
    from portintel.services.targeting import acknowledge_alert

    ws = context_of(ctx).workspace()
    a = acknowledge_alert(ws, acting_user(ws, as_user), alert_id)
    console.print(f"alert {a.id}: {a.status_label}")


@app.command("assign")
def assign_command(
    ctx: typer.Context,
    alert_id: AlertId,
    username: Annotated[str, typer.Argument(help="Who follows it up (they must may read it).")],
    as_user: AsUser = "",
) -> None:
    """Assign an alert to a person who may read it."""
    _need_user(as_user)
    from portintel.services.targeting import assign_alert

    ws = context_of(ctx).workspace()
    a = assign_alert(ws, acting_user(ws, as_user), alert_id, username)
    console.print(f"alert {a.id}: assigned to {a.assigned_name}", highlight=False)


@app.command("close")
def close_command(
    ctx: typer.Context,
    alert_id: AlertId,
    note: Annotated[str, typer.Option(help="What was done about it (required).")],
    as_user: AsUser = "",
) -> None:
    """Close an alert with a note saying what was done."""
    _need_user(as_user)
    from portintel.services.targeting import close_alert

    ws = context_of(ctx).workspace()
    a = close_alert(ws, acting_user(ws, as_user), alert_id, note)
    console.print(f"alert {a.id}: {a.status_label}")
