"""CLI: ``portintel ais`` — ingest files and archives, listen to live feeds, read the results.

A thin face: the services do the work and report progress through
callbacks; this module draws the progress bar and the tables.
"""

from __future__ import annotations

import signal
import threading
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from portintel.cli import ais_areas
from portintel.cli.ais_decode import decode_command
from portintel.cli.ais_evaluate import evaluate_command
from portintel.cli.ais_events import detect_command, events_command
from portintel.cli.context import built, console, context_of
from portintel.cli.help_format import command_group
from portintel.cli.users import cli_actor
from portintel.errors import InvalidInput

if TYPE_CHECKING:
    from rich.table import Table

    from portintel.services.maritime.ingest import IngestSummary
    from portintel.services.maritime.listen import ListenSummary

app = command_group(
    "AIS: ingest, listen, quarantine, vessels, decode, detect, events, evaluate, areas."
)
app.command("decode")(decode_command)
app.command("detect")(detect_command)
app.command("events")(events_command)
app.command("evaluate")(evaluate_command)
app.add_typer(ais_areas.app, name="areas")


def _summary_table(summary: IngestSummary) -> Table:
    from rich.table import Table

    table = Table(title="AIS ingest", show_header=False)
    table.add_column("what")
    table.add_column("count", justify="right")
    rows = [
        ("files ingested", summary.files),
        ("files already ingested (skipped)", summary.skipped_files),
        ("files not read (see below)", len(summary.failed)),
        ("NMEA sentences", summary.sentences),
        ("archive rows", summary.rows),
        ("messages", summary.messages),
        ("stored", summary.stored),
        ("  positions stored", summary.positions),
        ("  static reports stored", summary.statics),
        ("  other rows kept raw", summary.other),
        ("vessels (distinct track ids)", summary.vessels),
        ("not stored again", summary.duplicates + summary.merged_receptions),
        ("  duplicate rows in the input", summary.duplicates),
        ("  same message from another receiver", summary.merged_receptions),
        ("already stored by an earlier run", summary.already_stored),
        ("quarantined rows", summary.quarantined_total),
    ]
    for label, value in rows:
        table.add_row(label, f"{value:,}")
    for reason, count in summary.quarantined.most_common():
        table.add_row(f"  {reason}", f"{count:,}")
    table.add_row("seconds", f"{summary.seconds:,.2f}")
    table.add_row("throughput (records/s)", f"{summary.throughput:,.0f}")
    return table


