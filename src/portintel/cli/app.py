"""The ``portintel`` command: a thin face over the services.

Each command group lives in its own module and is mounted here. Errors from
the services are printed with their hint and give exit status 1; nothing
else is caught.

``portintel --help`` must answer at once, so a command module imports only
Typer, the standard library and light domain modules at its top; the
services, the stores and their libraries (SQLAlchemy, Polars, NumPy, ...) are
imported inside the command that runs. ``tests/cli/test_startup.py`` holds
that line.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from portintel.cli import (
    ais,
    alerts,
    audit,
    charts,
    demo,
    entities,
    jobs,
    judge,
    node,
    partners,
    reports,
    search,
    serve,
    share,
    sync,
    targeting,
    users,
    watchlist,
    xref,
)
from portintel.cli.context import CliContext, run_guarded
from portintel.cli.help_format import command_group

app = command_group(
    "portintel: the intelligence system of a Port Intelligence Unit.",
    name="portintel",
    pretty_exceptions_enable=False,
)


@app.callback()
def _root(
    ctx: typer.Context,
    data_dir: Annotated[
        Path | None,
        typer.Option(
            "--data-dir",
            envvar="PORTINTEL_DATA_DIR",
            help="Data directory of the node (default ./portintel-data).",
        ),
    ] = None,
) -> None:
    """portintel: the intelligence system of a Port Intelligence Unit."""
    ctx.obj = CliContext(data_dir=data_dir)


app.command("init")(users.init_command)
app.add_typer(users.app, name="user")
app.add_typer(reports.app, name="report")
app.add_typer(entities.app, name="entity")
app.command("search")(search.search_command)
app.add_typer(audit.app, name="audit")
app.add_typer(ais.app, name="ais")
app.command("demo")(demo.demo_command)
app.command("serve")(serve.serve_command)
app.command("worker")(jobs.worker_command)
app.add_typer(jobs.app, name="jobs")
app.add_typer(xref.app, name="xref")
app.command("judge")(judge.judge_command)
app.add_typer(node.app, name="node")
app.add_typer(partners.app, name="partner")
app.add_typer(partners.agreements_app, name="agreement")
app.add_typer(share.app, name="share")
app.add_typer(targeting.app, name="targeting")
app.add_typer(watchlist.app, name="watchlist")
app.add_typer(alerts.app, name="alerts")
app.add_typer(charts.app, name="chart")
app.command("sync")(sync.sync_command)


def main() -> None:
    """Entry point of the ``portintel`` script."""
    run_guarded(app)
