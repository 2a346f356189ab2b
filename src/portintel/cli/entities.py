"""CLI: ``portintel entity show|list|search|import``.

``entity show`` prints each value with its provenance: the report it comes
from, its grading and handling, first and last seen, and why it is invalid
when it is. ``--json`` prints the same as data, for scripts and exports.
"""

from __future__ import annotations

import json
from dataclasses import asdict
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from portintel.cli.context import built, console, context_of, error_console
from portintel.cli.help_format import command_group
from portintel.cli.reports import AsUser, acting_user

if TYPE_CHECKING:
    from portintel.services.collation.entities import EntitySummary, EntityView

app = command_group("Show, list, search and import entities with provenance.")


def entity_json(entity: EntityView) -> dict[str, Any]:
    """The JSON form of an entity: every statement with its provenance."""
    return {
        "id": entity.id,
        "schema": entity.schema,
        "caption": entity.caption,
        "reports": list(entity.report_ids),
        "statements": [
            {
                **{
                    key: value
                    for key, value in asdict(statement).items()
                    if key not in ("grading", "first_seen", "last_seen")
                },
                "grading": (
                    {**asdict(statement.grading), "label": statement.grading.label}
                    if statement.grading
                    else None
                ),
                "first_seen": statement.first_seen.isoformat(),
                "last_seen": statement.last_seen.isoformat(),
            }
            for statement in entity.statements
        ],
    }


@app.command("show")
def show_command(
    ctx: typer.Context,
    entity_id: Annotated[
        str, typer.Argument(help="Entity id, e.g. ent-3f9c0b2e... (from a report or a search).")
    ],
    as_user: AsUser,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON with provenance.")] = False,
) -> None:
    """Show an entity: each value with its report, grading, handling and first/last seen."""
    from rich.markup import escape
    from rich.table import Column, Table

    from portintel.services.collation.entities import get_entity

    ws = context_of(ctx).workspace()
    entity = get_entity(
        ws, acting_user(ws, as_user), entity_id, purpose="export" if as_json else "read"
    )
    if as_json:
        console.print_json(json.dumps(entity_json(entity), ensure_ascii=False))
        return
    console.print(f"[bold]{escape(entity.caption)}[/] {entity.schema} {entity.id}")
    widest = max((len(s.report_id or s.origin) for s in entity.statements), default=6)
    table = Table(
        Column("property", no_wrap=True),
        Column("value", overflow="fold", min_width=16),
        Column("report", no_wrap=True, min_width=widest),  # ids are copied: never cut
        Column("grading", no_wrap=True),
        Column("handling", overflow="fold"),
        Column("seen", overflow="fold"),
    )
    for statement in entity.statements:
        value = escape(statement.value)
        if statement.invalid_reason:
            value += f" [red](invalid: {escape(statement.invalid_reason)})[/]"
        grading = statement.grading.label if statement.grading else "-"
        if statement.grading and not statement.grading_inherited:
            grading += "*"
        handling = statement.handling or "-"
        if statement.handling and not statement.handling_inherited:
            handling += "*"
        first, last = f"{statement.first_seen:%Y-%m-%d}", f"{statement.last_seen:%Y-%m-%d}"
        table.add_row(
            statement.prop,
            value,
            statement.report_id or escape(statement.origin),
            grading,
            handling,
            first if first == last else f"{first}..{last}",
        )
    console.print(table)
    console.print("[dim]* set on the value itself, not inherited from its report[/]")


def _print_summaries(summaries: list[EntitySummary]) -> None:
    from rich.markup import escape
    from rich.table import Column, Table

    widest = max((len(summary.id) for summary in summaries), default=2)
    table = Table(
        Column("id", no_wrap=True, min_width=widest),  # ids are copied: never cut
        *(Column(name, overflow="fold") for name in ("type", "caption", "statements", "reports")),
    )
    for summary in summaries:
        table.add_row(
            summary.id,
            summary.schema,
            escape(summary.caption),
            str(summary.statement_count),
            str(summary.report_count),
        )
    console.print(table)
    console.print(f"{len(summaries)} entities")


