"""CLI: ``portintel worker`` runs the job queue; ``portintel jobs list`` shows recent jobs."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

from portintel.cli.context import console, context_of
from portintel.cli.help_format import command_group
from portintel.cli.users import cli_actor
from portintel.errors import InvalidInput

if TYPE_CHECKING:
    from portintel.services.jobs import JobNotice

app = command_group("Background jobs: what ran, what failed.")


def print_notice(notice: JobNotice) -> None:
    """One line per thing the worker did with a job."""
    from rich.markup import escape

    attempt = f"attempt {notice.attempt} of {notice.max_attempts}"
    took = f" in {notice.seconds:.2f}s" if notice.seconds is not None else ""
    line = f"{notice.event:<9} {notice.name} {notice.job_id} ({attempt}){took}"
    if notice.error:
        line += f": {notice.error}"
    console.print(escape(line), highlight=False, soft_wrap=True)


def worker_command(
    ctx: typer.Context,
    threads: Annotated[
        int, typer.Option("--threads", min=1, max=64, help="Jobs run at the same time.")
    ] = 2,
) -> None:
    """Run the job queue's worker until Ctrl-C, printing each job it runs.

    The first Ctrl-C stops taking jobs and lets the running ones finish; a
    second stops at once (a job cut short is retried by the next worker once
    its lease runs out).
    """
    from portintel.services import jobs

    context = context_of(ctx)
    ws = context.workspace()
    worker = jobs.Worker(ws, threads=threads, listener=print_notice, own_signals=True)
    names = ", ".join(worker.job_names) or "none registered"
    where = jobs.queue_label(context.settings)
    console.print(
        f"Worker on queue {context.settings.job_queue_name!r} ({where}),"
        f" {threads} threads; jobs: {names}. Ctrl-C stops.",
        highlight=False,
        soft_wrap=True,
    )
    worker.run()
    console.print("Worker stopped.")


@app.command("list")
def list_command(
    ctx: typer.Context,
    state: Annotated[
        list[str] | None,
        typer.Option("--state", help="Only jobs in this state (queued, running, retrying, ...)."),
    ] = None,
    name: Annotated[str | None, typer.Option("--name", help="Only jobs of this name.")] = None,
    limit: Annotated[int, typer.Option("--limit", min=1, help="How many of the newest.")] = 50,
) -> None:
    """Show the most recently enqueued jobs, newest first."""
    from rich.markup import escape
    from rich.table import Table

    from portintel.services import jobs

    ws = context_of(ctx).workspace()
    try:
        states = [jobs.JobState(value) for value in state or []]
    except ValueError as exc:
        raise InvalidInput(
            f"--state: {exc}",
            field="state",
            hint=f"one of {', '.join(s.value for s in jobs.JobState)}",
        ) from exc
    views = jobs.list_jobs(ws, cli_actor(), limit=limit, states=states, name=name)
    table = Table("enqueued (UTC)", "job", "state", "attempts", "started", "finished", "error")
    for view in views:
        table.add_row(
            f"{view.enqueued_at:%Y-%m-%d %H:%M:%S}",
            escape(f"{view.name} {view.id}"),
            view.state_label,
            f"{view.attempts} of {view.max_attempts}",
            f"{view.started_at:%H:%M:%S}" if view.started_at else "",
            f"{view.finished_at:%H:%M:%S}" if view.finished_at else "",
            escape(view.error or ""),
        )
    console.print(table)
    console.print(f"{len(views)} jobs shown.")