@app.command("ingest")
def ingest_command(
    ctx: typer.Context,
    paths: Annotated[list[Path], typer.Argument(help="Files (plain or .gz) or directories.")],
    format: Annotated[str, typer.Option("--format", help="auto, nmea, csv or parquet.")] = "auto",
    column_map: Annotated[
        str | None,
        typer.Option(
            "--map", help="Columns of a custom table: mmsi=COL,timestamp=COL,lat=COL,lon=COL,..."
        ),
    ] = None,
    time_format: Annotated[
        str | None, typer.Option("--time-format", help="strftime format of the timestamps.")
    ] = None,
    id_column: Annotated[
        str | None,
        typer.Option(
            "--id-column",
            help="Column of vessel ids that are not MMSIs: kept as track ids (id_kind vessel_id).",
        ),
    ] = None,
    reingest: Annotated[
        bool,
        typer.Option(
            "--reingest",
            help="Read files again although already ingested (e.g. with a corrected --map); "
            "rows already stored are not added twice.",
        ),
    ] = False,
    source: Annotated[
        str | None,
        typer.Option("--source", help="Name of the input (provenance); default the file name."),
    ] = None,
    ignore_tag_checksums: Annotated[
        bool,
        typer.Option(
            "--ignore-tag-checksums",
            help="Use the time of NMEA tag blocks with a wrong checksum (rows stay flagged "
            "tag_untrusted; sentence checksums are still checked).",
        ),
    ] = False,
    strict_tag_checksums: Annotated[
        bool,
        typer.Option(
            "--strict-tag-checksums",
            help="Quarantine sentences whose NMEA tag block has a wrong checksum, instead of "
            "keeping them flagged tag_untrusted without the tag's time.",
        ),
    ] = False,
) -> None:
    """Ingest AIS files and archives into the track store (re-running adds nothing)."""
    if ignore_tag_checksums and strict_tag_checksums:
        raise typer.BadParameter(
            "choose one: --ignore-tag-checksums uses untrusted tag times, "
            "--strict-tag-checksums refuses their sentences",
            param_hint="--strict-tag-checksums",
        )
    from rich.progress import (
        BarColumn,
        DownloadColumn,
        Progress,
        TextColumn,
        TimeRemainingColumn,
        TransferSpeedColumn,
    )

    from portintel.ais.prefixes import BAD_TAG_CHECKSUM
    from portintel.services.maritime.ingest import IngestProgress, ingest_paths

    ws = context_of(ctx).workspace()
    columns = (
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        DownloadColumn(),
        TransferSpeedColumn(),
        TimeRemainingColumn(),
    )
    with Progress(*columns, console=built(console), transient=False) as bar:
        task = bar.add_task("ingest", total=None)

        def on_progress(step: IngestProgress) -> None:
            name = Path(step.path).name
            bar.update(
                task,
                completed=step.bytes_done,
                total=step.bytes_total,
                description=f"{step.file_index}/{step.file_count} {name}",
            )

        def on_lock_wait() -> None:
            bar.console.print(
                "[yellow]another ingest is writing to this track store: waiting for it to finish[/]"
            )

        summary = ingest_paths(
            ws,
            paths,
            format=format,
            column_map=column_map or None,
            time_format=time_format,
            id_column=id_column,
            source=source,
            progress=on_progress,
            verify_tag_checksums=not ignore_tag_checksums,
            strict_tag_checksums=strict_tag_checksums,
            reingest=reingest,
            on_lock_wait=on_lock_wait,
        )
    console.print(_summary_table(summary))
    _print_file_problems(summary)
    bad_tags = summary.quarantined.get(BAD_TAG_CHECKSUM, 0)
    if bad_tags:
        console.print(
            f"[yellow]{bad_tags} sentences had a bad tag-block checksum and are in quarantine "
            "(--strict-tag-checksums).[/] Without it they are kept, flagged tag_untrusted; "
            "if your logger writes grouped tag blocks (g:) without updating their checksum, "
            "--ignore-tag-checksums also uses their times. Nothing is stored twice."
        )
    for path in summary.unrecognised:
        console.print(f"[yellow]not read (not NMEA, CSV or Parquet):[/] {path}")
    if summary.failed:
        raise typer.Exit(code=1)


def _print_file_problems(summary: IngestSummary) -> None:
    from rich.markup import escape

    for problem in summary.failed:
        console.print(f"[red]not read:[/] {escape(problem.reason)}", highlight=False)
        if problem.hint:
            console.print(f"  {problem.hint}", markup=False, highlight=False)
    for problem in summary.damaged:
        console.print(
            f"[yellow]read only in part:[/] {escape(problem.path)}: {escape(problem.reason)} "
            "(the rest is in quarantine)",
            highlight=False,
        )
    for changed in summary.changed_options:
        console.print(
            f"[yellow]skipped, already ingested with other options:[/] {escape(changed.path)}\n"
            f"  then: {escape(changed.recorded)}\n  now:  {escape(changed.now)}\n"
            "  run the same command with --reingest to read it again with the new options "
            "(rows already stored are not added twice)",
            highlight=False,
        )


def _listen_table(summary: ListenSummary) -> Table:
    from rich.table import Table

    table = Table(title=f"listening on {summary.address} (Ctrl-C stops)", show_header=False)
    table.add_column("what")
    table.add_column("count", justify="right")
    for label, value in (
        ("lines received", summary.lines),
        ("flushes", summary.flushes),
        ("messages", summary.messages),
        ("positions stored", summary.positions),
        ("static reports stored", summary.statics),
        ("vessels", summary.vessels),
        ("quarantined", summary.quarantined_total),
    ):
        table.add_row(label, f"{value:,}")
    for reason, count in summary.quarantined.most_common():
        table.add_row(f"  {reason}", f"{count:,}")
    return table


