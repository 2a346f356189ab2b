"""CLI: `portintel demo`: build the training workspace into the data directory and serve it."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

from portintel.cli.context import built, console, context_of

if TYPE_CHECKING:
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
        "[bold]Demo accounts[/] [red](DEMO ONLY: never use these passwords on a real node)[/]:"
    )
    for account in summary.accounts:
        console.print(
            f"  {', '.join(account.roles):<15} {account.username:<16} "
            f"password {account.password}  ({account.agency})",
            soft_wrap=True,
            highlight=False,
        )


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
        _build_and_serve(context.settings, ws, seed, reports, no_serve, host, port)
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
