"""CLI: ``portintel chart list``, ``show`` and ``export`` (link charts and saved charts).

``list`` prints the saved charts the acting user owns or that colleagues
shared with them; ``show`` one saved chart with its parameters (root, hops,
kinds of link, dates, grading), its handling and who it is shared with;
``export`` writes a saved chart, or an entity's chart (``--entity``), to
GraphML, GEXF, i2 ANX, FtM JSON or the API's JSON, to a file or to stdout.
Everything is expanded in the acting user's scope, as on the chart page: a
node or a link they may not see is absent; every export is audited.
"""

from __future__ import annotations

import json
import sys
from datetime import datetime
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from portintel.cli.context import console, context_of
from portintel.cli.help_format import FlagHelpGroup
from portintel.cli.reports import AsUser, acting_user

if TYPE_CHECKING:
    from portintel.services.analysis import SavedChart

app = typer.Typer(
    cls=FlagHelpGroup,
    help="Link charts: saved charts and exports for Gephi, Analyst's Notebook and Aleph.",
    no_args_is_help=True,
    rich_markup_mode=None,
)

KIND_NAMES = ("relationship", "property", "phone", "identifier", "report", "encounter")


class Whose(StrEnum):
    ALL = "all"
    MINE = "mine"
    SHARED = "shared"


class ListFormat(StrEnum):
    TABLE = "table"
    JSON = "json"


class ExportFormat(StrEnum):
    GRAPHML = "graphml"
    GEXF = "gexf"
    ANX = "anx"
    FTM = "ftm"
    JSON = "json"


def _require(as_user: str) -> None:
    if not as_user:
        raise typer.BadParameter("name the user to act as: --as USER or PORTINTEL_USER")


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


def saved_json(saved: SavedChart) -> dict[str, Any]:
    """A saved chart's parameters, handling and sharing (not its nodes: they vary by reader)."""
    from portintel.services.analysis.saved_charts import layout_to_json, options_to_json

    return {
        "id": saved.id,
        "name": saved.name,
        "owner": saved.owner,
        "owner_name": saved.owner_name,
        "root": saved.root,
        "options": options_to_json(saved.options),
        "handling": saved.handling,
        "handling_label": saved.handling_label,
        "handling_conditions": saved.handling_conditions,
        "shared_with_unit": saved.shared_with_unit,
        "shared_with": list(saved.shared_with),
        "notes": saved.notes,
        "layout": layout_to_json(saved.layout),
        "created_at": saved.created_at.isoformat(),
        "updated_at": saved.updated_at.isoformat(),
    }


@app.command("list")
def list_command(
    ctx: typer.Context,
    as_user: AsUser = "",
    whose: Annotated[
        Whose, typer.Option(help="all, mine (charts you own) or shared (shared with you).")
    ] = Whose.ALL,
    output_format: Annotated[
        ListFormat, typer.Option("--format", help="table or json.")
    ] = ListFormat.TABLE,
) -> None:
    """The saved charts you own and those shared with you, newest first."""
    _require(as_user)
    from portintel.services.analysis import list_saved

    ws = context_of(ctx).workspace()
    actor = acting_user(ws, as_user)
    charts = list_saved(ws, actor, whose.value)
    if output_format is ListFormat.JSON:
        document = [saved_json(c) for c in charts]
        sys.stdout.write(json.dumps(document, ensure_ascii=False, indent=2) + "\n")
        return
    if not charts:
        console.print("no saved chart: save one from an entity's chart page (Save this chart)")
        return
    from rich.table import Table

    table = Table("Id", "Name", "Owner", "Entity", "Hops", "Handling", "Updated (UTC)")
    for c in charts:
        table.add_row(
            c.id,
            c.name,
            c.owner_name or c.owner,
            c.root,
            str(c.options.hops),
            f"{c.handling_label} ({c.handling})",
            f"{c.updated_at:%Y-%m-%d %H:%M}",
        )
    console.print(table)