@app.command("listen")
def listen_command(
    ctx: typer.Context,
    udp: Annotated[str | None, typer.Option("--udp", help="Receive UDP on HOST:PORT.")] = None,
    tcp: Annotated[
        str | None, typer.Option("--tcp", help="Connect to a TCP feed at HOST:PORT.")
    ] = None,
    flush_seconds: Annotated[
        float, typer.Option("--flush-seconds", min=0.1, help="Write to the store this often.")
    ] = 2.0,
    source: Annotated[
        str | None, typer.Option("--source", help="Name of the feed (provenance).")
    ] = None,
) -> None:
    """Decode a live feed continuously; Ctrl-C (or SIGTERM) flushes and stops."""
    from rich.live import Live

    from portintel.services.maritime import (
        ListenSummary,
        listen,
        open_feed,
        receive_buffer_note,
    )

    feed = open_feed(udp=udp, tcp=tcp)
    ws = context_of(ctx).workspace()
    if (note := receive_buffer_note(feed)) is not None:
        console.print(note, highlight=False)
    stop = threading.Event()
    # a service manager stops with SIGTERM: flush and exit as cleanly as on Ctrl-C
    previous = signal.signal(signal.SIGTERM, lambda *_: stop.set())
    try:
        with Live(_listen_table(ListenSummary(feed.address)), console=built(console)) as live:
            summary = listen(
                ws,
                feed,
                name=source,
                flush_seconds=flush_seconds,
                stop=stop,
                on_flush=lambda s: live.update(_listen_table(s)),
            )
    finally:
        signal.signal(signal.SIGTERM, previous)
    console.print(f"stopped; {summary.positions:,} positions stored in {summary.flushes} flushes")


@app.command("quarantine")
def quarantine_command(
    ctx: typer.Context,
    reason: Annotated[
        str | None, typer.Option("--reason", help="Only rows whose reason contains this text.")
    ] = None,
    limit: Annotated[int, typer.Option("--limit", min=1, help="Rows to show.")] = 50,
) -> None:
    """List quarantined AIS input: reason, where it came from (file and line), raw text."""
    from rich.table import Table

    from portintel.services.maritime import summarise_quarantine

    summary = summarise_quarantine(context_of(ctx).workspace(), reason=reason, limit=limit)
    totals = Table(title="quarantined by reason")
    totals.add_column("reason")
    totals.add_column("rows", justify="right")
    for why, n in summary.by_reason:
        totals.add_row(why, f"{n:,}")
    console.print(totals)
    table = Table(title=f"first {limit} rows")
    for name in ("reason", "location", "line", "raw"):
        table.add_column(name, overflow="fold")
    for row in summary.rows:
        table.add_row(row.reason, row.location, str(row.line or ""), row.raw)
    console.print(table)


@app.command("vessels")
def vessels_command(
    ctx: typer.Context,
    mmsi: Annotated[str | None, typer.Option("--mmsi", help="Only this MMSI.")] = None,
    limit: Annotated[int, typer.Option("--limit", min=1, help="Vessels to show.")] = 50,
) -> None:
    """List the vessel registry: identities heard on AIS, with first and last seen."""
    from rich.table import Table

    from portintel.services.maritime.registry import list_vessels

    if mmsi is not None and not mmsi.isdigit():
        raise InvalidInput(f"MMSI {mmsi!r} is not a number", field="mmsi")
    ws = context_of(ctx).workspace()
    table = Table(title="vessels heard on AIS")
    for name in ("MMSI", "flag", "name", "call sign", "IMO", "type", "first seen", "last seen"):
        table.add_column(name, overflow="fold")
    for view in list_vessels(ws, cli_actor(), mmsi=mmsi, limit=limit):
        imo = view.values.get("imoNumber", []) + [
            f"{value} (invalid)" for value in view.invalid.get("imoNumber", [])
        ]
        table.add_row(
            view.mmsi,
            ", ".join(view.values.get("flag", [])),
            ", ".join(view.values.get("name", [])),
            ", ".join(view.values.get("callSign", [])),
            ", ".join(imo),
            ", ".join(view.values.get("type", [])),
            f"{view.first_seen:%Y-%m-%d %H:%M}",
            f"{view.last_seen:%Y-%m-%d %H:%M}",
        )
    console.print(table)
