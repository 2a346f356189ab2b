"""CLI: `portintel demo`."""

from __future__ import annotations

import typer


def demo_command(ctx: typer.Context) -> None:
    """Build the demo workspace into the data directory and serve it."""
