"""CLI: ``portintel audit verify``, ``checkpoint`` and ``list``."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated

import typer

from portintel.cli.context import console, context_of, error_console
from portintel.cli.help_format import command_group
from portintel.cli.users import cli_actor
from portintel.errors import InvalidInput

app = command_group("The hash-chained audit log.")

_OBJECT_TYPE = re.compile(r"^[a-z_]+$")


@app.command("verify")
def verify_command(
    ctx: typer.Context,
    witness: Annotated[
        Path | None,
        typer.Option(
            "--witness",
            help="Witness file of signed checkpoints to hold the log against "
            "(default: the audit_witness setting).",
            dir_okay=False,
        ),
    ] = None,
) -> None:
    """Check the hash chain and every signed checkpoint; exit 1 naming the first problem.

    Only reads: the database is opened read-only and never migrated, so a copy
    of the data directory on read-only media can be checked.
    """
    from rich.markup import escape

    from portintel.services import audit
    from portintel.services.workspace import open_workspace

    settings = context_of(ctx).settings
    ws = open_workspace(settings, read_only=True)
    try:
        result = audit.verify(ws, witness or settings.audit_witness)
    finally:
        ws.close()
    if result.ok:
        count = result.checkpoints
        agreed = f"; {count} signed checkpoint{'s agree' if count != 1 else ' agrees'}"
        console.print(f"{result.checked} entries, chain intact{agreed if count else ''}")
        return
    where = f" at entry {result.first_bad_seq}" if result.first_bad_seq is not None else ""
    error_console.print(
        f"[bold red]audit log tampered[/]{where}: {escape(result.reason or '')}",
        highlight=False,
    )
    error_console.print(f"{result.checked} entries checked before the break.")
    raise typer.Exit(1)


@app.command("checkpoint")
def checkpoint_command(
    ctx: typer.Context,
    witness: Annotated[
        str | None,
        typer.Option(
            "--witness",
            help="Append the signed checkpoint to this witness file (JSON lines); "
            "'-' prints it instead (to pipe it off the node).",
        ),
    ] = None,
) -> None:
    """Sign the head of the audit chain with the node key and store the checkpoint.

    Keep the witness file away from the node: a checkpoint there shows any later
    rewrite of the entries before it.
    """
    from portintel.services import audit

    ws = context_of(ctx).workspace()
    to_stdout = witness == "-"
    checkpoint = audit.checkpoint_audit(ws, None if to_stdout or witness is None else Path(witness))
    if to_stdout:
        typer.echo(checkpoint.to_json())
        return
    written = f", appended to {witness}" if witness else ""
    console.print(
        f"checkpoint of entry {checkpoint.seq} ({checkpoint.entries} entries) "
        f"signed with key {checkpoint.key_id}{written}",
        highlight=False,
    )


def parse_since(text: str) -> datetime:
    """An ISO date or date-time; without a zone it is UTC."""
    try:
        value = datetime.fromisoformat(text)
    except ValueError as exc:
        raise InvalidInput(
            f"--since {text!r} is not a date or time",
            field="since",
            hint="use ISO 8601, e.g. 2026-03-01 or 2026-03-01T08:00",
        ) from exc
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value


def parse_object(text: str) -> tuple[str | None, str | None]:
    """``report:R-1`` is a type and an id, ``report:`` a type only, ``R-1`` an id."""
    kind, separator, identifier = text.partition(":")
    if separator and _OBJECT_TYPE.fullmatch(kind):
        return kind, identifier or None
    return None, text


@app.command("list")
def list_command(
    ctx: typer.Context,
    actor: Annotated[str | None, typer.Option("--actor", help="Username who acted.")] = None,
    action: Annotated[
        str | None,
        typer.Option("--action", help="Action, e.g. report.read; 'login.*' for a family."),
    ] = None,
    object_: Annotated[
        str | None,
        typer.Option("--object", help="Object as TYPE:ID, TYPE: or ID, e.g. report:R-1."),
    ] = None,
    since: Annotated[
        str | None, typer.Option("--since", help="Only entries at or after this (ISO 8601, UTC).")
    ] = None,
    limit: Annotated[int, typer.Option("--limit", help="How many of the newest entries.")] = 50,
) -> None:
    """Show the newest audit entries as a table (reading the log is itself recorded)."""
    from rich.markup import escape
    from rich.table import Table

    from portintel.services import audit

    ws = context_of(ctx).workspace()
    object_type, object_id = parse_object(object_) if object_ else (None, None)
    entries = audit.list_entries(
        ws,
        cli_actor(),
        audit.AuditFilters(
            actor=actor,
            action=action,
            object_type=object_type,
            object_id=object_id,
            since=parse_since(since) if since else None,
            limit=limit,
        ),
    )
    table = Table("seq", "time (UTC)", "actor", "action", "object", "detail")
    for entry in entries:
        object_id = "(withheld)" if entry.object_id_withheld else entry.object_id
        target = ":".join(part for part in (entry.object_type, object_id) if part)
        detail = (
            "(withheld)"
            if entry.detail is None
            else json.dumps(entry.detail, ensure_ascii=False, sort_keys=True)
        )
        table.add_row(
            str(entry.seq),
            f"{entry.at:%Y-%m-%d %H:%M:%S}",
            escape(entry.actor),
            escape(entry.action),
            escape(target),
            escape(detail if len(detail) <= 100 else detail[:99] + "…"),
        )
    console.print(table)
    console.print(f"{len(entries)} entries shown.")
