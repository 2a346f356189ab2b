"""CLI: `portintel ais` commands."""

from __future__ import annotations

import typer

from portintel.cli.ais_decode import decode_command

app = typer.Typer(no_args_is_help=True, help="ais commands.")
app.command("decode")(decode_command)
