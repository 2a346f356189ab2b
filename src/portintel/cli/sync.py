"""CLI: ``portintel sync``: pull from partner nodes and push what goes by push."""

from __future__ import annotations

from typing import Annotated

import typer

from portintel.cli.context import console, context_of
from portintel.cli.reports import AsUser, acting_user


def sync_command(
    ctx: typer.Context,
    as_user: AsUser,
    partner: Annotated[
        str | None,
        typer.Option("--partner", help="Sync with this partner only (default: every partner)."),
    ] = None,
    page_size: Annotated[
        int,
        typer.Option("--page-size", help="Objects asked for per page (1 to 10000)."),
    ] = 500,
    enqueue: Annotated[
        bool,
        typer.Option(
            "--enqueue",
            help="Queue the sync as a job for `portintel worker` instead of running it now.",
        ),
    ] = False,
) -> None:
    """Pull what partner nodes offer this node, verify and import it; push what goes by push.

    Each collection resumes where the last sync stopped; a sync that was
    interrupted can simply be run again (nothing is lost or imported twice).
    Objects with a bad or missing signature are quarantined, never imported.
    """
    from rich.markup import escape

    from portintel.services.jobs import enqueue as enqueue_job
    from portintel.services.sharing.sync import partners_to_sync, sync_partner
    from portintel.services.sharing.sync_jobs import JOB_NAME

    ws = context_of(ctx).workspace()
    actor = acting_user(ws, as_user)
    names = [partner] if partner else partners_to_sync(ws)
    if not names:
        console.print("No partner has a TAXII URL: nothing to sync.")
        return
    if enqueue:
        for name in names:
            job_id = enqueue_job(ws, JOB_NAME, {"partner": name, "user_id": actor.user_id})
            console.print(f"queued sync with {escape(name)} (job {job_id})", highlight=False)
        return
    for name in names:
        result = sync_partner(
            ws,
            actor,
            name,
            page_size=page_size,
            progress=lambda line: console.print(escape(line), highlight=False),
        )
        console.print(
            f"[bold]{escape(result.partner)}[/]: {result.objects:,} objects read, "
            f"{result.imported:,} imported, {result.unchanged:,} already here, "
            f"{result.quarantined:,} quarantined; {result.pushed_packages} packages pushed "
            f"({result.pushed_objects:,} objects)",
            highlight=False,
        )
