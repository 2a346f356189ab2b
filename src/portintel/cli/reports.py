"""CLI: ``portintel report add|import|show|list``.

Every command acts as a named user (``--as USERNAME``, or ``PORTINTEL_USER``):
the services apply that user's need-to-know and write the audit log under
their name, exactly as in the web application.
"""

from __future__ import annotations

import json
from dataclasses import asdict, replace
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from portintel.cli.context import built, console, context_of, operating_system_user
from portintel.cli.help_format import command_group
from portintel.domain.actors import SYSTEM, Actor
from portintel.domain.reports import FactDraft, ReportDraft, ReportStatus
from portintel.errors import InvalidInput

if TYPE_CHECKING:
    from portintel.services.intake.reports import ReportView
    from portintel.services.workspace import Workspace

app = command_group("File, import, show and list intelligence reports.")

AsUser = Annotated[
    str,
    typer.Option("--as", envvar="PORTINTEL_USER", help="Act as this user (their rights apply)."),
]


def acting_user(ws: Workspace, username: str) -> Actor:
    """The actor for ``--as USERNAME``; a clear error when there is no such active user."""
    from portintel.services import admin

    """The actor for ``--as USERNAME``; a clear error when there is no such active user.

    The actor carries the operating-system user, so every audit entry it
    causes names both the identity used and who used it at the console.
    """
    user = admin.get_user(ws, SYSTEM, username)
    return replace(admin.get_actor(ws, user.id), operator=operating_system_user())


def parse_fact(text: str) -> FactDraft:
    """``vessel.imoNumber=IMO 9074729`` (the import file's column syntax) -> a fact."""
    from portintel.services.intake.import_rows import fact_column

    column, equals, value = text.partition("=")
    if not equals or not value.strip():
        raise InvalidInput(
            f"fact {text!r} has no value",
            field="fact",
            hint="write COLUMN=VALUE, e.g. vessel.name=SEA STAR",
        )
    key, schema, prop = fact_column(column.strip())
    return FactDraft(key, schema, prop, value.strip())


def _json_default(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, (set, frozenset)):
        return sorted(value)
    return str(value)


@app.command("add")
def add_command(
    ctx: typer.Context,
    as_user: AsUser,
    title: Annotated[str | None, typer.Option(help="Short title.")] = None,
    text: Annotated[str | None, typer.Option(help="What was observed or reported.")] = None,
    reliability: Annotated[
        str | None, typer.Option(help="Source reliability code, e.g. B.")
    ] = None,
    credibility: Annotated[
        str | None, typer.Option(help="Information credibility code, e.g. 2.")
    ] = None,
    handling: Annotated[
        str | None, typer.Option(help="Handling code, e.g. uk-3x5x2:P, tlp:AMBER.")
    ] = None,
    conditions: Annotated[str | None, typer.Option(help="Conditions of a 3x5x2 C code.")] = None,
    grading_scheme: Annotated[
        str | None, typer.Option(help="Grading scheme (node's by default).")
    ] = None,
    releasable_to: Annotated[
        list[str] | None,
        typer.Option(help="Agency id a restrictive report may go to (repeatable)."),
    ] = None,
    occurred_at: Annotated[
        str | None, typer.Option(help="When it happened (ISO 8601, UTC if no zone).")
    ] = None,
    place: Annotated[str | None, typer.Option(help="Where it happened.")] = None,
    latitude: Annotated[
        float | None, typer.Option("--lat", help="Latitude, decimal degrees.")
    ] = None,
    longitude: Annotated[
        float | None, typer.Option("--lon", help="Longitude, decimal degrees.")
    ] = None,
    source: Annotated[
        str | None, typer.Option(help="Source id; its reliability is carried over.")
    ] = None,
    fact: Annotated[
        list[str] | None,
        typer.Option(
            help="A fact as COLUMN=VALUE, e.g. vessel.imoNumber=IMO 9074729 (repeatable)."
        ),
    ] = None,
    submit: Annotated[bool, typer.Option(help="Submit for evaluation at once.")] = False,
) -> None:
    """File a report; asks for what is missing when run in a terminal."""
    from portintel.services.intake.import_rows import parse_time
    from portintel.services.intake.reports import create_report, get_report

    ws = context_of(ctx).workspace()
    actor = acting_user(ws, as_user)

    def ask(value: str | None, label: str) -> str:
        """A missing value is asked for (in a terminal, or from piped input)."""
        if value:
            return value
        return str(typer.prompt(label.capitalize()))

    draft = ReportDraft(
        title=ask(title, "title"),
        text=ask(text, "text"),
        reliability=reliability or (None if source else ask(None, "reliability")),
        credibility=ask(credibility, "credibility"),
        handling=ask(handling, "handling"),
        handling_conditions=conditions,
        grading_scheme=grading_scheme,
        releasable_to=tuple(releasable_to or ()),
        occurred_at=parse_time(occurred_at, "occurred_at") if occurred_at else None,
        place=place,
        latitude=latitude,
        longitude=longitude,
        source_id=source,
        facts=tuple(parse_fact(item) for item in fact or ()),
    )
    report_id = create_report(ws, actor, draft, submit=submit)
    view = get_report(ws, actor, report_id)
    console.print(
        f"[green]filed[/] {report_id} ({view.status.value}, {view.grading.label}, {view.handling})"
    )
    console.print(f"{len(view.entity_ids)} entities: {', '.join(view.entity_ids) or '-'}")


