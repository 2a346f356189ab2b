"""CLI: `portintel demo`: build the training workspace into the data directory and serve it."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

from portintel.cli.context import built, console, context_of

if TYPE_CHECKING:
    from portintel.services.maritime import IngestProgress
    from portintel.services.training.demo import DemoSummary
    from portintel.services.workspace import Workspace
    from portintel.settings import Settings


def _print_summary(summary: DemoSummary) -> None:
    added = (
        f"{summary.reports_added} new" if summary.reports_added else "already built, nothing added"
    )
    console.print(
        f"[bold]Demo workspace[/] (seed {summary.seed}): {summary.reports} reports ({added}), "
        f"{summary.entities} entities, {summary.statements} statements, "
        f"{summary.incidents} incidents, {summary.sources} sources."
    )
    console.print(
        f"[bold]Collation[/]: {summary.persons_written} person entities written by the reports, "
        f"{summary.persons} after the automatic merges (strong identifiers); "
        f"{summary.candidate_pairs} pairs kept for review or merged. How well: "
        "portintel xref evaluate-demo",
        soft_wrap=True,
        highlight=False,
    )
    console.print(
        "[bold]Demo accounts[/] [red](DEMO ONLY: never use these passwords on a real node)[/]:"
    )
    for account in summary.accounts:
        console.print(
            f"  {', '.join(account.roles):<15} {account.username:<16} "
            f"password {account.password}  ({account.agency})",
            soft_wrap=True,
            highlight=False,
        )


def _build_tracks(ws: Workspace, seed: int, reports: int, vessels: int) -> None:
    from rich.progress import BarColumn, DownloadColumn, Progress, TextColumn, TimeElapsedColumn

    from portintel.services.training.demo_tracks import build_demo_tracks

    with Progress(
        TextColumn("[progress.description]{task.description}"),
        BarColumn(),
        DownloadColumn(),
        TimeElapsedColumn(),
        console=built(console),
        transient=False,
    ) as bar:
        task = bar.add_task("AIS", total=None)

        def step(text: str) -> None:
            bar.update(task, description=text)

        def advance(progress: IngestProgress) -> None:
            bar.update(task, completed=progress.bytes_done, total=progress.bytes_total)

        tracks = build_demo_tracks(
            ws, seed=seed, reports=reports, vessels=vessels, step=step, progress=advance
        )
    events = ", ".join(f"{kind} {count:,}" for kind, count in tracks.by_type.items())
    console.print(
        f"[bold]Maritime picture[/]: {tracks.vessels} vessels, {tracks.positions:,} new "
        f"positions, {tracks.events:,} behaviour events ({events}).",
        soft_wrap=True,
        highlight=False,
    )
    console.print(
        f"The smuggling run: {tracks.boat_name} (MMSI {tracks.boat_mmsi}) goes dark near Koh "
        f"Kong, meets MMSI {tracks.freighter_mmsi} at sea, loiters off a landing beach: "
        "see /map, the vessel page, and the pre-arrival list of Koh Kong "
        "(/prearrival?port=KH-KKG), which it tops on its way back.",
        soft_wrap=True,
        highlight=False,
    )
    raised = _watch_the_boat(ws, tracks.boat_mmsi, tracks.boat_name)
    console.print(
        f"[bold]Alerts[/]: the boat is on the demo analyst's watchlist; {raised} alert(s) "
        "raised for it: see /alerts.",
        soft_wrap=True,
        highlight=False,
    )


def _watch_the_boat(ws: Workspace, mmsi: int, name: str) -> int:
    """Put the smuggling boat on the watchlist once; raise the alerts of its hit and its run."""
    from portintel.cli.reports import acting_user
    from portintel.services.targeting import (
        add_entry,
        list_entries,
        raise_for_hits,
        raise_for_vessel,
        sweep_entries,
    )

    analyst = acting_user(ws, "demo-analyst")
    watched = [
        view
        for view in list_entries(ws, analyst, kind="vessel")
        if ("mmsi", str(mmsi)) in view.entry.identifiers
    ]
    entry = (
        watched[0]
        if watched
        else add_entry(
            ws,
            analyst,
            kind="vessel",
            names=[name],
            identifiers=[("mmsi", str(mmsi))],
            reason="Suspected of carrying migrants from Koh Kong (demo scenario)",
            handling="tlp:AMBER",
        )
    )
    raised = raise_for_hits(ws, sweep_entries(ws, [entry.id]))
    return len(raised) + len(raise_for_vessel(ws, mmsi))


def demo_command(
    ctx: typer.Context,
    seed: Annotated[
        int, typer.Option("--seed", help="Seed of the scenario (same seed, same case).")
    ] = 7,
    reports: Annotated[
        int, typer.Option("--reports", min=1, help="How many reports the scenario holds.")
    ] = 240,
    no_serve: Annotated[
        bool,
        typer.Option("--no-serve", help="Only build the workspace; do not start the web server."),
    ] = False,
    host: Annotated[
        str, typer.Option("--host", help="Address to listen on (127.0.0.1: this machine only).")
    ] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", min=1, max=65535, help="TCP port.")] = 8000,
    ais_vessels: Annotated[
        int,
        typer.Option(
            "--ais-vessels",
            min=0,
            help="Vessels in the two weeks of AIS on the demo's map (0: no AIS).",
        ),
    ] = 180,
) -> None:
    """Build the demo workspace into the data directory and serve it.

    Building is idempotent: run it again and nothing is duplicated. A data
    directory with real users is refused; use a fresh --data-dir. The job
    worker runs inside this process (the queue is SQLite in the data
    directory), so the jobs the build and the pages enqueue are run.
    """
    from portintel.services.jobs import Worker

    context = context_of(ctx)
    ws = context.workspace()
    worker = Worker(ws)
    worker.start()
    try:
        _build_and_serve(context.settings, ws, seed, reports, no_serve, host, port, ais_vessels)
    finally:
        worker.stop()
        ws.close()


def _build_and_serve(
    settings: Settings,
    ws: Workspace,
    seed: int,
    reports: int,
    no_serve: bool,
    host: str,
    port: int,
    ais_vessels: int = 0,
) -> None:
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeElapsedColumn,
    )

    from portintel.services.training.demo import build_demo

    console.print(f"Building the demo into {settings.data_dir} ...")
    with Progress(
        TextColumn("[progress.description]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=built(console),
        transient=False,
    ) as bar:
        task = bar.add_task("reports", total=reports)

        def advance(done: int, total: int) -> None:
            bar.update(task, completed=done, total=total)

        summary = build_demo(ws, seed=seed, reports=reports, progress=advance)
    _print_summary(summary)
    if ais_vessels:
        _build_tracks(ws, seed, reports, ais_vessels)
    if summary.example_vessel:
        console.print(
            f"Try: portintel --data-dir {settings.data_dir} entity show "
            f"{summary.example_vessel} --as demo-analyst",
            soft_wrap=True,
            highlight=False,
        )
    if no_serve:
        console.print(f"Serve it later with: portintel --data-dir {settings.data_dir} serve")
        return
    # a plain-HTTP demo on this machine: cookies cannot be Secure there
    served = settings.model_copy(update={"secure_cookies": False})
    from portintel.web.server import serve

    console.print(f"Serving the demo on http://{host}:{port}/ (Ctrl-C stops)")
    serve(served, host=host, port=port)