@app.command("show")
def show_command(
    ctx: typer.Context,
    chart_id: Annotated[str, typer.Argument(help="The saved chart's id (see: chart list).")],
    as_user: AsUser = "",
    output_format: Annotated[
        ListFormat, typer.Option("--format", help="table or json.")
    ] = ListFormat.TABLE,
) -> None:
    """One saved chart: its entity, parameters, handling, sharing and notes."""
    _require(as_user)
    from portintel.services.analysis import get_saved

    ws = context_of(ctx).workspace()
    actor = acting_user(ws, as_user)
    saved = get_saved(ws, actor, chart_id)
    if output_format is ListFormat.JSON:
        sys.stdout.write(json.dumps(saved_json(saved), ensure_ascii=False, indent=2) + "\n")
        return
    o = saved.options
    shared = ", ".join(saved.shared_with) or "nobody by name"
    if saved.shared_with_unit:
        shared += "; the whole unit"
    lines = [
        ("Name", saved.name),
        ("Id", saved.id),
        ("Owner", f"{saved.owner_name} ({saved.owner})"),
        ("Entity", saved.root),
        ("Hops", str(o.hops)),
        ("Links", ", ".join(sorted(k.value for k in o.kinds))),
        ("Since", f"{o.since:%Y-%m-%d}" if o.since else "any date"),
        ("Until", f"{o.until:%Y-%m-%d}" if o.until else "any date"),
        ("Minimum grading", o.min_grading or "none"),
        ("Node limit", str(o.max_nodes)),
        ("Handling", f"{saved.handling_label} ({saved.handling})"),
        ("Conditions", saved.handling_conditions or "none"),
        ("Shared with", shared),
        ("Created", f"{saved.created_at:%Y-%m-%d %H:%M} UTC"),
        ("Updated", f"{saved.updated_at:%Y-%m-%d %H:%M} UTC"),
    ]
    for label, value in lines:
        console.print(f"[bold]{label}:[/] {value}", highlight=False, markup=True)
    if saved.notes:
        console.print("[bold]Notes:[/]")
        console.print(saved.notes, highlight=False, markup=False)


@app.command("export")
def export_command(
    ctx: typer.Context,
    chart_id: Annotated[
        str | None, typer.Argument(help="A saved chart's id; or give --entity instead.")
    ] = None,
    as_user: AsUser = "",
    entity: Annotated[
        str | None, typer.Option("--entity", help="Export this entity's chart instead.")
    ] = None,
    output_format: Annotated[
        ExportFormat,
        typer.Option(
            "--format",
            help="graphml or gexf (Gephi), anx (i2 Analyst's Notebook), ftm (Aleph), json.",
        ),
    ] = ExportFormat.GRAPHML,
    output: Annotated[
        Path | None,
        typer.Option("--output", "-o", help="Write to this file (default: standard output)."),
    ] = None,
    hops: Annotated[int, typer.Option(help="With --entity: steps from the entity (1-4).")] = 2,
    kind: Annotated[
        list[str] | None,
        typer.Option(
            "--kind",
            help="With --entity: a kind of link to follow (repeat): "
            + ", ".join(KIND_NAMES)
            + "; default all but report.",
        ),
    ] = None,
    since: Annotated[
        datetime | None, typer.Option(help="With --entity: only facts seen since.")
    ] = None,
    until: Annotated[
        datetime | None, typer.Option(help="With --entity: only facts seen until.")
    ] = None,
    min_grading: Annotated[
        str | None, typer.Option(help="With --entity: only facts graded at least this, e.g. B2.")
    ] = None,
    max_nodes: Annotated[int, typer.Option(help="With --entity: stop past this many.")] = 500,
) -> None:
    """Export a saved chart, or an entity's chart (--entity), in your scope (audited)."""
    _require(as_user)
    if (chart_id is None) == (entity is None):
        raise typer.BadParameter("give a saved chart's id or --entity ENTITY_ID (one of them)")
    from portintel.domain.analysis import EdgeKind
    from portintel.services.analysis import ChartOptions, export_neighbourhood, export_saved

    ws = context_of(ctx).workspace()
    actor = acting_user(ws, as_user)
    if chart_id is not None:
        exported = export_saved(ws, actor, chart_id, output_format.value)
    else:
        unknown = sorted(set(kind or ()) - set(KIND_NAMES))
        if unknown:
            raise typer.BadParameter(
                f"unknown kind of link {', '.join(unknown)}: choose from {', '.join(KIND_NAMES)}"
            )
        options = ChartOptions(
            hops=hops,
            kinds=frozenset(EdgeKind(k) for k in kind) if kind else ChartOptions().kinds,
            since=since,
            until=until,
            min_grading=min_grading,
            max_nodes=max_nodes,
        )
        assert entity is not None
        exported = export_neighbourhood(ws, actor, entity, options, output_format.value)
    if output is None:
        sys.stdout.buffer.write(exported.content)
        sys.stdout.flush()
        return
    output.write_bytes(exported.content)
    handling = f"; handling {exported.handling}" if exported.handling else ""
    console.print(
        f"wrote {output} ({len(exported.content)} bytes, {output_format.value}{handling})",
        highlight=False,
    )