@app.command("list")
def list_command(
    ctx: typer.Context,
    as_user: AsUser,
    schema: Annotated[str | None, typer.Option(help="Only this type, e.g. Vessel.")] = None,
    limit: Annotated[int, typer.Option(help="At most this many.")] = 50,
) -> None:
    """List the entities you may see."""
    from portintel.services.collation.entities import list_entities

    ws = context_of(ctx).workspace()
    _print_summaries(list_entities(ws, acting_user(ws, as_user), schema=schema, limit=limit))


@app.command("search")
def search_command(
    ctx: typer.Context,
    query: Annotated[str, typer.Argument(help="Text in any value: a name, number, phone.")],
    as_user: AsUser,
    schema: Annotated[str | None, typer.Option(help="Only this type, e.g. Person.")] = None,
    limit: Annotated[int, typer.Option(help="At most this many.")] = 50,
) -> None:
    """Search entities by any of their values you may see."""
    from portintel.services.collation.entities import search_entities

    ws = context_of(ctx).workspace()
    _print_summaries(
        search_entities(ws, acting_user(ws, as_user), query, schema=schema, limit=limit)
    )


@app.command("import")
def import_command(
    ctx: typer.Context,
    file: Annotated[Path, typer.Argument(help="followthemoney entities, JSON lines (.jsonl).")],
    as_user: AsUser,
    dataset: Annotated[
        str | None, typer.Option(help="Dataset of the statements (default: this node's).")
    ] = None,
) -> None:
    """Import FtM entities: each value a statement with the file as its origin."""
    from rich.progress import Progress

    from portintel.services.collation.entity_import import import_entities

    ws = context_of(ctx).workspace()
    actor = acting_user(ws, as_user)
    with Progress(console=built(error_console), transient=True) as bar:
        task = bar.add_task(f"importing {file.name}", total=None)
        summary = import_entities(
            ws,
            actor,
            file,
            dataset=dataset,
            progress=lambda done, total: bar.update(task, completed=done, total=total),
        )
    console.print(
        f"{summary.entities} entities, {summary.statements} statements from {summary.filename} "
        f"(origin {summary.origin}, dataset {summary.dataset}); "
        f"{summary.invalid_values} values kept as written with the reason they are invalid"
    )
    for rejected in summary.rejected:
        error_console.print(f"line {rejected.line}: {rejected.reason}")
    if summary.rejected:
        error_console.print(f"{len(summary.rejected)} lines refused, kept in quarantine")


@app.command("history")
def history_command(
    ctx: typer.Context,
    entity_id: Annotated[str, typer.Argument(help="Entity id (any member of a merged entity).")],
    as_user: AsUser,
) -> None:
    """The merge history of an entity: every judgement on it, who, when, why, in force or not."""
    from rich.markup import escape
    from rich.table import Table

    from portintel.services.collation.canonical import canonical_entity
    from portintel.services.collation.judgements import entity_judgements

    ws = context_of(ctx).workspace()
    actor = acting_user(ws, as_user)
    views = entity_judgements(ws, actor, entity_id)
    entity = canonical_entity(ws, actor, entity_id)
    console.print(f"{entity.canonical_id}: {' '.join(entity.member_ids)}")
    table = Table("when", "left", "right", "verdict", "by", "reason", "state")
    for view in views:
        judgement = view.judgement
        state = "in force" if view.in_force else "superseded"
        if judgement.retracted_at is not None:
            state = f"undone {judgement.retracted_at:%Y-%m-%d %H:%M} by {judgement.retracted_by}"
        elif view.blocked:
            state = "blocked by a different judgement"
        by = f"system ({judgement.rule})" if judgement.automatic else judgement.judged_by
        table.add_row(
            f"{judgement.judged_at:%Y-%m-%d %H:%M}",
            judgement.left,
            judgement.right,
            judgement.verdict.value,
            by,
            escape(judgement.reason or ""),
            state,
        )
    console.print(table)
