"""CLI: `portintel init` and `portintel user` commands."""

from __future__ import annotations

import typer

app = typer.Typer(no_args_is_help=True, help="Users of the node.")


def init_command(ctx: typer.Context) -> None:
    """Create the data directory, migrate the store and create an administrator."""
    from portintel.cli.context import context_of

    context_of(ctx).workspace()
