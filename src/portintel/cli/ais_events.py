"""CLI: ``portintel ais detect`` and ``portintel ais events`` (behaviour events).

Heavy modules (Polars, the services) are imported inside the commands:
``--help`` stays quick (tests/cli/test_startup.py).
"""

from __future__ import annotations

import sys
from datetime import UTC, date, datetime
from enum import StrEnum
from typing import Annotated

import typer

from portintel.cli.context import console, context_of
from portintel.cli.users import cli_actor
from portintel.errors import InvalidInput


class EventsFormat(StrEnum):
    table = "table"
    jsonl = "jsonl"
    csv = "csv"
    geojson = "geojson"


def _day(value: str | None, option: str) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value[:10])
    except ValueError as exc:
        raise InvalidInput(
            f"{option} {value!r} is not a date", hint="give YYYY-MM-DD", field=option
        ) from exc


class Executor(StrEnum):
    local = "local"
    spark = "spark"


def detect_command(
    ctx: typer.Context,
    since: Annotated[
        str | None,
        typer.Option("--since", help="Recompute every vessel from this day (YYYY-MM-DD)."),
    ] = None,
    executor: Annotated[
        Executor,
        typer.Option(
            "--executor",
            help="local: Polars on this machine, new data only. spark: Apache Spark over the "
            "whole archive (optional extra portintel[spark]).",
        ),
    ] = Executor.local,
    spark_master: Annotated[
        str,
        typer.Option(
            "--spark-master",
            help="Spark master for --executor spark: local[N], or a cluster's URL "
            "(the track store must be on storage its workers read).",
        ),
    ] = "local[*]",
) -> None:
    """Detect behaviour events (gaps, loitering, encounters, port visits, ...) in new AIS data."""
    from rich.table import Table

    day = _day(since, "--since")
    if executor is Executor.spark and day is not None:
        raise InvalidInput(
            "--since is for the local executor: the Spark executor recomputes the whole archive",
            hint="drop --since, or use --executor local",
            field="--since",
        )
    ws = context_of(ctx).workspace()
    from portintel.services.maritime import export_node_files

    export_node_files(ws)  # areas and ports from the app, where detection reads them
    if executor is Executor.spark:
        from portintel.services.maritime.spark_executor import detect_behaviours_spark

        summary = detect_behaviours_spark(ws, master=spark_master)
    else:
        from portintel.services.maritime.behaviours import detect_behaviours

        summary = detect_behaviours(ws, since=day)
    table = Table(title="behaviour detection", show_header=False)
    table.add_column("what")
    table.add_column("count", justify="right")
    table.add_row("vessels recomputed", f"{summary.vessels:,}")
    table.add_row("vessel-days touched", f"{summary.days:,}")
    table.add_row("positions read", f"{summary.positions:,}")
    table.add_row("events new or changed", f"{summary.changed:,}")
    table.add_row("events removed", f"{summary.removed:,}")
    table.add_row("events stored", f"{summary.events:,}")
    for kind, count in sorted(summary.by_type.items()):
        table.add_row(f"  {kind}", f"{count:,}")
    table.add_row("seconds", f"{summary.seconds:,.2f}")
    console.print(table)
    for refusal in summary.refused_ports:
        console.print(f"[yellow]port refused:[/] {refusal}", markup=True, highlight=False)


def events_command(
    ctx: typer.Context,
    kind: Annotated[
        str | None, typer.Option("--type", help="Only this event type (gap, encounter, ...).")
    ] = None,
    mmsi: Annotated[
        str | None, typer.Option("--mmsi", help="Only events of this vessel (either side).")
    ] = None,
    since: Annotated[
        str | None, typer.Option("--since", help="Only events still going on from this day.")
    ] = None,
    limit: Annotated[int | None, typer.Option("--limit", min=1, help="At most this many.")] = None,
    output: Annotated[
        EventsFormat, typer.Option("--format", help="table, jsonl, csv or geojson.")
    ] = EventsFormat.table,
) -> None:
    """List stored behaviour events, newest first, with the Vessel entity where known."""
    from portintel.services.maritime.behaviours import EventFilter, export_events, list_events

    if mmsi is not None and not mmsi.isdigit():
        raise InvalidInput(f"MMSI {mmsi!r} is not a number", field="mmsi")
    day = _day(since, "--since")
    query = EventFilter(
        type=kind,
        mmsi=int(mmsi) if mmsi is not None else None,
        since=datetime(day.year, day.month, day.day, tzinfo=UTC) if day else None,
        limit=limit,
    )
    ws = context_of(ctx).workspace()
    events = list_events(ws, cli_actor(), query)
    if output is not EventsFormat.table:
        sys.stdout.write(export_events(events, output.value))
        return
    from rich.table import Table

    table = Table(title=f"behaviour events ({events.height:,})")
    for name in ("type", "MMSI", "other", "start", "end", "lat", "lon", "vessel", "details"):
        table.add_column(name, overflow="fold")
    for row in events.iter_rows(named=True):
        table.add_row(
            row["type"],
            str(row["mmsi"]),
            "" if row["other_mmsi"] is None else str(row["other_mmsi"]),
            f"{row['start']:%Y-%m-%d %H:%M}",
            "" if row["end"] is None else f"{row['end']:%Y-%m-%d %H:%M}",
            "" if row["lat"] is None else f"{row['lat']:.4f}",
            "" if row["lon"] is None else f"{row['lon']:.4f}",
            row["entity_id"] or "",
            row["details"],
        )
    console.print(table)