@app.command("import")
def import_command(
    ctx: typer.Context,
    file: Annotated[Path, typer.Argument(help="CSV, .xlsx or FtM JSON lines file.")],
    as_user: AsUser,
    reliability: Annotated[
        str, typer.Option(help="FtM files only: reliability of the import.")
    ] = "F",
    credibility: Annotated[
        str, typer.Option(help="FtM files only: credibility of the import.")
    ] = "6",
    handling: Annotated[
        str, typer.Option(help="FtM files only: handling code of the import.")
    ] = "uk-3x5x2:P",
    conditions: Annotated[
        str | None, typer.Option(help="FtM files only: conditions of a 3x5x2 C.")
    ] = None,
) -> None:
    """Import reports; bad rows are listed with their line and quarantined, good rows go in."""
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeElapsedColumn,
    )

    from portintel.services.intake.imports import FtmDefaults, import_reports

    ws = context_of(ctx).workspace()
    actor = acting_user(ws, as_user)
    defaults = FtmDefaults(reliability, credibility, handling, conditions)
    with Progress(
        TextColumn("[bold]importing[/] {task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=built(console),
        transient=True,
    ) as progress:
        task = progress.add_task(file.name, total=None)
        summary = import_reports(
            ws,
            actor,
            file,
            ftm_defaults=defaults,
            progress=lambda done, total: progress.update(task, completed=done, total=total),
        )
    console.print(
        f"{summary.filename}: {summary.rows_total} rows, [green]{summary.imported} imported[/], "
        f"{summary.already_present} already present, [red]{len(summary.rejected)} rejected[/] "
        f"(batch {summary.batch_id})"
    )
    for rejection in summary.rejected:
        console.print(f"  line {rejection.line}: {rejection.reason}", markup=False, highlight=False)
    if summary.rejected:
        raise typer.Exit(code=2)


def _print_report(view: ReportView) -> None:
    from rich.markup import escape
    from rich.table import Table

    console.print(f"[bold]{view.id}[/] {escape(view.title)}", highlight=False)
    table = Table.grid(padding=(0, 2))
    table.add_column(style="dim")
    table.add_column()
    grading = view.grading.label + f" ({view.grading.scheme})"
    if view.mapped_grading:
        grading += f", {view.mapped_grading.label} in {view.mapped_grading.scheme}"
    handling = view.handling + (
        f" ({view.handling_conditions})" if view.handling_conditions else ""
    )
    for label, value in (
        ("status", view.status.value),
        ("author", f"{view.author_id} ({view.agency_id})"),
        ("reported", view.reported_at.isoformat()),
        ("occurred", view.occurred_at.isoformat() if view.occurred_at else "-"),
        ("place", view.place or "-"),
        ("grading", grading),
        ("handling", handling),
        ("releasable to", ", ".join(view.releasable_to) or "-"),
        ("source", f"{view.source_reference} ({view.source_kind})" if view.source_id else "-"),
        ("entities", ", ".join(view.entity_ids) or "-"),
    ):
        table.add_row(label, value)
    console.print(table, markup=False, highlight=False)
    console.print()
    console.print(view.text, markup=False, highlight=False)
    for attachment in view.attachments:
        console.print(
            f"attachment {attachment.id}: {attachment.filename} ({attachment.size} bytes)",
            markup=False,
        )
    console.print()
    for event in view.events:
        line = f"{event.at.isoformat()}  {event.action:<12} {event.to_status or '':<12}"
        console.print(
            f"{line} by {event.actor_id}" + (f"  {event.note}" if event.note else ""),
            markup=False,
            highlight=False,
        )


@app.command("show")
def show_command(
    ctx: typer.Context,
    report_id: Annotated[str, typer.Argument(help="Report id, e.g. R-20260301-1a2b3c4d.")],
    as_user: AsUser,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Show one report with its history (if you may read it)."""
    from portintel.services.intake.reports import get_report

    ws = context_of(ctx).workspace()
    view = get_report(ws, acting_user(ws, as_user), report_id)
    if as_json:
        console.print_json(json.dumps(asdict(view), default=_json_default, ensure_ascii=False))
        return
    _print_report(view)


@app.command("list")
def list_command(
    ctx: typer.Context,
    as_user: AsUser,
    status: Annotated[
        list[ReportStatus] | None, typer.Option(help="Only this status (repeatable).")
    ] = None,
    text: Annotated[str | None, typer.Option(help="Words in the title or text.")] = None,
    agency: Annotated[str | None, typer.Option(help="Only reports of this agency id.")] = None,
    limit: Annotated[int, typer.Option(help="At most this many.")] = 50,
) -> None:
    """List the reports you may read, newest first."""
    from rich.markup import escape
    from rich.table import Column, Table

    from portintel.services.intake.reports import ReportFilters, list_reports

    ws = context_of(ctx).workspace()
    filters = ReportFilters(status=tuple(status or ()), text=text, agency_id=agency, limit=limit)
    summaries = list_reports(ws, acting_user(ws, as_user), filters)
    widest = max((len(summary.id) for summary in summaries), default=2)
    table = Table(
        Column("id", no_wrap=True, min_width=widest),  # ids are copied: never cut
        *(
            Column(name, overflow="fold")
            for name in ("status", "reported", "grading", "handling", "title")
        ),
    )
    for summary in summaries:
        table.add_row(
            summary.id,
            summary.status.value,
            f"{summary.reported_at:%Y-%m-%d %H:%M}",
            summary.grading.label,
            summary.handling,
            escape(summary.title),
        )
    console.print(table)
    console.print(f"{len(summaries)} reports")
